#include "harness/probes/socket_owner.h"

#include <charconv>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace labgrade {

std::set<std::uint64_t> SocketInodesOf(const ProcReader& reader, const std::vector<int>& pids) {
  constexpr std::string_view kPrefix = "socket:[";
  std::set<std::uint64_t> inodes;
  for (int pid : pids) {
    const std::filesystem::path fd_dir = fmt::format("/proc/{}/fd", pid);
    const std::optional<std::vector<std::string>> fds = reader.ListDirectory(fd_dir);
    if (!fds) continue;
    for (const std::string& fd : *fds) {
      // A descriptor closed between the listing and the read has no link any more: skipped.
      const std::optional<std::string> target = reader.ReadLink(fd_dir / fd);
      if (!target || !target->starts_with(kPrefix) || !target->ends_with("]")) continue;
      const std::string_view digits =
          std::string_view(*target).substr(kPrefix.size(), target->size() - kPrefix.size() - 1);
      std::uint64_t inode = 0;
      const auto [end, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), inode);
      if (error == std::errc() && end == digits.data() + digits.size()) inodes.insert(inode);
    }
  }
  return inodes;
}

std::vector<SocketEntry> SocketsAmong(const std::vector<SocketEntry>& table,
                                      const std::set<std::uint64_t>& inodes) {
  std::vector<SocketEntry> owned;
  for (const SocketEntry& entry : table)
    if (entry.inode != 0 && inodes.count(entry.inode)) owned.push_back(entry);
  return owned;
}

std::optional<int> OpenDescriptorCount(const ProcReader& reader, int pid) {
  const std::optional<std::vector<std::string>> fds =
      reader.ListDirectory(fmt::format("/proc/{}/fd", pid));
  if (!fds) return std::nullopt;
  return static_cast<int>(fds->size());
}

}  // namespace labgrade
