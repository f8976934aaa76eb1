// Control groups: the kernel's own accounting of what a program uses. RLIMIT_AS bounds a
// process's address space, but System V segments, files in a tmpfs (/tmp, /dev/shm, the test
// folder) and memfds outlive the process that filled them and are counted nowhere else; a
// memory cgroup charges their pages to the program that touched them and kills it at its limit.
// A pids cgroup bounds the processes a program may fork, whatever their uid.
//
// labgrade makes one cgroup per program it starts (under `labgrade-<pid>` in its own cgroup),
// with memory.max at the lab's memory_mib and pids.max at its processes, the child joins it
// between fork and exec, and afterwards the cgroup says whether the memory limit killed it.
// cgroup v2 is used where its memory and pids controllers are there; otherwise cgroup v1's
// memory and pids hierarchies (a machine with both keeps its memory controller in v1). As an
// ordinary user, only a subtree delegated to that user (systemd's Delegate=yes) can be used.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/process/unique_fd.h"

namespace labgrade {

/// One line of /proc/PID/cgroup: "4:memory:/process_api/x" or "0::/user.slice".
struct CgroupMembership {
  std::string controllers;  ///< "memory", "pids", "name=systemd"; empty for v2
  std::string path;         ///< within the hierarchy, as the process's cgroup namespace sees it
};

/// A cgroup file system mount from /proc/PID/mountinfo.
struct CgroupMount {
  std::filesystem::path mount_point;
  std::string root;     ///< the hierarchy path mounted there ("/" usually)
  bool v2 = false;      ///< cgroup2
  std::string options;  ///< v1 super options: "rw,memory"
};

std::vector<CgroupMembership> ParseProcCgroup(std::string_view text);
std::vector<CgroupMount> ParseCgroupMounts(std::string_view mountinfo);

/// Where a process's cgroup for `controller` ("memory"; empty for v2) is in the file system:
/// the mount of that hierarchy joined with the membership path; nullopt when none is mounted.
std::optional<std::filesystem::path> CgroupFolder(const std::vector<CgroupMembership>& members,
                                                  const std::vector<CgroupMount>& mounts,
                                                  std::string_view controller);

class ProgramCgroup;

/// labgrade's own subtree, `labgrade-<pid>`, made once per run under the grader's cgroup.
class CgroupTree {
 public:
  /// Finds a usable hierarchy and makes the subtree, or says why there is none (no memory
  /// controller, no permission, ...), worded for the report's isolation line.
  static std::variant<std::unique_ptr<CgroupTree>, std::string> Create();

  CgroupTree(const CgroupTree&) = delete;
  CgroupTree& operator=(const CgroupTree&) = delete;
  /// Removes what it made (its programs' cgroups are gone by then).
  ~CgroupTree();

  /// "cgroup v2" or "cgroup v1 (memory, pids)".
  std::string Describe() const;

  /// A cgroup for one program, with its limits set. The name only needs to be readable: each
  /// gets a unique suffix.
  std::variant<std::unique_ptr<ProgramCgroup>, std::string> ForProgram(std::string_view name,
                                                                       int memory_mib,
                                                                       int processes);

  /// Removes `labgrade-<pid>` subtrees left beside this one by runs that were killed.
  void RemoveStaleSiblings() const;

 private:
  CgroupTree() = default;

  bool v2_ = false;
  std::filesystem::path memory_root_;  ///< v2: the one subtree; v1: under the memory hierarchy
  std::filesystem::path pids_root_;    ///< v1 only
  std::atomic<int> next_{0};
};

/// A program's cgroup: its join descriptors for the child, then what happened in it.
class ProgramCgroup {
 public:
  ProgramCgroup(const ProgramCgroup&) = delete;
  ProgramCgroup& operator=(const ProgramCgroup&) = delete;
  /// Kills whatever is still in it and removes it.
  ~ProgramCgroup();

  /// The cgroup.procs descriptors the child writes "0" to (ChildSandbox::join_cgroup_fds).
  std::vector<int> join_fds() const;
  int memory_mib() const { return memory_mib_; }
  /// Whether the memory limit killed one of its processes (an OOM kill inside the cgroup).
  bool MemoryLimitKilled() const;
  /// Whether a fork failed at the process limit.
  bool ProcessLimitReached() const;

 private:
  friend class CgroupTree;
  ProgramCgroup() = default;

  bool v2_ = false;
  std::vector<std::filesystem::path> folders_;  ///< v2: one; v1: memory, then pids
  std::vector<UniqueFd> procs_;                 ///< cgroup.procs of each, open for writing
  int memory_mib_ = 0;
};

}  // namespace labgrade
