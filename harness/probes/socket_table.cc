#include "harness/probes/socket_table.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace labgrade {
namespace {

constexpr std::array<std::pair<SocketState, std::string_view>, 12> kStateNames = {{
    {SocketState::kEstablished, "ESTABLISHED"},
    {SocketState::kSynSent, "SYN_SENT"},
    {SocketState::kSynRecv, "SYN_RECV"},
    {SocketState::kFinWait1, "FIN_WAIT1"},
    {SocketState::kFinWait2, "FIN_WAIT2"},
    {SocketState::kTimeWait, "TIME_WAIT"},
    {SocketState::kClose, "CLOSE"},
    {SocketState::kCloseWait, "CLOSE_WAIT"},
    {SocketState::kLastAck, "LAST_ACK"},
    {SocketState::kListen, "LISTEN"},
    {SocketState::kClosing, "CLOSING"},
    {SocketState::kNewSynRecv, "NEW_SYN_RECV"},
}};

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
    std::size_t end = at;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    if (end > at) fields.push_back(line.substr(at, end - at));
    at = end;
  }
  return fields;
}

template <typename Number>
bool ParseNumber(std::string_view text, int base, Number* value) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value, base);
  return error == std::errc() && end == text.data() + text.size();
}

/// "0100007F:1388" (IPv4) or 32 hex digits and a port (IPv6): the address printable, the port.
/// The kernel prints each 32-bit word of the address as a number in host byte order.
bool ParseEndpoint(std::string_view text, bool ipv6, std::string* address, int* port) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view hex = text.substr(0, colon);
  if (hex.size() != (ipv6 ? 32u : 8u)) return false;
  std::array<std::uint32_t, 4> words{};
  for (std::size_t i = 0; i < hex.size() / 8; ++i) {
    if (!ParseNumber(hex.substr(i * 8, 8), 16, &words[i])) return false;
  }
  char printable[INET6_ADDRSTRLEN] = {};
  if (ipv6) {
    in6_addr in6{};
    std::memcpy(&in6, words.data(), sizeof in6);
    ::inet_ntop(AF_INET6, &in6, printable, sizeof printable);
  } else {
    in_addr in4{};
    in4.s_addr = words[0];
    ::inet_ntop(AF_INET, &in4, printable, sizeof printable);
  }
  *address = printable;
  return ParseNumber(text.substr(colon + 1), 16, port) && *port >= 0 && *port <= 65535;
}

}  // namespace

std::string_view SocketStateName(SocketState state) {
  for (const auto& [known, name] : kStateNames)
    if (known == state) return name;
  return "UNKNOWN";
}

std::optional<SocketState> SocketStateFromName(std::string_view name) {
  for (const auto& [state, known] : kStateNames)
    if (known == name) return state;
  return std::nullopt;
}

std::optional<std::vector<SocketEntry>> ParseSocketTable(std::string_view text,
                                                         SocketProtocol protocol, bool ipv6,
                                                         std::string* error) {
  std::vector<SocketEntry> entries;
  std::size_t at = text.find('\n');  // the header: "  sl  local_address rem_address   st ..."
  int line_number = 1;
  while (at != std::string_view::npos && at + 1 < text.size()) {
    const std::size_t start = at + 1;
    at = text.find('\n', start);
    const std::string_view line =
        text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start);
    ++line_number;
    const std::vector<std::string_view> fields = Fields(line);
    if (fields.empty()) continue;
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
    SocketEntry entry;
    entry.protocol = protocol;
    entry.ipv6 = ipv6;
    int state = 0;
    const bool ok = fields.size() >= 10 &&
                    ParseEndpoint(fields[1], ipv6, &entry.local_address, &entry.local_port) &&
                    ParseEndpoint(fields[2], ipv6, &entry.remote_address, &entry.remote_port) &&
                    ParseNumber(fields[3], 16, &state) && ParseNumber(fields[9], 10, &entry.inode);
    if (!ok) {
      *error = fmt::format("line {} of the socket table does not parse: '{}'", line_number, line);
      return std::nullopt;
    }
    entry.state = static_cast<SocketState>(state);
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::optional<std::vector<SocketEntry>> ReadSocketTables(const ProcReader& reader,
                                                         const std::filesystem::path& net_dir,
                                                         SocketProtocol protocol,
                                                         std::string* error) {
  const std::string name = protocol == SocketProtocol::kTcp ? "tcp" : "udp";
  std::vector<SocketEntry> all;
  for (const bool ipv6 : {false, true}) {
    const std::filesystem::path path = net_dir / (ipv6 ? name + "6" : name);
    const std::optional<std::string> text = reader.ReadFile(path);
    if (!text && ipv6) continue;  // IPv6 is disabled in this kernel or namespace
    if (!text) {
      *error = fmt::format("cannot read {}", path.string());
      return std::nullopt;
    }
    std::string parse_error;
    std::optional<std::vector<SocketEntry>> entries =
        ParseSocketTable(*text, protocol, ipv6, &parse_error);
    if (!entries) {
      *error = fmt::format("{}: {}", path.string(), parse_error);
      return std::nullopt;
    }
    all.insert(all.end(), entries->begin(), entries->end());
  }
  return all;
}

std::filesystem::path ThreadNetDir() { return "/proc/thread-self/net"; }

}  // namespace labgrade
