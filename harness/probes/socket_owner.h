// Which process holds a socket: a socket in a table of socket_table.h is tied to the processes
// that have it open by its inode, which /proc/PID/fd/N shows as "socket:[INODE]". Also counts a
// process's open descriptors, for the leak probe (record_fds / expect_fds).
//
// Read through the ProcReader seam (proc_stat.h), so tests feed canned /proc trees.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "harness/probes/proc_stat.h"
#include "harness/probes/socket_table.h"

namespace labgrade {

/// The socket inodes the descriptors of `pids` refer to. A process that is gone, or whose fd
/// folder cannot be read, adds nothing.
std::set<std::uint64_t> SocketInodesOf(const ProcReader& reader, const std::vector<int>& pids);

/// The entries of `table` whose inode is in `inodes`.
std::vector<SocketEntry> SocketsAmong(const std::vector<SocketEntry>& table,
                                      const std::set<std::uint64_t>& inodes);

/// How many descriptors `pid` has open (the entries of /proc/PID/fd); null when it is gone.
std::optional<int> OpenDescriptorCount(const ProcReader& reader, int pid);

}  // namespace labgrade
