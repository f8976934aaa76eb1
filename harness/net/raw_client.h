// The built-in client: TCP connections the harness itself opens to a student's server, to do
// what a well-behaved client program would not — hold a connection idle, half-close it, end it
// with an RST — and to see exactly which bytes come back.
//
// Sockets are created on the calling thread, so they belong to the network namespace that
// thread is in: a test's thread is inside its cell (cell.h). Every wait has a deadline; nothing
// blocks without one (the socket is non-blocking and waits are poll(2)).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "harness/process/unique_fd.h"

namespace labgrade {

using Clock = std::chrono::steady_clock;

/// How an exchange with the peer went. `ok` false: `problem` says what happened, in words about
/// the peer ("the connection was reset by the server after 10 of 20 bytes"); `system_error`
/// true when the harness itself could not do it (a failed system call, named with errno).
struct ExchangeResult {
  bool ok = true;
  bool system_error = false;
  std::string problem;
};

class RawConnection {
 public:
  /// Connects to 127.0.0.1:`port`. A refused connection (nothing listening yet) is retried with a
  /// short backoff until `deadline`. On failure the result says why and the pointer is null.
  static std::unique_ptr<RawConnection> Connect(int port, Clock::time_point deadline,
                                                ExchangeResult* result);

  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  /// Closes the socket if still open (a normal close).
  ~RawConnection() = default;

  /// Sends all of `bytes` by `deadline`, reading whatever arrives meanwhile into received().
  ExchangeResult Send(std::string_view bytes, Clock::time_point deadline);
  /// Reads until `count` more bytes have come since the last Receive (bytes read during Send
  /// count), or `deadline`.
  ExchangeResult Receive(std::int64_t count, Clock::time_point deadline);
  /// Reads until the peer closes its side (end of file, or an RST), or `deadline`.
  ExchangeResult ReceiveUntilClosed(Clock::time_point deadline);

  /// shutdown(SHUT_WR): the peer reads end of file and may still send.
  ExchangeResult ShutdownWrite();
  /// Closes with an RST (SO_LINGER with a zero timeout, then close).
  ExchangeResult Reset();
  /// Closes normally. Idempotent.
  void Close();

  bool open() const { return fd_.valid(); }
  int port() const { return port_; }
  /// The bytes of received() kept at most; the rest is read and counted.
  static constexpr std::int64_t kKeptBytes = 64 << 20;
  /// Everything received so far (the first kKeptBytes), how many bytes that was in all, and
  /// everything sent.
  const std::string& received() const { return received_; }
  std::int64_t received_total() const { return received_total_; }
  const std::string& sent() const { return sent_; }
  bool peer_closed() const { return peer_closed_; }
  bool reset_by_peer() const { return reset_by_peer_; }

 private:
  RawConnection(UniqueFd fd, int port) : fd_(std::move(fd)), port_(port) {}
  /// Reads what is there without waiting; false on a system error (`*result` set).
  bool Drain(ExchangeResult* result);
  /// poll() for `events` until `deadline`; the revents, 0 on timeout, -1 on error.
  int WaitFor(short events, Clock::time_point deadline);
  ExchangeResult ReadUntil(std::int64_t total, Clock::time_point deadline);

  UniqueFd fd_;
  int port_ = 0;
  std::string received_;
  std::string sent_;
  std::int64_t received_total_ = 0;  ///< bytes read in all, kept or not
  std::int64_t consumed_ = 0;        ///< bytes of received_total_ that earlier Receive calls took
  bool peer_closed_ = false;
  bool reset_by_peer_ = false;
};

}  // namespace labgrade
