// Tests for the /proc/PID/maps parser and the mapping predicates, on canned text captured from
// a program that maps a file, a shared anonymous region and a System V segment (Linux 6.18).
#include "harness/probes/proc_maps.h"

#include <gtest/gtest.h>
#include <sys/sysmacros.h>

#include <string>

namespace labgrade {
namespace {

constexpr std::string_view kMaps =
    "55d3ccb78000-55d3ccb79000 r--p 00000000 fe:00 5309000                    /work/s/m\n"
    "55d3d3188000-55d3d31a9000 rw-p 00000000 00:00 0                          [heap]\n"
    "7f48bbf0f000-7f48bbf12000 rw-p 00000000 00:00 0 \n"
    "7f48bc0fb000-7f48bc0fc000 rw-s 00000000 00:01 49                         /SYSV0000002a "
    "(deleted)\n"
    "7f48bc0fc000-7f48bc0fd000 r--s 00001000 fe:00 5308999                    /work/s/my src\n"
    "7f48bc0fe000-7f48bc0ff000 rw-s 00000000 00:01 1541                       /dev/zero "
    "(deleted)\n"
    "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n";

// Every line of a real maps file is read.
TEST(ParseProcMaps, ReadsEveryLine) { EXPECT_EQ(ParseProcMaps(kMaps).size(), 7u); }

// A file mapping's fields are read, hex where the kernel writes hex, and a path with a space.
TEST(ParseProcMaps, ReadsEveryFieldOfAFileMapping) {
  const Mapping mapping = ParseProcMaps(kMaps)[4];
  EXPECT_EQ(mapping.start, 0x7f48bc0fc000u);
  EXPECT_EQ(mapping.end, 0x7f48bc0fd000u);
  EXPECT_EQ(mapping.perms, "r--s");
  EXPECT_EQ(mapping.offset, 0x1000u);
  EXPECT_EQ(mapping.dev_major, 0xfeu);
  EXPECT_EQ(mapping.dev_minor, 0u);
  EXPECT_EQ(mapping.inode, 5308999u);
  EXPECT_EQ(mapping.path, "/work/s/my src");
}

// An anonymous mapping has no path; the trailing space the kernel writes is not kept.
TEST(ParseProcMaps, AnonymousMappingHasAnEmptyPath) {
  EXPECT_EQ(ParseProcMaps(kMaps)[2].path, "");
  EXPECT_EQ(ParseProcMaps(kMaps)[2].inode, 0u);
}

// Lines of another shape are skipped, and the good ones around them kept.
TEST(ParseProcMaps, SkipsMalformedLines) {
  const std::vector<Mapping> mappings = ParseProcMaps(
      "garbage\n"
      "1000-2000 rw-q 00000000 00:00 0\n"
      "1000-2000 rw-p 00000000 00:00 0   [stack]\n"
      "1000-2000 rw-p 0000zz00 00:00 0\n");
  ASSERT_EQ(mappings.size(), 1u);
  EXPECT_EQ(mappings[0].path, "[stack]");
}

// A MAP_SHARED | MAP_ANONYMOUS region shows as the deleted /dev/zero shmem file.
TEST(IsSharedAnonymous, TrueForTheDeletedDevZeroMapping) {
  const std::vector<Mapping> mappings = ParseProcMaps(kMaps);
  EXPECT_TRUE(IsSharedAnonymous(mappings[5]));
  EXPECT_FALSE(IsSharedAnonymous(mappings[2]));  // private anonymous
  EXPECT_FALSE(IsSharedAnonymous(mappings[3]));  // a System V segment
}

// A shared anonymous region named with PR_SET_VMA_ANON_NAME counts too.
TEST(IsSharedAnonymous, TrueForANamedSharedAnonymousMapping) {
  Mapping mapping;
  mapping.perms = "rw-s";
  mapping.path = "[anon_shmem:counter]";
  EXPECT_TRUE(IsSharedAnonymous(mapping));
}

// A System V segment is told by its /SYSV path, removed or not.
TEST(IsSysvSegment, TrueOnlyForSysvPaths) {
  const std::vector<Mapping> mappings = ParseProcMaps(kMaps);
  EXPECT_TRUE(IsSysvSegment(mappings[3]));
  EXPECT_FALSE(IsSysvSegment(mappings[5]));
}

// A file is recognised by its device and inode even when its path reads differently.
TEST(MapsFile, MatchesByDeviceAndInode) {
  const Mapping mapping = ParseProcMaps(kMaps)[4];
  EXPECT_TRUE(MapsFile(mapping, makedev(0xfe, 0), 5308999, "elsewhere"));
  EXPECT_FALSE(MapsFile(mapping, makedev(0xfe, 1), 5308999, "elsewhere"));
}

// Without a device and inode match, the path must end with the test-directory path.
TEST(MapsFile, MatchesByPathSuffix) {
  const Mapping mapping = ParseProcMaps(kMaps)[4];
  EXPECT_TRUE(MapsFile(mapping, makedev(1, 1), 1, "my src"));
  EXPECT_FALSE(MapsFile(mapping, makedev(1, 1), 1, "src"));
}

// perms given as three characters match either sharing; four must match exactly.
TEST(PermsMatch, ComparesThePrefixGiven) {
  const Mapping mapping = ParseProcMaps(kMaps)[4];
  EXPECT_TRUE(PermsMatch(mapping, "r--"));
  EXPECT_TRUE(PermsMatch(mapping, "r--s"));
  EXPECT_FALSE(PermsMatch(mapping, "r--p"));
  EXPECT_FALSE(PermsMatch(mapping, "rw-"));
}

}  // namespace
}  // namespace labgrade
