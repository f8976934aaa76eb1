// The copy by descriptors: see submission_copy.h.
#include "harness/build/submission_copy.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "harness/probes/test_dir_files.h"
#include "harness/process/unique_fd.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

class TreeCopy {
 public:
  TreeCopy(const CopyLimits& limits, std::vector<std::string>* notes)
      : limits_(limits), notes_(notes) {}

  std::optional<CopyProblem> Run(const fs::path& from, const fs::path& to) {
    root_.Reset(::open(from.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root_.valid())
      return Students(fmt::format("cannot open the submission folder {}: {}", from.string(),
                                  std::strerror(errno)));
    if (::mkdir(to.c_str(), 0755) != 0)
      return Graders(fmt::format("cannot create {}: {}", to.string(), std::strerror(errno)));
    UniqueFd destination(::open(to.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!destination.valid())
      return Graders(fmt::format("cannot open {}: {}", to.string(), std::strerror(errno)));
    UniqueFd source(::dup(root_.get()));
    return CopyFolder(std::move(source), destination.get(), "", 0);
  }

 private:
  static CopyProblem Students(std::string message) { return {true, std::move(message)}; }
  static CopyProblem Graders(std::string message) { return {false, std::move(message)}; }

  /// Copies the entries of `source` (owned, read through) into `destination`.
  std::optional<CopyProblem> CopyFolder(UniqueFd source, int destination,
                                        const std::string& relative, int depth) {
    DIR* listing = ::fdopendir(source.get());
    if (listing == nullptr)
      return Students(fmt::format("cannot list {}: {}", Shown(relative), std::strerror(errno)));
    source.Release();  // the DIR owns it now
    std::unique_ptr<DIR, int (*)(DIR*)> owned(listing, ::closedir);
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* entry = ::readdir(listing)) {
      const std::string name = entry->d_name;
      if (name != "." && name != ".." && name != ".git") names.push_back(name);
    }
    if (errno != 0)
      return Students(fmt::format("cannot list {}: {}", Shown(relative), std::strerror(errno)));
    const int from = ::dirfd(listing);
    for (const std::string& name : names) {
      const std::string path = relative.empty() ? name : relative + "/" + name;
      if (auto problem = CopyEntry(from, destination, name, path, depth)) return problem;
    }
    return std::nullopt;
  }

  std::optional<CopyProblem> CopyEntry(int from, int destination, const std::string& name,
                                       const std::string& path, int depth) {
    struct stat status {};
    if (::fstatat(from, name.c_str(), &status, AT_SYMLINK_NOFOLLOW) != 0)
      return Students(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    if (S_ISDIR(status.st_mode)) return CopySubfolder(from, destination, name, path, depth);
    if (S_ISREG(status.st_mode)) return CopyFile(from, destination, name, path, status);
    if (S_ISLNK(status.st_mode)) return CopyLink(from, destination, name, path);
    notes_->push_back(fmt::format("{} is not a file, a folder or a link: left out", path));
    return std::nullopt;
  }

  std::optional<CopyProblem> CopySubfolder(int from, int destination, const std::string& name,
                                           const std::string& path, int depth) {
    if (depth + 1 > limits_.max_depth)
      return Students(fmt::format(
          "{} is more than {} folders deep; a submission needs no such nesting: move its files up",
          path, limits_.max_depth));
    UniqueFd source(::openat(from, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!source.valid())
      return Students(fmt::format("cannot open the folder {}: {}{}", path, std::strerror(errno),
                                  errno == EACCES ? " (make it readable: chmod a+rx)" : ""));
    if (::mkdirat(destination, name.c_str(), 0755) != 0)
      return Graders(
          fmt::format("cannot create the folder {} in the build: {}", path, std::strerror(errno)));
    UniqueFd made(
        ::openat(destination, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!made.valid())
      return Graders(
          fmt::format("cannot open the folder {} in the build: {}", path, std::strerror(errno)));
    return CopyFolder(std::move(source), made.get(), path, depth + 1);
  }

  std::optional<CopyProblem> CopyFile(int from, int destination, const std::string& name,
                                      const std::string& path, const struct stat& listed) {
    // O_NONBLOCK: if a FIFO replaced the file since fstatat, the open does not hang.
    UniqueFd source(::openat(from, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!source.valid())
      return Students(fmt::format("cannot read {}: {}{}", path, std::strerror(errno),
                                  errno == EACCES ? " (make it readable: chmod a+r)" : ""));
    struct stat status {};
    if (::fstat(source.get(), &status) != 0 || !S_ISREG(status.st_mode)) {
      notes_->push_back(fmt::format("{} changed while it was copied: left out", path));
      return std::nullopt;
    }
    total_bytes_ += status.st_size;
    if (total_bytes_ > limits_.max_total_bytes)
      return Students(fmt::format(
          "the submission is larger than {} MiB (at {}); leave out build products and data",
          limits_.max_total_bytes >> 20, path));
    UniqueFd made(::openat(destination, name.c_str(),
                           O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                           listed.st_mode & 0755));
    if (!made.valid())
      return Graders(fmt::format("cannot create {} in the build: {}", path, std::strerror(errno)));
    if (!CopyAll(source.get(), made.get()))
      return Students(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    return std::nullopt;
  }

  std::optional<CopyProblem> CopyLink(int from, int destination, const std::string& name,
                                      const std::string& path) {
    std::string target(PATH_MAX, '\0');
    const ssize_t length = ::readlinkat(from, name.c_str(), target.data(), target.size());
    if (length < 0)
      return Students(fmt::format("cannot read the link {}: {}", path, std::strerror(errno)));
    target.resize(static_cast<std::size_t>(length));
    // Where the link leads, resolved by the kernel without ever leaving the submission.
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    UniqueFd resolved(
        static_cast<int>(::syscall(SYS_openat2, root_.get(), path.c_str(), &how, sizeof how)));
    int error = resolved.valid() ? 0 : errno;
    // A link that leads nowhere is a stray (an editor's lock file, say), even an absolute one:
    // only whether its target exists is looked at, never what it holds.
    struct stat target_status {};
    if ((error == EXDEV || error == ENOSYS) &&
        ::fstatat(from, name.c_str(), &target_status, 0) != 0 &&
        (errno == ENOENT || errno == ELOOP))
      error = errno;
    if (error == ENOENT || error == ELOOP) {
      notes_->push_back(
          fmt::format("{} is a link to {}, which does not exist: left out", path, target));
      return std::nullopt;
    }
    if (error == EXDEV || error == ENOSYS)
      return Students(fmt::format(
          "{} is a link to {}, outside your submission; put the file itself in the submission "
          "instead of a link",
          path, target));
    if (error != 0)
      return Students(fmt::format("cannot follow the link {}: {}", path, std::strerror(error)));
    if (::symlinkat(target.c_str(), destination, name.c_str()) != 0)
      return Graders(
          fmt::format("cannot create the link {} in the build: {}", path, std::strerror(errno)));
    return std::nullopt;
  }

  static std::string Shown(const std::string& relative) {
    return relative.empty() ? "the submission folder" : relative;
  }

  const CopyLimits& limits_;
  std::vector<std::string>* notes_;
  UniqueFd root_;
  std::int64_t total_bytes_ = 0;
};

}  // namespace

std::optional<CopyProblem> CopySubmissionTree(const fs::path& from, const fs::path& to,
                                              std::vector<std::string>* notes,
                                              const CopyLimits& limits) {
  return TreeCopy(limits, notes).Run(from, to);
}

namespace {

/// Removes whatever the submission put at `name` in `folder` (`to_dir`): a file, a link (never
/// followed) or a folder.
void RemoveSubmissions(int folder, const fs::path& to_dir, const std::string& name) {
  if (::unlinkat(folder, name.c_str(), 0) != 0 && errno == EISDIR) fs::remove_all(to_dir / name);
}

}  // namespace

std::optional<std::string> InstallProvidedFile(const fs::path& source, const fs::path& to_dir,
                                               const std::string& name) {
  UniqueFd folder(::open(to_dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  UniqueFd from(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (!folder.valid() || !from.valid())
    return fmt::format("cannot copy the lab's {}: {}", source.string(), std::strerror(errno));
  struct stat status {};
  if (::fstat(from.get(), &status) != 0 || !S_ISREG(status.st_mode))
    return fmt::format("the lab's {} is not a file", source.string());
  RemoveSubmissions(folder.get(), to_dir, name);
  UniqueFd made(::openat(folder.get(), name.c_str(),
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                         status.st_mode & 0755));
  if (!made.valid() || !CopyAll(from.get(), made.get()))
    return fmt::format("cannot copy the lab's {} into the build: {}", source.string(),
                       std::strerror(errno));
  return std::nullopt;
}

std::optional<std::string> InstallProvidedFolder(const fs::path& source, const fs::path& to_dir,
                                                 const std::string& name) {
  UniqueFd folder(::open(to_dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!folder.valid())
    return fmt::format("cannot open {}: {}", to_dir.string(), std::strerror(errno));
  RemoveSubmissions(folder.get(), to_dir, name);
  // The lab's folder is copied as a submission is: whatever the loader let through (no link
  // out of it, see spec/provided_paths.h) is refused here too, should it have changed since.
  std::vector<std::string> notes;
  if (auto problem = CopySubmissionTree(source, to_dir / name, &notes))
    return fmt::format("cannot copy the lab's folder {} into the build: {}", source.string(),
                       problem->message);
  return std::nullopt;
}

}  // namespace labgrade
