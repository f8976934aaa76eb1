// Tests for host mode's port picking: the port given is free for TCP and UDP at once.
#include "harness/net/free_port.h"

#include <gtest/gtest.h>

#include "tests/harness/socket_test_support.h"

namespace labgrade {
namespace {

using namespace testing_sockets;

bool Binds(int type, int port) {
  UniqueFd fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
  sockaddr_in address = Loopback(port);
  return fd.valid() && ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

// The picked port can be bound by a TCP and by a UDP socket.
TEST(PickFreePort, GivesAPortBothProtocolsCanBind) {
  std::string error;
  const std::optional<int> port = PickFreePort(&error);
  ASSERT_TRUE(port) << error;
  EXPECT_GT(*port, 0);
  EXPECT_TRUE(Binds(SOCK_STREAM, *port));
  EXPECT_TRUE(Binds(SOCK_DGRAM, *port));
}

// A port in use is not given out while it is held.
TEST(PickFreePort, NeverGivesAPortInUse) {
  UniqueFd held = BoundSocket(SOCK_STREAM);
  ASSERT_TRUE(held.valid());
  std::string error;
  for (int i = 0; i < 20; ++i) EXPECT_NE(PickFreePort(&error), LocalPort(held.get()));
}

}  // namespace
}  // namespace labgrade
