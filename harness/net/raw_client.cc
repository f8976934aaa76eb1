#include "harness/net/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace labgrade {
namespace {

ExchangeResult SystemError(const std::string& call) {
  return ExchangeResult{false, true, fmt::format("{}: {}", call, std::strerror(errno))};
}

ExchangeResult Problem(std::string words) { return ExchangeResult{false, false, std::move(words)}; }

std::string Bytes(std::int64_t count) {
  return fmt::format("{} byte{}", count, count == 1 ? "" : "s");
}

int MsUntil(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count() + 1, 0, 60'000));
}

/// One non-blocking connect to 127.0.0.1:port, waited for until `deadline`. 0 when connected,
/// else the errno (ETIMEDOUT at the deadline).
int ConnectOnce(int fd, int port, Clock::time_point deadline) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return 0;
  if (errno != EINPROGRESS) return errno;
  pollfd waiting{fd, POLLOUT, 0};
  for (;;) {
    const int ready = ::poll(&waiting, 1, MsUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return errno;
    if (ready == 0) return ETIMEDOUT;
    break;
  }
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
  return error;
}

}  // namespace

std::unique_ptr<RawConnection> RawConnection::Connect(int port, Clock::time_point deadline,
                                                      ExchangeResult* result) {
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
      *result = SystemError("socket(AF_INET, SOCK_STREAM)");
      return nullptr;
    }
    const int error = ConnectOnce(fd.get(), port, deadline);
    if (error == 0) {
      *result = ExchangeResult{};
      return std::unique_ptr<RawConnection>(new RawConnection(std::move(fd), port));
    }
    if (error != ECONNREFUSED || Clock::now() >= deadline) {
      errno = error;
      *result = error == ECONNREFUSED || error == ETIMEDOUT
                    ? Problem(fmt::format("nothing accepted a connection on port {}", port))
                    : SystemError(fmt::format("connect(127.0.0.1:{})", port));
      return nullptr;
    }
    // Refused: the server is not listening yet. There is no notification for that; try again
    // soon, with a backoff, until the deadline.
    ::poll(nullptr, 0, MsUntil(std::min(deadline, Clock::now() + pause)));
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
}

int RawConnection::WaitFor(short events, Clock::time_point deadline) {
  pollfd waiting{fd_.get(), events, 0};
  for (;;) {
    const int ready = ::poll(&waiting, 1, MsUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return -1;
    if (ready == 0) return Clock::now() >= deadline ? 0 : WaitFor(events, deadline);
    return waiting.revents;
  }
}

bool RawConnection::Drain(ExchangeResult* result) {
  char buffer[65536];
  while (!peer_closed_) {
    const ssize_t count = ::recv(fd_.get(), buffer, sizeof buffer, MSG_DONTWAIT);
    if (count > 0) {
      // A server that floods must not exhaust the grader: past the cap, bytes are counted only.
      const auto room = static_cast<std::size_t>(kKeptBytes) - received_.size();
      received_.append(buffer, std::min(room, static_cast<std::size_t>(count)));
      received_total_ += count;
      continue;
    }
    if (count == 0) {
      peer_closed_ = true;
    } else if (errno == ECONNRESET) {
      peer_closed_ = reset_by_peer_ = true;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      return true;
    } else {
      *result = SystemError("recv");
      return false;
    }
  }
  return true;
}

ExchangeResult RawConnection::Send(std::string_view bytes, Clock::time_point deadline) {
  if (!open()) return Problem("the connection is closed");
  std::size_t done = 0;
  ExchangeResult result;
  while (done < bytes.size()) {
    // MSG_NOSIGNAL: a peer that went away must not raise SIGPIPE in the grader.
    const ssize_t count =
        ::send(fd_.get(), bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (count > 0) {
      sent_.append(bytes.data() + done, static_cast<std::size_t>(count));
      done += static_cast<std::size_t>(count);
      continue;
    }
    if (errno == EPIPE || errno == ECONNRESET) {
      if (errno == ECONNRESET) reset_by_peer_ = true;
      return Problem(fmt::format("the server closed the connection after receiving {} of {}",
                                 Bytes(static_cast<std::int64_t>(done)),
                                 Bytes(static_cast<std::int64_t>(bytes.size()))));
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return SystemError("send");
    // The socket's buffer is full: read what the peer sends meanwhile, or it may stop
    // reading until we do.
    const int events = WaitFor(POLLOUT | POLLIN, deadline);
    if (events < 0) return SystemError("poll");
    if (events == 0)
      return Problem(fmt::format("the server stopped reading: only {} of {} could be sent",
                                 Bytes(static_cast<std::int64_t>(done)),
                                 Bytes(static_cast<std::int64_t>(bytes.size()))));
    if ((events & POLLIN) && !Drain(&result)) return result;
  }
  if (!Drain(&result)) return result;
  return result;
}

ExchangeResult RawConnection::ReadUntil(std::int64_t total, Clock::time_point deadline) {
  ExchangeResult result;
  for (;;) {
    if (!Drain(&result)) return result;
    if (received_total_ >= total || peer_closed_) return result;
    const int events = WaitFor(POLLIN, deadline);
    if (events < 0) return SystemError("poll");
    if (events == 0) return result;  // the caller words the timeout
  }
}

ExchangeResult RawConnection::Receive(std::int64_t count, Clock::time_point deadline) {
  if (!fd_.valid()) return Problem("the connection is closed");
  const std::int64_t want = consumed_ + count;
  ExchangeResult result = ReadUntil(want, deadline);
  if (!result.ok) return result;
  const std::int64_t got = received_total_ - consumed_;
  if (got >= count) {
    consumed_ = want;
    return result;
  }
  consumed_ = received_total_;
  if (reset_by_peer_)
    return Problem(fmt::format("the server reset the connection after sending {} of {}", Bytes(got),
                               Bytes(count)));
  if (peer_closed_)
    return Problem(fmt::format("the server closed the connection after sending {} of {}",
                               Bytes(got), Bytes(count)));
  if (got == 0) return Problem(fmt::format("nothing came back ({} expected)", Bytes(count)));
  return Problem(fmt::format("only {} of {} came back", Bytes(got), Bytes(count)));
}

ExchangeResult RawConnection::ReceiveUntilClosed(Clock::time_point deadline) {
  if (!fd_.valid()) return Problem("the connection is closed");
  ExchangeResult result = ReadUntil(INT64_MAX, deadline);
  consumed_ = received_total_;
  if (!result.ok || peer_closed_) return result;
  return Problem("the server kept the connection open");
}

ExchangeResult RawConnection::ShutdownWrite() {
  if (!fd_.valid()) return Problem("the connection is closed");
  if (::shutdown(fd_.get(), SHUT_WR) != 0 && errno != ENOTCONN) return SystemError("shutdown");
  return {};
}

ExchangeResult RawConnection::Reset() {
  if (!fd_.valid()) return Problem("the connection is closed");
  const linger abrupt{1, 0};
  if (::setsockopt(fd_.get(), SOL_SOCKET, SO_LINGER, &abrupt, sizeof abrupt) != 0)
    return SystemError("setsockopt(SO_LINGER)");
  fd_.Reset();
  return {};
}

void RawConnection::Close() { fd_.Reset(); }

}  // namespace labgrade
