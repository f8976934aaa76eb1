// A cell: the private world one test (or one build) runs in — its own PID, IPC, network, UTS and
// mount namespaces, with loopback up, a root file system of its own that shows only the system's
// folders and the folders the caller names (harness/sandbox/cell_filesystem.h), a /proc of its
// own PID namespace, private tmpfs on /tmp and /dev/shm, and System V limits of its own.
//
// The thread that enters a cell moves into its IPC, network and UTS namespaces (setns and
// unshare act per thread), so:
//  - every program that thread launches (program_launcher.h) starts inside the cell: it is
//    forked into the cell's PID namespace and joins its mount namespace before exec
//    (ChildSandbox's pid_namespace_fd and join_mount_namespace_fd);
//  - probes run on that thread as plain system calls see the cell: semget() finds the cell's
//    objects, /proc/thread-self/net/tcp lists the cell's sockets.
// The first child is the cell's init (labgrade-cell-init, PID 1). Killing it makes the kernel
// kill every process in the cell, a setsid double-fork daemon included.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "harness/process/unique_fd.h"
#include "harness/sandbox/cell_filesystem.h"

namespace labgrade {

/// The namespaces the harness started in, held open so a thread can come back to them.
struct HostNamespaces {
  UniqueFd ipc;
  UniqueFd net;
  UniqueFd uts;
  UniqueFd pid;

  /// Opens /proc/thread-self/ns/{ipc,net,uts,pid}. Call before any thread moves.
  static std::variant<HostNamespaces, std::string> Open();
};

/// The System V limits of a cell's own IPC namespace (kernel.shmmax, shmall, shmmni), so that a
/// program cannot even ask for a segment larger than the memory it may use.
struct SysvLimits {
  std::int64_t max_segment_bytes = 0;  ///< kernel.shmmax
  std::int64_t max_total_pages = 0;    ///< kernel.shmall, in pages
  int max_segments = 0;                ///< kernel.shmmni
};

/// What a cell is made of.
struct CellSetup {
  CellFilesystemSpec filesystem;
  std::optional<SysvLimits> sysv;  ///< unset: the kernel's defaults
};

class Cell {
 public:
  /// Creates a cell and moves the calling thread into it. `init_executable` is the absolute
  /// path of labgrade-cell-init. On failure the thread is back in the host namespaces and the
  /// message names the call that failed.
  static std::variant<std::unique_ptr<Cell>, std::string> Enter(
      const HostNamespaces& host, const std::filesystem::path& init_executable,
      const CellSetup& setup);

  Cell(const Cell&) = delete;
  Cell& operator=(const Cell&) = delete;
  /// Kills what is left and moves the thread back to the host.
  ~Cell();

  /// The cell's mount namespace, for ChildSandbox::join_mount_namespace_fd.
  int mount_namespace_fd() const { return mount_namespace_.get(); }
  /// The cell's PID namespace, for ChildSandbox::pid_namespace_fd.
  int pid_namespace_fd() const { return pid_namespace_.get(); }
  /// The cell's root folder, for ChildSandbox::cell_root_fd.
  int root_fd() const { return root_.get(); }
  /// Opens the folder at `path` as the cell's programs see it (a private folder of the cell,
  /// say), O_PATH: the harness reaches its files through the descriptor, before and after the
  /// cell is gone. The reason when it cannot.
  std::variant<UniqueFd, std::string> OpenFolder(const std::filesystem::path& path) const;
  /// PID 1 of the cell, as the host sees it.
  pid_t init_pid() const { return init_pid_; }
  /// Why the System V limits could not be set (an ordinary user's cell may not), or empty.
  const std::string& sysv_limits_problem() const { return sysv_limits_problem_; }

  /// Kills every process in the cell and reaps the init. The processes the harness started
  /// itself must be reaped by their own waiters (ProgramRun) meanwhile, or this waits for them:
  /// the kernel finishes the init only once every process of the namespace is reaped.
  /// The IPC namespace lives on (this thread is in it) so leftovers can still be probed.
  void KillAll();

  /// Leaves the cell: the thread returns to the host namespaces, and whatever the programs
  /// left in the cell's IPC namespace is freed by the kernel with it. Idempotent.
  void Leave();

 private:
  Cell(const HostNamespaces& host) : host_(host) {}

  const HostNamespaces& host_;
  pid_t init_pid_ = -1;
  UniqueFd init_control_;  ///< init's stdin: closing it ends the init
  UniqueFd mount_namespace_;
  UniqueFd pid_namespace_;
  UniqueFd root_;
  std::string sysv_limits_problem_;
  bool killed_ = false;
  bool left_ = false;
};

/// Called first thing in main(), while the process has one thread: a non-root user cannot create
/// namespaces, so the process moves into a user namespace of its own, mapped to an inner
/// non-root uid (inner root would give the programs every capability in there). The process
/// keeps the capabilities unshare() grants until it execs; its programs do not get them.
/// Returns an error message when that fails; nothing happens for root.
std::optional<std::string> EnterOwnUserNamespace();

/// Builds and tears down one cell to test the whole chain (namespaces, loopback, the root file
/// system, /proc), with `scratch` (an empty folder) as its root's mount point. Returns what
/// failed, worded for the report, with the remedy where one is known.
std::optional<std::string> ProbeCellSupport(const HostNamespaces& host,
                                            const std::filesystem::path& init_executable,
                                            const std::filesystem::path& scratch);

}  // namespace labgrade
