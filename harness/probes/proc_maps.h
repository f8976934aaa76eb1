// The /proc/PID/maps probe: parses a process's memory mappings (see proc(5)) so that steps can
// check how a program mapped a file or shared memory, e.g. that a copy goes through mmap.
#pragma once

#include <sys/types.h>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace labgrade {

/// One line of /proc/PID/maps: "7f48bc0fc000-7f48bc0fd000 r--s 00000000 fe:00 5308999  /x/m.c".
struct Mapping {
  std::uint64_t start = 0;   ///< first address
  std::uint64_t end = 0;     ///< one past the last address
  std::string perms;         ///< four characters: r/-, w/-, x/-, then s (shared) or p (private)
  std::uint64_t offset = 0;  ///< offset in the file, in bytes
  unsigned dev_major = 0;    ///< the file's device, written in hex in the file
  unsigned dev_minor = 0;
  std::uint64_t inode = 0;  ///< 0 for anonymous mappings
  std::string path;         ///< may be empty, "[heap]", or end with " (deleted)"
};

/// Parses the text of /proc/PID/maps. Lines that do not have the shape above are skipped, so a
/// format extension in a later kernel does not hide the lines that still parse.
std::vector<Mapping> ParseProcMaps(std::string_view maps_text);

/// A MAP_SHARED | MAP_ANONYMOUS mapping: shared, backed by the kernel's "/dev/zero (deleted)"
/// shmem file (or "[anon_shmem:NAME]" once named with PR_SET_VMA_ANON_NAME).
bool IsSharedAnonymous(const Mapping& mapping);

/// An attached System V shared memory segment: "/SYSV<key in hex>", " (deleted)" once removed.
bool IsSysvSegment(const Mapping& mapping);

/// Whether `mapping` maps the file with device `device` and inode `inode` (as stat(2) gives
/// them), or else a file whose path ends with "/" + `relative_path` (the path differs across
/// mount namespaces, and on overlay file systems the device may too).
bool MapsFile(const Mapping& mapping, dev_t device, ino_t inode, std::string_view relative_path);

/// True when `perms` starts with `prefix` (e.g. "r--" matches "r--s" and "r--p").
bool PermsMatch(const Mapping& mapping, std::string_view prefix);

}  // namespace labgrade
