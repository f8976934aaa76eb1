// The `wait_for_sysv:` step: reading, carrying out and registering it (see wait_for_sysv.h).
#include "harness/steps/wait_for_sysv.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/probes/ipcs_probe.h"
#include "harness/probes/sysv_objects.h"
#include "harness/report_words.h"
#include "harness/spec/placeholders.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/stall_watch.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<WaitForSysvStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const InstanceTable& instances = read.names.instances;
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"kind", "key_file", "proj_id", "timeout_ms", "created_by"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  WaitForSysvStep step;
  step.mark = node.mark();
  ReadSysvObject(*map, step);
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  step.instance = ReadInstance(*map, "created_by", instances, kBeforeThisStep, Presence::kOptional)
                      .value_or("");
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const WaitForSysvStep& step) {
  auto key = FtokKeyOf(KeyFilePath(test.files_dir(), step.key_file), step.proj_id);
  if (!key) return test.GraderError(fmt::format("cannot compute the key of {}", step.key_file));
  std::string creator = step.instance.empty() ? "the program" : step.instance;
  std::string what =
      fmt::format("{} creates a {} for key 0x{:08x}", creator, SysvKindWords(step.kind), *key);
  ProgramRun* run = test.FindRun(step.instance);
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + std::chrono::milliseconds(step.timeout_ms);
  StallWatch stall(test, deadline);
  Clock::duration pause{};
  for (;;) {
    if (SysvObjectExists(step.kind, *key)) return true;
    if (run != nullptr && run->Exited()) {
      return test.StepFailed(what, fmt::format("{} ended before creating it: it {}", creator,
                                               test.instances()[step.instance].EndWords()));
    }
    if (Clock::now() >= deadline) {
      return test.StepFailed(
          what,
          fmt::format("no {} with the key ftok(keyfile, {}) = 0x{:08x} appeared within {}",
                      SysvKindWords(step.kind), step.proj_id, *key, Seconds(step.timeout_ms)));
    }
    if (const std::optional<std::string> why = stall.Stalled()) {
      return test.StepFailed(
          what,
          fmt::format("no {} with the key ftok(keyfile, {}) = 0x{:08x} appeared ({})",
                      SysvKindWords(step.kind), step.proj_id, *key, EndedEarlyWords(start, *why)));
    }
    // There is no notification for a new IPC object: look again soon, but wake at once if
    // the creator exits meanwhile.
    pause = TestContext::NextPollPause(pause);
    test.PollPause(run, std::min(deadline, Clock::now() + pause));
  }
}

void AddPlaceholderNames(const WaitForSysvStep& step, const LabSpec&, PlaceholderNames& names) {
  names.key_files.insert(step.key_file);
}

const TypedStepKind<WaitForSysvStep> kKind({.read = Read,
                                            .execute = Execute,
                                            .add_placeholder_names = AddPlaceholderNames});
const StepKeyRegistration kWaitForSysvKey("wait_for_sysv", 300, kKind);

}  // namespace
}  // namespace labgrade
