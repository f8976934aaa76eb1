// Tests for the socket tables: the parser on canned /proc/net text (IPv4, IPv6, UDP, TIME_WAIT
// with no inode), and the real tables of this thread's namespace, where a listening TCP socket
// and a bound UDP socket the test opens are found with their ports, states and inodes.
#include "harness/probes/socket_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "tests/harness/socket_test_support.h"

namespace labgrade {
namespace {

using namespace testing_sockets;

// /proc/net/tcp with a listener on 127.0.0.1:5000, an established connection to it and a
// TIME_WAIT left by an earlier one (inode 0), as Linux 6.x prints them.
constexpr std::string_view kTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode\n"
    "   0: 0100007F:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 "
    "41234 1 0000000000000000 100 0 0 10 0\n"
    "   1: 0100007F:1388 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 "
    "41240 1 0000000000000000 20 4 30 10 -1\n"
    "   2: 0100007F:D2E6 0100007F:1388 06 00000000:00000000 03:00001770 00000000     0        0 "
    "0 3 0000000000000000\n";

constexpr std::string_view kTcp6 =
    "  sl  local_address                         remote_address                        st "
    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000000000000:1389 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000  1000        0 51000 1 0000000000000000 100 0 0 10 "
    "0\n";

constexpr std::string_view kUdp =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode ref pointer drops\n"
    "  123: 00000000:1388 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 "
    "61000 2 0000000000000000 0\n";

// An IPv4 table gives each socket's addresses, ports, state and inode.
TEST(ParseSocketTable, ReadsIpv4TcpLines) {
  std::string error;
  auto entries = ParseSocketTable(kTcp, SocketProtocol::kTcp, false, &error);
  ASSERT_TRUE(entries) << error;
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].local_address, "127.0.0.1");
  EXPECT_EQ((*entries)[0].local_port, 5000);
  EXPECT_EQ((*entries)[0].state, SocketState::kListen);
  EXPECT_EQ((*entries)[0].inode, 41234u);
  EXPECT_EQ((*entries)[1].remote_port, 0xD2F0);
  EXPECT_EQ((*entries)[1].state, SocketState::kEstablished);
  EXPECT_EQ((*entries)[2].state, SocketState::kTimeWait);
  EXPECT_EQ((*entries)[2].inode, 0u);
}

// An IPv6 listener on [::] is read with its 128-bit address.
TEST(ParseSocketTable, ReadsIpv6Lines) {
  std::string error;
  auto entries = ParseSocketTable(kTcp6, SocketProtocol::kTcp, true, &error);
  ASSERT_TRUE(entries) << error;
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].local_address, "::");
  EXPECT_EQ((*entries)[0].local_port, 5001);
  EXPECT_TRUE((*entries)[0].ipv6);
}

// A bound UDP socket shows state CLOSE (07) and its inode.
TEST(ParseSocketTable, ReadsUdpLines) {
  std::string error;
  auto entries = ParseSocketTable(kUdp, SocketProtocol::kUdp, false, &error);
  ASSERT_TRUE(entries) << error;
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].local_address, "0.0.0.0");
  EXPECT_EQ((*entries)[0].state, SocketState::kClose);
  EXPECT_EQ((*entries)[0].inode, 61000u);
}

// A header alone is an empty table.
TEST(ParseSocketTable, HeaderOnlyIsEmpty) {
  std::string error;
  auto entries = ParseSocketTable("  sl  local_address rem_address   st tx_queue rx_queue\n",
                                  SocketProtocol::kTcp, false, &error);
  ASSERT_TRUE(entries) << error;
  EXPECT_TRUE(entries->empty());
}

// A line that is not a socket line is an error naming its line number.
TEST(ParseSocketTable, RejectsMalformedLines) {
  std::string error;
  auto entries = ParseSocketTable("header\n   0: 0100007F:ZZZZ 00000000:0000 0A\n",
                                  SocketProtocol::kTcp, false, &error);
  EXPECT_FALSE(entries);
  EXPECT_EQ(error,
            "line 2 of the socket table does not parse: '   0: 0100007F:ZZZZ 00000000:0000 0A'");
}

// State names are those of netstat and ss, both ways.
TEST(SocketStateName, NamesRoundTrip) {
  EXPECT_EQ(SocketStateName(SocketState::kCloseWait), "CLOSE_WAIT");
  EXPECT_EQ(SocketStateName(SocketState::kFinWait1), "FIN_WAIT1");
  EXPECT_EQ(SocketStateFromName("TIME_WAIT"), SocketState::kTimeWait);
  EXPECT_EQ(SocketStateFromName("listen"), std::nullopt);
}

const SocketEntry* FindInode(const std::vector<SocketEntry>& table, std::uint64_t inode) {
  auto found = std::find_if(table.begin(), table.end(),
                            [&](const SocketEntry& e) { return e.inode == inode; });
  return found == table.end() ? nullptr : &*found;
}

// A TCP listener this test opens is in the thread's table, in LISTEN on its port, by inode.
TEST(ReadSocketTables, FindsARealListeningSocket) {
  UniqueFd listener = BoundSocket(SOCK_STREAM);
  ASSERT_TRUE(listener.valid()) << "cannot listen on 127.0.0.1";
  std::string error;
  auto table = ReadSocketTables(ProcReader(), ThreadNetDir(), SocketProtocol::kTcp, &error);
  ASSERT_TRUE(table) << error;
  const SocketEntry* entry = FindInode(*table, InodeOf(listener.get()));
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->state, SocketState::kListen);
  EXPECT_EQ(entry->local_port, LocalPort(listener.get()));
  EXPECT_EQ(entry->local_address, "127.0.0.1");
}

// A bound UDP socket this test opens is in the UDP table on its port.
TEST(ReadSocketTables, FindsARealBoundUdpSocket) {
  UniqueFd udp = BoundSocket(SOCK_DGRAM);
  ASSERT_TRUE(udp.valid()) << "cannot bind a UDP socket on 127.0.0.1";
  std::string error;
  auto table = ReadSocketTables(ProcReader(), ThreadNetDir(), SocketProtocol::kUdp, &error);
  ASSERT_TRUE(table) << error;
  const SocketEntry* entry = FindInode(*table, InodeOf(udp.get()));
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->protocol, SocketProtocol::kUdp);
  EXPECT_EQ(entry->local_port, LocalPort(udp.get()));
}

// A missing IPv4 table is an error that names the file.
TEST(ReadSocketTables, MissingTableIsAnError) {
  std::string error;
  auto table = ReadSocketTables(ProcReader(), "/nonexistent/net", SocketProtocol::kTcp, &error);
  EXPECT_FALSE(table);
  EXPECT_EQ(error, "cannot read /nonexistent/net/tcp");
}

}  // namespace
}  // namespace labgrade
