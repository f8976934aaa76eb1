// The build cache (see build_cache.h). Every file is opened with O_NOFOLLOW: a build folder is
// written by the sandbox's build user, and a symbolic link it planted must be kept as a link,
// never read through with the grader's rights.
#include "harness/build/build_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "harness/build/sha256.h"
#include "harness/process/program_run.h"
#include "harness/process/unique_fd.h"
#include "harness/spec/placeholders.h"
#include "harness/spec/provided_paths.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

// Part of every key and manifest: a change to what an entry holds or how builds run (the
// environment in submission_build.cc) must not reuse entries written before it.
constexpr std::string_view kFormat = "labgrade-build-cache 1";
constexpr std::size_t kChunkBytes = 64 * 1024;

std::string SystemError(std::string_view call, const fs::path& path) {
  return fmt::format("{}({}): {}", call, path.string(), std::strerror(errno));
}

/// Appends `bytes` with its tag and length, so that no two different inputs hash alike by
/// running together.
void HashField(Sha256& hash, std::string_view tag, std::string_view bytes) {
  hash.Update(fmt::format("{} {}\n", tag, bytes.size()));
  hash.Update(bytes);
  hash.Update("\n");
}

std::string HexOfBytes(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : bytes) {
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 0xf]);
  }
  return hex;
}

std::optional<std::string> BytesOfHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = digit(hex[i]);
    const int low = digit(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes.push_back(static_cast<char>(high * 16 + low));
  }
  return bytes;
}

/// Whether `path` names something inside a folder: relative, no "..", not empty.
bool StaysInside(const fs::path& path) {
  if (path.empty() || path.is_absolute()) return false;
  return std::none_of(path.begin(), path.end(), [](const fs::path& part) {
    return part == ".." || part == "." || part.empty();
  });
}

/// Reads a whole file, following symbolic links (as the build's own copy does).
std::optional<std::string> ReadFollowing(const fs::path& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = fmt::format("cannot read {}: {}", path.string(), std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();  // an empty file sets failbit on `bytes` only
  return bytes.str();
}

/// Hashes the tree at `dir` as a build copies it (links followed; .git and, at the top,
/// `left_out` left out), in a fixed order, since listings come in any order: each folder's and
/// file's relative path, each file's permission bits and bytes. False, with `error` set, when
/// it cannot be read.
bool HashTree(Sha256& hash, const fs::path& dir, const fs::path& left_out, std::string* error) {
  std::vector<std::pair<std::string, bool>> entries;  // relative path, is a folder
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path relative = it->path().lexically_relative(dir);
    if (relative.filename() == ".git" || relative == left_out) {
      it.disable_recursion_pending();
      continue;
    }
    // A link to nothing is neither, here as in the copy; it is no reason to stop.
    std::error_code type_error;
    if (it->is_directory(type_error)) {
      entries.emplace_back(relative.string(), true);
    } else if (it->is_regular_file(type_error)) {
      entries.emplace_back(relative.string(), false);
    }
  }
  if (ec) {
    *error = fmt::format("cannot list {}: {}", dir.string(), ec.message());
    return false;
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& [relative, is_folder] : entries) {
    if (is_folder) {
      HashField(hash, "folder", relative);
      continue;
    }
    const fs::path path = dir / relative;
    std::optional<std::string> bytes = ReadFollowing(path, error);
    if (!bytes) return false;
    const auto mode = static_cast<unsigned>(fs::status(path, ec).permissions() & fs::perms::all);
    HashField(hash, "file", relative);
    HashField(hash, "mode", fmt::format("{:o}", mode));
    HashField(hash, "bytes", *bytes);
  }
  return true;
}

/// What a copy carried: its size and SHA-256.
struct Copied {
  std::int64_t size = 0;
  std::string sha256;
};

/// Copies the regular file `from` (never through a link) to the new file `to` with permission
/// bits `mode`, hashing what passes.
std::variant<Copied, std::string> CopyHashing(const fs::path& from, const fs::path& to,
                                              unsigned mode) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!in.valid()) return SystemError("open", from);
  struct stat status {};
  if (::fstat(in.get(), &status) != 0) return SystemError("fstat", from);
  if (!S_ISREG(status.st_mode)) return fmt::format("{} is not a regular file", from.string());
  UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out.valid()) return SystemError("open", to);
  Sha256 hash;
  Copied copied;
  std::vector<char> buffer(kChunkBytes);
  for (;;) {
    const ssize_t got = ::read(in.get(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return SystemError("read", from);
    if (got == 0) break;
    hash.Update(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
    copied.size += got;
    for (ssize_t written = 0; written < got;) {
      const ssize_t put =
          ::write(out.get(), buffer.data() + written, static_cast<std::size_t>(got - written));
      if (put < 0 && errno == EINTR) continue;
      if (put < 0) return SystemError("write", to);
      written += put;
    }
  }
  if (::fchmod(out.get(), mode) != 0) return SystemError("fchmod", to);
  copied.sha256 = HexOf(hash.Finish());
  return copied;
}

std::optional<std::string> WriteNewFile(const fs::path& path, std::string_view bytes) {
  UniqueFd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out.valid()) return SystemError("open", path);
  while (!bytes.empty()) {
    const ssize_t put = ::write(out.get(), bytes.data(), bytes.size());
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) return SystemError("write", path);
    bytes.remove_prefix(static_cast<std::size_t>(put));
  }
  return std::nullopt;
}

/// One line of a manifest. Paths and link targets are stored in hex: they are the build's
/// bytes, not necessarily text.
struct ManifestItem {
  enum class Kind { kDir, kFile, kSymlink } kind = Kind::kFile;
  fs::path path;  ///< relative to the build folder
  unsigned mode = 0;
  std::int64_t size = 0;
  std::string sha256;
  fs::path target;  ///< kSymlink
};

/// A parsed manifest.txt:
///   labgrade-build-cache 1
///   ok 0|1
///   command <size> <sha256>
///   log <size> <sha256>
///   dir <mode> <hex path> | file <mode> <size> <sha256> <hex path> | symlink <hex path> <hex
///   target> end
struct Manifest {
  bool ok = false;
  Copied command;
  Copied log;
  std::vector<ManifestItem> items;
};

std::string ManifestText(const Manifest& manifest) {
  std::string text = fmt::format("{}\nok {}\ncommand {} {}\nlog {} {}\n", kFormat,
                                 manifest.ok ? 1 : 0, manifest.command.size,
                                 manifest.command.sha256, manifest.log.size, manifest.log.sha256);
  for (const ManifestItem& item : manifest.items) {
    const std::string path = HexOfBytes(item.path.native());
    switch (item.kind) {
      case ManifestItem::Kind::kDir:
        text += fmt::format("dir {:o} {}\n", item.mode, path);
        break;
      case ManifestItem::Kind::kFile:
        text += fmt::format("file {:o} {} {} {}\n", item.mode, item.size, item.sha256, path);
        break;
      case ManifestItem::Kind::kSymlink:
        text += fmt::format("symlink {} {}\n", path, HexOfBytes(item.target.native()));
        break;
    }
  }
  return text + "end\n";
}

bool ReadPathField(std::istream& in, fs::path& path) {
  std::string hex;
  if (!(in >> hex)) return false;
  std::optional<std::string> bytes = BytesOfHex(hex);
  if (!bytes) return false;
  path = *bytes;
  return true;
}

std::optional<ManifestItem> ParseManifestItem(const std::string& kind, std::istream& in) {
  ManifestItem item;
  bool read = false;
  if (kind == "dir") {
    item.kind = ManifestItem::Kind::kDir;
    read =
        static_cast<bool>(in >> std::oct >> item.mode >> std::dec) && ReadPathField(in, item.path);
  } else if (kind == "file") {
    item.kind = ManifestItem::Kind::kFile;
    read = static_cast<bool>(in >> std::oct >> item.mode >> std::dec >> item.size >> item.sha256) &&
           ReadPathField(in, item.path);
  } else if (kind == "symlink") {
    item.kind = ManifestItem::Kind::kSymlink;
    read = ReadPathField(in, item.path) && ReadPathField(in, item.target);
  }
  if (!read || !StaysInside(item.path) || item.mode > 0777) return std::nullopt;
  return item;
}

std::optional<Manifest> ParseManifest(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  if (!std::getline(lines, line) || line != kFormat) return std::nullopt;
  Manifest manifest;
  int ok = -1;
  std::string word;
  if (!std::getline(lines, line) || !(std::istringstream(line) >> word >> ok) || word != "ok" ||
      (ok != 0 && ok != 1))
    return std::nullopt;
  manifest.ok = ok == 1;
  for (Copied* field : {&manifest.command, &manifest.log}) {
    if (!std::getline(lines, line)) return std::nullopt;
    std::istringstream in(line);
    if (!(in >> word >> field->size >> field->sha256)) return std::nullopt;
  }
  while (std::getline(lines, line)) {
    if (line == "end") return manifest;
    std::istringstream in(line);
    if (!(in >> word)) return std::nullopt;
    std::optional<ManifestItem> item = ParseManifestItem(word, in);
    if (!item) return std::nullopt;
    manifest.items.push_back(std::move(*item));
  }
  return std::nullopt;  // no "end": cut short
}

/// Reads a file of the entry and checks it against the manifest's size and hash.
std::optional<std::string> ReadVerified(const fs::path& path, const Copied& expected) {
  std::string error;
  std::optional<std::string> bytes = ReadFollowing(path, &error);
  if (!bytes || static_cast<std::int64_t>(bytes->size()) != expected.size ||
      Sha256Hex(*bytes) != expected.sha256)
    return std::nullopt;
  return bytes;
}

/// Recreates the entry's build folder at `build_dir` (already made, empty); nullopt when the
/// entry is not whole.
std::optional<BuildResult> RestoreEntry(const fs::path& entry, const fs::path& build_dir) {
  std::string error;
  std::optional<std::string> manifest_text = ReadFollowing(entry / "manifest.txt", &error);
  if (!manifest_text) return std::nullopt;
  std::optional<Manifest> manifest = ParseManifest(*manifest_text);
  if (!manifest) return std::nullopt;
  BuildResult result;
  result.ok = manifest->ok;
  std::optional<std::string> command = ReadVerified(entry / "command", manifest->command);
  std::optional<std::string> log = ReadVerified(entry / "build.log", manifest->log);
  if (!command || !log) return std::nullopt;
  result.command = std::move(*command);
  result.log = std::move(*log);

  std::error_code ec;
  std::vector<const ManifestItem*> dirs;
  for (const ManifestItem& item : manifest->items) {
    const fs::path to = build_dir / item.path;
    switch (item.kind) {
      case ManifestItem::Kind::kDir:
        fs::create_directory(to, ec);
        dirs.push_back(&item);
        break;
      case ManifestItem::Kind::kSymlink:
        fs::create_symlink(item.target, to, ec);
        break;
      case ManifestItem::Kind::kFile: {
        auto copied = CopyHashing(entry / "files" / item.path, to, item.mode);
        const auto* done = std::get_if<Copied>(&copied);
        if (done == nullptr || done->size != item.size || done->sha256 != item.sha256)
          return std::nullopt;
        break;
      }
    }
    if (ec) return std::nullopt;
  }
  // Folder modes last, deepest first: a folder without write permission would refuse its files.
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    fs::permissions(build_dir / (*it)->path, static_cast<fs::perms>((*it)->mode), ec);
    if (ec) return std::nullopt;
  }
  return result;
}

/// Takes an entry out of the way: renamed first (atomic) so that no reader starts on a folder
/// that is half removed, then removed.
void Discard(const fs::path& cache_dir, const fs::path& entry) {
  std::string pattern = (cache_dir / ".discarded-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return;
  std::error_code ec;
  // Onto the empty folder just made: rename(2) replaces an empty folder.
  if (::rename(entry.c_str(), pattern.c_str()) != 0) {
    fs::remove(pattern, ec);
    return;
  }
  fs::remove_all(pattern, ec);
}

/// Copies the build folder into `files` and lists it in `manifest`; the error, or nullopt.
std::optional<std::string> CopyBuildFolder(const fs::path& build_dir, const fs::path& files,
                                           Manifest& manifest) {
  std::error_code ec;
  if (!fs::create_directory(files, ec)) return fmt::format("cannot create {}", files.string());
  for (auto it = fs::recursive_directory_iterator(build_dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    ManifestItem item;
    item.path = it->path().lexically_relative(build_dir);
    const fs::file_status status = it->symlink_status(ec);
    if (ec) break;
    // Set-id bits stay behind: the cache hands files out, it does not grant rights.
    item.mode = static_cast<unsigned>(status.permissions() & fs::perms::all);
    if (fs::is_symlink(status)) {
      item.kind = ManifestItem::Kind::kSymlink;
      item.target = fs::read_symlink(it->path(), ec);
    } else if (fs::is_directory(status)) {
      item.kind = ManifestItem::Kind::kDir;
      fs::create_directory(files / item.path, ec);
    } else if (fs::is_regular_file(status)) {
      item.kind = ManifestItem::Kind::kFile;
      auto copied = CopyHashing(it->path(), files / item.path, item.mode | 0600);
      if (auto* error = std::get_if<std::string>(&copied)) return *error;
      item.size = std::get<Copied>(copied).size;
      item.sha256 = std::get<Copied>(copied).sha256;
    } else {
      continue;  // sockets and FIFOs are nothing a test runs
    }
    if (ec) break;
    manifest.items.push_back(std::move(item));
  }
  if (ec) return fmt::format("cannot copy {}: {}", build_dir.string(), ec.message());
  return std::nullopt;
}

}  // namespace

std::variant<BuildCache, std::string> BuildCache::Open(const fs::path& dir, std::string toolchain) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fmt::format("cannot create the build cache {}: {}", dir.string(), ec.message());
  struct stat status {};
  if (::lstat(dir.c_str(), &status) != 0) return SystemError("lstat", dir);
  if (!S_ISDIR(status.st_mode))
    return fmt::format("the build cache {} is not a folder", dir.string());
  // Somebody else's folder could hold builds made to look like a student's.
  if (status.st_uid != ::geteuid())
    return fmt::format("the build cache {} belongs to uid {}, not to the grader (uid {})",
                       dir.string(), status.st_uid, ::geteuid());
  if (::chmod(dir.c_str(), 0700) != 0) return SystemError("chmod", dir);
  return BuildCache(fs::absolute(dir).lexically_normal(), std::move(toolchain));
}

std::optional<std::string> BuildCache::KeyFor(const LabSpec& lab, const fs::path& source_dir,
                                              std::string* error) const {
  Sha256 hash;
  HashField(hash, "format", kFormat);
  HashField(hash, "toolchain", toolchain_);
  HashField(hash, "build_timeout_ms", std::to_string(lab.build_timeout_ms));
  for (const std::string& command : lab.build_commands) HashField(hash, "command", command);
  for (const std::string& provided : lab.provided_files) {
    std::optional<std::string> bytes = ReadFollowing(lab.lab_dir / provided, error);
    if (!bytes) return std::nullopt;
    HashField(hash, "provided", ProvidedName(provided));
    HashField(hash, "provided bytes", *bytes);
  }
  for (const std::string& provided : lab.provided_folders) {
    HashField(hash, "provided folder", ProvidedName(provided));
    if (!HashTree(hash, lab.lab_dir / provided, {}, error)) return std::nullopt;
  }
  // A command naming the lab folder may read any of its files; lab.yaml, which holds the tests
  // and not what the build reads, is left out, so that changing a test rebuilds nothing.
  if (AnyNamesLabFolder(lab.build_commands)) {
    HashField(hash, "lab folder", "");
    if (!HashTree(hash, lab.lab_dir, "lab.yaml", error)) return std::nullopt;
  }
  // Everything the build copies from the submission (see CopySubmission in
  // submission_build.cc).
  HashField(hash, "submission", "");
  if (!HashTree(hash, source_dir, {}, error)) return std::nullopt;
  return HexOf(hash.Finish());
}

std::optional<BuildResult> BuildCache::Restore(std::string_view key,
                                               const fs::path& build_dir) const {
  const fs::path entry = dir_ / std::string(key);
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(entry, ec))) return std::nullopt;
  // A build folder that cannot be made says nothing about the entry: keep it.
  if (!fs::create_directory(build_dir, ec) || ec) return std::nullopt;
  std::optional<BuildResult> result = RestoreEntry(entry, build_dir);
  if (!result) {
    fs::remove_all(build_dir, ec);
    Discard(dir_, entry);
    return std::nullopt;
  }
  result->from_cache = true;
  return result;
}

std::optional<std::string> BuildCache::Store(std::string_view key, const fs::path& build_dir,
                                             const BuildResult& result) const {
  const fs::path entry = dir_ / std::string(key);
  std::error_code ec;
  if (fs::exists(fs::symlink_status(entry, ec))) return std::nullopt;
  std::string pattern = (dir_ / ".incoming-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return SystemError("mkdtemp", pattern);
  const fs::path incoming = pattern;
  Manifest manifest;
  manifest.ok = result.ok;
  manifest.command = {static_cast<std::int64_t>(result.command.size()), Sha256Hex(result.command)};
  manifest.log = {static_cast<std::int64_t>(result.log.size()), Sha256Hex(result.log)};
  std::optional<std::string> error = CopyBuildFolder(build_dir, incoming / "files", manifest);
  if (!error) error = WriteNewFile(incoming / "command", result.command);
  if (!error) error = WriteNewFile(incoming / "build.log", result.log);
  // The manifest last: an entry is whole exactly when its manifest is there and ends in "end".
  if (!error) error = WriteNewFile(incoming / "manifest.txt", ManifestText(manifest));
  if (!error && ::rename(incoming.c_str(), entry.c_str()) != 0) {
    // Another grader stored the same build first: its entry is as good as ours.
    if (errno != EEXIST && errno != ENOTEMPTY) error = SystemError("rename", entry);
  }
  fs::remove_all(incoming, ec);  // nothing left when the rename succeeded
  return error;
}

std::string ToolchainIdentity() {
  LaunchSpec spec;
  spec.executable = "/bin/sh";
  spec.args = {"-c",
               "for tool in cc gcc clang make; do"
               " where=$(command -v \"$tool\") && echo \"$where\" && \"$tool\" --version;"
               " done 2>&1"};
  spec.working_dir = "/";
  spec.environment = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C"};
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{10'000, 1 << 20, 1'000});
  if (std::holds_alternative<LaunchError>(started)) return "";
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  run->WaitUntilFinished(Clock::time_point::max());
  return run->end().out.bytes;
}

}  // namespace labgrade
