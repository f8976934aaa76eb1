// Files in a test directory, as the harness makes and checks them. Students' programs may leave
// symbolic links or FIFOs where a file is expected, and the harness often runs as root, so every
// path is resolved beneath the test directory without following symbolic links (openat2(2)
// RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) and files are opened without blocking.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "harness/process/unique_fd.h"

namespace labgrade {

/// An open file, or the errno of the failure.
struct OpenedFile {
  UniqueFd fd;
  int error = 0;  ///< 0 when `fd` is valid
};

/// Opens `relative` beneath `dir` with `flags` (O_CLOEXEC and O_NOFOLLOW added), never following
/// a symbolic link nor leaving `dir`. `mode` is for O_CREAT.
OpenedFile OpenBeneath(const std::filesystem::path& dir, const std::string& relative, int flags,
                       mode_t mode = 0);

/// The folder `relative` is in, opened (O_PATH) beneath `dir` as OpenBeneath does, and the last
/// component of `relative`, to make or replace there with the *at() calls.
std::pair<OpenedFile, std::string> OpenParentBeneath(const std::filesystem::path& dir,
                                                     const std::string& relative);

/// Writes all of `bytes`; false with errno set on failure.
bool WriteAll(int fd, std::string_view bytes);

/// Copies everything `from` reads into `to`; false with errno set on failure.
bool CopyAll(int from, int to);

/// Where two files' contents part.
struct FileComparison {
  std::int64_t size_a = 0;
  std::int64_t size_b = 0;
  /// The first offset where the bytes differ within the shorter size; -1 when the shorter file
  /// is a prefix of the longer (or both are equal).
  std::int64_t first_difference = -1;
  unsigned char byte_a = 0;  ///< at first_difference, when set
  unsigned char byte_b = 0;
  bool equal() const { return size_a == size_b && first_difference < 0; }
};

/// Compares two regular files, both freshly opened (at offset 0), in chunks: neither is held in
/// memory whole. Sizes come from fstat(2). Null with errno set when fstat or a read fails.
std::optional<FileComparison> CompareFiles(int fd_a, int fd_b);

}  // namespace labgrade
