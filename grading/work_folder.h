// The grader's work folders under /var/tmp (builds, cells' mount points, kept test folders),
// and how they go away however a run ends: removed when their owner is done, removed by the
// interruption handler on SIGINT, SIGTERM or SIGHUP (grading/interruption.h), and, after a
// SIGKILL, recognised and removed by the next run.
//
// Each folder holds a lock file, `.labgrade.lock`, flock(2)ed by the process that made it for as
// long as it lives: the kernel releases the lock when that process dies, so a folder whose lock
// can be taken belongs to no live run. The lock file is locked before it gets its name (rename),
// so no other run ever sees it unlocked while its owner lives.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/process/unique_fd.h"

namespace labgrade {

/// Where work folders go: never /tmp or /dev/shm, which every cell replaces with its own.
inline const std::filesystem::path kWorkFolderParent = "/var/tmp";
inline constexpr std::string_view kWorkFolderPrefix = "labgrade-";
inline constexpr std::string_view kWorkFolderLock = ".labgrade.lock";

class WorkFolder {
 public:
  /// Makes `<parent>/labgrade-XXXXXX` (mode 0700) with its lock held, and registers it with the
  /// interruption handler. The reason when it cannot.
  static std::variant<WorkFolder, std::string> Create(
      const std::filesystem::path& parent = kWorkFolderParent);

  WorkFolder(WorkFolder&& other) noexcept;
  WorkFolder& operator=(WorkFolder&&) = delete;
  WorkFolder(const WorkFolder&) = delete;
  /// Removes the folder, unless Keep() was called.
  ~WorkFolder();

  const std::filesystem::path& path() const { return path_; }
  /// Leaves the folder in place (--keep-work-dir): its lock file goes, so that a later run
  /// does not take it for a killed run's, and an interruption leaves it too.
  void Keep();

 private:
  WorkFolder(std::filesystem::path path, UniqueFd lock);
  std::filesystem::path path_;
  UniqueFd lock_;
  bool keep_ = false;
};

/// Removes the work folders in `parent` that this user owns and no live process holds the lock
/// of (left by a run that was killed). Returns the folders removed.
std::vector<std::filesystem::path> RemoveStaleWorkFolders(
    const std::filesystem::path& parent = kWorkFolderParent);

/// The folders registered by live WorkFolders of this process, for the interruption handler.
std::vector<std::filesystem::path> RegisteredWorkFolders();

}  // namespace labgrade
