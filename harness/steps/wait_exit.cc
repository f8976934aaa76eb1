// The `wait_exit:` step: reading, carrying out and registering it (see wait_exit.h).
#include "harness/steps/wait_exit.h"

#include <fmt/format.h>

#include "harness/report_words.h"
#include "harness/spec/signal_names.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/stall_watch.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<WaitExitStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const InstanceTable& instances = read.names.instances;
  const std::optional<SpecMap> map = SpecMap::Read(node, {"instance", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  WaitExitStep step;
  step.mark = node.mark();
  step.instance = ReadInstance(*map, "instance", instances, kBeforeThisStep).value_or("");
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const WaitExitStep& step) {
  ProgramRun* run = test.FindRun(step.instance);
  if (run == nullptr)
    return test.GraderError(
        fmt::format("wait_exit names {}, which was not started", step.instance));
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + std::chrono::milliseconds(step.timeout_ms);
  StallWatch stall(test, deadline);
  std::optional<std::string> stalled;
  // Woken at once by the exit (the pump watches a pidfd); between, a look for a stall.
  while (!run->WaitUntilExited(std::min(deadline, stall.next_look()))) {
    if (Clock::now() >= deadline) break;
    stalled = stall.Stalled();
    if (stalled) break;
  }
  if (run->Exited()) return true;
  std::string after =
      test.state().last_signal.count(step.instance)
          ? fmt::format(" after {}", SignalName(test.state().last_signal[step.instance]))
          : "";
  if (stalled) {
    return test.StepFailed(
        fmt::format("{} exits within {}{}", step.instance, Seconds(step.timeout_ms), after),
        fmt::format("{} was still running{} ({})", step.instance, after,
                    EndedEarlyWords(start, *stalled)));
  }
  return test.StepFailed(
      fmt::format("{} exits within {}{}", step.instance, Seconds(step.timeout_ms), after),
      // "still running 2 s after SIGTERM", but "still running after 5 s" without a signal.
      after.empty()
          ? fmt::format("{} was still running after {}", step.instance, Seconds(step.timeout_ms))
          : fmt::format("{} was still running {}{}", step.instance, Seconds(step.timeout_ms),
                        after));
}

const TypedStepKind<WaitExitStep> kKind({.read = Read, .execute = Execute});
const StepKeyRegistration kWaitExitKey("wait_exit", 400, kKind);

}  // namespace
}  // namespace labgrade
