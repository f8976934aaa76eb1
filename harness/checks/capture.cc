// The `capture:` check: reading, evaluating and registering it (see capture.h). Its regular
// expressions run on Boost.Regex with the flags of the output matchers (output_match.cc says why
// not std::regex): ECMAScript, `^` and `$` at line breaks, `.` never a newline.
#include "harness/checks/capture.h"

#include <charconv>
#include <cstdint>
#include <variant>

#include <fmt/format.h>
#include <boost/regex.hpp>

#include "harness/checks/check_kind.h"
#include "harness/checks/output_match.h"
#include "harness/spec/value_readers.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

constexpr boost::regex::flag_type kRegexFlags = boost::regex::ECMAScript | boost::regex::no_mod_s;

/// `regex`: an ECMAScript pattern with exactly one capturing group.
std::string ReadCaptureRegex(const SpecMap& map) {
  const std::optional<SpecNode> node = map.Get("regex", Presence::kRequired);
  if (!node) return "";
  const std::optional<std::string> text = node->AsString();
  if (!text) return "";
  try {
    const boost::regex compiled(text->begin(), text->end(), kRegexFlags);
    if (compiled.mark_count() != 1) {
      node->Error(fmt::format(
          "needs exactly one capturing group, the value to compare, e.g. \"Sent ([0-9]+) "
          "bytes\"; got {} in '{}'",
          compiled.mark_count(), *text));
    }
  } catch (const std::exception& error) {
    node->Error(fmt::format("invalid regular expression: {}", error.what()));
  }
  return *text;
}

StreamName ReadStream(const SpecMap& map) {
  const std::optional<SpecNode> node = map.Get("stream");
  if (!node) return StreamName::kStdout;
  return node
      ->AsChoice<StreamName>({{"stdout", StreamName::kStdout}, {"stderr", StreamName::kStderr}})
      .value_or(StreamName::kStdout);
}

std::optional<CaptureSource> ReadSource(const SpecNode& node, const InstanceTable& instances) {
  const std::optional<SpecMap> map = SpecMap::Read(node, {"instance", "stream", "regex"});
  if (!map) return std::nullopt;
  CaptureSource source;
  source.instance = ReadInstance(*map, "instance", instances, kInThisTest).value_or("");
  source.stream = ReadStream(*map);
  source.regex = ReadCaptureRegex(*map);
  return source;
}

std::optional<CaptureCheck> Read(const CheckRead& read) {
  const SpecNode& node = read.body;
  const InstanceTable& instances = read.names.instances;
  const std::optional<SpecMap> map = SpecMap::Read(
      node, {"instance", "stream", "regex", "same_as", "equals", "equals_stdin_size_of"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  CaptureCheck check;
  check.mark = node.mark();
  check.instance = ReadInstance(*map, "instance", instances, kInThisTest).value_or("");
  check.stream = ReadStream(*map);
  check.regex = ReadCaptureRegex(*map);
  const std::optional<std::string> which =
      map->OneOf({"same_as", "equals", "equals_stdin_size_of"});
  if (which == "same_as") {
    check.same_as = ReadSource(*map->Get("same_as"), instances);
  } else if (which == "equals") {
    check.equals = map->String("equals");
  } else if (which == "equals_stdin_size_of") {
    const std::optional<std::string> instance =
        ReadInstance(*map, "equals_stdin_size_of", instances, kInThisTest);
    if (instance && !instances.at(*instance).has_stdin) {
      map->Get("equals_stdin_size_of")
          ->Error(fmt::format("instance '{}' is given no stdin to measure", *instance));
    }
    check.stdin_size_of = instance.value_or("");
  }
  if (!watch.clean()) return std::nullopt;
  return check;
}

/// The captured value of `instance`'s `stream`, or the failed or erroneous result saying why
/// there is none.
std::variant<std::string, CheckResult> Capture(TestContext& test, const std::string& what,
                                               const std::string& instance, StreamName stream,
                                               const std::string& regex) {
  const Instance* found = test.FindInstance(instance);
  if (found == nullptr) {
    CheckResult result;
    result.what = what;
    return NeverRanCheck(std::move(result), instance);
  }
  const CapturedStream& captured =
      stream == StreamName::kStdout ? found->run->end().out : found->run->end().err;
  if (!captured.kept) return ErrorCheck(what, NotKeptWords(instance, stream));
  std::optional<std::string> value;
  try {
    value = CaptureIn(regex, captured.bytes);
  } catch (const std::exception& error) {
    // Boost gives up on matches that would backtrack without bound: the lab's, not the student's.
    return ErrorCheck(what, fmt::format("cannot run /{}/ on the output: {}", regex, error.what()));
  }
  if (value) return *value;
  return FailedCheck(
      what,
      fmt::format("{}'s {} has nothing that matches /{}/{}", instance, StreamWords(stream), regex,
                  captured.truncated ? " in the part the grader kept" : ""),
      fmt::format("a match for /{}/", regex), PrintableExcerpt(captured.bytes));
}

CheckResult Evaluate(TestContext& test, const CaptureCheck& check) {
  std::string expected_words;
  if (check.same_as) {
    expected_words = fmt::format("what /{}/ finds in {}'s {}", check.same_as->regex,
                                 check.same_as->instance, StreamWords(check.same_as->stream));
  } else if (check.equals) {
    expected_words = fmt::format("'{}'", *check.equals);
  } else {
    expected_words = fmt::format("the size of {}'s input", check.stdin_size_of);
  }
  const std::string what = fmt::format("what /{}/ finds in {}'s {} is {}", check.regex,
                                       check.instance, StreamWords(check.stream), expected_words);
  auto ours = Capture(test, what, check.instance, check.stream, check.regex);
  if (auto* failed = std::get_if<CheckResult>(&ours)) return std::move(*failed);
  const std::string& value = std::get<std::string>(ours);
  std::string expected;
  std::string source;
  if (check.same_as) {
    auto theirs =
        Capture(test, what, check.same_as->instance, check.same_as->stream, check.same_as->regex);
    if (auto* failed = std::get_if<CheckResult>(&theirs)) return std::move(*failed);
    expected = std::get<std::string>(theirs);
    source = fmt::format("{} says {}", check.same_as->instance, expected);
  } else if (check.equals) {
    expected = *check.equals;
    source = fmt::format("expected {}", expected);
  } else {
    const Instance* fed = test.FindInstance(check.stdin_size_of);
    if (fed == nullptr) {
      CheckResult result;
      result.what = what;
      return NeverRanCheck(std::move(result), check.stdin_size_of);
    }
    const auto& input = fed->run->input();
    expected = std::to_string(input ? input->size() : 0);
    source = fmt::format("{} was given {} bytes", check.stdin_size_of, expected);
  }
  CheckResult result;
  result.what = what;
  if (SameCapturedValue(value, expected)) return result;
  return FailedCheck(what, fmt::format("{} says {}, but {}", check.instance, value, source),
                     expected, value);
}

}  // namespace

std::optional<std::string> CaptureIn(const std::string& regex, std::string_view text) {
  const boost::regex compiled(regex.begin(), regex.end(), kRegexFlags);
  boost::match_results<std::string_view::const_iterator> match;
  if (!boost::regex_search(text.begin(), text.end(), match, compiled) || match.size() < 2 ||
      !match[1].matched)
    return std::nullopt;
  return match[1].str();
}

bool SameCapturedValue(std::string_view a, std::string_view b) {
  auto integer = [](std::string_view text) -> std::optional<std::int64_t> {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size())
      return std::nullopt;
    return value;
  };
  const auto x = integer(a);
  const auto y = integer(b);
  if (x && y) return *x == *y;
  return a == b;
}

namespace {
void AddStreamsRead(const CaptureCheck& check, std::vector<StreamRead>& reads) {
  reads.push_back({check.instance, check.stream});
  if (check.same_as) reads.push_back({check.same_as->instance, check.same_as->stream});
}

const TypedCheckKind<CaptureCheck> kKind({.read = Read,
                                          .evaluate = Evaluate,
                                          .add_streams_read = AddStreamsRead});
const CheckKeyRegistration kCaptureKey("capture", 350, kKind);
}  // namespace

}  // namespace labgrade
