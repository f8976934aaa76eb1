// Tests for socket ownership: the inodes of this process's own sockets are found through
// /proc/PID/fd, a canned fd folder is read through the seam, and the descriptor count follows
// what the process opens and closes.
#include "harness/probes/socket_owner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

#include "tests/harness/socket_test_support.h"

namespace labgrade {
namespace {

using namespace testing_sockets;

// A reader answering from canned fd folders and links.
class CannedFds : public ProcReader {
 public:
  std::map<std::string, std::vector<std::string>> folders;
  std::map<std::string, std::string> links;

  std::optional<std::vector<std::string>> ListDirectory(
      const std::filesystem::path& path) const override {
    auto found = folders.find(path.string());
    if (found == folders.end()) return std::nullopt;
    return found->second;
  }
  std::optional<std::string> ReadLink(const std::filesystem::path& path) const override {
    auto found = links.find(path.string());
    if (found == links.end()) return std::nullopt;
    return found->second;
  }
};

// A listening socket of this process is among its socket inodes.
TEST(SocketInodesOf, FindsThisProcessesRealSocket) {
  UniqueFd listener = BoundSocket(SOCK_STREAM);
  ASSERT_TRUE(listener.valid());
  const std::set<std::uint64_t> inodes = SocketInodesOf(ProcReader(), {::getpid()});
  EXPECT_TRUE(inodes.count(InodeOf(listener.get())));
}

// Only "socket:[N]" links count; files, pipes and links that vanished are skipped.
TEST(SocketInodesOf, ReadsOnlySocketLinks) {
  CannedFds reader;
  reader.folders["/proc/7/fd"] = {"0", "1", "3", "4"};
  reader.links["/proc/7/fd/0"] = "/dev/null";
  reader.links["/proc/7/fd/1"] = "pipe:[99]";
  reader.links["/proc/7/fd/3"] = "socket:[12345]";
  reader.folders["/proc/8/fd"] = {"5"};
  reader.links["/proc/8/fd/5"] = "socket:[777]";
  EXPECT_EQ(SocketInodesOf(reader, {7, 8, 9}), (std::set<std::uint64_t>{777, 12345}));
}

// Sockets whose inode is owned are picked out; inode 0 (TIME_WAIT) never is.
TEST(SocketsAmong, PicksOwnedInodes) {
  std::vector<SocketEntry> table(3);
  table[0].inode = 5;
  table[1].inode = 0;
  table[2].inode = 6;
  EXPECT_EQ(SocketsAmong(table, {0, 6}).size(), 1u);
}

// The count goes up by one for a socket opened, and back down when it is closed.
TEST(OpenDescriptorCount, FollowsOpenAndClose) {
  const std::optional<int> before = OpenDescriptorCount(ProcReader(), ::getpid());
  ASSERT_TRUE(before);
  std::optional<int> during;
  {
    UniqueFd listener = BoundSocket(SOCK_STREAM);
    ASSERT_TRUE(listener.valid());
    during = OpenDescriptorCount(ProcReader(), ::getpid());
  }
  EXPECT_EQ(during, *before + 1);
  EXPECT_EQ(OpenDescriptorCount(ProcReader(), ::getpid()), before);
}

// A process that is gone has no count.
TEST(OpenDescriptorCount, GoneProcessHasNone) {
  EXPECT_EQ(OpenDescriptorCount(CannedFds(), 12345), std::nullopt);
}

}  // namespace
}  // namespace labgrade
