// Files in a test directory: see test_dir_files.h.
#include "harness/probes/test_dir_files.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace labgrade {
namespace {

constexpr std::size_t kChunkBytes = 1 << 20;

/// read(2) until `size` bytes or end of file; -1 on error.
ssize_t ReadFull(int fd, char* buffer, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t got = ::read(fd, buffer + done, size - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return -1;
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  return static_cast<ssize_t>(done);
}

/// Compares one pair of chunks into `result`; true when they differ.
bool ChunksDiffer(const char* a, const char* b, std::size_t size, std::int64_t at,
                  FileComparison& result) {
  const auto [in_a, in_b] = std::mismatch(a, a + size, b);
  if (in_a == a + size) return false;
  result.first_difference = at + (in_a - a);
  result.byte_a = static_cast<unsigned char>(*in_a);
  result.byte_b = static_cast<unsigned char>(*in_b);
  return true;
}

}  // namespace

OpenedFile OpenBeneath(const std::filesystem::path& dir, const std::string& relative, int flags,
                       mode_t mode) {
  OpenedFile opened;
  UniqueFd base(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!base.valid()) {
    opened.error = errno;
    return opened;
  }
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC | O_NOFOLLOW);
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  int fd = static_cast<int>(::syscall(SYS_openat2, base.get(), relative.c_str(), &how, sizeof how));
  if (fd < 0 && errno == ENOSYS) {
    // Before Linux 5.6: the last component at least is not followed.
    fd = ::openat(base.get(), relative.c_str(), flags | O_CLOEXEC | O_NOFOLLOW, mode);
  }
  if (fd < 0) opened.error = errno;
  opened.fd.Reset(fd);
  return opened;
}

std::pair<OpenedFile, std::string> OpenParentBeneath(const std::filesystem::path& dir,
                                                     const std::string& relative) {
  const std::filesystem::path path(relative);
  const std::string parent = path.parent_path().empty() ? "." : path.parent_path().string();
  return {OpenBeneath(dir, parent, O_PATH | O_DIRECTORY), path.filename().string()};
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t wrote = ::write(fd, bytes.data(), bytes.size());
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(wrote));
  }
  return true;
}

bool CopyAll(int from, int to) {
  std::vector<char> buffer(kChunkBytes);
  for (;;) {
    const ssize_t got = ReadFull(from, buffer.data(), buffer.size());
    if (got < 0) return false;
    if (got == 0) return true;
    if (!WriteAll(to, std::string_view(buffer.data(), static_cast<std::size_t>(got)))) return false;
  }
}

std::optional<FileComparison> CompareFiles(int fd_a, int fd_b) {
  FileComparison result;
  struct stat st_a {};
  struct stat st_b {};
  if (::fstat(fd_a, &st_a) != 0 || ::fstat(fd_b, &st_b) != 0) return std::nullopt;
  result.size_a = st_a.st_size;
  result.size_b = st_b.st_size;
  std::vector<char> a(kChunkBytes);
  std::vector<char> b(kChunkBytes);
  for (std::int64_t at = 0;; at += static_cast<std::int64_t>(kChunkBytes)) {
    const ssize_t got_a = ReadFull(fd_a, a.data(), a.size());
    const ssize_t got_b = ReadFull(fd_b, b.data(), b.size());
    if (got_a < 0 || got_b < 0) return std::nullopt;
    const auto common = static_cast<std::size_t>(std::min(got_a, got_b));
    // Past the shorter file's end there is nothing more to compare.
    if (ChunksDiffer(a.data(), b.data(), common, at, result) || common < kChunkBytes) break;
  }
  return result;
}

}  // namespace labgrade
