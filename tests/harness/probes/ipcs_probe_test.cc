// Tests for the ipcs probe's pure half: parsing real `ipcs -a` output (captured from util-linux
// 2.38.1 on Debian 12 and pinned below), finding new objects, describing leaks, ftok keys.
#include "harness/probes/ipcs_probe.h"

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace labgrade {
namespace {

// `ipcs -a` in a fresh IPC namespace (unshare -i ipcs -a).
constexpr std::string_view kEmptyNamespace =
    "\n"
    "------ Message Queues --------\n"
    "key        msqid      owner      perms      used-bytes   messages    \n"
    "\n"
    "------ Shared Memory Segments --------\n"
    "key        shmid      owner      perms      bytes      nattch     status      \n"
    "\n"
    "------ Semaphore Arrays --------\n"
    "key        semid      owner      perms      nsems     \n"
    "\n";

// `ipcs -a` after ipcmk -Q, ipcmk -M 4096, ipcmk -M 1028 -p 0600, ipcmk -S 2, and a program
// that sent two 13-byte messages to queue 0x1234, attached a private 1028-byte segment, attached
// a 100-byte segment with key 0x0105f3a2 and removed it (IPC_RMID: "dest", key turned to 0),
// and created a set of 3 semaphores with key 0x0105f3a2.
constexpr std::string_view kWithObjects =
    "\n"
    "------ Message Queues --------\n"
    "key        msqid      owner      perms      used-bytes   messages    \n"
    "0x0f4e9a27 0          root       644        0            0           \n"
    "0x00001234 1          root       640        26           2           \n"
    "\n"
    "------ Shared Memory Segments --------\n"
    "key        shmid      owner      perms      bytes      nattch     status      \n"
    "0x605c2622 0          root       644        4096       0                       \n"
    "0xe7e7cf0c 1          root       600        1028       0                       \n"
    "0x00000000 2          root       600        1028       1                       \n"
    "0x00000000 3          root       666        100        1          dest         \n"
    "\n"
    "------ Semaphore Arrays --------\n"
    "key        semid      owner      perms      nsems     \n"
    "0xa293ca82 0          root       644        2         \n"
    "0x0105f3a2 1          root       600        3         \n"
    "\n";

// `ipcs -a` earlier on the same host, with a semaphore set made by uid 12345, which has no name.
constexpr std::string_view kWithNumericOwner =
    "\n"
    "------ Message Queues --------\n"
    "key        msqid      owner      perms      used-bytes   messages    \n"
    "0x0f4e9a27 0          root       644        0            0           \n"
    "\n"
    "------ Shared Memory Segments --------\n"
    "key        shmid      owner      perms      bytes      nattch     status      \n"
    "0x605c2622 0          root       644        4096       0                       \n"
    "0xe7e7cf0c 1          root       600        1028       0                       \n"
    "\n"
    "------ Semaphore Arrays --------\n"
    "key        semid      owner      perms      nsems     \n"
    "0xa293ca82 0          root       644        2         \n"
    "0x6e2611f0 2          12345      644        1         \n"
    "\n";

// `ipcs -a` with a segment locked in memory (SHM_LOCK), attached twice, then removed.
constexpr std::string_view kLockedSegment =
    "\n"
    "------ Message Queues --------\n"
    "key        msqid      owner      perms      used-bytes   messages    \n"
    "\n"
    "------ Shared Memory Segments --------\n"
    "key        shmid      owner      perms      bytes      nattch     status      \n"
    "0x00000000 4          root       640        8192       2          dest   locked\n"
    "\n"
    "------ Semaphore Arrays --------\n"
    "key        semid      owner      perms      nsems     \n"
    "\n";

IpcsSnapshot MustParse(std::string_view text) {
  std::string error;
  std::optional<IpcsSnapshot> snapshot = ParseIpcs(text, &error);
  EXPECT_TRUE(snapshot.has_value()) << error;
  return snapshot.value_or(IpcsSnapshot{});
}

std::string ParseError(std::string_view text) {
  std::string error;
  EXPECT_FALSE(ParseIpcs(text, &error).has_value());
  return error;
}

IpcObject Object(SysvKind kind, int id, std::uint32_t key) {
  IpcObject object;
  object.kind = kind;
  object.id = id;
  object.key = key;
  return object;
}

// ---- ParseIpcs -----------------------------------------------------------------------------

// A namespace without objects parses to an empty snapshot.
TEST(ParseIpcs, EmptyNamespaceHasNoObjects) {
  EXPECT_TRUE(MustParse(kEmptyNamespace).objects.empty());
}

// Every row is read, in the order ipcs prints them.
TEST(ParseIpcs, ReadsEveryRowInOrder) {
  const IpcsSnapshot snapshot = MustParse(kWithObjects);
  ASSERT_EQ(snapshot.objects.size(), 8u);
  EXPECT_EQ(snapshot.objects[0].kind, SysvKind::kMessageQueue);
  EXPECT_EQ(snapshot.objects[2].kind, SysvKind::kSharedMemory);
  EXPECT_EQ(snapshot.objects[6].kind, SysvKind::kSemaphoreSet);
  EXPECT_EQ(snapshot.objects[7].id, 1);
}

// A message queue row gives key, id, owner, perms, used bytes and message count.
TEST(ParseIpcs, ReadsAMessageQueueRow) {
  const IpcObject queue = MustParse(kWithObjects).objects[1];
  EXPECT_EQ(queue.kind, SysvKind::kMessageQueue);
  EXPECT_EQ(queue.key, 0x1234u);
  EXPECT_EQ(queue.id, 1);
  EXPECT_EQ(queue.owner, "root");
  EXPECT_EQ(queue.perms, 0640u);
  EXPECT_EQ(queue.bytes_or_count, 26);
  EXPECT_EQ(queue.messages, 2);
  EXPECT_EQ(queue.attached, 0);
}

// A shared memory row gives its size, attach count and no status.
TEST(ParseIpcs, ReadsASharedMemoryRow) {
  const IpcObject segment = MustParse(kWithObjects).objects[3];
  EXPECT_EQ(segment.kind, SysvKind::kSharedMemory);
  EXPECT_EQ(segment.key, 0xe7e7cf0cu);
  EXPECT_EQ(segment.id, 1);
  EXPECT_EQ(segment.perms, 0600u);
  EXPECT_EQ(segment.bytes_or_count, 1028);
  EXPECT_EQ(segment.attached, 0);
  EXPECT_FALSE(segment.marked_for_removal);
}

// A removed but still attached segment shows status "dest" and key 0.
TEST(ParseIpcs, ReadsTheDestStatus) {
  const IpcObject segment = MustParse(kWithObjects).objects[5];
  EXPECT_EQ(segment.key, 0u);
  EXPECT_EQ(segment.id, 3);
  EXPECT_EQ(segment.perms, 0666u);
  EXPECT_EQ(segment.bytes_or_count, 100);
  EXPECT_EQ(segment.attached, 1);
  EXPECT_TRUE(segment.marked_for_removal);
}

// Both status words, "dest" and "locked", are accepted.
TEST(ParseIpcs, ReadsBothStatusWords) {
  const IpcsSnapshot snapshot = MustParse(kLockedSegment);
  ASSERT_EQ(snapshot.objects.size(), 1u);
  EXPECT_EQ(snapshot.objects[0].id, 4);
  EXPECT_EQ(snapshot.objects[0].attached, 2);
  EXPECT_TRUE(snapshot.objects[0].marked_for_removal);
}

// A semaphore row gives the number of semaphores in the set.
TEST(ParseIpcs, ReadsASemaphoreRow) {
  const IpcObject set = MustParse(kWithObjects).objects[7];
  EXPECT_EQ(set.kind, SysvKind::kSemaphoreSet);
  EXPECT_EQ(set.key, 0x0105f3a2u);
  EXPECT_EQ(set.perms, 0600u);
  EXPECT_EQ(set.bytes_or_count, 3);
}

// An owner without a user name is kept as the uid ipcs prints.
TEST(ParseIpcs, KeepsANumericOwner) {
  const IpcsSnapshot snapshot = MustParse(kWithNumericOwner);
  ASSERT_EQ(snapshot.objects.size(), 5u);
  EXPECT_EQ(snapshot.objects[4].owner, "12345");
  EXPECT_EQ(snapshot.objects[4].key, 0x6e2611f0u);
}

// Text that is not ipcs output is rejected with the line that gave it away.
TEST(ParseIpcs, RejectsOtherText) {
  EXPECT_EQ(ParseError("ipcs: command not found\n"),
            "line 1: expected an ipcs section header such as \"------ Shared Memory Segments "
            "--------\", found \"ipcs: command not found\"");
}

// Empty text is not ipcs output.
TEST(ParseIpcs, RejectsEmptyText) {
  EXPECT_EQ(ParseError(""),
            "the text is not ipcs output: it has no section header such as \"------ Shared "
            "Memory Segments --------\"");
}

// Output cut short (a section missing) is rejected rather than read as "no objects".
TEST(ParseIpcs, RejectsOutputMissingASection) {
  EXPECT_EQ(ParseError(kWithObjects.substr(0, kWithObjects.find("------ Semaphore"))),
            "the ipcs output has no section \"------ Semaphore Arrays --------\" (was it cut "
            "short?)");
}

// Translated column headers are rejected, pointing at the locale.
TEST(ParseIpcs, RejectsTranslatedColumnHeaders) {
  EXPECT_EQ(ParseError("------ Message Queues --------\n"
                       "Schlüssel msqid      Besitzer   Rechte     Benutzt-Bytes Nachrichten\n"),
            "line 2: unexpected column header in the message queue section: \"Schlüssel msqid"
            "      Besitzer   Rechte     Benutzt-Bytes Nachrichten\" (is ipcs run with LC_ALL=C?)");
}

// A row that does not have its section's shape names the line.
TEST(ParseIpcs, RejectsAMalformedRow) {
  EXPECT_EQ(ParseError("\n"
                       "------ Semaphore Arrays --------\n"
                       "key        semid      owner      perms      nsems     \n"
                       "0xa293ca82 zero       root       644        2         \n"),
            "line 4: cannot read this semaphore row: \"0xa293ca82 zero       root       644    "
            "    2\"");
}

// An unknown status word in a shared memory row is rejected.
TEST(ParseIpcs, RejectsAnUnknownStatusWord) {
  EXPECT_EQ(ParseError("------ Shared Memory Segments --------\n"
                       "key        shmid      owner      perms      bytes      nattch     status\n"
                       "0x605c2622 0          root       644        4096       0          gone\n"),
            "line 3: cannot read this shared memory row: \"0x605c2622 0          root       644  "
            "      4096       0          gone\"");
}

// A section that appears twice is rejected.
TEST(ParseIpcs, RejectsARepeatedSection) {
  EXPECT_EQ(ParseError("------ Semaphore Arrays --------\n"
                       "key        semid      owner      perms      nsems     \n"
                       "------ Semaphore Arrays --------\n"),
            "line 3: the section \"------ Semaphore Arrays --------\" appears twice");
}

// A null error pointer is allowed.
TEST(ParseIpcs, AcceptsANullErrorPointer) {
  EXPECT_FALSE(ParseIpcs("nonsense", nullptr).has_value());
}

// ---- NewObjects / FindObject ---------------------------------------------------------------

// Objects whose kind and id were not there before are new; gone ones are not reported.
TEST(NewObjects, ReportsObjectsByKindAndId) {
  const std::vector<IpcObject> added =
      NewObjects(MustParse(kWithNumericOwner), MustParse(kWithObjects));
  ASSERT_EQ(added.size(), 4u);
  EXPECT_EQ(added[0].kind, SysvKind::kMessageQueue);
  EXPECT_EQ(added[0].id, 1);
  EXPECT_EQ(added[1].kind, SysvKind::kSharedMemory);
  EXPECT_EQ(added[1].id, 2);
  EXPECT_EQ(added[2].kind, SysvKind::kSharedMemory);
  EXPECT_EQ(added[2].id, 3);
  EXPECT_EQ(added[3].kind, SysvKind::kSemaphoreSet);
  EXPECT_EQ(added[3].id, 1);
}

// The same id under another kind is a different object.
TEST(NewObjects, SameIdOfAnotherKindIsNew) {
  const IpcsSnapshot before{{Object(SysvKind::kSharedMemory, 0, 0x11)}};
  const IpcsSnapshot after{
      {Object(SysvKind::kSharedMemory, 0, 0x11), Object(SysvKind::kSemaphoreSet, 0, 0x11)}};
  const std::vector<IpcObject> added = NewObjects(before, after);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].kind, SysvKind::kSemaphoreSet);
}

// A segment whose key turned to 0 on removal is still the same object.
TEST(NewObjects, KeyChangeIsNotANewObject) {
  const IpcsSnapshot before{{Object(SysvKind::kSharedMemory, 3, 0x0105f3a2)}};
  const IpcsSnapshot after{{Object(SysvKind::kSharedMemory, 3, 0)}};
  EXPECT_TRUE(NewObjects(before, after).empty());
}

// An object is found by kind and key; another kind with the same key does not count.
TEST(FindObject, MatchesKindAndKey) {
  const IpcsSnapshot snapshot = MustParse(kWithObjects);
  const std::optional<IpcObject> set = FindObject(snapshot, SysvKind::kSemaphoreSet, 0x0105f3a2);
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->id, 1);
  EXPECT_FALSE(FindObject(snapshot, SysvKind::kMessageQueue, 0x0105f3a2).has_value());
}

// ---- DescribeLeak --------------------------------------------------------------------------

// A semaphore set is described with its key and size.
TEST(DescribeLeak, SemaphoreSet) {
  EXPECT_EQ(DescribeLeak(MustParse(kWithObjects).objects[7]),
            "a semaphore set (key 0x0105f3a2, 3 semaphores) was left behind");
  EXPECT_EQ(DescribeLeak(MustParse(kWithNumericOwner).objects[4]),
            "a semaphore set (key 0x6e2611f0, 1 semaphore) was left behind");
}

// A private, attached segment names IPC_PRIVATE and how many still use it.
TEST(DescribeLeak, AttachedPrivateSegment) {
  EXPECT_EQ(DescribeLeak(MustParse(kWithObjects).objects[4]),
            "a shared memory segment (key IPC_PRIVATE, 1028 bytes, still attached by 1 process) "
            "was left behind");
}

// A detached segment leaves the attach count out.
TEST(DescribeLeak, DetachedSegment) {
  EXPECT_EQ(DescribeLeak(MustParse(kWithObjects).objects[2]),
            "a shared memory segment (key 0x605c2622, 4096 bytes) was left behind");
}

// A segment already marked for removal says so.
TEST(DescribeLeak, SegmentMarkedForRemoval) {
  EXPECT_EQ(DescribeLeak(MustParse(kLockedSegment).objects[0]),
            "a shared memory segment (key IPC_PRIVATE, 8192 bytes, still attached by 2 "
            "processes, marked for removal) was left behind");
}

// A queue with messages counts them; an empty one says it is empty.
TEST(DescribeLeak, MessageQueue) {
  EXPECT_EQ(DescribeLeak(MustParse(kWithObjects).objects[1]),
            "a message queue (key 0x00001234, 2 messages waiting, 26 bytes) was left behind");
  EXPECT_EQ(DescribeLeak(MustParse(kWithObjects).objects[0]),
            "a message queue (key 0x0f4e9a27, empty) was left behind");
}

// ---- ftok ----------------------------------------------------------------------------------

class FtokTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name = (std::filesystem::path(::testing::TempDir()) / "ftok-XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    ASSERT_GE(fd, 0) << "mkstemp(" << name << ")";
    ::close(fd);
    path_ = name;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  std::filesystem::path path_;
};

// The key computed from a file's status equals glibc's ftok(3), for several project ids.
TEST_F(FtokTest, MatchesGlibcFtok) {
  for (const int proj_id : {1, int{'A'}, 0x7f, 0xff, 0x141}) {
    const key_t expected = ::ftok(path_.c_str(), proj_id);
    ASSERT_NE(expected, -1);
    const std::optional<std::uint32_t> key = FtokKeyOf(path_, proj_id);
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(*key, static_cast<std::uint32_t>(expected)) << "proj_id " << proj_id;
  }
}

// The bit layout is inode low 16 bits, device low 8 bits, project id low 8 bits.
TEST(FtokKey, CombinesInodeDeviceAndProjectId) {
  struct stat status {};
  status.st_ino = 0x12345678;
  status.st_dev = 0xabcd;
  EXPECT_EQ(FtokKey(status, 0x1ff), 0xffcd5678u);
}

// A file that does not exist has no key.
TEST(FtokKeyOf, MissingFileHasNoKey) {
  EXPECT_FALSE(FtokKeyOf("/nonexistent/labgrade/keyfile", 1).has_value());
}

}  // namespace
}  // namespace labgrade
