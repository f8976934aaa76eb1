// The cell's root, built like bubblewrap's: a tmpfs, binds made read-only with mount_setattr(2)
// (recursively, so that no submount stays writable) or, on kernels before 5.12, a bind remount
// that keeps the flags a user namespace may not drop, then pivot_root(".", ".") and a lazy
// unmount of the old root (pivot_root(2), "NOTES").
#include "harness/sandbox/cell_filesystem.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include "harness/path_within.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

struct MountAttr {
  std::uint64_t attr_set;
  std::uint64_t attr_clr;
  std::uint64_t propagation;
  std::uint64_t userns_fd;
};

/// The device nodes a program may use; bound from the host's /dev, never created.
constexpr const char* kDeviceNodes[] = {"null", "zero", "full", "random", "urandom", "tty"};

/// The flags a bind remount must repeat: a user namespace may not clear nosuid, nodev, noexec
/// or the atime flags that the mount it copied already had.
unsigned long LockedFlags(const char* path) {
  struct statfs status {};
  if (::statfs(path, &status) != 0) return 0;
  unsigned long flags = 0;
  if (status.f_flags & ST_NOSUID) flags |= MS_NOSUID;
  if (status.f_flags & ST_NODEV) flags |= MS_NODEV;
  if (status.f_flags & ST_NOEXEC) flags |= MS_NOEXEC;
  if (status.f_flags & ST_NOATIME) flags |= MS_NOATIME;
  if (status.f_flags & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (status.f_flags & ST_RELATIME) flags |= MS_RELATIME;
  return flags;
}

}  // namespace

const std::vector<std::string>& CellSystemFolders() {
  static const std::vector<std::string> folders = {"/usr",   "/bin",    "/sbin", "/lib", "/lib32",
                                                   "/lib64", "/libx32", "/etc",  "/opt"};
  return folders;
}

std::variant<CellFilesystemPlan, std::string> CellFilesystemPlan::Prepare(
    const CellFilesystemSpec& spec) {
  CellFilesystemPlan plan;
  auto& ops = plan.operations_;
  const std::string root = spec.root_mount_point.string();
  std::error_code ec;
  if (!fs::is_directory(spec.root_mount_point, ec))
    return fmt::format("the cell's root folder {} is missing", root);
  ops.push_back({Kind::kTmpfs, "", root, "size=1m,nr_inodes=4096,mode=0755"});

  std::vector<fs::path> shown_read_only;
  for (const std::string& folder : CellSystemFolders()) {
    const fs::file_status status = fs::symlink_status(folder, ec);
    if (fs::is_symlink(status)) {
      ops.push_back({Kind::kSymlink, fs::read_symlink(folder, ec).string(), root + folder});
    } else if (fs::is_directory(status)) {
      ops.push_back({Kind::kMakeDir, "", root + folder});
      ops.push_back({Kind::kBind, folder, root + folder, "", true});
      shown_read_only.emplace_back(folder);
    }
  }

  ops.push_back({Kind::kMakeDir, "", root + "/dev"});
  ops.push_back({Kind::kTmpfs, "", root + "/dev", "size=64k,nr_inodes=64,mode=0755"});
  for (const char* node : kDeviceNodes) {
    const std::string host = fmt::format("/dev/{}", node);
    if (!fs::exists(host, ec)) continue;
    ops.push_back({Kind::kMakeFile, "", root + host});
    ops.push_back({Kind::kBind, host, root + host, "", false, true});
  }
  ops.push_back({Kind::kSymlink, "/proc/self/fd", root + "/dev/fd"});
  ops.push_back({Kind::kSymlink, "/proc/self/fd/0", root + "/dev/stdin"});
  ops.push_back({Kind::kSymlink, "/proc/self/fd/1", root + "/dev/stdout"});
  ops.push_back({Kind::kSymlink, "/proc/self/fd/2", root + "/dev/stderr"});
  ops.push_back({Kind::kMakeDir, "", root + "/dev/shm"});
  ops.push_back({Kind::kTmpfs, "", root + "/dev/shm",
                 fmt::format("size={}m,mode=1777", std::max(1, spec.dev_shm_mib))});
  ops.push_back({Kind::kMakeDir, "", root + "/dev/mqueue"});
  ops.push_back({Kind::kMqueue, "", root + "/dev/mqueue"});
  ops.push_back({Kind::kRemountReadOnly, "", root + "/dev"});
  ops.push_back({Kind::kMakeDir, "", root + "/proc"});
  ops.push_back({Kind::kProc, "", root + "/proc"});
  ops.push_back({Kind::kMakeDir, "", root + "/tmp"});
  ops.push_back({Kind::kTmpfs, "", root + "/tmp",
                 fmt::format("size={}m,mode=1777", std::max(1, spec.tmp_mib))});

  for (const CellFolder& folder : spec.folders) {
    const fs::path path = folder.path.lexically_normal();
    if (!path.is_absolute() || !fs::is_directory(path, ec))
      return fmt::format("cannot show {} in a cell: it is not a folder", path.string());
    const bool under_system =
        std::any_of(shown_read_only.begin(), shown_read_only.end(),
                    [&](const fs::path& system) { return IsAtOrBelow(path, system); });
    if (under_system && !folder.writable) continue;  // already there, read-only
    if (under_system)
      return fmt::format("cannot make {} writable in a cell: it is inside a system folder",
                         path.string());
    fs::path prefix = "/";
    for (const fs::path& part : path.relative_path()) {
      prefix /= part;
      ops.push_back({Kind::kMakeDir, "", root + prefix.string()});
    }
    ops.push_back({Kind::kBind, path.string(), root + path.string(), "", !folder.writable});
  }
  for (const CellPrivateFolder& folder : spec.private_folders) {
    const fs::path path = folder.path.lexically_normal();
    if (!path.is_absolute()) return fmt::format("{} is not an absolute path", path.string());
    fs::path prefix = "/";
    for (const fs::path& part : path.relative_path()) {
      prefix /= part;
      ops.push_back({Kind::kMakeDir, "", root + prefix.string()});
    }
    std::string options =
        fmt::format("size={}m,mode={:04o}", std::max(1, folder.size_mib), folder.mode);
    if (folder.uid) options += fmt::format(",uid={}", *folder.uid);
    if (folder.gid) options += fmt::format(",gid={}", *folder.gid);
    ops.push_back({Kind::kTmpfs, "", root + path.string(), options});
  }
  ops.push_back({Kind::kRemountReadOnly, "", root});
  ops.push_back({Kind::kEnterRoot, "", root});
  return plan;
}

int CellFilesystemPlan::Build(const char** failed_call, const char** failed_path) const {
  for (const Operation& operation : operations_) {
    if (Run(operation, failed_call) != 0) {
      *failed_path = operation.target.c_str();
      return -1;
    }
  }
  return 0;
}

int CellFilesystemPlan::Run(const Operation& op, const char** failed_call) const {
  const char* target = op.target.c_str();
  switch (op.kind) {
    case Kind::kMakeDir:
      if (::mkdir(target, 0755) == 0 || errno == EEXIST) return 0;
      *failed_call = "mkdir";
      return -1;
    case Kind::kMakeFile: {
      const int fd = ::open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0) {
        *failed_call = "open(O_CREAT)";
        return -1;
      }
      ::close(fd);
      return 0;
    }
    case Kind::kSymlink:
      if (::symlink(op.source.c_str(), target) == 0) return 0;
      *failed_call = "symlink";
      return -1;
    case Kind::kTmpfs:
      if (::mount("labgrade-cell", target, "tmpfs", MS_NOSUID | MS_NODEV, op.data.c_str()) == 0)
        return 0;
      *failed_call = "mount(tmpfs)";
      return -1;
    case Kind::kBind: {
      if (::mount(op.source.c_str(), target, nullptr, MS_BIND | MS_REC, nullptr) != 0) {
        *failed_call = "mount(MS_BIND)";
        return -1;
      }
      MountAttr attr{};
      attr.attr_set = MOUNT_ATTR_NOSUID | (op.allow_devices ? 0 : MOUNT_ATTR_NODEV) |
                      (op.read_only ? MOUNT_ATTR_RDONLY : 0);
      if (::syscall(SYS_mount_setattr, AT_FDCWD, target, AT_RECURSIVE, &attr, sizeof attr) == 0)
        return 0;
      if (errno != ENOSYS) {
        *failed_call = "mount_setattr";
        return -1;
      }
      const unsigned long flags = MS_REMOUNT | MS_BIND | MS_NOSUID | LockedFlags(target) |
                                  (op.allow_devices ? 0 : MS_NODEV) |
                                  (op.read_only ? MS_RDONLY : 0);
      if (::mount(nullptr, target, nullptr, flags, nullptr) == 0) return 0;
      *failed_call = "mount(MS_REMOUNT|MS_BIND)";
      return -1;
    }
    case Kind::kProc: {
      // Other users' processes invisible (kernel 5.8 names it; older ones know "2").
      const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
      for (const char* options : {"hidepid=invisible", "hidepid=2"}) {
        if (::mount("proc", target, "proc", flags, options) == 0) return 0;
      }
      if (::mount("proc", target, "proc", flags, nullptr) == 0) return 0;
      *failed_call = "mount(proc)";
      return -1;
    }
    case Kind::kMqueue:
      // Only for programs that use POSIX message queues; a kernel without them is no error.
      ::mount("mqueue", target, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
      return 0;
    case Kind::kRemountReadOnly:
      if (::mount(nullptr, target, nullptr, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
                  nullptr) == 0)
        return 0;
      *failed_call = "mount(MS_REMOUNT|MS_RDONLY)";
      return -1;
    case Kind::kEnterRoot:
      if (::chdir(target) != 0) {
        *failed_call = "chdir";
        return -1;
      }
      if (::syscall(SYS_pivot_root, ".", ".") == 0) {
        if (::umount2(".", MNT_DETACH) != 0) {
          *failed_call = "umount2(old root, MNT_DETACH)";
          return -1;
        }
      } else if (errno == EINVAL) {
        // In a chroot, / is no mount point and pivot_root refuses: switch_root's way instead.
        if (::mount(".", "/", nullptr, MS_MOVE, nullptr) != 0) {
          *failed_call = "mount(MS_MOVE onto /)";
          return -1;
        }
        if (::chroot(".") != 0) {
          *failed_call = "chroot";
          return -1;
        }
      } else {
        *failed_call = "pivot_root";
        return -1;
      }
      if (::chdir("/") != 0) {
        *failed_call = "chdir(/)";
        return -1;
      }
      return 0;
  }
  return 0;
}

}  // namespace labgrade
