// The `close_stdin:` step: reading, carrying out and registering it (see close_stdin.h).
#include "harness/steps/close_stdin.h"

#include <fmt/format.h>

#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

/// `close_stdin: INSTANCE`, of an instance whose stdin is kept open and not closed yet.
std::optional<CloseStdinStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  InstanceTable& instances = read.names.instances;
  const std::optional<std::string> instance = ReadInstanceName(node, instances, kBeforeThisStep);
  if (!instance) return std::nullopt;
  InstanceRecord& record = instances.at(*instance);
  if (!record.stdin_kept_open) {
    node.Error(fmt::format(
        "the standard input of '{}' is not kept open: it ends as soon as its input is written; "
        "give the step that starts it (line {}) 'stdin: {{ keep_open: true }}'",
        *instance, record.line));
    return std::nullopt;
  }
  if (record.stdin_closed_line != 0) {
    node.Error(fmt::format("the standard input of '{}' was already closed on line {}", *instance,
                           record.stdin_closed_line));
    return std::nullopt;
  }
  record.stdin_closed_line = node.mark().line;
  return CloseStdinStep{*instance, node.mark()};
}

bool Execute(TestContext& test, const CloseStdinStep& step) {
  ProgramRun* run = test.FindRun(step.instance);
  if (run == nullptr)
    return test.GraderError(
        fmt::format("close_stdin names {}, which was not started", step.instance));
  run->CloseStdin();  // once it has ended, there is nothing left to close
  return true;
}

const TypedStepKind<CloseStdinStep> kKind({.read = Read, .execute = Execute});
const StepKeyRegistration kCloseStdinKey("close_stdin", 550, kKind);

}  // namespace
}  // namespace labgrade
