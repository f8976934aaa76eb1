// The `imports:` check: reading, evaluating and registering it (see imports.h).
#include "harness/checks/imports.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "harness/checks/check_kind.h"
#include "harness/probes/elf_imports.h"
#include "harness/process/program_run.h"
#include "harness/report_words.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

/// Between SIGTERM and SIGKILL for nm.
constexpr int kToolKillGraceMs = 1'000;

/// A C identifier, as a symbol name: letters, digits and '_', not starting with a digit.
bool IsSymbolName(std::string_view text) {
  if (text.empty() || (text.front() >= '0' && text.front() <= '9')) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
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

/// "read(), fread() and fgets()", or with "or".
std::string CallList(const std::vector<std::string>& names, std::string_view last_joint = "and") {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? fmt::format(" {} ", last_joint) : ", ";
    text += names[i] + "()";
  }
  return text;
}

std::string ImportsWords(const ImportsCheck& check) {
  std::vector<std::string> parts;
  if (!check.required.empty()) parts.push_back("calls " + CallList(check.required));
  if (!check.forbidden.empty()) {
    parts.push_back("never calls " + CallList(check.forbidden, "or"));
  }
  return fmt::format("{} {}", check.program, fmt::join(parts, " and "));
}

/// The symbols the built executable imports, or null after reporting why not.
std::optional<std::vector<std::string>> ImportsOf(const std::filesystem::path& executable,
                                                  std::string* error) {
  LaunchSpec spec;
  spec.executable = "/usr/bin/nm";
  spec.args = {"-D", "--undefined-only", executable.string()};
  spec.working_dir = "/";
  spec.environment = {"LC_ALL=C", "PATH=/usr/bin:/bin"};
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{30'000, 4 << 20, kToolKillGraceMs});
  if (auto* launch = std::get_if<LaunchError>(&started)) {
    *error = fmt::format("cannot run nm (from binutils): {}", launch->message);
    return std::nullopt;
  }
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  run->WaitUntilFinished(Clock::time_point::max());
  const ProgramEnd& end = run->end();
  if (!end.exited || end.exit_code != 0) {
    *error = fmt::format("nm -D {} {}: {}", executable.string(), DescribeProgramEnd(end, 30'000),
                         FirstLines(end.err.bytes, 3, 400));
    return std::nullopt;
  }
  return ParseNmUndefinedSymbols(end.out.bytes);
}

CheckResult ImportsResult(const std::string& what, const ImportsCheck& check,
                          const std::vector<std::string>& imports) {
  auto imported = [&](const std::string& name) {
    return std::binary_search(imports.begin(), imports.end(), name);
  };
  std::vector<std::string> missing;
  std::vector<std::string> used;
  for (const std::string& name : check.required)
    if (!imported(name)) missing.push_back(name);
  for (const std::string& name : check.forbidden)
    if (imported(name)) used.push_back(name);
  CheckResult result;
  result.what = what;
  if (missing.empty() && used.empty()) return result;
  std::vector<std::string> reasons;
  if (!used.empty())
    reasons.push_back(
        fmt::format("{} calls {}, which this lab forbids", check.program, CallList(used)));
  if (!missing.empty())
    reasons.push_back(fmt::format("{} never calls {}, which this lab requires", check.program,
                                  CallList(missing, "or")));
  result = FailedCheck(what, fmt::format("{}", fmt::join(reasons, "; ")));
  std::vector<std::string> actual;
  if (!used.empty()) actual.push_back("calls " + CallList(used));
  if (!missing.empty()) actual.push_back("no call to " + CallList(missing, "or"));
  result.actual = fmt::format("{}", fmt::join(actual, "; "));
  return result;
}

std::optional<ImportsCheck> Read(const CheckRead& read) {
  const SpecNode& node = read.body;
  const LabContext& lab = read.lab;
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

CheckResult Evaluate(TestContext& test, const ImportsCheck& check) {
  const std::string what = ImportsWords(check);
  const ProgramSpec& program = test.lab().programs.at(check.program);
  const std::filesystem::path executable =
      (check.role == Role::kStudent ? test.BuildDir(Role::kStudent)
                                    : test.BuildDir(Role::kReference)) /
      program.executable;
  std::error_code ignored;
  if (!std::filesystem::exists(executable, ignored))
    return FailedCheck(what, fmt::format("the program {} was not built (no {} after the build)",
                                         check.program, program.executable));
  std::string error;
  const std::optional<std::vector<std::string>> imports = ImportsOf(executable, &error);
  if (!imports) return ErrorCheck(what, error);
  return ImportsResult(what, check, *imports);
}

const TypedCheckKind<ImportsCheck> kKind({.read = Read, .evaluate = Evaluate});
const CheckKeyRegistration kImportsKey("imports", 800, kKind);

}  // namespace
}  // namespace labgrade
