// Tests for the direct System V lookups: a real message queue, made with a key no one else
// uses at the moment, is found by its key until it is removed.
#include "harness/probes/sysv_objects.h"

#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <gtest/gtest.h>

namespace labgrade {
namespace {

// A queue that exists is found by key; once removed, it is not.
TEST(SysvObjects, FindsAnObjectByKeyUntilItIsRemoved) {
  key_t key = static_cast<key_t>(0x4c470000 | (::getpid() & 0xffff));
  int id = -1;
  for (int attempt = 0; attempt < 1000; ++attempt, ++key) {
    id = ::msgget(key, IPC_CREAT | IPC_EXCL | 0600);
    if (id >= 0 || errno != EEXIST) break;
  }
  if (id < 0 && (errno == ENOSYS || errno == EPERM))
    GTEST_SKIP() << "this machine gives no System V message queues: " << std::strerror(errno);
  ASSERT_GE(id, 0) << "msgget: " << std::strerror(errno);
  EXPECT_TRUE(SysvObjectExists(SysvKind::kMessageQueue, static_cast<std::uint32_t>(key)));
  RemoveSysvObject(SysvKind::kMessageQueue, id);
  EXPECT_FALSE(SysvObjectExists(SysvKind::kMessageQueue, static_cast<std::uint32_t>(key)));
}

}  // namespace
}  // namespace labgrade
