// The `expect_mapping:` step: reading, carrying out and registering it (see expect_mapping.h).
#include "harness/steps/expect_mapping.h"

#include <sys/stat.h>

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "harness/probes/proc_maps.h"
#include "harness/probes/proc_stat.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

/// `perms:` of expect_mapping: a prefix of the maps perms column, "r--" or "rw-s".
std::optional<std::string> ReadPerms(const SpecNode& node) {
  std::optional<std::string> text = node.AsString();
  if (!text) return std::nullopt;
  constexpr std::string_view kAllowed[] = {"r-", "w-", "x-", "sp"};
  bool valid = text->size() == 3 || text->size() == 4;
  for (std::size_t i = 0; valid && i < text->size(); ++i) {
    valid = kAllowed[i].find((*text)[i]) != std::string_view::npos;
  }
  if (!valid) {
    node.Error(fmt::format(
        "expected permissions like 'r--' or 'rw-s' (r or -, w or -, x or -, then optionally s "
        "for shared or p for private), got '{}'",
        *text));
    return std::nullopt;
  }
  return text;
}

/// The kind of mapping expect_mapping looks for, and its file.
void ReadMappingKind(const SpecMap& map, ExpectMappingStep& step) {
  const std::optional<std::string> kind = map.OneOf({"shared_anonymous", "sysv_segment", "file"});
  if (!kind) return;
  const SpecNode value = *map.Get(*kind);
  if (*kind == "file") {
    step.kind = MappingKind::kFile;
    step.file = ReadTestDirPath(value).value_or("");
    return;
  }
  step.kind = *kind == "sysv_segment" ? MappingKind::kSysvSegment : MappingKind::kSharedAnonymous;
  if (value.AsBool() == false) value.Error("must be true, got false");
}

std::string MappingWords(const ExpectMappingStep& step) {
  std::string words;
  switch (step.kind) {
    case MappingKind::kSharedAnonymous:
      words = "a shared anonymous mapping (MAP_SHARED | MAP_ANONYMOUS)";
      break;
    case MappingKind::kSysvSegment:
      words = "a System V shared memory segment attached";
      break;
    case MappingKind::kFile:
      words = fmt::format("{} mapped in memory", step.file);
      break;
  }
  if (!step.perms.empty()) words += fmt::format(" with permissions {}", step.perms);
  return words;
}

/// The mappings of the kind `step` looks for, whatever their permissions.
std::vector<Mapping> MappingsOfKind(TestContext& test, const std::vector<Mapping>& all,
                                    const ExpectMappingStep& step) {
  struct stat file {};
  if (step.kind == MappingKind::kFile &&
      ::lstat((test.files_dir() / step.file).c_str(), &file) != 0) {
    file = {};  // only the path can tell it then
  }
  std::vector<Mapping> found;
  for (const Mapping& mapping : all) {
    const bool kind_matches = step.kind == MappingKind::kSharedAnonymous
                                  ? IsSharedAnonymous(mapping)
                              : step.kind == MappingKind::kSysvSegment
                                  ? IsSysvSegment(mapping)
                                  : MapsFile(mapping, file.st_dev, file.st_ino, step.file);
    if (kind_matches) found.push_back(mapping);
  }
  return found;
}

CheckResult MappingCheck(const std::string& what, const ExpectMappingStep& step,
                         const std::vector<Mapping>& of_kind, bool found) {
  CheckResult check;
  check.what = what;
  if (found) return check;
  check.outcome = Outcome::kFail;
  check.expected = MappingWords(step);
  if (of_kind.empty()) {
    check.rationale =
        fmt::format("{} has no such mapping (its /proc/PID/maps lists none)", step.instance);
    check.actual = "no such mapping";
    return check;
  }
  std::vector<std::string> perms;
  for (const Mapping& mapping : of_kind) perms.push_back(mapping.perms);
  check.actual = fmt::format("mapped with permissions {}", fmt::join(perms, ", "));
  check.rationale = fmt::format("{} has it mapped, but with permissions {} instead of {}",
                                step.instance, fmt::join(perms, ", "), step.perms);
  return check;
}

std::optional<ExpectMappingStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const InstanceTable& instances = read.names.instances;
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"instance", "shared_anonymous", "sysv_segment", "file", "perms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ExpectMappingStep step;
  step.mark = node.mark();
  step.instance = ReadInstance(*map, "instance", instances, kBeforeThisStep).value_or("");
  ReadMappingKind(*map, step);
  if (const std::optional<SpecNode> perms = map->Get("perms")) {
    step.perms = ReadPerms(*perms).value_or("");
  }
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const ExpectMappingStep& step) {
  ProgramRun* run = test.FindRun(step.instance);
  if (run == nullptr)
    return test.GraderError(
        fmt::format("expect_mapping names {}, which was not started", step.instance));
  const std::string what = fmt::format("{} has {}", step.instance, MappingWords(step));
  const std::optional<std::string> maps =
      ProcReader().ReadFile(fmt::format("/proc/{}/maps", run->pid()));
  if (run->Exited())
    return test.StepFailed(
        what, fmt::format("{} had ended before its memory could be looked at: it {}", step.instance,
                          test.EndedWords(step.instance)));
  if (!maps) return test.GraderError(fmt::format("cannot read /proc/{}/maps", run->pid()));
  const std::vector<Mapping> of_kind = MappingsOfKind(test, ParseProcMaps(*maps), step);
  const bool found = std::any_of(of_kind.begin(), of_kind.end(),
                                 [&](const Mapping& m) { return PermsMatch(m, step.perms); });
  test.AddCheck(MappingCheck(what, step, of_kind, found));
  return true;
}

const TypedStepKind<ExpectMappingStep> kKind({.read = Read, .execute = Execute});
const StepKeyRegistration kExpectMappingKey("expect_mapping", 1200, kKind);

}  // namespace
}  // namespace labgrade
