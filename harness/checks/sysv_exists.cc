// The `sysv_exists:` check: reading, evaluating and registering it (see sysv_exists.h).
#include "harness/checks/sysv_exists.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/checks/check_kind.h"
#include "harness/probes/ipcs_probe.h"
#include "harness/probes/sysv_objects.h"
#include "harness/report_words.h"
#include "harness/spec/placeholders.h"
#include "harness/spec/value_readers.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<SysvExistsCheck> Read(const CheckRead& read) {
  const SpecNode& node = read.body;
  const std::optional<SpecMap> map = SpecMap::Read(node, {"kind", "key_file", "proj_id", "key"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  SysvExistsCheck check;
  check.mark = node.mark();
  ReadSysvObject(*map, check);
  if (!watch.clean()) return std::nullopt;
  return check;
}

CheckResult Evaluate(TestContext& test, const SysvExistsCheck& check) {
  CheckResult result;
  auto key = SysvKeyOf(test.files_dir(), check.fixed_key, check.key_file, check.proj_id);
  result.what = fmt::format("the existing {} is left untouched", SysvKindWords(check.kind));
  if (!key)
    return ErrorCheck(result.what, fmt::format("cannot compute the key of {}", check.key_file));
  bool found = std::any_of(
      test.state().leftovers.begin(), test.state().leftovers.end(),
      [&](const IpcObject& object) { return object.kind == check.kind && object.key == *key; });
  if (!found && !test.cell()) found = SysvObjectExists(check.kind, *key);
  if (!found) {
    result.outcome = Outcome::kFail;
    result.rationale = fmt::format(
        "the {} with key 0x{:08x} that existed before was removed; a program must not "
        "remove objects it did not create",
        SysvKindWords(check.kind), *key);
  }
  return result;
}

const TypedCheckKind<SysvExistsCheck> kKind({.read = Read, .evaluate = Evaluate});
const CheckKeyRegistration kSysvExistsKey("sysv_exists", 500, kKind);

}  // namespace
}  // namespace labgrade
