// Tests for the socket probes' conclusions: what a server waiting test sees and says (right
// port, wrong port, someone else's socket, nothing), the counts and their words (CLOSE_WAIT
// pinned), on canned tables and on real sockets of this process (a CLOSE_WAIT it leaves on
// purpose, a zombie child it does not reap).
#include "harness/probes/socket_probes.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/probes/socket_owner.h"
#include "tests/harness/socket_test_support.h"

namespace labgrade {
namespace {

using namespace testing_sockets;

SocketEntry Tcp(int local_port, SocketState state, std::uint64_t inode, int remote_port = 0) {
  SocketEntry entry;
  entry.local_port = local_port;
  entry.remote_port = remote_port;
  entry.state = state;
  entry.inode = inode;
  return entry;
}

// A listener of the instance on the awaited port is found.
TEST(FindServerSocket, FindsTheInstancesListener) {
  const std::vector<SocketEntry> table = {Tcp(5000, SocketState::kListen, 10)};
  EXPECT_TRUE(FindServerSocket(table, {10}, SocketProtocol::kTcp, 5000, "echoserv").found);
}

// A server listening elsewhere is told where.
TEST(FindServerSocket, SaysWhereAServerListensInstead) {
  const std::vector<SocketEntry> table = {Tcp(8080, SocketState::kListen, 10)};
  const ServerSocketSearch search =
      FindServerSocket(table, {10}, SocketProtocol::kTcp, 5000, "echoserv");
  EXPECT_FALSE(search.found);
  EXPECT_EQ(search.problem, "echoserv is listening on port 8080, not 5000");
}

// Nothing on the port, and nothing of the instance anywhere.
TEST(FindServerSocket, SaysNothingIsListening) {
  const std::vector<SocketEntry> table = {Tcp(5000, SocketState::kEstablished, 10)};
  EXPECT_EQ(FindServerSocket(table, {10}, SocketProtocol::kTcp, 5000, "echoserv").problem,
            "nothing is listening on port 5000");
}

// A listener on the port that is not the instance's does not count.
TEST(FindServerSocket, SomeoneElsesListenerDoesNotCount) {
  const std::vector<SocketEntry> table = {Tcp(5000, SocketState::kListen, 11)};
  EXPECT_EQ(FindServerSocket(table, {10}, SocketProtocol::kTcp, 5000, "echoserv").problem,
            "something is listening on port 5000, but not echoserv or its children");
}

// A UDP server bound elsewhere is told where.
TEST(FindServerSocket, UdpBoundElsewhere) {
  SocketEntry udp = Tcp(6000, SocketState::kClose, 10);
  udp.protocol = SocketProtocol::kUdp;
  EXPECT_EQ(FindServerSocket({udp}, {10}, SocketProtocol::kUdp, 5000, "udpserv").problem,
            "udpserv has a UDP socket bound to port 6000, not 5000");
}

// Counts filter by state, by owner and by port at either end.
TEST(CountSockets, FiltersByStateOwnerAndPort) {
  const std::vector<SocketEntry> table = {
      Tcp(5000, SocketState::kCloseWait, 1, 40000), Tcp(5000, SocketState::kCloseWait, 2, 40001),
      Tcp(40002, SocketState::kTimeWait, 0, 5000), Tcp(7000, SocketState::kCloseWait, 3, 40003)};
  EXPECT_EQ(CountSockets(table, std::nullopt, SocketState::kCloseWait, std::nullopt), 3);
  EXPECT_EQ(
      CountSockets(table, std::set<std::uint64_t>{1, 3}, SocketState::kCloseWait, std::nullopt), 2);
  EXPECT_EQ(CountSockets(table, std::nullopt, SocketState::kCloseWait, 5000), 2);
  EXPECT_EQ(CountSockets(table, std::nullopt, SocketState::kTimeWait, 5000), 1);
}

// The CLOSE_WAIT words a student reads.
TEST(SocketCountProblem, CloseWaitOfAServer) {
  EXPECT_EQ(
      SocketCountProblem("echoserv", SocketState::kCloseWait, 3, std::nullopt, 0, std::nullopt),
      "echoserv still has 3 connections in CLOSE_WAIT: it never closed the sockets of "
      "clients that had finished");
}

// Other states get the count and the range.
TEST(SocketCountProblem, GenericWords) {
  EXPECT_EQ(SocketCountProblem("", SocketState::kTimeWait, 25, std::nullopt, 20, 5000),
            "the test's network has 25 TCP sockets in TIME_WAIT on port 5000, expected at most 20");
  EXPECT_EQ(SocketCountProblem("echoserv", SocketState::kListen, 0, 1, std::nullopt, std::nullopt),
            "echoserv is not listening");
}

// A connection the peer closed and this process did not is seen in CLOSE_WAIT, as its own.
TEST(CountSockets, SeesARealCloseWait) {
  UniqueFd listener = BoundSocket(SOCK_STREAM);
  ASSERT_TRUE(listener.valid());
  const int port = LocalPort(listener.get());
  UniqueFd client = ConnectedClient(port);
  ASSERT_TRUE(client.valid());
  UniqueFd accepted(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_TRUE(accepted.valid());
  client.Reset();  // the peer closes; `accepted` is left open: CLOSE_WAIT
  const std::set<std::uint64_t> ours = SocketInodesOf(ProcReader(), {::getpid()});
  // The FIN arrives over loopback at once, but give the kernel a bounded while.
  int count = 0;
  for (int round = 0; round < 200 && count == 0; ++round) {
    std::string error;
    auto table = ReadSocketTables(ProcReader(), ThreadNetDir(), SocketProtocol::kTcp, &error);
    ASSERT_TRUE(table) << error;
    count = CountSockets(*table, ours, SocketState::kCloseWait, port);
    if (count == 0) ::poll(nullptr, 0, 5);
  }
  EXPECT_EQ(count, 1);
}

// A child that exited and was not waited for is a zombie in this process's tree.
TEST(ZombiesIn, FindsAnUnreapedChild) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  // Wait until it has exited without reaping it (WNOWAIT leaves it a zombie).
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, child, &info, WEXITED | WNOWAIT), 0);
  const std::vector<int> zombies = ZombiesIn(ProcReader(), ProcessTree(ProcReader(), ::getpid()));
  EXPECT_NE(std::find(zombies.begin(), zombies.end(), child), zombies.end());
  ::waitpid(child, nullptr, 0);
  const std::vector<int> after = ZombiesIn(ProcReader(), ProcessTree(ProcReader(), ::getpid()));
  EXPECT_EQ(std::find(after.begin(), after.end(), child), after.end());
}

}  // namespace
}  // namespace labgrade
