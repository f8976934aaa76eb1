// The socket tables of a network namespace, as the kernel lists them in /proc/net/tcp, tcp6,
// udp and udp6 (see proc(5)): each socket's local and remote address and port, its TCP state,
// and its inode, which ties it to the descriptors a process holds (socket_owner.h).
//
// The tables of the namespace a thread is in are read from /proc/thread-self/net: /proc/self/net
// follows the thread-group leader, which stays in the host's namespace while a test's thread
// has entered its cell. Parsing is a pure function of the text, so tests feed canned tables.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/probes/proc_stat.h"
#include "harness/spec/lab_spec.h"

namespace labgrade {

/// The name netstat and ss use: "LISTEN", "CLOSE_WAIT", "FIN_WAIT1", ...; "UNKNOWN" otherwise.
std::string_view SocketStateName(SocketState state);
/// The state with that name (as SocketStateName spells it); null for any other text.
std::optional<SocketState> SocketStateFromName(std::string_view name);

/// One line of a socket table.
struct SocketEntry {
  SocketProtocol protocol = SocketProtocol::kTcp;
  bool ipv6 = false;
  std::string local_address;  ///< printable, e.g. "127.0.0.1" or "::"
  int local_port = 0;
  std::string remote_address;
  int remote_port = 0;
  SocketState state = SocketState::kClose;
  /// 0 for a socket no descriptor refers to any more (TIME_WAIT, orphaned FIN_WAIT2).
  std::uint64_t inode = 0;
};

/// Parses the text of /proc/net/{tcp,tcp6,udp,udp6} (the header line first). Addresses are in
/// the byte order of the machine that wrote them, i.e. this one. Null, with `*error` set, when a
/// line does not have that shape.
std::optional<std::vector<SocketEntry>> ParseSocketTable(std::string_view text,
                                                         SocketProtocol protocol, bool ipv6,
                                                         std::string* error);

/// The IPv4 and IPv6 tables of `protocol` under `net_dir` (e.g. /proc/thread-self/net),
/// concatenated. A missing tcp6/udp6 (IPv6 disabled) counts as empty; a missing or unreadable
/// IPv4 table is an error (null, `*error` set).
std::optional<std::vector<SocketEntry>> ReadSocketTables(const ProcReader& reader,
                                                         const std::filesystem::path& net_dir,
                                                         SocketProtocol protocol,
                                                         std::string* error);

/// The calling thread's network namespace: /proc/thread-self/net.
std::filesystem::path ThreadNetDir();

}  // namespace labgrade
