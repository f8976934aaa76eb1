// Starting one program: fork and exec, with the sandbox applied in the child between the two.
// Everything after the start (pipes, waiting, killing) works on the pid and pidfd it returns.
//
// The child runs on the calling thread's namespaces: a thread that has entered a cell
// (see cell.h) starts programs inside it.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "harness/process/unique_fd.h"
#include "harness/sandbox/cell_filesystem.h"
#include "harness/sandbox/landlock.h"
#include "harness/sandbox/seccomp_filter.h"
#include "harness/spec/lab_spec.h"

namespace labgrade {

/// What the child does to itself after fork and before exec. Every step that fails makes the
/// child _exit(127) and report the call by name: it never execs half-sandboxed.
struct ChildSandbox {
  /// The child is born in this PID namespace (a cell's), or -1 for the caller's. The calling
  /// thread switches its PID namespace for children just around the fork: a thread in that
  /// state cannot create threads (clone(CLONE_THREAD) fails with EINVAL).
  int pid_namespace_fd = -1;
  /// setns() into this mount namespace (a cell's), or -1 to stay.
  int join_mount_namespace_fd = -1;
  /// The cell's root folder (Cell::root_fd): after joining its mount namespace the child
  /// chroots there, which holds even where the cell could not pivot_root (a chroot). -1: none.
  int cell_root_fd = -1;
  /// For a cell's init: unshare the mount namespace, make every mount private, and build the
  /// cell's root file system (its own /tmp, /dev/shm, /proc: POSIX shared memory is not covered
  /// by the IPC namespace). Borrowed; null for every other program.
  const CellFilesystemPlan* cell_filesystem = nullptr;
  /// cgroup.procs files (ProgramCgroup::join_fds) the child writes "0" to, joining them before
  /// it drops its privileges. Borrowed.
  std::vector<int> join_cgroup_fds;
  /// RLIMIT_CPU, _AS, _NPROC, _NOFILE, _FSIZE; unset for trusted tools (the compiler, ipcs).
  std::optional<ProgramLimits> limits;
  /// Drop to this user and group (root only: RLIMIT_NPROC does not apply to root).
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  /// Supplementary groups after the drop (root only); none when empty.
  std::vector<gid_t> groups;
  /// Keep CAP_IPC_OWNER (as an ambient capability) after dropping to `uid`: a cell's student
  /// and reference programs run as different users but must share the System V objects of the
  /// cell's own IPC namespace, whatever modes they create them with. Root, in a cell, only.
  bool ipc_owner_capability = false;
  /// Landlock rules the child confines itself with before exec. Borrowed; null: none.
  const LandlockRules* landlock = nullptr;
  /// The seccomp filter installed last before exec. Borrowed; null: none.
  const SeccompFilter* seccomp = nullptr;
  /// setsid(): a session and process group of its own, so a group kill reaches its children.
  bool new_session = true;
  /// A descriptor to keep open until exec, e.g. the executable itself when it is exec'd as
  /// /proc/self/fd/N because its path is hidden by the mounts above; -1 for none.
  int keep_until_exec_fd = -1;
  /// PR_SET_PDEATHSIG(SIGKILL): the program dies with the thread that started it.
  bool kill_on_parent_death = true;
};

struct LaunchSpec {
  std::filesystem::path executable;  ///< absolute path, exec'd as is; also argv[0]
  std::string argv0;                 ///< argv[0] instead of the executable's path, when not empty
  std::vector<std::string> args;     ///< argv[1..]
  std::filesystem::path working_dir;
  std::vector<std::string> environment;  ///< "NAME=value" entries; nothing else is inherited
  int stdin_fd = -1;   ///< -1: /dev/null. Borrowed: the caller keeps and closes it.
  int stdout_fd = -1;  ///< -1: /dev/null
  int stderr_fd = -1;  ///< -1: /dev/null
  ChildSandbox sandbox;
};

/// A started, not yet reaped child. The caller must reap it (waitpid/wait4 on `pid`).
struct LaunchedProcess {
  pid_t pid = -1;
  UniqueFd pidfd;  ///< pidfd_open(pid): pollable for exit, safe to signal through
};

/// Why a launch failed, naming the call: "execve(/work/reader): No such file or directory".
struct LaunchError {
  std::string message;
  int error_number = 0;
  /// The sandbox was in place and execve itself failed: the executable cannot be run (not one,
  /// or not allowed), as opposed to a sandbox step the grader could not take.
  bool exec_failed = false;
};

using LaunchOutcome = std::variant<LaunchedProcess, LaunchError>;

/// Starts `spec` on the calling thread. Never throws.
LaunchOutcome LaunchProgram(const LaunchSpec& spec);

/// From now on every LaunchProgram fails ("the grader is stopping"); returns once no launch is
/// under way, so that the caller can then end every child knowing no new one will appear. For
/// the interruption handler (grading/interruption.h): the whole process is stopping.
void RefuseLaunches();

}  // namespace labgrade
