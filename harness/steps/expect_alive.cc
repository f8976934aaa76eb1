// The `expect_alive:` step: reading, carrying out and registering it (see expect_alive.h).
#include "harness/steps/expect_alive.h"

#include <fmt/format.h>

#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<ExpectAliveStep> Read(const StepRead& read) {
  const std::optional<std::string> instance =
      ReadInstanceName(read.body, read.names.instances, kBeforeThisStep);
  if (!instance) return std::nullopt;
  return ExpectAliveStep{*instance, read.body.mark()};
}

bool Execute(TestContext& test, const ExpectAliveStep& step) {
  ProgramRun* run = test.FindRun(step.instance);
  if (run == nullptr)
    return test.GraderError(
        fmt::format("expect_alive names {}, which was not started", step.instance));
  const std::string what = fmt::format("{} is still running", step.instance);
  test.RecordProbe(what, run->Exited() ? fmt::format("{} is no longer running: it {}",
                                                     step.instance, test.EndedWords(step.instance))
                                       : "");
  return true;
}

const TypedStepKind<ExpectAliveStep> kKind({.read = Read, .execute = Execute});
const StepKeyRegistration kExpectAliveKey("expect_alive", 2400, kKind);

}  // namespace
}  // namespace labgrade
