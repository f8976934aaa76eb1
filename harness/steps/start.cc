// The `start:` and `run:` steps: reading, carrying out and registering them (see start.h).
#include "harness/steps/start.h"

#include <fmt/format.h>

#include "harness/spec/placeholders.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

/// `stdin:`: one source of bytes, and `keep_open` into `keep_open`; `keep_open: true` alone
/// gives no bytes at all, only a pipe that stays open.
std::optional<StdinSource> ReadStdin(const SpecNode& node, const std::filesystem::path& lab_dir,
                                     bool& keep_open) {
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"text", "file", "random_bytes", "seed", "keep_open"});
  if (!map) return std::nullopt;
  const std::optional<bool> keep = map->Bool("keep_open");
  keep_open = keep.value_or(false);
  const bool has_bytes =
      map->Has("text") || map->Has("file") || map->Has("random_bytes") || map->Has("seed");
  // keep_open alone; one that is not true or false was reported, and is all that is wrong.
  if (!has_bytes && map->Has("keep_open") && keep.value_or(true)) return StdinNone{};
  return ReadByteSource(*map, "file", lab_dir);
}

/// Adds the instance a start/run step makes (with count, the group and each member); reports
/// one of the same name started earlier.
void DefineInstance(const SpecMap& step, const SpecNode& program_node, const StartStep& start,
                    InstanceTable& instances) {
  std::vector<std::string> names{start.instance};
  for (int i = 1; i <= start.count; ++i) names.push_back(fmt::format("{}-{}", start.instance, i));
  for (const std::string& name : names) {
    const bool group = name == start.instance && start.count > 0;
    const auto [known, added] =
        instances.emplace(name, InstanceRecord{.line = start.mark.line,
                                               .has_stdin = step.Has("stdin"),
                                               .stdin_kept_open = start.keep_stdin_open,
                                               .group_size = group ? start.count : 0});
    if (added) continue;
    const SpecNode at = step.Get("as").value_or(program_node);
    at.Error(fmt::format("instance '{}' was already started on line {}{}", name, known->second.line,
                         step.Has("as") ? "" : "; name this one with 'as:'"));
    return;
  }
}

/// Starts one instance of `step`'s program under `name`, fed `stdin_source`.
bool StartMember(TestContext& test, const StartStep& step, const std::string& name,
                 const StdinSource& stdin_source) {
  return test.StartInstance(InstanceStart{step.program, name, step.role,
                                          step.argv ? &*step.argv : nullptr, stdin_source,
                                          step.keep_stdin_open});
}

/// `start: PROGRAM` or `run: PROGRAM`, with `as`, `from`, `args` and `stdin`.
std::optional<StartStep> Read(const StepRead& read) {
  const SpecMap& step = read.step;
  const std::string& action = read.key;
  const LabContext& lab = read.lab;
  InstanceTable& instances = read.names.instances;
  ErrorWatch watch(step.node().sink());
  const SpecNode program_node = *step.Get(action);
  const std::optional<std::string> program = ReadProgramName(program_node, lab);
  if (!program) return std::nullopt;
  StartStep start;
  start.program = *program;
  start.instance = step.String("as").value_or(*program);
  start.wait_for_exit = action == "run";
  start.mark = step.node().mark();
  const std::optional<SpecNode> stdin_node = step.Get("stdin");
  if (stdin_node) {
    start.stdin_source =
        ReadStdin(*stdin_node, lab.lab_dir, start.keep_stdin_open).value_or(StdinNone{});
  }
  if (const std::optional<std::int64_t> count = step.Integer("count", 1, 100)) {
    start.count = static_cast<int>(*count);
  }
  // Defined even when the step has errors, so later steps naming it are not reported too.
  DefineInstance(step, program_node, start, instances);
  if (const std::optional<SpecNode> from = step.Get("from")) {
    start.role =
        from->AsChoice<Role>({{"student", Role::kStudent}, {"reference", Role::kReference}})
            .value_or(Role::kStudent);
  }
  if (const std::optional<SpecNode> args = step.Get("args")) start.argv = ReadArgv(*args);
  if (!watch.clean()) return std::nullopt;
  return start;
}

bool Execute(TestContext& test, const StartStep& step) {
  if (step.count == 0) {
    if (!StartMember(test, step, step.instance, step.stdin_source)) return false;
    if (step.wait_for_exit) test.FindRun(step.instance)->WaitUntilExited(Clock::time_point::max());
    return true;
  }
  for (int i = 1; i <= step.count; ++i) {
    // Each member of a group gets data of its own: seed + i.
    StdinSource source = step.stdin_source;
    if (auto* random = std::get_if<StdinRandom>(&source)) random->seed += static_cast<unsigned>(i);
    const std::string member = fmt::format("{}-{}", step.instance, i);
    test.AddGroupMember(step.instance, member);
    if (!StartMember(test, step, member, source)) return false;
  }
  if (step.wait_for_exit) {
    for (const std::string& member : test.Members(step.instance))
      test.FindRun(member)->WaitUntilExited(Clock::time_point::max());
  }
  return true;
}

/// The keys a `start:` or `run:` step may have beside its action.
const std::vector<std::string_view> kStartStepKeys = {"as", "from", "args", "stdin", "count"};

/// The ports, key files and lab folder the program's arguments name.
void AddPlaceholderNames(const StartStep& step, const LabSpec& lab, PlaceholderNames& names) {
  for (const std::string& arg : step.argv ? *step.argv : lab.programs.at(step.program).argv) {
    for (std::string& port : PortsMentioned(arg)) names.ports.insert(std::move(port));
    for (std::string& key_file : KeyFilesMentioned(arg))
      names.key_files.insert(std::move(key_file));
    if (arg.find("{labdir}") != std::string::npos) names.lab_folder = true;
  }
}

void AddLabFiles(const StartStep& step, std::vector<std::string>& files) {
  AddLabFileOf(step.stdin_source, files);
}

const TypedStepKind<StartStep> kKind({.read = Read,
                                      .execute = Execute,
                                      .add_placeholder_names = AddPlaceholderNames,
                                      .add_lab_files = AddLabFiles,
                                      .for_each_member = false});
const StepKeyRegistration kStartKey("start", 100, kKind, kStartStepKeys);
const StepKeyRegistration kRunKey("run", 200, kKind, kStartStepKeys);

}  // namespace
}  // namespace labgrade
