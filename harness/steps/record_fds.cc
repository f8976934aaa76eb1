// The `record_fds:` step: reading, carrying out and registering it (see record_fds.h).
#include "harness/steps/record_fds.h"

#include <fmt/format.h>

#include "harness/probes/proc_stat.h"
#include "harness/probes/socket_owner.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<RecordFdsStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  TestNames& names = read.names;
  const std::optional<SpecMap> map = SpecMap::Read(node, {"instance", "as"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  RecordFdsStep step;
  step.mark = node.mark();
  step.instance = ReadInstance(*map, "instance", names.instances, kBeforeThisStep).value_or("");
  if (const std::optional<std::string> baseline = ReadSlug(*map, "as")) {
    step.baseline = *baseline;
    const auto [known, added] = names.baselines.emplace(*baseline, step.mark.line);
    if (!added) {
      map->Get("as")->Error(
          fmt::format("baseline '{}' was already recorded on line {}", *baseline, known->second));
    }
  }
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const RecordFdsStep& step) {
  ProgramRun* run = test.FindRun(step.instance);
  if (run == nullptr)
    return test.GraderError(
        fmt::format("record_fds names {}, which was not started", step.instance));
  const std::string what = fmt::format("{}'s open descriptors are counted", step.instance);
  const std::optional<int> count = OpenDescriptorCount(ProcReader(), run->pid());
  if (run->Exited() || !count)
    return test.StepFailed(what,
                           fmt::format("{} had ended before its descriptors could be counted: "
                                       "it {}",
                                       step.instance, test.EndedWords(step.instance)));
  test.state().fd_baselines[step.baseline][step.instance] = *count;
  return true;
}

const TypedStepKind<RecordFdsStep> kKind({.read = Read, .execute = Execute});
const StepKeyRegistration kRecordFdsKey("record_fds", 2100, kKind);

}  // namespace
}  // namespace labgrade
