// cgroups: finding the grader's own cgroup in /proc/self/cgroup and mountinfo (v1, v2 and the
// hybrid layout that keeps memory in v1), and a real program's cgroup killing it at its limit.
#include "harness/sandbox/cgroup.h"

#include <gtest/gtest.h>

#include "harness/process/program_run.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

const fs::path kPrograms = LABGRADE_TEST_PROGRAMS_DIR;

constexpr const char* kHybridCgroup =
    "9:name=systemd:/\n8:pids:/user.slice\n4:memory:/process_api/4b1e\n2:cpu,cpuacct:/\n0::/\n";
constexpr const char* kHybridMountinfo =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw\n";

// A v1 membership is found in the hierarchy mounted for its controller, "cpu" among "cpu,cpuacct"
// too; v2's in the cgroup2 mount.
TEST(CgroupFolder, FindsEachControllersHierarchy) {
  const auto members = ParseProcCgroup(kHybridCgroup);
  const auto mounts = ParseCgroupMounts(kHybridMountinfo);
  EXPECT_EQ(CgroupFolder(members, mounts, "memory"),
            fs::path("/sys/fs/cgroup/memory/process_api/4b1e"));
  EXPECT_EQ(CgroupFolder(members, mounts, "pids"), fs::path("/sys/fs/cgroup/pids/user.slice"));
  EXPECT_EQ(CgroupFolder(members, mounts, "cpu"), fs::path("/sys/fs/cgroup/cpu,cpuacct"));
  EXPECT_EQ(CgroupFolder(members, mounts, ""), fs::path("/sys/fs/cgroup/unified"));
  EXPECT_EQ(CgroupFolder(members, mounts, "blkio"), std::nullopt);
}

// A pure v2 machine: one line "0::/path", one cgroup2 mount; a container's mount of a subtree
// shows the part below its root.
TEST(CgroupFolder, FindsTheUnifiedHierarchyAndSubtreeMounts) {
  const auto members = ParseProcCgroup("0::/system.slice/runner.service\n");
  EXPECT_EQ(
      CgroupFolder(members,
                   ParseCgroupMounts("29 22 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"), ""),
      fs::path("/sys/fs/cgroup/system.slice/runner.service"));
  EXPECT_EQ(CgroupFolder(members,
                         ParseCgroupMounts("29 22 0:26 /system.slice /sys/fs/cgroup ro - cgroup2 "
                                           "cgroup2 rw\n"),
                         ""),
            fs::path("/sys/fs/cgroup/runner.service"));
}

// A program that holds more memory than its cgroup allows, in a memfd (which RLIMIT_AS does not
// see once written), is killed, and its cgroup says it was the memory limit.
TEST(CgroupTree, ProgramIsKilledAtItsMemoryLimit) {
  auto created = CgroupTree::Create();
  if (auto* why = std::get_if<std::string>(&created)) GTEST_SKIP() << "no cgroup here: " << *why;
  auto& tree = std::get<std::unique_ptr<CgroupTree>>(created);
  auto made = tree->ForProgram("hog", 16, 8);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ProgramCgroup>>(made))
      << std::get<std::string>(made);
  auto& cgroup = std::get<std::unique_ptr<ProgramCgroup>>(made);
  LaunchSpec spec;
  spec.executable = kPrograms / "memory-hog";
  spec.args = {"memfd", "64"};
  spec.working_dir = "/";
  spec.sandbox.join_cgroup_fds = cgroup->join_fds();
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{60'000, 1 << 20, 1'000});
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ProgramRun>>(started))
      << std::get<LaunchError>(started).message;
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  ASSERT_TRUE(run->WaitUntilFinished(Clock::now() + std::chrono::seconds(60)));
  EXPECT_FALSE(run->end().exited);
  EXPECT_EQ(run->end().term_signal, SIGKILL);
  EXPECT_EQ(run->end().out.bytes.find("held 17 MiB"), std::string::npos) << run->end().out.bytes;
  EXPECT_TRUE(cgroup->MemoryLimitKilled());
}

// A cgroup's process limit holds whatever the uid: a fork beyond it fails.
TEST(CgroupTree, ProcessLimitIsCounted) {
  auto created = CgroupTree::Create();
  if (auto* why = std::get_if<std::string>(&created)) GTEST_SKIP() << "no cgroup here: " << *why;
  auto& tree = std::get<std::unique_ptr<CgroupTree>>(created);
  auto made = tree->ForProgram("forks", 64, 1);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ProgramCgroup>>(made));
  auto& cgroup = std::get<std::unique_ptr<ProgramCgroup>>(made);
  LaunchSpec spec;
  spec.executable = kPrograms / "forbidden-calls";  // forks, spawns and starts a thread
  spec.working_dir = "/";
  spec.sandbox.join_cgroup_fds = cgroup->join_fds();
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{60'000, 1 << 20, 1'000});
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ProgramRun>>(started));
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  ASSERT_TRUE(run->WaitUntilFinished(Clock::now() + std::chrono::seconds(60)));
  EXPECT_NE(run->end().out.bytes.find("fork: EAGAIN"), std::string::npos) << run->end().out.bytes;
  EXPECT_TRUE(cgroup->ProcessLimitReached());
}

}  // namespace
}  // namespace labgrade
