// The `expect_fds:` step: reading, carrying out and registering it (see expect_fds.h).
#include "harness/steps/expect_fds.h"

#include <fmt/format.h>

#include "harness/probes/proc_stat.h"
#include "harness/probes/socket_owner.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<ExpectFdsStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const TestNames& names = read.names;
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"instance", "baseline", "max_extra", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ExpectFdsStep step;
  step.mark = node.mark();
  step.instance = ReadInstance(*map, "instance", names.instances, kBeforeThisStep).value_or("");
  if (const std::optional<SpecNode> baseline = map->Get("baseline", Presence::kRequired)) {
    const std::optional<std::string> name = baseline->AsString();
    if (name && !names.baselines.contains(*name)) {
      std::vector<std::string> recorded;
      for (const auto& entry : names.baselines) recorded.push_back(entry.first);
      baseline->Error(fmt::format("no baseline '{}' was recorded before this step ({})", *name,
                                  NameHint(*name, Views(recorded), "recorded")));
    } else if (name) {
      step.baseline = *name;
    }
  }
  ReadNumberInto(*map, "max_extra", 0, step.max_extra);
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const ExpectFdsStep& step) {
  const std::string what =
      fmt::format("{} has at most {} more open descriptor{} than at {}", step.instance,
                  step.max_extra, step.max_extra == 1 ? "" : "s", step.baseline);
  const auto& recorded = test.state().fd_baselines[step.baseline];
  // A baseline of one instance serves every instance; one of a group, each member's own.
  auto own = recorded.find(step.instance);
  if (own == recorded.end() && recorded.size() != 1)
    return test.GraderError(
        fmt::format("no baseline {} was recorded for {}", step.baseline, step.instance));
  const int baseline = own != recorded.end() ? own->second : recorded.begin()->second;
  ProgramRun* run = test.RunningForProbe(step.instance, what);
  if (run == nullptr) return test.grader_error().empty();
  test.ProbeUntil(run, step.timeout_ms, what, [&](std::string* expected, std::string* actual) {
    const std::optional<int> count = OpenDescriptorCount(ProcReader(), run->pid());
    if (!count || *count <= baseline + step.max_extra) return std::string();
    *expected = fmt::format("at most {} open", baseline + step.max_extra);
    *actual = fmt::format("{} open", *count);
    return fmt::format(
        "{} has {} open file descriptors, {} more than the {} it had at {}: it keeps a "
        "descriptor open for each connection or file it has finished with (a missing "
        "close())",
        step.instance, *count, *count - baseline, baseline, step.baseline);
  });
  return true;
}

const TypedStepKind<ExpectFdsStep> kKind({.read = Read, .execute = Execute});
const StepKeyRegistration kExpectFdsKey("expect_fds", 2200, kKind);

}  // namespace
}  // namespace labgrade
