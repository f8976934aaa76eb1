// The lab.yaml loader: one reader per section of the schema (documented in labs/README.md), each
// built on the typed reader in spec_reader.h. A reader that finds a problem reports it and hands
// back nothing; its caller goes on with the next item, so one run reports every broken test.
#include "harness/spec_loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
// GCC 12 warns inside <regex> when building with -fsanitize=address, a false positive:
// https://gcc.gnu.org/bugzilla/show_bug.cgi?id=105616. Keep the sanitizer build warning-clean.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>
#pragma GCC diagnostic pop
#include <sstream>

#include <fmt/format.h>

#include "harness/signal_names.h"
#include "harness/spec_reader.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kNoUpperBound = std::numeric_limits<int>::max();

/// What the readers of tests need from the rest of the lab.
struct LabContext {
  fs::path lab_dir;
  /// Every program declared under `programs:`, even one with errors, so that a broken program
  /// is not reported again by every step that starts it.
  std::vector<std::string> program_names;
};

/// An instance a test has started so far.
struct InstanceRecord {
  int line = 0;
  bool has_stdin = false;
  int group_size = 0;  ///< > 0: a group (start with count:), whose members are NAME-1..NAME-N
};
using InstanceTable = std::map<std::string, InstanceRecord>;

/// The names a test defines as its steps go: instances, the built-in client's connections and
/// descriptor baselines, each with the line that defined it.
struct TestNames {
  InstanceTable instances;
  std::map<std::string, int> connections;
  std::map<std::string, int> baselines;
};

/// The test names and points seen so far, for the checks across tests.
struct TestTally {
  std::map<std::string, int> name_lines;
  std::int64_t points_sum = 0;
  bool points_complete = true;  ///< false once a test's points could not be read
};

fs::path NormalAbsolute(const fs::path& path) {
  std::error_code error;
  fs::path normal = fs::absolute(path, error).lexically_normal();
  if (error) normal = path.lexically_normal();
  // "a/b/" and "a/b/." normalise to "a/b/"; keep one spelling.
  if (normal.has_relative_path() && normal.filename().empty()) normal = normal.parent_path();
  return normal;
}

// ---- Names, lab files, placeholders, signals -----------------------------------------------

std::vector<std::string_view> Views(const std::vector<std::string>& names) {
  return std::vector<std::string_view>(names.begin(), names.end());
}

bool IsSlug(std::string_view text) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

/// A required name made of a-z, 0-9 and '-'.
std::optional<std::string> ReadSlug(const SpecMap& map, std::string_view key) {
  const std::optional<SpecNode> node = map.Get(key, Presence::kRequired);
  if (!node) return std::nullopt;
  std::optional<std::string> text = node->AsString();
  if (text && !IsSlug(*text)) {
    node->Error(fmt::format("'{}' must use only a-z, 0-9 and '-'", *text));
    return std::nullopt;
  }
  return text;
}

/// True for a relative path that does not climb out of the folder it is relative to.
bool StaysInside(const fs::path& path) {
  if (path.empty() || path.has_root_path()) return false;
  return std::none_of(path.begin(), path.end(), [](const fs::path& part) { return part == ".."; });
}

/// A path to a regular file in the lab folder, e.g. "data/short.txt".
std::optional<std::string> ReadLabFile(const SpecNode& node, const fs::path& lab_dir) {
  std::optional<std::string> text = node.AsString();
  if (!text) return std::nullopt;
  if (!StaysInside(*text)) {
    node.Error(fmt::format("'{}' must be a path inside the lab folder (no absolute paths, no '..')",
                           *text));
    return std::nullopt;
  }
  std::error_code error;
  if (!fs::is_regular_file(lab_dir / *text, error)) {
    node.Error(fmt::format("'{}' is not a file in the lab folder", *text));
    return std::nullopt;
  }
  return text;
}

/// A path in the test directory, e.g. "dst" or "out/dst": relative, never climbing out of it.
std::optional<std::string> ReadTestDirPath(const SpecNode& node) {
  std::optional<std::string> text = node.AsString();
  if (!text) return std::nullopt;
  const fs::path normal = fs::path(*text).lexically_normal();
  if (!StaysInside(*text) || normal == "." || normal.empty()) {
    node.Error(fmt::format(
        "'{}' must be a path inside the test folder (no absolute paths, no '..')", *text));
    return std::nullopt;
  }
  return text;
}

/// Permission bits written as four octal digits, e.g. "0644" (quoted or not).
std::optional<unsigned> ReadMode(const SpecNode& node) {
  const std::optional<std::string> text = node.AsString();
  if (!text) return std::nullopt;
  const bool octal = text->size() == 4 && std::all_of(text->begin(), text->end(),
                                                      [](char c) { return c >= '0' && c <= '7'; });
  if (!octal) {
    node.Error(fmt::format("expected a mode of four octal digits like \"0644\", got '{}'", *text));
    return std::nullopt;
  }
  return static_cast<unsigned>(std::stoul(*text, nullptr, 8));
}

/// The mode `key` gives, or `mode` unchanged when absent or wrong.
void ReadModeInto(const SpecMap& map, std::string_view key, unsigned& mode) {
  if (const std::optional<SpecNode> node = map.Get(key)) mode = ReadMode(*node).value_or(mode);
}

/// A C identifier, as a symbol name: letters, digits and '_', not starting with a digit.
bool IsSymbolName(std::string_view text) {
  if (text.empty() || (text.front() >= '0' && text.front() <= '9')) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

/// "keyfile" or "keyfile:NAME": the per-test key files a lab can use.
bool IsKeyFileName(std::string_view text) {
  constexpr std::string_view kPrefix = "keyfile:";
  if (text == "keyfile") return true;
  return text.starts_with(kPrefix) && IsSlug(text.substr(kPrefix.size()));
}

/// "port" or "port:NAME": the port placeholders, {port} in argv and `port: port` in steps.
bool IsPortPlaceholderName(std::string_view text) {
  constexpr std::string_view kPrefix = "port:";
  if (text == "port") return true;
  return text.starts_with(kPrefix) && IsSlug(text.substr(kPrefix.size()));
}

/// What is wrong with the placeholders in one argv element, if anything. Every '{' opens one.
std::optional<std::string> PlaceholderProblem(std::string_view arg) {
  static const std::vector<std::string_view> kAllowed = {
      "{keyfile}", "{keyfile:NAME}", "{testdir}", "{labdir}", "{port}", "{port:NAME}"};
  std::size_t open = arg.find('{');
  while (open != std::string_view::npos) {
    const std::size_t close = arg.find('}', open);
    if (close == std::string_view::npos) {
      return fmt::format("'{{' without a closing '}}' in '{}'", arg);
    }
    const std::string_view name = arg.substr(open + 1, close - open - 1);
    if (!IsKeyFileName(name) && !IsPortPlaceholderName(name) && name != "testdir" &&
        name != "labdir") {
      const std::string placeholder(arg.substr(open, close - open + 1));
      return fmt::format("unknown placeholder '{}' ({})", placeholder,
                         NameHint(placeholder, kAllowed, "allowed"));
    }
    open = arg.find('{', close + 1);
  }
  return std::nullopt;
}

/// A list of argument templates, each with valid placeholders.
std::optional<std::vector<std::string>> ReadArgv(const SpecNode& node) {
  const std::optional<std::vector<SpecNode>> elements = node.AsList();
  if (!elements) return std::nullopt;
  ErrorWatch watch(node.sink());
  std::vector<std::string> argv;
  for (const SpecNode& element : *elements) {
    const std::optional<std::string> arg = element.AsString();
    if (!arg) continue;
    if (const std::optional<std::string> problem = PlaceholderProblem(*arg)) {
      element.Error(*problem);
    }
    argv.push_back(*arg);
  }
  if (!watch.clean()) return std::nullopt;
  return argv;
}

std::optional<std::string> ReadKeyFile(const SpecMap& map) {
  const std::optional<SpecNode> node = map.Get("key_file");
  if (!node) return "keyfile";
  std::optional<std::string> text = node->AsString();
  if (text && !IsKeyFileName(*text)) {
    // A bare NAME is most likely meant as keyfile:NAME, the file {keyfile:NAME} names in argv.
    const std::string hint =
        IsSlug(*text) ? fmt::format(" (did you mean 'keyfile:{}'?)", *text) : "";
    node->Error(
        fmt::format("expected keyfile or keyfile:NAME (NAME made of a-z, 0-9 and '-'), "
                    "got '{}'{}",
                    *text, hint));
    return std::nullopt;
  }
  return text;
}

std::optional<int> ReadSignal(const SpecNode& node) {
  const std::optional<std::string> text = node.AsString();
  if (!text) return std::nullopt;
  const std::optional<int> signal = SignalFromName(*text);
  if (!signal) {
    node.Error(fmt::format("expected a signal name like SIGTERM or a number from 1 to 64, got '{}'",
                           *text));
  }
  return signal;
}

/// `proj_id`, the second argument of ftok(3): only its low 8 bits count, and 0 is not allowed.
void ReadProjId(const SpecMap& map, int& proj_id) {
  const std::optional<std::int64_t> value = map.Integer("proj_id", 1, 255);
  if (value) proj_id = static_cast<int>(*value);
}

std::optional<SysvKind> ReadSysvKind(const SpecMap& map) {
  const std::optional<SpecNode> node = map.Get("kind", Presence::kRequired);
  if (!node) return std::nullopt;
  return node->AsChoice<SysvKind>({{"semaphores", SysvKind::kSemaphoreSet},
                                   {"shared_memory", SysvKind::kSharedMemory},
                                   {"message_queue", SysvKind::kMessageQueue}});
}

/// Stores `key`'s value in `field` when given and at least `min`; leaves the default otherwise.
template <typename Number>
void ReadNumberInto(const SpecMap& map, std::string_view key, std::int64_t min, Number& field) {
  const std::optional<std::int64_t> value =
      map.Integer(key, min, std::numeric_limits<Number>::max());
  if (value) field = static_cast<Number>(*value);
}

// ---- Lab-wide sections ---------------------------------------------------------------------

/// `limits:` applied over `limits`.
ProgramLimits ReadLimits(const SpecNode& node, ProgramLimits limits) {
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"wall_ms", "cpu_ms", "memory_mib", "processes", "output_bytes",
                           "open_files", "file_size_mib"});
  if (!map) return limits;
  ReadNumberInto(*map, "wall_ms", 1, limits.wall_ms);
  ReadNumberInto(*map, "cpu_ms", 1, limits.cpu_ms);
  ReadNumberInto(*map, "memory_mib", 1, limits.memory_mib);
  ReadNumberInto(*map, "processes", 1, limits.processes);
  ReadNumberInto(*map, "output_bytes", 1, limits.output_bytes);
  ReadNumberInto(*map, "open_files", 1, limits.open_files);
  ReadNumberInto(*map, "file_size_mib", 1, limits.file_size_mib);
  return limits;
}

bool IsPlainFileName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos;
}

/// `submission.required`: plain file names, at least one.
void ReadRequiredFiles(const SpecNode& node, LabSpec& spec) {
  const std::optional<std::vector<SpecNode>> files = node.AsList();
  if (!files) return;
  if (files->empty()) node.Error("needs at least one file");
  for (const SpecNode& file : *files) {
    const std::optional<std::string> name = file.AsString();
    if (name && !IsPlainFileName(*name)) {
      file.Error(fmt::format("'{}' must be a plain file name (no folders)", *name));
    } else if (name) {
      spec.required_files.push_back(*name);
    }
  }
}

/// `submission.provided`: files in the lab folder.
void ReadProvidedFiles(const SpecNode& node, LabSpec& spec) {
  const std::optional<std::vector<SpecNode>> files = node.AsList();
  if (!files) return;
  for (const SpecNode& file : *files) {
    if (std::optional<std::string> path = ReadLabFile(file, spec.lab_dir)) {
      spec.provided_files.push_back(*path);
    }
  }
}

void ReadSubmission(const SpecNode& node, LabSpec& spec) {
  const std::optional<SpecMap> map = SpecMap::Read(node, {"required", "provided"});
  if (!map) return;
  if (const std::optional<SpecNode> required = map->Get("required", Presence::kRequired)) {
    ReadRequiredFiles(*required, spec);
  }
  if (const std::optional<SpecNode> provided = map->Get("provided")) {
    ReadProvidedFiles(*provided, spec);
  }
}

void ReadBuild(const SpecNode& node, LabSpec& spec) {
  const std::optional<SpecMap> map = SpecMap::Read(node, {"timeout_ms", "commands"});
  if (!map) return;
  ReadNumberInto(*map, "timeout_ms", 1, spec.build_timeout_ms);
  const std::optional<SpecNode> commands = map->Get("commands", Presence::kRequired);
  if (!commands) return;
  const std::optional<std::vector<SpecNode>> lines = commands->AsList();
  if (!lines) return;
  if (lines->empty()) commands->Error("needs at least one command");
  for (const SpecNode& line : *lines) {
    const std::optional<std::string> command = line.AsString();
    if (command && command->empty()) line.Error("must not be empty");
    if (command && !command->empty()) spec.build_commands.push_back(*command);
  }
}

/// `reference:` (relative to the lab folder), or ../../reference/<name> by default; or
/// `reference: { prebuilt: DIR }`, a folder of the reference's programs already built.
void ReadReference(const SpecMap& root, const std::optional<std::string>& name, LabSpec& spec) {
  std::optional<SpecNode> node = root.Get("reference");
  if (node && node->yaml().IsMap()) {
    const std::optional<SpecMap> map = SpecMap::Read(*node, {"prebuilt"});
    if (!map) return;
    node = map->Get("prebuilt", Presence::kRequired);
    if (!node) return;
    spec.reference_prebuilt = true;
  }
  fs::path folder;
  if (node) {
    const std::optional<std::string> text = node->AsString();
    if (!text) return;
    folder = NormalAbsolute(spec.lab_dir / *text);
  } else if (name) {
    folder = NormalAbsolute(spec.lab_dir / ".." / ".." / "reference" / *name);
  } else {
    return;  // the missing name is reported already
  }
  std::error_code error;
  if (fs::is_directory(folder, error)) {
    spec.reference_dir = folder;
  } else if (node) {
    node->Error(fmt::format("folder '{}' does not exist", folder.string()));
  } else {
    // Nothing in the file to point at: the folder comes from the default.
    root.node().sink().Add(
        YAML::Mark::null_mark(), "reference",
        fmt::format("reference: folder '{}' does not exist (the default is "
                    "../../reference/<name> from the lab folder; set 'reference:' to change it)",
                    folder.string()));
  }
}

std::optional<ProgramSpec> ReadProgram(const std::string& name, const SpecNode& node,
                                       const ProgramLimits& lab_limits) {
  ProgramSpec program{name, name, {}, lab_limits, node.mark()};
  if (node.IsNull()) return program;  // "writer:" alone: every default
  const std::optional<SpecMap> map = SpecMap::Read(node, {"executable", "argv", "limits"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  if (const std::optional<SpecNode> executable = map->Get("executable")) {
    const std::optional<std::string> path = executable->AsString();
    if (path && !StaysInside(*path)) {
      executable->Error(fmt::format(
          "'{}' must be a path inside the build folder (no absolute paths, no '..')", *path));
    } else if (path) {
      program.executable = *path;
    }
  }
  if (const std::optional<SpecNode> argv = map->Get("argv")) {
    program.argv = ReadArgv(*argv).value_or(std::vector<std::string>{});
  }
  if (const std::optional<SpecNode> limits = map->Get("limits")) {
    program.limits = ReadLimits(*limits, lab_limits);
  }
  if (!watch.clean()) return std::nullopt;
  return program;
}

void ReadPrograms(const SpecNode& node, const ProgramLimits& lab_limits, LabSpec& spec,
                  LabContext& lab) {
  const std::optional<SpecMap> map = SpecMap::ReadAnyKeys(node);
  if (!map) return;
  const std::vector<std::pair<std::string, SpecNode>> entries = map->Entries();
  if (entries.empty()) node.Error("needs at least one program");
  for (const auto& [name, value] : entries) {
    if (std::optional<ProgramSpec> program = ReadProgram(name, value, lab_limits)) {
      spec.programs.emplace(name, std::move(*program));
    }
  }
  for (const auto& entry : entries) lab.program_names.push_back(entry.first);
}

// ---- Instances -----------------------------------------------------------------------------

std::vector<std::string> InstanceNames(const InstanceTable& instances) {
  std::vector<std::string> names;
  for (const auto& entry : instances) names.push_back(entry.first);
  return names;
}

/// An instance name, which must be in `instances`; `when` as for ReadInstance.
std::optional<std::string> ReadInstanceName(const SpecNode& node, const InstanceTable& instances,
                                            std::string_view when) {
  std::optional<std::string> name = node.AsString();
  if (name && !instances.contains(*name)) {
    const std::vector<std::string> started = InstanceNames(instances);
    node.Error(fmt::format("no instance '{}' was started {} ({})", *name, when,
                           NameHint(*name, Views(started), "started")));
    return std::nullopt;
  }
  return name;
}

/// The instance `key` names, which must be in `instances`. `when` says which instances count:
/// "before this step" or "in this test".
std::optional<std::string> ReadInstance(const SpecMap& map, std::string_view key,
                                        const InstanceTable& instances, std::string_view when,
                                        Presence presence = Presence::kRequired) {
  const std::optional<SpecNode> node = map.Get(key, presence);
  if (!node) return std::nullopt;
  return ReadInstanceName(*node, instances, when);
}

// ---- Steps ---------------------------------------------------------------------------------

constexpr std::string_view kBeforeThisStep = "before this step";

/// Bytes from one of `text`, `file_key` (a lab file) or `random_bytes` (with `seed`): the
/// sources of `stdin:` (file_key "file") and of `make_file:` (file_key "from_lab_file").
std::optional<StdinSource> ReadByteSource(const SpecMap& map, std::string_view file_key,
                                          const fs::path& lab_dir) {
  const std::optional<std::string> kind = map.OneOf({"text", file_key, "random_bytes"});
  if (!kind) return std::nullopt;
  if (*kind != "random_bytes" && map.Has("seed")) {
    map.node().ErrorAt(map.KeyMark("seed"), "'seed' goes only with 'random_bytes'");
    return std::nullopt;
  }
  if (*kind == "text") {
    const std::optional<std::string> text = map.String("text");
    if (text) return StdinText{*text};
  } else if (*kind == file_key) {
    const std::optional<std::string> path = ReadLabFile(*map.Get(file_key), lab_dir);
    if (path) return StdinFile{*path};
  } else {
    const std::optional<std::int64_t> size =
        map.Integer("random_bytes", 0, std::numeric_limits<std::int64_t>::max());
    const std::optional<SpecNode> seed_node = map.Get("seed");
    const std::optional<std::uint64_t> seed =
        seed_node ? seed_node->AsUnsigned() : std::optional<std::uint64_t>(0);
    if (size && seed) return StdinRandom{*size, *seed};
  }
  return std::nullopt;
}

std::optional<StdinSource> ReadStdin(const SpecNode& node, const fs::path& lab_dir) {
  const std::optional<SpecMap> map = SpecMap::Read(node, {"text", "file", "random_bytes", "seed"});
  if (!map) return std::nullopt;
  return ReadByteSource(*map, "file", lab_dir);
}

/// `start: PROGRAM` or `run: PROGRAM`, with `as`, `from`, `args` and `stdin`.
/// The program a start/run step names, which must be declared under `programs:`.
std::optional<std::string> ReadProgramName(const SpecNode& node, const LabContext& lab) {
  std::optional<std::string> program = node.AsString();
  if (program && std::find(lab.program_names.begin(), lab.program_names.end(), *program) ==
                     lab.program_names.end()) {
    node.Error(fmt::format("no program '{}' is defined ({})", *program,
                           NameHint(*program, Views(lab.program_names), "programs")));
  }
  return program;
}

/// Adds the instance a start/run step makes (with count, the group and each member); reports
/// one of the same name started earlier.
void DefineInstance(const SpecMap& step, const SpecNode& program_node, const StartStep& start,
                    InstanceTable& instances) {
  std::vector<std::string> names{start.instance};
  for (int i = 1; i <= start.count; ++i) names.push_back(fmt::format("{}-{}", start.instance, i));
  for (const std::string& name : names) {
    const bool group = name == start.instance && start.count > 0;
    const auto [known, added] = instances.emplace(
        name, InstanceRecord{start.mark.line, step.Has("stdin"), group ? start.count : 0});
    if (added) continue;
    const SpecNode at = step.Get("as").value_or(program_node);
    at.Error(fmt::format("instance '{}' was already started on line {}{}", name, known->second.line,
                         step.Has("as") ? "" : "; name this one with 'as:'"));
    return;
  }
}

/// `start: PROGRAM` or `run: PROGRAM`, with `as`, `from`, `args` and `stdin`.
std::optional<Step> ReadStartStep(const SpecMap& step, const std::string& action,
                                  const LabContext& lab, InstanceTable& instances) {
  ErrorWatch watch(step.node().sink());
  const SpecNode program_node = *step.Get(action);
  const std::optional<std::string> program = ReadProgramName(program_node, lab);
  if (!program) return std::nullopt;
  StartStep start;
  start.program = *program;
  start.instance = step.String("as").value_or(*program);
  start.wait_for_exit = action == "run";
  start.mark = step.node().mark();
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
  if (const std::optional<SpecNode> stdin_node = step.Get("stdin")) {
    start.stdin_source = ReadStdin(*stdin_node, lab.lab_dir).value_or(StdinNone{});
  }
  if (!watch.clean()) return std::nullopt;
  return start;
}

std::optional<Step> ReadWaitForSysvStep(const SpecNode& node, const InstanceTable& instances) {
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"kind", "key_file", "proj_id", "timeout_ms", "created_by"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  WaitForSysvStep step;
  step.mark = node.mark();
  step.kind = ReadSysvKind(*map).value_or(step.kind);
  step.key_file = ReadKeyFile(*map).value_or(step.key_file);
  ReadProjId(*map, step.proj_id);
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  step.instance = ReadInstance(*map, "created_by", instances, kBeforeThisStep, Presence::kOptional)
                      .value_or("");
  if (!watch.clean()) return std::nullopt;
  return step;
}

std::optional<Step> ReadWaitExitStep(const SpecNode& node, const InstanceTable& instances) {
  const std::optional<SpecMap> map = SpecMap::Read(node, {"instance", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  WaitExitStep step;
  step.mark = node.mark();
  step.instance = ReadInstance(*map, "instance", instances, kBeforeThisStep).value_or("");
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

std::optional<Step> ReadSignalStep(const SpecNode& node, const InstanceTable& instances) {
  const std::optional<SpecMap> map = SpecMap::Read(node, {"instance", "signal"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  SignalStep step;
  step.mark = node.mark();
  step.instance = ReadInstance(*map, "instance", instances, kBeforeThisStep).value_or("");
  if (const std::optional<SpecNode> signal = map->Get("signal")) {
    step.signal = ReadSignal(*signal).value_or(step.signal);
  }
  if (!watch.clean()) return std::nullopt;
  return step;
}

std::optional<Step> ReadCreateSysvStep(const SpecNode& node) {
  const std::optional<SpecMap> map = SpecMap::Read(node, {"kind", "key_file", "proj_id", "size"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  CreateSysvStep step;
  step.mark = node.mark();
  step.kind = ReadSysvKind(*map).value_or(step.kind);
  step.key_file = ReadKeyFile(*map).value_or(step.key_file);
  ReadProjId(*map, step.proj_id);
  ReadNumberInto(*map, "size", 1, step.size);
  if (!watch.clean()) return std::nullopt;
  return step;
}

std::optional<Step> ReadExpectIdleStep(const SpecNode& node, const InstanceTable& instances) {
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"instance", "window_ms", "max_cpu_percent"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ExpectIdleStep step;
  step.mark = node.mark();
  step.instance = ReadInstance(*map, "instance", instances, kBeforeThisStep).value_or("");
  ReadNumberInto(*map, "window_ms", 1, step.window_ms);
  const std::optional<std::int64_t> percent = map->Integer("max_cpu_percent", 0, 100);
  if (percent) step.max_cpu_percent = static_cast<int>(*percent);
  if (!watch.clean()) return std::nullopt;
  return step;
}

std::optional<Step> ReadMakeFileStep(const SpecNode& node, const LabContext& lab) {
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"path", "text", "from_lab_file", "random_bytes", "seed", "mode"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  MakeFileStep step;
  step.mark = node.mark();
  if (const std::optional<SpecNode> path = map->Get("path", Presence::kRequired)) {
    step.path = ReadTestDirPath(*path).value_or("");
  }
  step.content = ReadByteSource(*map, "from_lab_file", lab.lab_dir).value_or(StdinNone{});
  ReadModeInto(*map, "mode", step.mode);
  if (!watch.clean()) return std::nullopt;
  return step;
}

std::optional<Step> ReadMakeDirStep(const SpecNode& node) {
  const std::optional<SpecMap> map = SpecMap::Read(node, {"path", "mode"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  MakeDirStep step;
  step.mark = node.mark();
  if (const std::optional<SpecNode> path = map->Get("path", Presence::kRequired)) {
    step.path = ReadTestDirPath(*path).value_or("");
  }
  ReadModeInto(*map, "mode", step.mode);
  if (!watch.clean()) return std::nullopt;
  return step;
}

std::optional<Step> ReadPauseWhenBlockedStep(const SpecNode& node, const InstanceTable& instances) {
  const std::optional<SpecMap> map = SpecMap::Read(node, {"instance", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  PauseWhenBlockedStep step;
  step.mark = node.mark();
  step.instance = ReadInstance(*map, "instance", instances, kBeforeThisStep).value_or("");
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

/// `resume: INSTANCE`.
std::optional<Step> ReadResumeStep(const SpecNode& node, const InstanceTable& instances) {
  const std::optional<std::string> instance = ReadInstanceName(node, instances, kBeforeThisStep);
  if (!instance) return std::nullopt;
  return ResumeStep{*instance, node.mark()};
}

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

std::optional<Step> ReadExpectMappingStep(const SpecNode& node, const InstanceTable& instances) {
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

// ---- Socket steps ----------------------------------------------------------------------------

/// The port placeholder `key` names without braces ("port", "port:NAME"); `port` when absent.
std::optional<std::string> ReadPortName(const SpecMap& map, std::string_view key = "port") {
  const std::optional<SpecNode> node = map.Get(key);
  if (!node) return "port";
  std::optional<std::string> text = node->AsString();
  if (text && !IsPortPlaceholderName(*text)) {
    std::string hint;
    if (text->size() > 2 && text->front() == '{' && text->back() == '}') {
      hint = fmt::format(" (write it without braces: '{}')", text->substr(1, text->size() - 2));
    } else if (IsSlug(*text) && !std::all_of(text->begin(), text->end(), ::isdigit)) {
      hint = fmt::format(" (did you mean 'port:{}'?)", *text);
    } else if (!text->empty() && std::all_of(text->begin(), text->end(), ::isdigit)) {
      hint = " (a fixed number is not allowed: in host mode the grader picks a free port)";
    }
    node->Error(fmt::format(
        "expected port or port:NAME (NAME made of a-z, 0-9 and '-'), got '{}'{}", *text, hint));
    return std::nullopt;
  }
  return text;
}

std::optional<SocketProtocol> ReadProtocol(const SpecMap& map) {
  const std::optional<SpecNode> node = map.Get("protocol");
  if (!node) return SocketProtocol::kTcp;
  return node->AsChoice<SocketProtocol>(
      {{"tcp", SocketProtocol::kTcp}, {"udp", SocketProtocol::kUdp}});
}

std::optional<Step> ReadWaitForPortStep(const SpecNode& node, const InstanceTable& instances) {
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"instance", "protocol", "port", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  WaitForPortStep step;
  step.mark = node.mark();
  step.instance = ReadInstance(*map, "instance", instances, kBeforeThisStep).value_or("");
  step.protocol = ReadProtocol(*map).value_or(step.protocol);
  step.port = ReadPortName(*map).value_or(step.port);
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

/// A connection name of the built-in client, opened by an earlier `connect:`.
std::optional<std::string> ReadConnectionName(const SpecNode& node, const TestNames& names,
                                              std::string_view when) {
  std::optional<std::string> name = node.AsString();
  if (name && !names.connections.contains(*name)) {
    std::vector<std::string> opened;
    for (const auto& entry : names.connections) opened.push_back(entry.first);
    node.Error(fmt::format("no connection '{}' was opened {} ({})", *name, when,
                           NameHint(*name, Views(opened), "opened")));
    return std::nullopt;
  }
  return name;
}

std::optional<Step> ReadConnectStep(const SpecNode& node, TestNames& names) {
  const std::optional<SpecMap> map = SpecMap::Read(node, {"as", "port", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ConnectStep step;
  step.mark = node.mark();
  if (const std::optional<SpecNode> as = map->Get("as", Presence::kRequired)) {
    const std::optional<std::string> name = as->AsString();
    if (name && !IsSlug(*name)) {
      as->Error(fmt::format("'{}' must use only a-z, 0-9 and '-'", *name));
    } else if (name) {
      step.connection = *name;
      const auto [known, added] = names.connections.emplace(*name, step.mark.line);
      if (!added) {
        as->Error(
            fmt::format("connection '{}' was already opened on line {}", *name, known->second));
      }
    }
  }
  step.port = ReadPortName(*map).value_or(step.port);
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

std::optional<Step> ReadSendStep(const SpecNode& node, const LabContext& lab,
                                 const TestNames& names) {
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"connection", "text", "file", "random_bytes", "seed", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  SendStep step;
  step.mark = node.mark();
  if (const std::optional<SpecNode> connection = map->Get("connection", Presence::kRequired)) {
    step.connection = ReadConnectionName(*connection, names, kBeforeThisStep).value_or("");
  }
  step.bytes = ReadByteSource(*map, "file", lab.lab_dir).value_or(StdinNone{});
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

std::optional<Step> ReadConnectionActionStep(const SpecNode& node, ConnectionAction action,
                                             const TestNames& names) {
  const std::optional<std::string> connection = ReadConnectionName(node, names, kBeforeThisStep);
  if (!connection) return std::nullopt;
  return ConnectionActionStep{*connection, action, node.mark()};
}

std::optional<Step> ReadReceiveStep(const SpecNode& node, const TestNames& names) {
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"connection", "bytes", "until_closed", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ReceiveStep step;
  step.mark = node.mark();
  if (const std::optional<SpecNode> connection = map->Get("connection", Presence::kRequired)) {
    step.connection = ReadConnectionName(*connection, names, kBeforeThisStep).value_or("");
  }
  const std::optional<std::string> how = map->OneOf({"bytes", "until_closed"});
  if (how == "bytes") {
    step.bytes = map->Integer("bytes", 1, std::numeric_limits<std::int64_t>::max()).value_or(0);
  } else if (how == "until_closed") {
    const std::optional<bool> flag = map->Bool("until_closed");
    if (flag == false) map->Get("until_closed")->Error("must be true, got false");
    step.until_closed = true;
  }
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

std::optional<Step> ReadExpectSocketsStep(const SpecNode& node, const InstanceTable& instances) {
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"instance", "state", "min", "max", "port", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ExpectSocketsStep step;
  step.mark = node.mark();
  step.instance =
      ReadInstance(*map, "instance", instances, kBeforeThisStep, Presence::kOptional).value_or("");
  if (const std::optional<SpecNode> state = map->Get("state", Presence::kRequired)) {
    step.state = state
                     ->AsChoice<SocketState>({{"LISTEN", SocketState::kListen},
                                              {"ESTABLISHED", SocketState::kEstablished},
                                              {"CLOSE_WAIT", SocketState::kCloseWait},
                                              {"TIME_WAIT", SocketState::kTimeWait},
                                              {"FIN_WAIT1", SocketState::kFinWait1},
                                              {"FIN_WAIT2", SocketState::kFinWait2},
                                              {"LAST_ACK", SocketState::kLastAck},
                                              {"CLOSING", SocketState::kClosing},
                                              {"SYN_SENT", SocketState::kSynSent},
                                              {"SYN_RECV", SocketState::kSynRecv}})
                     .value_or(step.state);
    if (step.state == SocketState::kTimeWait && map->Has("instance")) {
      state->Error(
          "a socket in TIME_WAIT belongs to no process any more (the kernel keeps it after "
          "close); leave out 'instance' to count those of the whole test");
    }
  }
  const std::optional<std::int64_t> min = map->Integer("min", 0, kNoUpperBound);
  const std::optional<std::int64_t> max = map->Integer("max", 0, kNoUpperBound);
  if (min) step.min = static_cast<int>(*min);
  if (max) step.max = static_cast<int>(*max);
  if (!map->Has("min") && !map->Has("max")) node.Error("needs 'min' or 'max' (or both)");
  if (min && max && *min > *max) {
    node.ErrorAt(map->KeyMark("max"), fmt::format("max ({}) is less than min ({})", *max, *min));
  }
  if (map->Has("port")) step.port = ReadPortName(*map).value_or("");
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

std::optional<Step> ReadRecordFdsStep(const SpecNode& node, TestNames& names) {
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

std::optional<Step> ReadExpectFdsStep(const SpecNode& node, const TestNames& names) {
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

std::optional<Step> ReadExpectNoZombiesStep(const SpecNode& node, const InstanceTable& instances) {
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

/// The steps of the socket labs: readiness, the built-in client, the probes.
std::optional<Step> ReadSocketStep(const std::string& action, const SpecNode& body,
                                   const LabContext& lab, TestNames& names) {
  if (action == "wait_for_port") return ReadWaitForPortStep(body, names.instances);
  if (action == "connect") return ReadConnectStep(body, names);
  if (action == "send") return ReadSendStep(body, lab, names);
  if (action == "shutdown_write")
    return ReadConnectionActionStep(body, ConnectionAction::kShutdownWrite, names);
  if (action == "reset") return ReadConnectionActionStep(body, ConnectionAction::kReset, names);
  if (action == "close") return ReadConnectionActionStep(body, ConnectionAction::kClose, names);
  if (action == "receive") return ReadReceiveStep(body, names);
  if (action == "expect_sockets") return ReadExpectSocketsStep(body, names.instances);
  if (action == "record_fds") return ReadRecordFdsStep(body, names);
  if (action == "expect_fds") return ReadExpectFdsStep(body, names);
  if (action == "expect_no_zombies") return ReadExpectNoZombiesStep(body, names.instances);
  const std::optional<std::string> instance =
      ReadInstanceName(body, names.instances, kBeforeThisStep);
  if (!instance) return std::nullopt;
  return ExpectAliveStep{*instance, body.mark()};
}

/// The key that says what a step does; every step has exactly one.
const std::vector<std::string_view> kStepActions = {"start",
                                                    "run",
                                                    "wait_for_sysv",
                                                    "wait_exit",
                                                    "signal",
                                                    "create_sysv",
                                                    "expect_idle",
                                                    "make_file",
                                                    "make_dir",
                                                    "pause_when_blocked",
                                                    "resume",
                                                    "expect_mapping",
                                                    "wait_for_port",
                                                    "connect",
                                                    "send",
                                                    "shutdown_write",
                                                    "reset",
                                                    "close",
                                                    "receive",
                                                    "expect_sockets",
                                                    "record_fds",
                                                    "expect_fds",
                                                    "expect_no_zombies",
                                                    "expect_alive"};

/// The keys only `start:` and `run:` take beside their action.
const std::vector<std::string_view> kStartStepKeys = {"as", "from", "args", "stdin", "count"};

std::optional<Step> ReadStep(const SpecNode& node, const LabContext& lab, TestNames& names) {
  InstanceTable& instances = names.instances;
  ErrorWatch watch(node.sink());
  static const std::vector<std::string_view> kAllowedKeys = [] {
    std::vector<std::string_view> keys = kStepActions;
    keys.insert(keys.end(), kStartStepKeys.begin(), kStartStepKeys.end());
    return keys;
  }();
  const std::optional<SpecMap> map = SpecMap::Read(node, kAllowedKeys);
  // An unknown key is most likely the action misspelt: "needs one of" would say it twice.
  if (!map || !watch.clean()) return std::nullopt;
  const std::optional<std::string> action = map->OneOf(kStepActions);
  if (!action) return std::nullopt;
  if (*action == "start" || *action == "run") return ReadStartStep(*map, *action, lab, instances);
  for (std::string_view key : kStartStepKeys) {
    if (map->Has(key)) {
      node.ErrorAt(map->KeyMark(key), fmt::format("'{}' goes only with 'start' or 'run'", key));
      return std::nullopt;
    }
  }
  const SpecNode body = *map->Get(*action);
  if (*action == "wait_for_sysv") return ReadWaitForSysvStep(body, instances);
  if (*action == "wait_exit") return ReadWaitExitStep(body, instances);
  if (*action == "signal") return ReadSignalStep(body, instances);
  if (*action == "create_sysv") return ReadCreateSysvStep(body);
  if (*action == "expect_idle") return ReadExpectIdleStep(body, instances);
  if (*action == "make_file") return ReadMakeFileStep(body, lab);
  if (*action == "make_dir") return ReadMakeDirStep(body);
  if (*action == "pause_when_blocked") return ReadPauseWhenBlockedStep(body, instances);
  if (*action == "resume") return ReadResumeStep(body, instances);
  if (*action == "expect_mapping") return ReadExpectMappingStep(body, instances);
  return ReadSocketStep(*action, body, lab, names);
}

// ---- Checks --------------------------------------------------------------------------------

constexpr std::string_view kInThisTest = "in this test";

std::optional<Check> ReadExitCheck(const SpecNode& node, const InstanceTable& instances) {
  const std::optional<SpecMap> map = SpecMap::Read(node, {"instance", "code", "signal"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ExitCheck check;
  check.mark = node.mark();
  check.instance = ReadInstance(*map, "instance", instances, kInThisTest).value_or("");
  const std::optional<std::string> which = map->OneOf({"code", "signal"});
  if (which == "code") {
    const std::optional<std::int64_t> code = map->Integer("code", 0, 255);
    if (code) check.exit_code = static_cast<int>(*code);
  } else if (which == "signal") {
    check.signal = ReadSignal(*map->Get("signal"));
  }
  if (!watch.clean()) return std::nullopt;
  return check;
}

/// The matcher's value into `check.text`, checked for its kind.
void ReadMatcher(const SpecMap& map, const std::string& matcher, const LabContext& lab,
                 const InstanceTable& instances, OutputCheck& check) {
  const SpecNode value = *map.Get(matcher);
  if (matcher == "empty" || matcher == "not_empty") {
    const std::optional<bool> flag = value.AsBool();
    if (flag == false) value.Error("must be true, got false");
  } else if (matcher == "same_as_file") {
    check.text = ReadLabFile(value, lab.lab_dir).value_or("");
  } else if (matcher == "same_as_stdin_of") {
    const std::optional<std::string> instance = ReadInstance(map, matcher, instances, kInThisTest);
    if (instance && !instances.at(*instance).has_stdin) {
      value.Error(fmt::format("instance '{}' is given no stdin to compare with", *instance));
    }
    const auto checked = instances.find(check.instance);
    if (instance && checked != instances.end()) {
      // A group's members are compared pairwise (i with i), or each with one instance.
      const int ours = checked->second.group_size;
      const int theirs = instances.at(*instance).group_size;
      if (theirs > 0 && ours != theirs) {
        value.Error(fmt::format(
            "'{}' is a group of {} instances; it can be compared only with a group of as many "
            "(each with its own), and '{}' {}",
            *instance, theirs, check.instance,
            ours == 0 ? "is one instance" : fmt::format("has {}", ours)));
      }
    }
    check.text = instance.value_or("");
  } else {
    check.text = value.AsString().value_or("");
  }
  if (matcher == "regex") {
    try {
      const std::regex compiled(check.text, std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
      value.Error(fmt::format("invalid regular expression: {}", error.what()));
    }
  }
}

std::optional<Check> ReadOutputCheck(const SpecNode& node, StreamName stream, const LabContext& lab,
                                     const InstanceTable& instances) {
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"instance", "equals", "same_as_file", "same_as_stdin_of", "contains",
                           "regex", "equals_normalized", "empty", "not_empty"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  OutputCheck check;
  check.mark = node.mark();
  check.stream = stream;
  check.instance = ReadInstance(*map, "instance", instances, kInThisTest).value_or("");
  const std::optional<std::string> matcher =
      map->OneOf({"equals", "same_as_file", "same_as_stdin_of", "contains", "regex",
                  "equals_normalized", "empty", "not_empty"});
  if (!matcher) return std::nullopt;
  static const std::map<std::string, MatchKind, std::less<>> kMatchKinds = {
      {"equals", MatchKind::kEquals},
      {"same_as_file", MatchKind::kSameAsFile},
      {"same_as_stdin_of", MatchKind::kSameAsStdinOf},
      {"contains", MatchKind::kContains},
      {"regex", MatchKind::kRegex},
      {"equals_normalized", MatchKind::kEqualsNormalized},
      {"empty", MatchKind::kEmpty},
      {"not_empty", MatchKind::kNotEmpty}};
  check.match = kMatchKinds.at(*matcher);
  ReadMatcher(*map, *matcher, lab, instances, check);
  if (!watch.clean()) return std::nullopt;
  return check;
}

std::optional<Check> ReadNoSysvLeftCheck(const SpecNode& node) {
  const std::optional<bool> flag = node.AsBool();
  if (flag == false) node.Error("must be true, got false");
  if (flag != true) return std::nullopt;
  return NoSysvLeftCheck{node.mark()};
}

std::optional<Check> ReadSysvExistsCheck(const SpecNode& node) {
  const std::optional<SpecMap> map = SpecMap::Read(node, {"kind", "key_file", "proj_id"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  SysvExistsCheck check;
  check.mark = node.mark();
  check.kind = ReadSysvKind(*map).value_or(check.kind);
  check.key_file = ReadKeyFile(*map).value_or(check.key_file);
  ReadProjId(*map, check.proj_id);
  if (!watch.clean()) return std::nullopt;
  return check;
}

std::optional<Check> ReadDurationCheck(const SpecNode& node, const InstanceTable& instances) {
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

/// The property a file check asserts, into `check`.
void ReadFileProperty(const SpecMap& map, const LabContext& lab, FileCheck& check) {
  const std::optional<std::string> which =
      map.OneOf({"same_as_file", "same_as_lab_file", "size", "mode", "exists"});
  if (!which) return;
  const SpecNode value = *map.Get(*which);
  if (*which == "same_as_file") {
    check.property = FileProperty::kSameAsFile;
    check.other = ReadTestDirPath(value).value_or("");
  } else if (*which == "same_as_lab_file") {
    check.property = FileProperty::kSameAsLabFile;
    check.other = ReadLabFile(value, lab.lab_dir).value_or("");
  } else if (*which == "size") {
    check.property = FileProperty::kSize;
    check.size_bytes = value.AsInteger(0, std::numeric_limits<std::int64_t>::max()).value_or(0);
  } else if (*which == "mode") {
    check.property = FileProperty::kMode;
    check.mode = ReadMode(value).value_or(0);
  } else {
    check.property = FileProperty::kExists;
    check.exists = value.AsBool().value_or(true);
  }
}

std::optional<Check> ReadFileCheck(const SpecNode& node, const LabContext& lab) {
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"path", "same_as_file", "same_as_lab_file", "size", "mode", "exists"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  FileCheck check;
  check.mark = node.mark();
  if (const std::optional<SpecNode> path = map->Get("path", Presence::kRequired)) {
    check.path = ReadTestDirPath(*path).value_or("");
  }
  ReadFileProperty(*map, lab, check);
  if (!watch.clean()) return std::nullopt;
  return check;
}

/// A list of C symbol names under `key`; empty when absent.
std::vector<std::string> ReadSymbolNames(const SpecMap& map, std::string_view key) {
  std::vector<std::string> names;
  const std::optional<SpecNode> node = map.Get(key);
  if (!node) return names;
  for (const SpecNode& element : node->AsList().value_or(std::vector<SpecNode>{})) {
    const std::optional<std::string> name = element.AsString();
    if (name && !IsSymbolName(*name)) {
      element.Error(fmt::format("'{}' is not a C function name", *name));
    } else if (name) {
      names.push_back(*name);
    }
  }
  return names;
}

/// `required:` and `forbidden:` of an imports check: at least one name, none in both.
void ReadImportLists(const SpecMap& map, ImportsCheck& check) {
  check.required = ReadSymbolNames(map, "required");
  check.forbidden = ReadSymbolNames(map, "forbidden");
  if (!map.Has("required") && !map.Has("forbidden")) {
    map.node().Error("needs 'required' or 'forbidden' (or both)");
  }
  for (const std::string& name : check.required) {
    if (std::find(check.forbidden.begin(), check.forbidden.end(), name) != check.forbidden.end()) {
      map.node().ErrorAt(map.KeyMark("forbidden"),
                         fmt::format("'{}' is both required and forbidden", name));
    }
  }
}

std::optional<Check> ReadImportsCheck(const SpecNode& node, const LabContext& lab) {
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"program", "from", "required", "forbidden"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ImportsCheck check;
  check.mark = node.mark();
  if (const std::optional<SpecNode> program = map->Get("program", Presence::kRequired)) {
    check.program = ReadProgramName(*program, lab).value_or("");
  }
  if (const std::optional<SpecNode> from = map->Get("from")) {
    check.role =
        from->AsChoice<Role>({{"student", Role::kStudent}, {"reference", Role::kReference}})
            .value_or(Role::kStudent);
  }
  ReadImportLists(*map, check);
  if (!watch.clean()) return std::nullopt;
  return check;
}

std::optional<Check> ReadReceivedCheck(const SpecNode& node, const TestNames& names) {
  const std::optional<SpecMap> map = SpecMap::Read(
      node, {"connection", "equals", "contains", "same_as_sent", "empty", "not_empty"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ReceivedCheck check;
  check.mark = node.mark();
  if (const std::optional<SpecNode> connection = map->Get("connection", Presence::kRequired)) {
    check.connection = ReadConnectionName(*connection, names, kInThisTest).value_or("");
  }
  const std::optional<std::string> matcher =
      map->OneOf({"equals", "contains", "same_as_sent", "empty", "not_empty"});
  if (!matcher) return std::nullopt;
  const SpecNode value = *map->Get(*matcher);
  if (*matcher == "equals" || *matcher == "contains") {
    check.match = *matcher == "equals" ? MatchKind::kEquals : MatchKind::kContains;
    check.text = value.AsString().value_or("");
  } else {
    check.match = *matcher == "empty"       ? MatchKind::kEmpty
                  : *matcher == "not_empty" ? MatchKind::kNotEmpty
                                            : MatchKind::kEquals;
    check.same_as_sent = *matcher == "same_as_sent";
    if (value.AsBool() == false) value.Error("must be true, got false");
  }
  if (!watch.clean()) return std::nullopt;
  return check;
}

std::optional<Check> ReadCheck(const SpecNode& node, const LabContext& lab,
                               const TestNames& names) {
  const InstanceTable& instances = names.instances;
  ErrorWatch watch(node.sink());
  static const std::vector<std::string_view> kCheckKinds = {
      "exit", "stdout",  "stderr",  "no_sysv_left", "sysv_exists", "finished_within",
      "file", "imports", "received"};
  const std::optional<SpecMap> map = SpecMap::Read(node, kCheckKinds);
  if (!map || !watch.clean()) return std::nullopt;
  const std::optional<std::string> kind = map->OneOf(kCheckKinds);
  if (!kind) return std::nullopt;
  const SpecNode body = *map->Get(*kind);
  if (*kind == "received") return ReadReceivedCheck(body, names);
  if (*kind == "exit") return ReadExitCheck(body, instances);
  if (*kind == "stdout") return ReadOutputCheck(body, StreamName::kStdout, lab, instances);
  if (*kind == "stderr") return ReadOutputCheck(body, StreamName::kStderr, lab, instances);
  if (*kind == "no_sysv_left") return ReadNoSysvLeftCheck(body);
  if (*kind == "sysv_exists") return ReadSysvExistsCheck(body);
  if (*kind == "file") return ReadFileCheck(body, lab);
  if (*kind == "imports") return ReadImportsCheck(body, lab);
  return ReadDurationCheck(body, instances);
}

// ---- Tests ---------------------------------------------------------------------------------

void ReadTestName(const SpecMap& map, TestTally& tally, TestSpec& test) {
  const std::optional<std::string> name = ReadSlug(map, "name");
  if (!name) return;
  test.name = *name;
  const auto [first, added] = tally.name_lines.emplace(*name, map.node().mark().line);
  if (!added) {
    map.Get("name")->Error(
        fmt::format("test name '{}' is already used on line {}", *name, first->second));
  }
}

void ReadTestPoints(const SpecMap& map, TestTally& tally, TestSpec& test) {
  const std::optional<std::int64_t> points =
      map.Integer("points", 0, kNoUpperBound, Presence::kRequired);
  if (!points) {
    tally.points_complete = false;
    return;
  }
  test.points = static_cast<int>(*points);
  tally.points_sum += *points;
}

void ReadTestSteps(const SpecMap& map, const LabContext& lab, TestNames& names, TestSpec& test) {
  const std::optional<SpecNode> steps = map.Get("steps", Presence::kRequired);
  if (!steps) return;
  const std::optional<std::vector<SpecNode>> items = steps->AsList();
  if (!items) return;
  if (items->empty()) steps->Error("needs at least one step");
  for (const SpecNode& item : *items) {
    if (std::optional<Step> step = ReadStep(item, lab, names)) test.steps.push_back(*step);
  }
}

void ReadTestChecks(const SpecMap& map, const LabContext& lab, const TestNames& names,
                    TestSpec& test) {
  const std::optional<SpecNode> checks = map.Get("checks");
  if (!checks) return;
  const std::optional<std::vector<SpecNode>> items = checks->AsList();
  if (!items) return;
  for (const SpecNode& item : *items) {
    if (std::optional<Check> check = ReadCheck(item, lab, names)) {
      test.checks.push_back(*check);
    }
  }
}

/// `network:` of a test: the conditions its cell's loopback gets.
std::optional<NetworkConditions> ReadNetwork(const SpecNode& node) {
  const std::optional<SpecMap> map = SpecMap::Read(node, {"loss_percent"});
  if (!map) return std::nullopt;
  const std::optional<std::int64_t> loss =
      map->Integer("loss_percent", 0, 100, Presence::kRequired);
  if (!loss) return std::nullopt;
  return NetworkConditions{static_cast<int>(*loss)};
}

std::optional<TestSpec> ReadTest(const SpecNode& node, const LabContext& lab, TestTally& tally) {
  ErrorWatch watch(node.sink());
  const std::optional<SpecMap> map = SpecMap::Read(
      node, {"name", "description", "points", "visibility", "hint", "network", "steps", "checks"});
  if (!map) {
    tally.points_complete = false;
    return std::nullopt;
  }
  TestSpec test;
  test.mark = node.mark();
  ReadTestName(*map, tally, test);
  test.description = map->String("description", Presence::kRequired).value_or("");
  ReadTestPoints(*map, tally, test);
  if (const std::optional<SpecNode> visibility = map->Get("visibility")) {
    test.visibility = visibility
                          ->AsChoice<Visibility>(
                              {{"visible", Visibility::kVisible}, {"hidden", Visibility::kHidden}})
                          .value_or(Visibility::kVisible);
  }
  test.hint = map->String("hint").value_or("");
  if (const std::optional<SpecNode> network = map->Get("network"))
    test.network = ReadNetwork(*network);
  TestNames names;
  ReadTestSteps(*map, lab, names, test);
  ReadTestChecks(*map, lab, names, test);
  if (!watch.clean()) return std::nullopt;
  return test;
}

/// The items of a `tests:` list, each read on its own; the list's own problems are reported.
TestTally ReadTestItems(const SpecNode& node, const LabContext& lab, std::vector<TestSpec>& tests) {
  TestTally tally;
  const std::optional<std::vector<SpecNode>> items = node.AsList();
  if (!items) {
    tally.points_complete = false;
    return tally;
  }
  for (const SpecNode& item : *items) {
    if (std::optional<TestSpec> test = ReadTest(item, lab, tally))
      tests.push_back(std::move(*test));
  }
  return tally;
}

/// `check_points` false: hidden_points was unreadable, so no total can be expected.
void ReadTests(const SpecMap& root, const LabContext& lab, bool check_points, LabSpec& spec) {
  const std::optional<SpecNode> node = root.Get("tests", Presence::kRequired);
  if (!node) return;
  if (node->yaml().IsSequence() && node->yaml().size() == 0) {
    node->Error("needs at least one test");
    return;
  }
  const TestTally tally = ReadTestItems(*node, lab, spec.tests);
  const int expected = 100 - spec.hidden_points;
  if (!check_points || !tally.points_complete || tally.points_sum == expected) return;
  if (spec.hidden_points == 0) {
    node->ErrorAt(root.KeyMark("tests"),
                  fmt::format("points add up to {}; they must add up to 100", tally.points_sum));
  } else {
    node->ErrorAt(root.KeyMark("tests"),
                  fmt::format("points add up to {}; they must add up to {}, 100 less the {} "
                              "hidden_points an overlay adds",
                              tally.points_sum, expected, spec.hidden_points));
  }
}

// ---- The document --------------------------------------------------------------------------

std::optional<LabSpec> ReadLab(const SpecNode& document, const fs::path& lab_dir) {
  if (document.IsNull()) {
    document.Error(
        "the file is empty; a lab spec needs name, title, submission, build, "
        "programs and tests");
    return std::nullopt;
  }
  ErrorWatch watch(document.sink());
  const std::optional<SpecMap> root =
      SpecMap::Read(document, {"name", "title", "reference", "submission", "build", "limits",
                               "programs", "hidden_points", "tests"});
  if (!root) return std::nullopt;
  LabSpec spec;
  spec.lab_dir = lab_dir;
  spec.mark = document.mark();
  const std::optional<std::string> name = ReadSlug(*root, "name");
  spec.name = name.value_or("");
  spec.title = root->String("title", Presence::kRequired).value_or("");
  ReadReference(*root, name, spec);
  if (const std::optional<SpecNode> submission = root->Get("submission", Presence::kRequired)) {
    ReadSubmission(*submission, spec);
  }
  if (const std::optional<SpecNode> build = root->Get("build", Presence::kRequired)) {
    ReadBuild(*build, spec);
  }
  ProgramLimits lab_limits;
  if (const std::optional<SpecNode> limits = root->Get("limits")) {
    lab_limits = ReadLimits(*limits, lab_limits);
  }
  LabContext lab{lab_dir, {}};
  if (const std::optional<SpecNode> programs = root->Get("programs", Presence::kRequired)) {
    ReadPrograms(*programs, lab_limits, spec, lab);
  }
  const std::optional<std::int64_t> hidden_points = root->Integer("hidden_points", 0, 100);
  spec.hidden_points = static_cast<int>(hidden_points.value_or(0));
  ReadTests(*root, lab, hidden_points || !root->Has("hidden_points"), spec);
  if (!watch.clean()) return std::nullopt;
  return spec;
}

}  // namespace

SpecLoad LoadLabSpecFromString(std::string_view yaml, const fs::path& pretend_file,
                               const fs::path& lab_dir) {
  SpecErrorSink sink(pretend_file, yaml);
  SpecLoad load;
  try {
    const YAML::Node document = YAML::Load(std::string(yaml));
    load.spec = ReadLab(SpecNode::Root(document, sink), NormalAbsolute(lab_dir));
  } catch (const YAML::Exception& error) {
    sink.Add(error.mark, "", fmt::format("invalid YAML: {}", error.msg));
  } catch (const std::exception& error) {
    // Not the author's fault, but the spec cannot be trusted either: say so and stop.
    sink.Add(YAML::Mark::null_mark(), "",
             fmt::format("internal error while loading the lab spec: {}", error.what()));
  }
  load.errors = std::move(sink).Take();
  if (!load.errors.empty()) load.spec.reset();
  return load;
}

TestListRead ReadTestList(const SpecNode& list, const LabSpec& lab, const fs::path& files_dir) {
  LabContext context{files_dir, {}};
  for (const auto& [name, program] : lab.programs) context.program_names.push_back(name);
  TestListRead read;
  const TestTally tally = ReadTestItems(list, context, read.tests);
  read.points_sum = tally.points_sum;
  read.points_complete = tally.points_complete;
  return read;
}

SpecLoad LoadLabSpec(const fs::path& lab_dir_or_yaml_file) {
  fs::path file = lab_dir_or_yaml_file;
  std::error_code error;
  if (fs::is_directory(file, error)) file /= "lab.yaml";
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    const std::string reason = std::strerror(errno);
    SpecLoad load;
    load.errors.push_back(SpecError{SourceMark{file, 0, 0}, "",
                                    fmt::format("cannot read the lab spec: {}", reason), ""});
    return load;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const fs::path lab_dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  return LoadLabSpecFromString(text.str(), file, lab_dir);
}

}  // namespace labgrade
