#include "grading/work_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

namespace labgrade {
namespace {

namespace fs = std::filesystem;

/// The live work folders of this process. Process-wide on purpose: a signal ends the whole
/// process, and its handler must find every folder, whichever thread made it.
std::mutex registry_mutex;
std::vector<fs::path> registry;

void Register(const fs::path& path) {
  std::lock_guard lock(registry_mutex);
  registry.push_back(path);
}

void Unregister(const fs::path& path) {
  std::lock_guard lock(registry_mutex);
  registry.erase(std::remove(registry.begin(), registry.end(), path), registry.end());
}

}  // namespace

std::variant<WorkFolder, std::string> WorkFolder::Create(const fs::path& parent) {
  std::string pattern = (parent / fmt::format("{}XXXXXX", kWorkFolderPrefix)).string();
  if (::mkdtemp(pattern.data()) == nullptr)
    return fmt::format("cannot create a work folder under {}: {}", parent.string(),
                       std::strerror(errno));
  const fs::path path = pattern;
  // Locked under a temporary name first: a run cleaning up never sees it unlocked.
  const fs::path unnamed = path / ".labgrade.lock.new";
  UniqueFd lock(::open(unnamed.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!lock.valid() || ::flock(lock.get(), LOCK_EX) != 0 ||
      ::rename(unnamed.c_str(), (path / kWorkFolderLock).c_str()) != 0) {
    std::string error =
        fmt::format("cannot lock the work folder {}: {}", path.string(), std::strerror(errno));
    std::error_code ignored;
    fs::remove_all(path, ignored);
    return error;
  }
  return WorkFolder(path, std::move(lock));
}

WorkFolder::WorkFolder(fs::path path, UniqueFd lock)
    : path_(std::move(path)), lock_(std::move(lock)) {
  Register(path_);
}

WorkFolder::WorkFolder(WorkFolder&& other) noexcept
    : path_(std::move(other.path_)), lock_(std::move(other.lock_)), keep_(other.keep_) {
  other.path_.clear();
}

WorkFolder::~WorkFolder() {
  if (path_.empty()) return;
  Unregister(path_);
  if (keep_) return;
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

void WorkFolder::Keep() {
  keep_ = true;
  ::unlink((path_ / kWorkFolderLock).c_str());
  Unregister(path_);
}

std::vector<fs::path> RemoveStaleWorkFolders(const fs::path& parent) {
  std::vector<fs::path> removed;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const fs::path path = entry.path();
    if (path.filename().string().rfind(kWorkFolderPrefix, 0) != 0) continue;
    // Only real folders of this user: /var/tmp is everyone's, and a link there may lead anywhere.
    struct stat status {};
    if (::lstat(path.c_str(), &status) != 0 || !S_ISDIR(status.st_mode) ||
        status.st_uid != ::geteuid())
      continue;
    UniqueFd lock(::open((path / kWorkFolderLock).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!lock.valid() || ::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) continue;
    std::error_code ignored;
    fs::remove_all(path, ignored);
    if (!fs::exists(fs::symlink_status(path, ignored))) removed.push_back(path);
  }
  return removed;
}

std::vector<fs::path> RegisteredWorkFolders() {
  std::lock_guard lock(registry_mutex);
  return registry;
}

}  // namespace labgrade
