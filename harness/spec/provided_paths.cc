// Reading the lab's provided files and folders: see provided_paths.h.
#include "harness/spec/provided_paths.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "harness/path_within.h"
#include "harness/spec/value_readers.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

/// `path` normalised, without a trailing '/' ("lib/unplib/" → "lib/unplib").
fs::path Normal(std::string_view path) {
  fs::path normal = fs::path(path).lexically_normal();
  if (normal.has_relative_path() && normal.filename().empty()) normal = normal.parent_path();
  return normal;
}

/// The first link under `folder` (canonical) that leads out of it, relative to the lab folder,
/// with where it leads; std::nullopt for none. A link to nothing is left out by the copy.
std::optional<std::pair<fs::path, fs::path>> LinkLeadingOut(const fs::path& folder,
                                                            const fs::path& lab_dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code link_error;
    if (!it->is_symlink(link_error)) continue;
    const fs::path target = fs::canonical(it->path(), link_error);
    if (link_error) continue;
    if (!IsAtOrBelow(target, folder))
      return std::pair{it->path().lexically_relative(lab_dir), fs::read_symlink(it->path(), ec)};
  }
  return std::nullopt;
}

/// One element of `provided:`: a folder into spec.provided_folders (normalised, without a
/// trailing '/'), anything else read as a lab file into spec.provided_files. The path it was
/// stored as, or std::nullopt after a problem.
std::optional<std::string> ReadOne(const SpecNode& node, LabSpec& spec) {
  const std::optional<std::string> text = node.AsString();
  if (!text) return std::nullopt;
  const fs::path path = Normal(*text);
  if (!StaysInside(path) || path == ".") {
    node.Error(fmt::format("'{}' must be a path inside the lab folder (no absolute paths, no '..')",
                           *text));
    return std::nullopt;
  }
  std::error_code ec;
  if (!fs::is_directory(spec.lab_dir / path, ec) && !fs::is_regular_file(spec.lab_dir / path, ec)) {
    node.Error(fmt::format("'{}' is not a file or a folder in the lab folder", *text));
    return std::nullopt;
  }
  if (!fs::is_directory(spec.lab_dir / path, ec)) {
    // A file, as provided files always were.
    std::optional<std::string> file = ReadLabFile(node, spec.lab_dir);
    if (file) spec.provided_files.push_back(*file);
    return file;
  }
  const fs::path lab = fs::canonical(spec.lab_dir, ec);
  const fs::path folder = fs::canonical(spec.lab_dir / path, ec);
  if (ec || !IsAtOrBelow(folder, lab)) {
    node.Error(fmt::format(
        "'{}' leads out of the lab folder (a link to {}): provide a folder of the lab's own", *text,
        folder.string()));
    return std::nullopt;
  }
  if (const auto link = LinkLeadingOut(folder, lab)) {
    node.Error(fmt::format(
        "'{}' holds a link that leads out of it, '{}' (to {}): the folder is copied as it is, "
        "so put the file itself there",
        *text, link->first.string(), link->second.string()));
    return std::nullopt;
  }
  spec.provided_folders.push_back(path.string());
  return path.string();
}

}  // namespace

std::string ProvidedName(std::string_view path) { return Normal(path).filename().string(); }

void ReadProvided(const SpecNode& node, LabSpec& spec) {
  const std::optional<std::vector<SpecNode>> paths = node.AsList();
  if (!paths) return;
  std::map<std::string, std::string> landed;  // name in the build folder → the path given
  for (const SpecNode& element : *paths) {
    const std::optional<std::string> path = ReadOne(element, spec);
    if (!path) continue;
    const auto [earlier, added] = landed.emplace(ProvidedName(*path), *path);
    if (added) continue;
    element.Error(fmt::format(
        "'{}' would land in the build folder as '{}', as '{}' does: give each provided file "
        "or folder a name of its own",
        *path, earlier->first, earlier->second));
  }
}

}  // namespace labgrade
