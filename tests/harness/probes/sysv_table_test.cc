// Tests for reading /proc/sysvipc: canned tables as Linux 6.1 prints them, and the real file of
// a namespace of our own with an object this test made.
#include "harness/probes/sysv_table.h"

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

namespace labgrade {
namespace {

// /proc/sysvipc/shm with a segment of key 0x1234 (4660) made by pid 4242 as uid 1001, and a
// private one.
constexpr std::string_view kShm =
    "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  "
    "cgid      atime      dtime      ctime                   rss                  swap\n"
    "      4660          3   600                  1028  4242  4243      1  1001  1001  1001  "
    "1001 1733250000 0 1733250000 4096 0\n"
    "         0          4   600                   100  4250     0      0     0     0     0  "
    "   0 0 0 1733250001 0 0\n";

// /proc/sysvipc/sem with a set of two semaphores of key 0x5678 made by uid 1001, and one with a
// key whose top bit is set (printed as a negative number).
constexpr std::string_view kSem =
    "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n"
    "     22136          0   600          2  1001  1001  1001  1001          0 1733250000\n"
    "-2147483647          1   600          1     0     0     0     0          0 1733250000\n";

// Each row gives its key, id, creator uid, and the segment's creator pid.
TEST(SysvTableTest, ReadsSharedMemoryRows) {
  std::string error;
  const auto rows = ParseSysvTable(SysvKind::kSharedMemory, kShm, &error);
  ASSERT_TRUE(rows) << error;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].key, 0x1234u);
  EXPECT_EQ((*rows)[0].id, 3);
  EXPECT_EQ((*rows)[0].cuid, 1001u);
  EXPECT_EQ((*rows)[0].cpid, 4242);
  EXPECT_EQ((*rows)[1].key, 0u);
}

// Semaphore sets have no creator pid; their size is read, and a negative key is its bits.
TEST(SysvTableTest, ReadsSemaphoreRows) {
  std::string error;
  const auto rows = ParseSysvTable(SysvKind::kSemaphoreSet, kSem, &error);
  ASSERT_TRUE(rows) << error;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].key, 0x5678u);
  EXPECT_EQ((*rows)[0].nsems, 2);
  EXPECT_EQ((*rows)[0].cpid, 0);
  EXPECT_EQ((*rows)[1].key, 0x80000001u);
}

// Text that is not such a table is refused with the line at fault.
TEST(SysvTableTest, RefusesOtherText) {
  std::string error;
  EXPECT_FALSE(ParseSysvTable(SysvKind::kSemaphoreSet, kShm, &error));
  EXPECT_EQ(error, "line 1: no column 'semid' in /proc/sysvipc/sem's header");
  EXPECT_FALSE(ParseSysvTable(SysvKind::kSemaphoreSet,
                              "       key      semid perms      nsems   uid   gid  cuid  cgid\n"
                              "     22136        abc   600          2  1001  1001  1001  1001\n",
                              &error));
  EXPECT_EQ(error, "line 2: cannot read this row");
}

// The real file of this thread's IPC namespace lists a segment made here, with our pid.
TEST(SysvTableTest, ReadsTheRealFile) {
  const int id = ::shmget(IPC_PRIVATE, 64, IPC_CREAT | 0600);
  ASSERT_GE(id, 0);
  std::string error;
  const auto rows = ReadSysvTable(SysvKind::kSharedMemory, &error);
  ::shmctl(id, IPC_RMID, nullptr);
  ASSERT_TRUE(rows) << error;
  bool found = false;
  for (const SysvTableRow& row : *rows) {
    if (row.id != id) continue;
    found = true;
    EXPECT_EQ(row.cpid, ::getpid());
    EXPECT_EQ(row.cuid, ::geteuid());
  }
  EXPECT_TRUE(found);
}

// semctl(SETVAL) records the caller as the semaphore's last pid, which is how a semaphore set's
// creator is recognised when it initialises its values.
TEST(SysvTableTest, SetValRecordsTheLastPid) {
  const int id = ::semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
  ASSERT_GE(id, 0);
  EXPECT_TRUE(SemaphoreLastPids(id, 2).empty());
  ASSERT_EQ(::semctl(id, 1, SETVAL, 1), 0);
  const std::vector<int> pids = SemaphoreLastPids(id, 2);
  ::semctl(id, 0, IPC_RMID);
  EXPECT_EQ(pids, std::vector<int>{::getpid()});
}

}  // namespace
}  // namespace labgrade
