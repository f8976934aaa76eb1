#include "harness/probes/socket_probes.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/probes/socket_owner.h"

namespace labgrade {
namespace {

/// "port 8080", "ports 8080 and 8081", "ports 1, 2 and 3".
std::string PortList(std::vector<int> ports) {
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  std::string text = ports.size() == 1 ? "port " : "ports ";
  for (std::size_t i = 0; i < ports.size(); ++i) {
    if (i > 0) text += i + 1 == ports.size() ? " and " : ", ";
    text += std::to_string(ports[i]);
  }
  return text;
}

bool IsServerSocket(const SocketEntry& entry, SocketProtocol protocol) {
  return protocol == SocketProtocol::kUdp || entry.state == SocketState::kListen;
}

std::string Plural(int count, const char* one, const char* many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

}  // namespace

ServerSocketSearch FindServerSocket(const std::vector<SocketEntry>& table,
                                    const std::set<std::uint64_t>& owned, SocketProtocol protocol,
                                    int port, const std::string& instance) {
  ServerSocketSearch search;
  std::vector<int> own_elsewhere;
  bool someone_else = false;
  for (const SocketEntry& entry : table) {
    if (entry.protocol != protocol || !IsServerSocket(entry, protocol)) continue;
    const bool ours = entry.inode != 0 && owned.count(entry.inode);
    if (entry.local_port == port && ours) {
      search.found = true;
      return search;
    }
    if (entry.local_port == port) someone_else = true;
    if (ours) own_elsewhere.push_back(entry.local_port);
  }
  const bool tcp = protocol == SocketProtocol::kTcp;
  if (!own_elsewhere.empty()) {
    search.problem =
        tcp ? fmt::format("{} is listening on {}, not {}", instance, PortList(own_elsewhere), port)
            : fmt::format("{} has a UDP socket bound to {}, not {}", instance,
                          PortList(own_elsewhere), port);
  } else if (someone_else) {
    search.problem =
        tcp ? fmt::format("something is listening on port {}, but not {} or its children", port,
                          instance)
            : fmt::format("a UDP socket is bound to port {}, but not by {} or its children", port,
                          instance);
  } else {
    search.problem = tcp ? fmt::format("nothing is listening on port {}", port)
                         : fmt::format("no UDP socket is bound to port {}", port);
  }
  return search;
}

int CountSockets(const std::vector<SocketEntry>& table,
                 const std::optional<std::set<std::uint64_t>>& owned, SocketState state,
                 std::optional<int> port) {
  int count = 0;
  for (const SocketEntry& entry : table) {
    if (entry.protocol != SocketProtocol::kTcp || entry.state != state) continue;
    if (owned && (entry.inode == 0 || !owned->count(entry.inode))) continue;
    if (port && entry.local_port != *port && entry.remote_port != *port) continue;
    ++count;
  }
  return count;
}

std::string CountRange(std::optional<int> min, std::optional<int> max) {
  if (min && max && *min == *max) return fmt::format("exactly {}", *min);
  if (min && max) return fmt::format("between {} and {}", *min, *max);
  if (max) return fmt::format("at most {}", *max);
  return fmt::format("at least {}", min.value_or(0));
}

std::string SocketCountProblem(const std::string& who, SocketState state, int count,
                               std::optional<int> min, std::optional<int> max,
                               std::optional<int> port) {
  const std::string_view name = SocketStateName(state);
  const std::string on_port = port ? fmt::format(" on port {}", *port) : "";
  const bool too_many = max && count > *max;
  if (too_many && state == SocketState::kCloseWait) {
    if (who.empty())
      return fmt::format(
          "{} still in CLOSE_WAIT{}: a program never closed the sockets of peers that had "
          "finished",
          Plural(count, "connection is", "connections are"), on_port);
    return fmt::format(
        "{} still has {} in CLOSE_WAIT{}: it never closed the sockets of clients that had "
        "finished",
        who, Plural(count, "connection", "connections"), on_port);
  }
  if (!too_many && state == SocketState::kListen && count == 0) {
    return who.empty() ? fmt::format("nothing is listening{}", on_port)
                       : fmt::format("{} is not listening{}", who, on_port);
  }
  const std::string sockets = Plural(count, "TCP socket", "TCP sockets");
  if (who.empty())
    return fmt::format("the test's network has {} in {}{}, expected {}", sockets, name, on_port,
                       CountRange(min, max));
  return fmt::format("{} has {} in {}{}, expected {}", who, sockets, name, on_port,
                     CountRange(min, max));
}

std::vector<int> ZombiesIn(const ProcReader& reader, const std::vector<int>& tree) {
  std::vector<int> zombies;
  for (std::size_t i = 1; i < tree.size(); ++i) {
    const std::optional<ProcStat> stat = ReadProcStat(reader, tree[i]);
    if (stat && stat->state == 'Z') zombies.push_back(tree[i]);
  }
  return zombies;
}

}  // namespace labgrade
