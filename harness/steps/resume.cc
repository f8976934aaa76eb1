// The `resume:` step: reading, carrying out and registering it (see resume.h).
#include "harness/steps/resume.h"

#include <signal.h>

#include <fmt/format.h>

#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

/// `resume: INSTANCE`.
std::optional<ResumeStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const InstanceTable& instances = read.names.instances;
  const std::optional<std::string> instance = ReadInstanceName(node, instances, kBeforeThisStep);
  if (!instance) return std::nullopt;
  return ResumeStep{*instance, node.mark()};
}

bool Execute(TestContext& test, const ResumeStep& step) {
  ProgramRun* run = test.FindRun(step.instance);
  if (run == nullptr)
    return test.GraderError(fmt::format("resume names {}, which was not started", step.instance));
  SignalProcess(*run, SIGCONT);  // nothing to resume once it has ended
  test.state().paused.erase(step.instance);
  return true;
}

const TypedStepKind<ResumeStep> kKind({.read = Read, .execute = Execute});
const StepKeyRegistration kResumeKey("resume", 1100, kKind);

}  // namespace
}  // namespace labgrade
