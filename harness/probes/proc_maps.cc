// The /proc/PID/maps probe: see proc_maps.h.
#include "harness/probes/proc_maps.h"

#include <sys/sysmacros.h>

#include <charconv>
#include <optional>

namespace labgrade {
namespace {

/// The next run of characters up to a space, advancing `text` past it and the spaces after.
std::string_view NextField(std::string_view& text) {
  const std::size_t end = std::min(text.find(' '), text.size());
  const std::string_view field = text.substr(0, end);
  text.remove_prefix(end);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return field;
}

template <typename Number>
bool ParseNumber(std::string_view text, int base, Number* value) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value, base);
  return error == std::errc() && end == text.data() + text.size();
}

/// "a-b" in hex into two numbers.
bool ParsePair(std::string_view text, char separator, std::uint64_t* first, std::uint64_t* second) {
  const std::size_t at = text.find(separator);
  if (at == std::string_view::npos) return false;
  return ParseNumber(text.substr(0, at), 16, first) && ParseNumber(text.substr(at + 1), 16, second);
}

bool IsPerms(std::string_view perms) {
  return perms.size() == 4 && (perms[0] == 'r' || perms[0] == '-') &&
         (perms[1] == 'w' || perms[1] == '-') && (perms[2] == 'x' || perms[2] == '-') &&
         (perms[3] == 's' || perms[3] == 'p');
}

std::optional<Mapping> ParseLine(std::string_view line) {
  Mapping mapping;
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  if (!ParsePair(NextField(line), '-', &mapping.start, &mapping.end)) return std::nullopt;
  const std::string_view perms = NextField(line);
  if (!IsPerms(perms)) return std::nullopt;
  mapping.perms = std::string(perms);
  if (!ParseNumber(NextField(line), 16, &mapping.offset)) return std::nullopt;
  if (!ParsePair(NextField(line), ':', &major, &minor)) return std::nullopt;
  if (!ParseNumber(NextField(line), 10, &mapping.inode)) return std::nullopt;
  mapping.dev_major = static_cast<unsigned>(major);
  mapping.dev_minor = static_cast<unsigned>(minor);
  // The rest, after the padding, is the path; it may hold spaces ("/a b (deleted)").
  mapping.path = std::string(line);
  return mapping;
}

}  // namespace

std::vector<Mapping> ParseProcMaps(std::string_view maps_text) {
  std::vector<Mapping> mappings;
  while (!maps_text.empty()) {
    const std::size_t end = std::min(maps_text.find('\n'), maps_text.size());
    if (std::optional<Mapping> mapping = ParseLine(maps_text.substr(0, end))) {
      mappings.push_back(std::move(*mapping));
    }
    maps_text.remove_prefix(std::min(end + 1, maps_text.size()));
  }
  return mappings;
}

bool IsSharedAnonymous(const Mapping& mapping) {
  // shmem_zero_setup() backs every shared anonymous mapping with a "dev/zero" shmem file.
  return mapping.perms.size() == 4 && mapping.perms[3] == 's' &&
         (mapping.path == "/dev/zero (deleted)" || mapping.path.starts_with("[anon_shmem:"));
}

bool IsSysvSegment(const Mapping& mapping) { return mapping.path.starts_with("/SYSV"); }

bool MapsFile(const Mapping& mapping, dev_t device, ino_t inode, std::string_view relative_path) {
  if (mapping.inode != 0 && mapping.inode == inode && mapping.dev_major == major(device) &&
      mapping.dev_minor == minor(device)) {
    return true;
  }
  const std::string suffix = "/" + std::string(relative_path);
  return mapping.path.ends_with(suffix);
}

bool PermsMatch(const Mapping& mapping, std::string_view prefix) {
  return mapping.perms.starts_with(prefix);
}

}  // namespace labgrade
