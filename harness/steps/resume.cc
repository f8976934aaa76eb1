#include "harness/steps/resume.h"

#include <signal.h>

#include <fmt/format.h>

#include "harness/test_context.h"

namespace labgrade {

/// `resume: INSTANCE`.
std::optional<ResumeStep> ReadResumeStep(const StepRead& read) {
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

}  // namespace labgrade
