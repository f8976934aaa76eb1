// The `pause_when_blocked:` step: reading, carrying out and registering
// it (see pause_when_blocked.h).
#include "harness/steps/pause_when_blocked.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "harness/probes/proc_stat.h"
#include "harness/report_words.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/process_state_wait.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

/// SIGSTOP to a blocked instance, and the wait until it shows as stopped.
bool StopProcess(TestContext& test, ProgramRun& run, const std::string& instance,
                 const std::string& what) {
  char state = '?';
  const bool sent = SignalProcess(run, SIGSTOP);
  if (!sent && !run.Exited())
    return test.GraderError(
        fmt::format("cannot send SIGSTOP to {}: {}", instance, std::strerror(errno)));
  if (!sent || WaitForState(run, "T", Clock::now() + std::chrono::seconds(5), &state) ==
                   StateWait::kExited) {
    return test.StepFailed(what, fmt::format("{} ended before it could be paused: it {}", instance,
                                             test.EndedWords(instance)));
  }
  if (state != 'T')
    return test.GraderError(
        fmt::format("{} did not stop after SIGSTOP (state {})", instance, state));
  test.state().paused.insert(instance);
  return true;
}

std::optional<PauseWhenBlockedStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const InstanceTable& instances = read.names.instances;
  const std::optional<SpecMap> map = SpecMap::Read(node, {"instance", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  PauseWhenBlockedStep step;
  step.mark = node.mark();
  step.instance = ReadInstance(*map, "instance", instances, kBeforeThisStep).value_or("");
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const PauseWhenBlockedStep& step) {
  ProgramRun* run = test.FindRun(step.instance);
  if (run == nullptr)
    return test.GraderError(
        fmt::format("pause_when_blocked names {}, which was not started", step.instance));
  const std::string what =
      fmt::format("{} blocks (waits) within {}", step.instance, Seconds(step.timeout_ms));
  char state = '?';
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(step.timeout_ms);
  const StateWait blocked = WaitUntilBlocked(*run, deadline, &state);
  if (blocked == StateWait::kExited)
    return test.StepFailed(what, fmt::format("{} ended before it blocked: it {}", step.instance,
                                             test.EndedWords(step.instance)));
  if (blocked == StateWait::kTimedOut)
    return test.StepFailed(what, fmt::format("{} was still running (state {}) after {}: it never "
                                             "stayed blocked in a system call",
                                             step.instance, state, Seconds(step.timeout_ms)));
  return StopProcess(test, *run, step.instance, what);
}

const TypedStepKind<PauseWhenBlockedStep> kKind({.read = Read, .execute = Execute});
const StepKeyRegistration kPauseWhenBlockedKey("pause_when_blocked", 1000, kKind);

}  // namespace
}  // namespace labgrade
