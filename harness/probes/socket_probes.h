// What the socket steps conclude from a snapshot of a namespace's socket tables and the socket
// inodes a program holds, in words a student understands: is the server ready on its port (and
// if not, what it did instead), how many sockets are in a state, which children are zombies.
// Pure functions of their inputs (tables from socket_table.h, inodes from socket_owner.h), so
// the wording is unit-tested on canned tables; scenario.cc polls them until a deadline.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/probes/proc_stat.h"
#include "harness/probes/socket_table.h"
#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Whether a server's socket is there, and what was seen instead when it is not.
struct ServerSocketSearch {
  bool found = false;
  /// When not found: "echoserv is listening on port 8080, not 5000", "nothing is listening on
  /// port 5000", ...
  std::string problem;
};

/// Looks for a TCP socket in LISTEN (or, for UDP, any socket) on `port` among `table` whose
/// inode is in `owned` (the sockets of `instance` and its descendants).
ServerSocketSearch FindServerSocket(const std::vector<SocketEntry>& table,
                                    const std::set<std::uint64_t>& owned, SocketProtocol protocol,
                                    int port, const std::string& instance);

/// The TCP sockets of `table` in `state`, among `owned` when given (else all), and with `port`
/// at either end when given.
int CountSockets(const std::vector<SocketEntry>& table,
                 const std::optional<std::set<std::uint64_t>>& owned, SocketState state,
                 std::optional<int> port);

/// Why a socket count is out of range, e.g. "echoserv still has 3 connections in CLOSE_WAIT: it
/// never closed the sockets of clients that had finished". `who` is the instance, or empty for
/// the whole namespace.
std::string SocketCountProblem(const std::string& who, SocketState state, int count,
                               std::optional<int> min, std::optional<int> max,
                               std::optional<int> port);

/// "at most 0", "at least 1", "between 1 and 3".
std::string CountRange(std::optional<int> min, std::optional<int> max);

/// The processes of `tree` (a ProcessTree, its root first) other than the root that are zombies
/// (state Z): children that ended and were not waited for.
std::vector<int> ZombiesIn(const ProcReader& reader, const std::vector<int>& tree);

}  // namespace labgrade
