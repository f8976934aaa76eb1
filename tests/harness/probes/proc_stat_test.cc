// Tests for the /proc probe: the stat parser on canned text, the reader seam with canned files,
// and the default reader on this test process itself.
#include "harness/probes/proc_stat.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <map>
#include <string>

namespace labgrade {
namespace {

// /proc/PID/stat of `cat /proc/self/stat`, captured on Linux 6.18, with its four CPU times (all 0
// then) set to 7 3 2 1 so that each field is told apart.
constexpr std::string_view kCatStat =
    "27794 (cat) R 27792 27792 2328 0 -1 4194304 98 0 0 0 7 3 2 1 20 0 1 0 140194 3133440 416 "
    "18446744073709551615 94641460457472 94641460477353 140735694394592 0 0 0 0 0 0 0 0 0 17 0 0 "
    "0 0 0 0 94641460493360 94641460494976 94641558335488 140735694399943 140735694399963 "
    "140735694399963 140735694401515 0\n";

// A reader answering from canned files and folders; anything else is missing.
class CannedProcReader : public ProcReader {
 public:
  std::map<std::string, std::string> files;
  std::map<std::string, std::vector<std::string>> folders;

  std::optional<std::string> ReadFile(const std::filesystem::path& path) const override {
    const auto found = files.find(path.string());
    if (found == files.end()) return std::nullopt;
    return found->second;
  }
  std::optional<std::vector<std::string>> ListDirectory(
      const std::filesystem::path& path) const override {
    const auto found = folders.find(path.string());
    if (found == folders.end()) return std::nullopt;
    return found->second;
  }
};

std::string StatLine(int pid, std::string_view comm, int ppid) {
  return std::to_string(pid) + " (" + std::string(comm) + ") S " + std::to_string(ppid) +
         " 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n";
}

// ---- ParseProcStat -------------------------------------------------------------------------

// A real stat line gives every field the probe uses.
TEST(ParseProcStat, ReadsTheFieldsOfARealLine) {
  const std::optional<ProcStat> stat = ParseProcStat(kCatStat);
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->pid, 27794);
  EXPECT_EQ(stat->comm, "cat");
  EXPECT_EQ(stat->state, 'R');
  EXPECT_EQ(stat->ppid, 27792);
  EXPECT_EQ(stat->pgid, 27792);
  EXPECT_EQ(stat->session, 2328);
  EXPECT_EQ(stat->utime_ticks, 7u);
  EXPECT_EQ(stat->stime_ticks, 3u);
  EXPECT_EQ(stat->cutime_ticks, 2u);
  EXPECT_EQ(stat->cstime_ticks, 1u);
  EXPECT_EQ(stat->start_time_ticks, 140194u);
}

// A command name with spaces and parentheses is read up to the last ')'.
TEST(ParseProcStat, CommandNameWithSpacesAndParentheses) {
  const std::optional<ProcStat> stat =
      ParseProcStat("4242 (a) b (c)) Z 17 4242 4242 0 -1 4194564 1 0 0 0 5 6 0 0 20 0 1 0 9 0 0");
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->comm, "a) b (c)");
  EXPECT_EQ(stat->state, 'Z');
  EXPECT_EQ(stat->ppid, 17);
  EXPECT_EQ(stat->utime_ticks, 5u);
  EXPECT_EQ(stat->start_time_ticks, 9u);
}

// A command name may even hold a newline and a fake field list.
TEST(ParseProcStat, CommandNameWithNewline) {
  const std::optional<ProcStat> stat = ParseProcStat(StatLine(5, "x\n1 (y) R 2", 3));
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->comm, "x\n1 (y) R 2");
  EXPECT_EQ(stat->ppid, 3);
}

// An empty command name is allowed (prctl(PR_SET_NAME, "") makes one).
TEST(ParseProcStat, EmptyCommandName) {
  const std::optional<ProcStat> stat = ParseProcStat(StatLine(5, "", 1));
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->comm, "");
}

// Text without the stat shape is rejected.
TEST(ParseProcStat, RejectsMalformedText) {
  EXPECT_FALSE(ParseProcStat("").has_value());
  EXPECT_FALSE(ParseProcStat("27794 cat R 1 1 1").has_value());  // no parentheses
  EXPECT_FALSE(ParseProcStat("x (cat) R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9").has_value());
  EXPECT_FALSE(ParseProcStat("1 (cat) R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0").has_value());
  EXPECT_FALSE(ParseProcStat("1 (cat) RS 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9").has_value());
  EXPECT_FALSE(ParseProcStat("1 (cat) R one 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9").has_value());
  EXPECT_FALSE(ParseProcStat("1 (cat) R 1 1 1 0 -1 0 0 0 0 0 -5 0 0 0 20 0 1 0 9").has_value());
}

// ---- TicksToMs -----------------------------------------------------------------------------

// One second of ticks is 1000 ms; fractions round down.
TEST(TicksToMs, ConvertsBySystemClockTicks) {
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  ASSERT_GT(ticks_per_second, 0);
  const auto hz = static_cast<std::uint64_t>(ticks_per_second);
  EXPECT_EQ(TicksToMs(0), 0);
  EXPECT_EQ(TicksToMs(hz), 1000);
  EXPECT_EQ(TicksToMs(3 * hz + hz / 2), 3500);
  EXPECT_EQ(TicksToMs(1), 1000 / ticks_per_second);
}

// Absurdly many ticks saturate instead of overflowing.
TEST(TicksToMs, Saturates) {
  EXPECT_EQ(TicksToMs(std::numeric_limits<std::uint64_t>::max()),
            std::numeric_limits<std::int64_t>::max());
}

// ---- Reading through the seam --------------------------------------------------------------

// ReadProcStat reads /proc/PID/stat through the reader.
TEST(ReadProcStat, ReadsThroughTheReader) {
  CannedProcReader reader;
  reader.files["/proc/27794/stat"] = std::string(kCatStat);
  const std::optional<ProcStat> stat = ReadProcStat(reader, 27794);
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->comm, "cat");
}

// A process that is gone has no stat.
TEST(ReadProcStat, GoneProcessHasNone) {
  CannedProcReader reader;
  EXPECT_FALSE(ReadProcStat(reader, 27794).has_value());
}

// The default reader reads this very process.
TEST(ReadProcStat, ReadsThisProcess) {
  const std::optional<ProcStat> stat = ReadProcStat(ProcReader(), ::getpid());
  ASSERT_TRUE(stat.has_value());
  char name[16] = {};
  ASSERT_EQ(::prctl(PR_GET_NAME, name), 0);
  EXPECT_EQ(stat->pid, ::getpid());
  EXPECT_EQ(stat->comm, name);
  EXPECT_EQ(stat->state, 'R');
  EXPECT_EQ(stat->ppid, ::getppid());
  EXPECT_EQ(stat->pgid, ::getpgrp());
  EXPECT_EQ(stat->session, ::getsid(0));
}

// The convenience overload uses the default reader.
TEST(ReadProcStat, ConvenienceOverloadReadsThisProcess) {
  const std::optional<ProcStat> stat = ReadProcStat(::getpid());
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->pid, ::getpid());
}

// The default reader has no content for a file that does not exist.
TEST(ProcReader, MissingFileReadsAsNull) {
  EXPECT_FALSE(ProcReader().ReadFile("/proc/self/no-such-file").has_value());
  EXPECT_FALSE(ProcReader().ListDirectory("/proc/self/no-such-folder").has_value());
}

// ---- ChildrenOf ----------------------------------------------------------------------------

// Children of every thread are collected, sorted and without duplicates.
TEST(ChildrenOf, CollectsTheChildrenOfEveryThread) {
  CannedProcReader reader;
  reader.folders["/proc/42/task"] = {"43", "42"};
  reader.files["/proc/42/task/42/children"] = "101 100 ";
  reader.files["/proc/42/task/43/children"] = "102 100\n";
  EXPECT_EQ(ChildrenOf(reader, 42), (std::vector<int>{100, 101, 102}));
}

// A process without children has an empty list.
TEST(ChildrenOf, NoChildren) {
  CannedProcReader reader;
  reader.folders["/proc/42/task"] = {"42"};
  reader.files["/proc/42/task/42/children"] = "";
  EXPECT_TRUE(ChildrenOf(reader, 42).empty());
}

// Without children files, children are found by their parent pid in /proc/*/stat.
TEST(ChildrenOf, ScansStatFilesWhenChildrenFilesAreMissing) {
  CannedProcReader reader;
  reader.folders["/proc/42/task"] = {"42"};
  reader.folders["/proc"] = {"self", "1", "42", "77", "55", "sys", "60"};
  reader.files["/proc/1/stat"] = StatLine(1, "init", 0);
  reader.files["/proc/42/stat"] = StatLine(42, "reader", 1);
  reader.files["/proc/77/stat"] = StatLine(77, "worker (1)", 42);
  reader.files["/proc/55/stat"] = StatLine(55, "worker (2)", 42);
  // pid 60 exited between the listing and the read: no file.
  EXPECT_EQ(ChildrenOf(reader, 42), (std::vector<int>{55, 77}));
}

// A process that is gone has no children.
TEST(ChildrenOf, GoneProcessHasNone) {
  CannedProcReader reader;
  EXPECT_TRUE(ChildrenOf(reader, 42).empty());
}

// The default reader finds a child this test forks; the child waits on a pipe, not a timer.
TEST(ChildrenOf, FindsARealChild) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[1]);
    char byte;
    // Returns 0 at end of file, once the parent has closed its end.
    const ssize_t count = ::read(pipe_fds[0], &byte, 1);
    ::_exit(count == 0 ? 0 : 1);
  }
  ::close(pipe_fds[0]);
  const std::vector<int> children = ChildrenOf(ProcReader(), ::getpid());
  ::close(pipe_fds[1]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_NE(std::find(children.begin(), children.end(), child), children.end())
      << "child " << child << " not among " << ::testing::PrintToString(children);
}

}  // namespace
}  // namespace labgrade
