// What a cell's programs see of the file system: a root of its own, in which only the system's
// folders (read-only), the folders a test names (its test folder writable, the builds it runs
// read-only) and private /tmp, /dev/shm, /dev, /proc and /dev/mqueue exist. Everything else of
// the host — other runs' work folders, the labgrade checkout with the reference's sources, an
// instructor's hidden tests, home folders, /var/tmp, /run — is simply not there, and nothing
// outside the test folder and the private temporary folders can be written.
//
// The plan is made in the grader (paths decided, strings allocated) and built in the cell's
// init between fork and exec (Build makes only system calls), after unshare(CLONE_NEWNS): a
// tmpfs is mounted on an empty folder of the work folder, filled with binds and fresh mounts,
// made read-only, and pivot_root(2) moves the init into it. A chroot, where pivot_root is
// refused, falls back to moving the new root over / and chroot(2); programs launched into the
// cell chroot into the init's root themselves (ChildSandbox::cell_root_fd), so both hold.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace labgrade {

/// A host folder shown in the cell at the same path.
struct CellFolder {
  std::filesystem::path path;
  bool writable = false;
};

/// A folder of the cell's own, a tmpfs of a bounded size at `path` (which need not exist on the
/// host): a test's folder, whose total size the programs cannot push past `size_mib`.
struct CellPrivateFolder {
  std::filesystem::path path;
  int size_mib = 64;
  std::optional<uid_t> uid;  ///< its owner (root mode); unset: whoever builds the cell
  std::optional<gid_t> gid;
  unsigned mode = 0700;
};

struct CellFilesystemSpec {
  /// An empty folder the new root is mounted on (it stays empty on the host).
  std::filesystem::path root_mount_point;
  std::vector<CellFolder> folders;
  std::vector<CellPrivateFolder> private_folders;
  int tmp_mib = 64;      ///< size of the cell's /tmp
  int dev_shm_mib = 64;  ///< size of the cell's /dev/shm
};

/// The system folders every cell shows read-only, where the host has them (a link such as
/// Debian's /bin -> usr/bin is made as the same link).
const std::vector<std::string>& CellSystemFolders();

class CellFilesystemPlan {
 public:
  /// Decides every mount for `spec` from what the host has. The reason when a folder it names
  /// is missing or not a folder.
  static std::variant<CellFilesystemPlan, std::string> Prepare(const CellFilesystemSpec& spec);

  CellFilesystemPlan() = default;

  /// In the child, after unshare(CLONE_NEWNS): builds the root and moves into it. Async-signal-
  /// safe. Returns 0, or -1 with errno set, `*failed_call` naming the call and `*failed_path`
  /// the path it was about.
  int Build(const char** failed_call, const char** failed_path) const;

 private:
  enum class Kind {
    kMakeDir,          ///< mkdir(target, 0755); an existing one is fine
    kMakeFile,         ///< an empty file to bind a device node onto
    kSymlink,          ///< symlink(source, target)
    kTmpfs,            ///< tmpfs on target with options `data`
    kBind,             ///< bind source on target (recursive), then the flags of `read_only`
    kProc,             ///< a proc for the init's PID namespace, hiding other users' processes
    kMqueue,           ///< the IPC namespace's own POSIX message queues (optional)
    kRemountReadOnly,  ///< a tmpfs made read-only once filled
    kEnterRoot,        ///< pivot_root into target (or move it over / and chroot)
  };
  struct Operation {
    Kind kind;
    std::string source;
    std::string target;
    std::string data;
    bool read_only = false;
    bool allow_devices = false;
  };

  int Run(const Operation& operation, const char** failed_call) const;

  std::vector<Operation> operations_;
};

}  // namespace labgrade
