// The seccomp filter: what it refuses, and that what every program needs still works under it.
#include "harness/sandbox/seccomp_filter.h"

#include <gtest/gtest.h>

#include "harness/process/program_run.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

const fs::path kPrograms = LABGRADE_TEST_PROGRAMS_DIR;

// Tracing, reading another process's memory, new namespaces, mounts, BPF and io_uring are refused
// with EPERM, clone3 answers ENOSYS (so the C library uses clone), and fork, threads and
// posix_spawn still work.
TEST(SeccompFilter, RefusesWhatReachesOtherProcessesAndKeepsTheRest) {
  auto filter = StudentSeccompFilter();
  if (auto* why = std::get_if<std::string>(&filter)) GTEST_SKIP() << *why;
  LaunchSpec spec;
  spec.executable = kPrograms / "forbidden-calls";
  spec.working_dir = "/";
  spec.environment = {"PATH=/usr/bin:/bin"};
  spec.sandbox.seccomp = &std::get<SeccompFilter>(filter);
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{30'000, 1 << 20, 1'000});
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ProgramRun>>(started))
      << std::get<LaunchError>(started).message;
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  ASSERT_TRUE(run->WaitUntilFinished(Clock::now() + std::chrono::seconds(30)));
  EXPECT_EQ(run->end().out.bytes,
            "ptrace: EPERM\n"
            "process_vm_readv: EPERM\n"
            "unshare: EPERM\n"
            "mount: EPERM\n"
            "bpf: EPERM\n"
            "io_uring_setup: EPERM\n"
            "clone3: ENOSYS\n"
            "clone(CLONE_NEWNET): EPERM\n"
            "fork: ok\n"
            "pthread_create: ok\n"
            "posix_spawn: ok\n")
      << run->end().err.bytes;
  EXPECT_TRUE(run->end().exited && run->end().exit_code == 0);
}

// The list the README gives is the filter's own.
TEST(SeccompFilter, NamesWhatItRefuses) {
  const std::vector<std::string> names = RefusedSystemCalls();
  for (const char* name : {"ptrace", "process_vm_readv", "process_vm_writev", "unshare", "setns",
                           "mount", "bpf", "io_uring_setup"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

}  // namespace
}  // namespace labgrade
