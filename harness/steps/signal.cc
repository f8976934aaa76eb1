// The `signal:` step: reading, carrying out and registering it (see signal.h).
#include "harness/steps/signal.h"

#include <fmt/format.h>

#include "harness/spec/value_readers.h"
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
  return true;
}

const TypedStepKind<SignalStep> kKind({.read = Read, .execute = Execute});
const StepKeyRegistration kSignalKey("signal", 500, kKind);

}  // namespace
}  // namespace labgrade
