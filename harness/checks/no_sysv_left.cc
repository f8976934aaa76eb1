// The `no_sysv_left:` check: reading, evaluating and registering it (see no_sysv_left.h).
#include "harness/checks/no_sysv_left.h"

#include <fmt/format.h>

#include "harness/checks/check_kind.h"
#include "harness/probes/ipcs_probe.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<NoSysvLeftCheck> Read(const CheckRead& read) {
  const SpecNode& node = read.body;
  const std::optional<bool> flag = node.AsBool();
  if (flag == false) node.Error("must be true, got false");
  if (flag != true) return std::nullopt;
  return NoSysvLeftCheck{node.mark()};
}

CheckResult Evaluate(TestContext& test, const NoSysvLeftCheck&) {
  CheckResult result;
  result.what = "no System V IPC object is left behind";
  std::vector<std::string> leaks;
  for (const IpcObject& object : test.state().leftovers) {
    if (!test.state().harness_created.count({object.kind, object.key}))
      leaks.push_back(DescribeLeak(object));
  }
  if (!leaks.empty()) {
    result.outcome = Outcome::kFail;
    result.rationale =
        fmt::format("{}; every object a program creates must be removed (IPC_RMID) before it exits",
                    fmt::join(leaks, "; "));
    result.expected = "nothing left in ipcs";
    result.actual = fmt::format("{} object{} left", leaks.size(), leaks.size() == 1 ? "" : "s");
  }
  return result;
}

const TypedCheckKind<NoSysvLeftCheck> kKind({.read = Read, .evaluate = Evaluate});
const CheckKeyRegistration kNoSysvLeftKey("no_sysv_left", 400, kKind);

}  // namespace
}  // namespace labgrade
