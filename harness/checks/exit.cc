// The `exit:` check: reading, evaluating and registering it (see exit.h).
#include "harness/checks/exit.h"

#include <fmt/format.h>

#include "harness/checks/check_kind.h"
#include "harness/report_words.h"
#include "harness/spec/signal_names.h"
#include "harness/spec/value_readers.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<ExitCheck> Read(const CheckRead& read) {
  const SpecNode& node = read.body;
  const InstanceTable& instances = read.names.instances;
  const std::optional<SpecMap> map = SpecMap::Read(node, {"instance", "code", "signal"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ExitCheck check;
  check.mark = node.mark();
  check.instance = ReadInstance(*map, "instance", instances, kInThisTest).value_or("");
  const std::optional<std::string> which = map->OneOf({"code", "signal"});
  // Each value given is read, so that a bad one is reported beside the other mistake too.
  if (map->Has("code")) {
    const std::optional<std::int64_t> code = map->Integer("code", 0, 255);
    if (code && which == "code") check.exit_code = static_cast<int>(*code);
  }
  if (map->Has("signal")) {
    const std::optional<int> signal = ReadSignal(*map->Get("signal"));
    if (which == "signal") check.signal = signal;
  }
  if (!watch.clean()) return std::nullopt;
  return check;
}

CheckResult Evaluate(TestContext& test, const ExitCheck& check) {
  CheckResult result;
  result.what = check.exit_code
                    ? fmt::format("{} exits with status {}", check.instance, *check.exit_code)
                    : fmt::format("{} is ended by {}", check.instance, SignalName(*check.signal));
  result.expected = check.exit_code ? fmt::format("exited with {}", *check.exit_code)
                                    : fmt::format("killed by {}", SignalName(*check.signal));
  const Instance* instance = test.FindInstance(check.instance);
  if (instance == nullptr) return NeverRanCheck(std::move(result), check.instance);
  const ProgramEnd& end = instance->run->end();
  bool ok = check.exit_code
                ? (end.exited && end.exit_code == *check.exit_code && !end.killed_by_harness)
                : (!end.exited && end.term_signal == *check.signal);
  if (!ok) {
    result.outcome = Outcome::kFail;
    result.actual = instance->EndWords();
    result.rationale = fmt::format("{} {}", check.instance, result.actual);
  }
  if (ok) result.expected.clear();
  return result;
}

const TypedCheckKind<ExitCheck> kKind({.read = Read, .evaluate = Evaluate});
const CheckKeyRegistration kExitKey("exit", 100, kKind);

}  // namespace
}  // namespace labgrade
