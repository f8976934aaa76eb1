// The `expect_idle:` step: reading, carrying out and registering it (see expect_idle.h).
#include "harness/steps/expect_idle.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/probes/task_activity.h"
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
  const ProcReader reader;
  const std::optional<std::uint64_t> before = ProcessCpuNs(reader, run->pid());
  const Clock::time_point from = Clock::now();
  // A measurement window, not a pause for synchronisation: it ends early if the program exits.
  bool exited = run->WaitUntilExited(from + std::chrono::milliseconds(step.window_ms));
  const std::optional<std::uint64_t> after =
      exited ? std::nullopt : ProcessCpuNs(reader, run->pid());
  const std::int64_t elapsed_us = std::max<std::int64_t>(
      1, std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - from).count());
  const std::int64_t elapsed_ms = std::max<std::int64_t>(1, elapsed_us / 1000);
  if (exited || !before || !after) {
    return test.StepFailed(
        what, fmt::format("{} ended while it should have been waiting: it {}", step.instance,
                          test.instances()[step.instance].EndWords()));
  }
  // Nanoseconds from the scheduler: a window of a tenth of a second tells a spinning program
  // (tens of percent even on a loaded machine) from a blocked one (well under one percent).
  const std::int64_t cpu_us =
      static_cast<std::int64_t>(*after >= *before ? *after - *before : 0) / 1000;
  const std::int64_t cpu_ms = cpu_us / 1000;
  const std::int64_t percent = cpu_us * 100 / elapsed_us;
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
