// The `stdout:` and `stderr:` checks: reading, evaluating and registering them (see output.h).
#include "harness/checks/output.h"

#include <map>

// GCC 12 warns inside <regex> when building with -fsanitize=address, a false positive:
// https://gcc.gnu.org/bugzilla/show_bug.cgi?id=105616. Keep the sanitizer build warning-clean.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>
#pragma GCC diagnostic pop

#include <fmt/format.h>

#include "harness/checks/check_kind.h"
#include "harness/checks/output_match.h"
#include "harness/spec/value_readers.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

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

std::string MatcherWords(const OutputCheck& check) {
  switch (check.match) {
    case MatchKind::kEquals:
      return "is exactly the expected text";
    case MatchKind::kSameAsFile:
      return fmt::format("is the same as {}", check.text);
    case MatchKind::kSameAsStdinOf:
      return fmt::format("is the same as {}'s input", check.text);
    case MatchKind::kContains:
      return fmt::format("contains \"{}\"", check.text);
    case MatchKind::kRegex:
      return fmt::format("matches /{}/", check.text);
    case MatchKind::kEqualsNormalized:
      return "is the expected text (ignoring white space)";
    case MatchKind::kEmpty:
      return "is empty";
    case MatchKind::kNotEmpty:
      return "is not empty";
  }
  return "";
}

std::optional<OutputCheck> Read(const CheckRead& read) {
  const SpecNode& node = read.body;
  const StreamName stream = read.key == "stdout" ? StreamName::kStdout : StreamName::kStderr;
  const LabContext& lab = read.lab;
  const InstanceTable& instances = read.names.instances;
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

CheckResult Evaluate(TestContext& test, const OutputCheck& check) {
  const char* stream = StreamWords(check.stream);
  std::string what = fmt::format("{}'s {} {}", check.instance, stream, MatcherWords(check));
  const Instance* instance = test.FindInstance(check.instance);
  if (instance == nullptr) {
    CheckResult result;
    result.what = what;
    return NeverRanCheck(std::move(result), check.instance);
  }
  const CapturedStream& captured =
      check.stream == StreamName::kStdout ? instance->run->end().out : instance->run->end().err;
  if (!captured.kept) return ErrorCheck(what, NotKeptWords(check.instance, check.stream));
  std::string expected = check.text;
  if (check.match == MatchKind::kSameAsFile) {
    std::optional<std::string> bytes = test.LabFileBytes(check.text);
    if (!bytes) return ErrorCheck(what, fmt::format("cannot read the lab's file {}", check.text));
    expected = std::move(*bytes);
  } else if (check.match == MatchKind::kSameAsStdinOf) {
    const Instance* source = test.FindInstance(check.text);
    if (source == nullptr || !source->run->input()) {
      expected.clear();
    } else {
      // The usual case, the output is the input, is told a chunk at a time; only a difference,
      // which the words below describe, makes the input again in full.
      if (!captured.truncated && source->run->input()->SameAs(captured.bytes)) {
        CheckResult same;
        same.what = what;
        return same;
      }
      std::optional<std::string> bytes = source->run->input()->AllBytes();
      if (!bytes) return ErrorCheck(what, fmt::format("cannot read {}'s input again", check.text));
      expected = std::move(*bytes);
    }
  }
  MatchContext context{what, captured.truncated, captured.total_bytes};
  return MatchOutput(check.match, expected, captured.bytes, context);
}

/// same_as_stdin_of between two groups compares member i with member i.
void PairMember(const OutputCheck& check, std::size_t index, const TestContext& test,
                OutputCheck& copy) {
  if (check.match == MatchKind::kSameAsStdinOf && test.IsGroup(check.text))
    copy.text = test.Members(check.text).at(index);
}

void AddLabFiles(const OutputCheck& check, std::vector<std::string>& files) {
  if (check.match == MatchKind::kSameAsFile) files.push_back(check.text);
}

void AddStreamsRead(const OutputCheck& check, std::vector<StreamRead>& reads) {
  reads.push_back({check.instance, check.stream});
}

const TypedCheckKind<OutputCheck> kKind({.read = Read,
                                         .evaluate = Evaluate,
                                         .pair_member = PairMember,
                                         .add_lab_files = AddLabFiles,
                                         .add_streams_read = AddStreamsRead});
const CheckKeyRegistration kStdoutKey("stdout", 200, kKind);
const CheckKeyRegistration kStderrKey("stderr", 300, kKind);

}  // namespace

const char* StreamWords(StreamName stream) {
  return stream == StreamName::kStdout ? "standard output" : "standard error";
}

std::string NotKeptWords(const std::string& instance, StreamName stream) {
  return fmt::format(
      "the grader kept only the head of {}'s {}: the check's kind does not say it reads it",
      instance, StreamWords(stream));
}

}  // namespace labgrade
