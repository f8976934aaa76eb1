// Tests for the built-in client against a listener of this test process: it connects, sends
// and receives exactly, half-closes (the peer reads end of file), resets (the peer gets
// ECONNRESET), sees the peer close, says when nothing listens or nothing comes back, and never
// deadlocks with a peer that echoes a large message while it is still being sent.
#include "harness/net/raw_client.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include <fmt/format.h>

#include "harness/process/random_bytes.h"
#include "tests/harness/socket_test_support.h"

namespace labgrade {
namespace {

using namespace testing_sockets;

Clock::time_point In(int ms) { return Clock::now() + std::chrono::milliseconds(ms); }

class RawClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    listener_ = BoundSocket(SOCK_STREAM);
    ASSERT_TRUE(listener_.valid());
    port_ = LocalPort(listener_.get());
    ExchangeResult result;
    client_ = RawConnection::Connect(port_, In(10'000), &result);
    ASSERT_TRUE(client_) << result.problem;
    server_.Reset(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    ASSERT_TRUE(server_.valid());
  }

  /// Reads once from the server's side (blocking): the byte count, or -errno.
  ssize_t ServerRead(char* buffer, std::size_t size) {
    const ssize_t count = ::read(server_.get(), buffer, size);
    return count < 0 ? -errno : count;
  }

  UniqueFd listener_;
  int port_ = 0;
  std::unique_ptr<RawConnection> client_;
  UniqueFd server_;
};

// Bytes sent arrive at the server; bytes the server writes are received, counted exactly.
TEST_F(RawClientTest, SendsAndReceives) {
  ASSERT_TRUE(client_->Send("hello", In(10'000)).ok);
  char buffer[16] = {};
  ASSERT_EQ(ServerRead(buffer, sizeof buffer), 5);
  EXPECT_EQ(std::string(buffer, 5), "hello");
  ASSERT_EQ(::write(server_.get(), "world!", 6), 6);
  ExchangeResult result = client_->Receive(6, In(10'000));
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(client_->received(), "world!");
  EXPECT_EQ(client_->sent(), "hello");
}

// A half-close makes the server read end of file, and the server can still answer.
TEST_F(RawClientTest, ShutdownWriteIsEndOfFileForThePeer) {
  ASSERT_TRUE(client_->ShutdownWrite().ok);
  char buffer[4];
  EXPECT_EQ(ServerRead(buffer, sizeof buffer), 0);
  ASSERT_EQ(::write(server_.get(), "ok", 2), 2);
  EXPECT_TRUE(client_->Receive(2, In(10'000)).ok);
}

// A reset reaches the server as ECONNRESET, not as an orderly end of file.
TEST_F(RawClientTest, ResetIsAnRstForThePeer) {
  ASSERT_TRUE(client_->Reset().ok);
  EXPECT_FALSE(client_->open());
  char buffer[4];
  EXPECT_EQ(ServerRead(buffer, sizeof buffer), -ECONNRESET);
}

// Waiting for the peer to close ends when it does, with what it sent before.
TEST_F(RawClientTest, ReceivesUntilThePeerCloses) {
  ASSERT_EQ(::write(server_.get(), "bye", 3), 3);
  server_.Reset();
  ExchangeResult result = client_->ReceiveUntilClosed(In(10'000));
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_TRUE(client_->peer_closed());
  EXPECT_EQ(client_->received(), "bye");
}

// Nothing coming back by the deadline is said in words.
TEST_F(RawClientTest, SaysNothingCameBack) {
  ExchangeResult result = client_->Receive(3, In(50));
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(result.system_error);
  EXPECT_EQ(result.problem, "nothing came back (3 bytes expected)");
}

// A peer that closes early is told apart from one that is slow.
TEST_F(RawClientTest, SaysThePeerClosedEarly) {
  ASSERT_EQ(::write(server_.get(), "ab", 2), 2);
  server_.Reset();
  ExchangeResult result = client_->Receive(5, In(10'000));
  EXPECT_EQ(result.problem, "the server closed the connection after sending 2 bytes of 5 bytes");
}

// A megabyte echoed back while it is still being sent goes through: the client reads as it
// sends, so neither side waits for the other forever.
TEST_F(RawClientTest, LargeEchoDoesNotDeadlock) {
  std::thread echo([fd = server_.get()] {
    char buffer[65536];
    for (;;) {
      const ssize_t count = ::read(fd, buffer, sizeof buffer);
      if (count <= 0) return;
      for (ssize_t done = 0; done < count;) {
        const ssize_t wrote = ::write(fd, buffer + done, static_cast<std::size_t>(count - done));
        if (wrote <= 0) return;
        done += wrote;
      }
    }
  });
  const std::string bytes = RandomBytes(1 << 20, 5);
  ExchangeResult sent = client_->Send(bytes, In(30'000));
  EXPECT_TRUE(sent.ok) << sent.problem;
  ExchangeResult received = client_->Receive(static_cast<std::int64_t>(bytes.size()), In(30'000));
  EXPECT_TRUE(received.ok) << received.problem;
  client_->ShutdownWrite();
  echo.join();
  EXPECT_TRUE(client_->received() == bytes);
}

// A server that floods is read to the end but only the first kKeptBytes are kept.
TEST_F(RawClientTest, FloodIsCountedNotKept) {
  const std::int64_t flood = RawConnection::kKeptBytes + (1 << 20);
  std::thread writer([this, flood] {
    const std::string chunk(1 << 16, 'x');
    for (std::int64_t done = 0; done < flood;) {
      const ssize_t wrote = ::write(server_.get(), chunk.data(), chunk.size());
      if (wrote <= 0) return;
      done += wrote;
    }
    server_.Reset();
  });
  ExchangeResult result = client_->ReceiveUntilClosed(In(60'000));
  writer.join();
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(static_cast<std::int64_t>(client_->received().size()), RawConnection::kKeptBytes);
  EXPECT_GE(client_->received_total(), flood);
}

// With nothing listening, connecting fails at the deadline in words, not as a grader error.
TEST(RawConnectionConnect, SaysNothingAccepted) {
  int port = 0;
  {
    UniqueFd bound = BoundSocket(SOCK_DGRAM);  // a port number nothing listens on with TCP
    ASSERT_TRUE(bound.valid());
    port = LocalPort(bound.get());
  }
  ExchangeResult result;
  auto connection = RawConnection::Connect(port, In(50), &result);
  EXPECT_EQ(connection, nullptr);
  EXPECT_FALSE(result.system_error);
  EXPECT_EQ(result.problem, fmt::format("nothing accepted a connection on port {}", port));
}

}  // namespace
}  // namespace labgrade
