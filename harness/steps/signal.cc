// The `signal:` step: reading, carrying out and registering it (see signal.h).
#include "harness/steps/signal.h"

#include <signal.h>

#include <chrono>

#include <fmt/format.h>

#include "harness/spec/value_readers.h"
#include "harness/steps/process_state_wait.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<SignalStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const InstanceTable& instances = read.names.instances;
  const std::optional<SpecMap> map = SpecMap::Read(node, {"instance", "signal"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  SignalStep step;
  step.mark = node.mark();
  step.instance = ReadInstance(*map, "instance", instances, kBeforeThisStep).value_or("");
  if (const std::optional<SpecNode> signal = map->Get("signal")) {
    step.signal = ReadSignal(*signal).value_or(step.signal);
  }
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const SignalStep& step) {
  ProgramRun* run = test.FindRun(step.instance);
  if (run == nullptr)
    return test.GraderError(fmt::format("signal names {}, which was not started", step.instance));
  run->SignalGroup(step.signal);
  test.state().last_signal[step.instance] = step.signal;
  // The next steps rely on the stop (a connection made to a stopped server waits in its
  // backlog): wait until the program shows as stopped, which kill() alone does not promise.
  if (step.signal == SIGSTOP) {
    char state = '?';
    if (WaitForState(*run, "Tt", Clock::now() + std::chrono::seconds(5), &state) ==
        StateWait::kTimedOut)
      return test.GraderError(
          fmt::format("{} did not stop after SIGSTOP (state {})", step.instance, state));
  }
  return true;
}

const TypedStepKind<SignalStep> kKind({.read = Read, .execute = Execute});
const StepKeyRegistration kSignalKey("signal", 500, kKind);

}  // namespace
}  // namespace labgrade
