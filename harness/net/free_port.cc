#include "harness/net/free_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "harness/process/unique_fd.h"

namespace labgrade {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

}  // namespace

std::optional<int> PickFreePort(std::string* error) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    UniqueFd tcp(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!tcp.valid()) {
      *error = fmt::format("socket(AF_INET, SOCK_STREAM): {}", std::strerror(errno));
      return std::nullopt;
    }
    sockaddr_in address = Loopback(0);
    socklen_t length = sizeof address;
    if (::bind(tcp.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(tcp.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      *error = fmt::format("bind(127.0.0.1:0): {}", std::strerror(errno));
      return std::nullopt;
    }
    const int port = ntohs(address.sin_port);
    // The same number must be free for UDP too: a lab may use {port} for either.
    UniqueFd udp(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!udp.valid()) {
      *error = fmt::format("socket(AF_INET, SOCK_DGRAM): {}", std::strerror(errno));
      return std::nullopt;
    }
    sockaddr_in udp_address = Loopback(port);
    if (::bind(udp.get(), reinterpret_cast<sockaddr*>(&udp_address), sizeof udp_address) == 0)
      return port;
  }
  *error = "no port was free for both TCP and UDP after 50 tries";
  return std::nullopt;
}

}  // namespace labgrade
