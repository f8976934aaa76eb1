// Tests for packet loss with netem: in a network namespace of its own, a thread either gets the
// loss on its loopback (tc shows it) or a reason in words that names what is missing, never a
// silent success.
#include "harness/net/netem.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <thread>

#include "harness/process/program_run.h"

namespace labgrade {
namespace {

/// `tc qdisc show dev lo` in the calling thread's namespace.
std::string ShowQdisc(const std::filesystem::path& tc) {
  LaunchSpec spec;
  spec.executable = tc;
  spec.args = {"qdisc", "show", "dev", "lo"};
  spec.working_dir = "/";
  spec.environment = {"LC_ALL=C"};
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{10'000, 1 << 20, 1'000});
  if (std::holds_alternative<LaunchError>(started)) return "";
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  run->WaitUntilFinished(Clock::time_point::max());
  return run->end().out.bytes;
}

// The loss is applied where netem exists, else the reason says what is missing.
TEST(ApplyLoopbackLoss, AppliesOrSaysWhy) {
  const std::optional<std::filesystem::path> tc = FindTc();
  if (!tc) GTEST_SKIP() << "tc (iproute2) is not installed";
  NetemSetup setup;
  std::string shown;
  bool own_namespace = false;
  // On a thread of its own: unshare(CLONE_NEWNET) moves only that thread.
  std::thread worker([&] {
    own_namespace = ::unshare(CLONE_NEWNET) == 0;
    if (!own_namespace) return;
    setup = ApplyLoopbackLoss(20);
    if (setup.applied) shown = ShowQdisc(*tc);
  });
  worker.join();
  if (!own_namespace) GTEST_SKIP() << "cannot make a network namespace here";
  if (setup.applied) {
    EXPECT_NE(shown.find("netem"), std::string::npos) << shown;
    EXPECT_NE(shown.find("loss 20%"), std::string::npos) << shown;
  } else {
    EXPECT_TRUE(setup.unavailable.find("sch_netem") != std::string::npos ||
                setup.unavailable.find("tc is not allowed") != std::string::npos ||
                setup.unavailable.find("tc could not") != std::string::npos)
        << setup.unavailable;
  }
}

}  // namespace
}  // namespace labgrade
