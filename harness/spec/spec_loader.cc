// The lab.yaml loader: one reader per section of the schema (documented in labs/README.md), each
// built on the typed reader in spec_reader.h. A reader that finds a problem reports it and hands
// back nothing; its caller goes on with the next item, so one run reports every broken test.
#include "harness/spec/spec_loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "harness/path_within.h"
#include "harness/spec/kind_registry.h"
#include "harness/spec/placeholders.h"
#include "harness/spec/provided_paths.h"
#include "harness/spec/spec_reader.h"
#include "harness/spec/test_names.h"
#include "harness/spec/value_readers.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

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

// ---- Lab-wide sections ---------------------------------------------------------------------

/// `limits:` applied over `limits`.
ProgramLimits ReadLimits(const SpecNode& node, ProgramLimits limits) {
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"wall_ms", "cpu_ms", "memory_mib", "processes", "output_bytes",
                           "open_files", "file_size_mib", "test_dir_mib"});
  if (!map) return limits;
  ReadNumberInto(*map, "wall_ms", 1, limits.wall_ms);
  ReadNumberInto(*map, "cpu_ms", 1, limits.cpu_ms);
  ReadNumberInto(*map, "memory_mib", 1, limits.memory_mib);
  ReadNumberInto(*map, "processes", 1, limits.processes);
  ReadNumberInto(*map, "output_bytes", 1, limits.output_bytes);
  ReadNumberInto(*map, "open_files", 1, limits.open_files);
  ReadNumberInto(*map, "file_size_mib", 1, limits.file_size_mib);
  ReadNumberInto(*map, "test_dir_mib", 1, limits.test_dir_mib);
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

void ReadSubmission(const SpecNode& node, LabSpec& spec) {
  const std::optional<SpecMap> map = SpecMap::Read(node, {"required", "provided"});
  if (!map) return;
  if (const std::optional<SpecNode> required = map->Get("required", Presence::kRequired)) {
    ReadRequiredFiles(*required, spec);
  }
  if (const std::optional<SpecNode> provided = map->Get("provided")) {
    ReadProvided(*provided, spec);
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
    const std::optional<std::string> problem =
        command ? BuildCommandProblem(*command) : std::nullopt;
    if (problem) line.Error(*problem);
    if (command && !command->empty() && !problem) spec.build_commands.push_back(*command);
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

// ---- Steps and checks: found by key in the kind registry ---------------------------------

/// "'a'", "'a' or 'b'", "'a', 'b' or 'c'".
std::string QuotedAlternatives(const std::vector<std::string_view>& keys) {
  std::string text;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) text += i + 1 == keys.size() ? " or " : ", ";
    text += fmt::format("'{}'", keys[i]);
  }
  return text;
}

/// A step: exactly one action, the key of its kind (kind_registry.h), which reads the rest.
std::optional<Step> ReadStep(const SpecNode& node, const LabContext& lab, TestNames& names) {
  const KindRegistry& kinds = Kinds();
  ErrorWatch watch(node.sink());
  static const std::vector<std::string_view> kActions = Kinds().StepActions();
  static const std::vector<std::string_view> kAllowedKeys = [] {
    std::vector<std::string_view> keys = kActions;
    const std::vector<std::string_view> siblings = Kinds().StepSiblingKeys();
    keys.insert(keys.end(), siblings.begin(), siblings.end());
    return keys;
  }();
  const std::optional<SpecMap> map = SpecMap::Read(node, kAllowedKeys);
  if (!map) return std::nullopt;
  const bool unknown_key = !watch.clean();
  const auto action_count = std::count_if(kActions.begin(), kActions.end(),
                                          [&](std::string_view key) { return map->Has(key); });
  // An unknown key without an action is most likely the action misspelt: "needs one of" would
  // say it twice.
  if (unknown_key && action_count != 1) return std::nullopt;
  const std::optional<std::string> action = map->OneOf(kActions);
  if (!action) return std::nullopt;
  const StepKey& step = *kinds.FindStep(*action);
  for (std::string_view key : kinds.StepSiblingKeys()) {
    const bool allowed = std::find(step.sibling_keys.begin(), step.sibling_keys.end(), key) !=
                         step.sibling_keys.end();
    if (map->Has(key) && !allowed) {
      node.ErrorAt(map->KeyMark(key), fmt::format("'{}' goes only with {}", key,
                                                  QuotedAlternatives(kinds.ActionsAllowing(key))));
      return std::nullopt;
    }
  }
  const SpecNode body = *map->Get(*action);
  std::optional<Step> read = step.kind->Read(StepRead{*map, *action, body, lab, names});
  // Beside an unknown key the step is still read, so that what it defines (the instance a
  // `start:` with `stdn:` starts) is known and later steps naming it are not reported too.
  if (unknown_key) return std::nullopt;
  return read;
}

/// A check: exactly one key, that of its kind (kind_registry.h), which reads its value.
std::optional<Check> ReadCheck(const SpecNode& node, const LabContext& lab,
                               const TestNames& names) {
  ErrorWatch watch(node.sink());
  static const std::vector<std::string_view> kCheckKeys = Kinds().CheckKeys();
  const std::optional<SpecMap> map = SpecMap::Read(node, kCheckKeys);
  if (!map || !watch.clean()) return std::nullopt;
  const std::optional<std::string> key = map->OneOf(kCheckKeys);
  if (!key) return std::nullopt;
  const SpecNode body = *map->Get(*key);
  return Kinds().FindCheck(*key)->kind->Read(CheckRead{*key, body, lab, names});
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

/// `isolation:` of the lab or a test: `required` (never host mode) or `preferred` (the default:
/// host mode where namespaces are unavailable).
bool ReadIsolation(const SpecMap& map) {
  const std::optional<SpecNode> node = map.Get("isolation");
  if (!node) return false;
  return node->AsChoice<bool>({{"required", true}, {"preferred", false}}).value_or(false);
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
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"name", "description", "points", "visibility", "hint", "network",
                           "isolation", "early_end", "steps", "checks"});
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
  test.isolation_required = ReadIsolation(*map);
  test.early_end = map->Bool("early_end").value_or(true);
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
                               "programs", "hidden_points", "isolation", "tests"});
  if (!root) return std::nullopt;
  LabSpec spec;
  spec.lab_dir = lab_dir;
  spec.mark = document.mark();
  const std::optional<std::string> name = ReadSlug(*root, "name");
  spec.name = name.value_or("");
  spec.title = root->String("title", Presence::kRequired).value_or("");
  ReadReference(*root, name, spec);
  spec.isolation_required = ReadIsolation(*root);
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

// Where `yaml` first holds a byte YAML does not allow (a control other than tab, newline and
// carriage return, or a byte that is not UTF-8), as a 0-based mark, and the byte; nullopt when
// it is text. yaml-cpp would misread a NUL as an escape ("unknown escape character: m").
std::optional<std::pair<YAML::Mark, unsigned char>> FirstNonTextByte(std::string_view yaml) {
  YAML::Mark mark;
  mark.pos = mark.line = mark.column = 0;
  for (std::size_t at = 0; at < yaml.size(); ++mark.column) {
    const auto byte = static_cast<unsigned char>(yaml[at]);
    mark.pos = static_cast<int>(at);
    std::size_t length = 1;
    if (byte >= 0x80) {
      length = byte >= 0xC2 && byte <= 0xDF   ? 2
               : byte >= 0xE0 && byte <= 0xEF ? 3
               : byte >= 0xF0 && byte <= 0xF4 ? 4
                                              : 0;
      for (std::size_t i = 1; length > 0 && i < length; ++i)
        if (at + i >= yaml.size() || (static_cast<unsigned char>(yaml[at + i]) & 0xC0) != 0x80)
          length = 0;
      if (length == 0) return std::make_pair(mark, byte);
    } else if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7F) {
      return std::make_pair(mark, byte);
    }
    if (byte == '\n') {
      ++mark.line;
      mark.column = -1;
    }
    at += length;
  }
  return std::nullopt;
}

}  // namespace

SpecLoad LoadLabSpecFromString(std::string_view yaml, const fs::path& pretend_file,
                               const fs::path& lab_dir) {
  SpecErrorSink sink(pretend_file, yaml);
  SpecLoad load;
  if (const auto binary = FirstNonTextByte(yaml)) {
    sink.Add(binary->first, "",
             fmt::format("the lab spec is not text: it holds the byte \\x{:02x} here (YAML allows "
                         "tabs, newlines and printable UTF-8 characters only)",
                         binary->second));
    load.errors = std::move(sink).Take();
    return load;
  }
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
  const fs::path lab_dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  auto refuse = [&](std::string message) {
    SpecLoad load;
    load.errors.push_back(SpecError{SourceMark{file, 0, 0}, "", std::move(message), ""});
    return load;
  };
  if (fs::is_directory(file, error))
    return refuse("cannot read the lab spec: it is a folder, not a file");
  // A lab.yaml linked to a file outside its lab folder would show that file's lines in the
  // errors: the spec and everything it names live in the lab folder.
  if (fs::is_symlink(fs::symlink_status(file, error))) {
    const fs::path target = fs::weakly_canonical(file, error);
    const fs::path folder = fs::weakly_canonical(lab_dir, error);
    if (!IsAtOrBelow(target, folder))
      return refuse(fmt::format(
          "cannot read the lab spec: it is a link to {}, outside the lab folder {}; the spec "
          "must be in its lab folder",
          target.string(), folder.string()));
  }
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
  return LoadLabSpecFromString(text.str(), file, lab_dir);
}

}  // namespace labgrade
