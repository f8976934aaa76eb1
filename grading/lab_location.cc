#include "grading/lab_location.h"

#include <algorithm>

#include <fmt/format.h>

namespace labgrade {

namespace fs = std::filesystem;

fs::path ShippedLabsDir(const fs::path& own_executable) {
  const fs::path bin = own_executable.parent_path();
  const fs::path installed = bin.parent_path() / "share" / "labgrade" / "labs";
  std::error_code ec;
  if (fs::is_directory(installed, ec)) return installed;
  return bin / "share" / "labgrade" / "labs";
}

std::vector<std::string> ShippedLabNames(const fs::path& shipped_labs_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(shipped_labs_dir, ec)) {
    if (fs::is_regular_file(entry.path() / "lab.yaml", ec))
      names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::variant<LabLocation, std::string> LabLocation::Find(const std::string& given,
                                                         const fs::path& shipped_labs_dir) {
  LabLocation location;
  location.spec_path_ = given;
  std::error_code ec;
  const fs::path path = given;
  if (fs::is_regular_file(path, ec) && path.extension() != ".yaml" && path.extension() != ".yml") {
    auto folder = TemporaryFolder::Make("labgrade-lab-");
    if (auto* error = std::get_if<std::string>(&folder)) return *error;
    location.extracted_ = std::move(std::get<TemporaryFolder>(folder));
    auto extracted = ExtractLabBundle(path, location.extracted_->path());
    if (auto* error = std::get_if<std::string>(&extracted)) return *error;
    location.spec_path_ = std::get<fs::path>(extracted);
  } else if (!fs::exists(path, ec) && given.find('/') == std::string::npos && !given.empty()) {
    const fs::path shipped = shipped_labs_dir / given;
    if (!fs::is_directory(shipped, ec)) {
      const std::vector<std::string> names = ShippedLabNames(shipped_labs_dir);
      return fmt::format(
          "{}: no lab folder, lab.yaml or bundle file of that name here, and no lab of that "
          "name is shipped with labgrade (shipped in {}: {})",
          given, shipped_labs_dir.string(),
          names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", ")));
    }
    location.spec_path_ = shipped;
  }
  location.lab_dir_ = fs::is_directory(location.spec_path_, ec) ? location.spec_path_
                                                                : location.spec_path_.parent_path();
  if (location.lab_dir_.empty()) location.lab_dir_ = ".";
  auto manifest = ReadBundleManifest(location.lab_dir_);
  if (auto* error = std::get_if<std::string>(&manifest)) return *error;
  location.bundle_ = std::get<std::optional<BundleManifest>>(std::move(manifest));
  return location;
}

std::optional<fs::path> LabLocation::BundledOverlay() const {
  if (!bundle_ || bundle_->overlay.empty()) return std::nullopt;
  return lab_dir_ / bundle_->overlay;
}

}  // namespace labgrade
