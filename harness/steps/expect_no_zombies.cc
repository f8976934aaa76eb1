// The `expect_no_zombies:` step: reading, carrying out and registering
// it (see expect_no_zombies.h).
#include "harness/steps/expect_no_zombies.h"

#include <fmt/format.h>

#include "harness/probes/proc_stat.h"
#include "harness/probes/socket_probes.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<ExpectNoZombiesStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const InstanceTable& instances = read.names.instances;
  const std::optional<SpecMap> map = SpecMap::Read(node, {"instance", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ExpectNoZombiesStep step;
  step.mark = node.mark();
  step.instance = ReadInstance(*map, "instance", instances, kBeforeThisStep).value_or("");
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const ExpectNoZombiesStep& step) {
  const std::string what = fmt::format("{} leaves no zombie children", step.instance);
  ProgramRun* run = test.RunningForProbe(step.instance, what);
  if (run == nullptr) return test.grader_error().empty();
  const ProcReader reader;
  test.ProbeUntil(run, step.timeout_ms, what, [&](std::string* expected, std::string* actual) {
    const std::vector<int> zombies = ZombiesIn(reader, ProcessTree(reader, run->pid()));
    if (zombies.empty()) return std::string();
    const std::size_t n = zombies.size();
    *expected = "no zombie children";
    *actual = fmt::format("{} zombie{}", n, n == 1 ? "" : "s");
    return fmt::format(
        "{} has {} child process{} that ended but {} never waited for (zombie{}): it must "
        "reap its children with wait() or waitpid(), e.g. in a SIGCHLD handler",
        step.instance, n, n == 1 ? "" : "es", n == 1 ? "was" : "were", n == 1 ? "" : "s");
  });
  return true;
}

const TypedStepKind<ExpectNoZombiesStep> kKind({.read = Read, .execute = Execute});
const StepKeyRegistration kExpectNoZombiesKey("expect_no_zombies", 2300, kKind);

}  // namespace
}  // namespace labgrade
