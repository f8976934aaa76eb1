// The `finished_within:` check: reading, evaluating and registering it (see finished_within.h).
#include "harness/checks/finished_within.h"

#include <fmt/format.h>

#include "harness/checks/check_kind.h"
#include "harness/report_words.h"
#include "harness/spec/value_readers.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<DurationCheck> Read(const CheckRead& read) {
  const SpecNode& node = read.body;
  const InstanceTable& instances = read.names.instances;
  const std::optional<SpecMap> map = SpecMap::Read(node, {"instance", "max_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  DurationCheck check;
  check.mark = node.mark();
  check.instance = ReadInstance(*map, "instance", instances, kInThisTest).value_or("");
  const std::optional<std::int64_t> max_ms =
      map->Integer("max_ms", 1, kNoUpperBound, Presence::kRequired);
  if (max_ms) check.max_ms = static_cast<int>(*max_ms);
  if (!watch.clean()) return std::nullopt;
  return check;
}

CheckResult Evaluate(TestContext& test, const DurationCheck& check) {
  CheckResult result;
  result.what = fmt::format("{} finishes within {}", check.instance, Seconds(check.max_ms));
  const Instance* instance = test.FindInstance(check.instance);
  if (instance == nullptr) return NeverRanCheck(std::move(result), check.instance);
  const ProgramEnd& end = instance->run->end();
  if (end.killed_by_harness || end.wall_ms > check.max_ms) {
    result.outcome = Outcome::kFail;
    result.expected = fmt::format("at most {} ms", check.max_ms);
    result.actual = end.killed_by_harness ? "did not finish" : fmt::format("{} ms", end.wall_ms);
    result.rationale = fmt::format("{} took too long ({})", check.instance, result.actual);
  }
  return result;
}

const TypedCheckKind<DurationCheck> kKind({.read = Read, .evaluate = Evaluate});
const CheckKeyRegistration kFinishedWithinKey("finished_within", 600, kKind);

}  // namespace
}  // namespace labgrade
