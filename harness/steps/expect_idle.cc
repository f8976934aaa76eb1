// The `expect_idle:` step: reading, carrying out and registering it (see expect_idle.h).
#include "harness/steps/expect_idle.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/probes/proc_stat.h"
#include "harness/report_words.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<ExpectIdleStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const InstanceTable& instances = read.names.instances;
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"instance", "window_ms", "max_cpu_percent"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ExpectIdleStep step;
  step.mark = node.mark();
  step.instance = ReadInstance(*map, "instance", instances, kBeforeThisStep).value_or("");
  ReadNumberInto(*map, "window_ms", 1, step.window_ms);
  const std::optional<std::int64_t> percent = map->Integer("max_cpu_percent", 0, 100);
  if (percent) step.max_cpu_percent = static_cast<int>(*percent);
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const ExpectIdleStep& step) {
  ProgramRun* run = test.FindRun(step.instance);
  if (run == nullptr)
    return test.GraderError(
        fmt::format("expect_idle names {}, which was not started", step.instance));
  std::string what =
      fmt::format("{} uses at most {}% CPU while it waits", step.instance, step.max_cpu_percent);
  auto before = ReadProcStat(run->pid());
  const Clock::time_point from = Clock::now();
  // A measurement window, not a pause for synchronisation: it ends early if the program exits.
  bool exited = run->WaitUntilExited(from + std::chrono::milliseconds(step.window_ms));
  auto after = exited ? std::nullopt : ReadProcStat(run->pid());
  std::int64_t elapsed_ms = std::max<std::int64_t>(1, MsSince(from));
  if (exited || !before || !after) {
    return test.StepFailed(
        what, fmt::format("{} ended while it should have been waiting: it {}", step.instance,
                          test.instances()[step.instance].EndWords()));
  }
  std::int64_t cpu_ms = TicksToMs((after->utime_ticks + after->stime_ticks) -
                                  (before->utime_ticks + before->stime_ticks));
  std::int64_t percent = cpu_ms * 100 / elapsed_ms;
  CheckResult check;
  check.what = what;
  if (percent > step.max_cpu_percent) {
    check.outcome = Outcome::kFail;
    check.rationale = fmt::format(
        "{} used {} ms of CPU time in {} ms while it had nothing to do: it is busy-waiting "
        "instead of "
        "blocking",
        step.instance, cpu_ms, elapsed_ms);
    check.expected = fmt::format("at most {}% CPU", step.max_cpu_percent);
    check.actual = fmt::format("{}% CPU", percent);
  }
  test.AddCheck(std::move(check));
  return true;
}

const TypedStepKind<ExpectIdleStep> kKind({.read = Read, .execute = Execute});
const StepKeyRegistration kExpectIdleKey("expect_idle", 700, kKind);

}  // namespace
}  // namespace labgrade
