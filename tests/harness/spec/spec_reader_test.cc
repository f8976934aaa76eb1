// Tests for the typed YAML reader under the spec loader: type and range messages, mapping keys
// and the "did you mean" hints.
#include "harness/spec/spec_reader.h"

#include <gtest/gtest.h>

namespace labgrade {
namespace {

/// Parses YAML texts, each with its own sink, and gathers what they report.
class SpecReaderTest : public ::testing::Test {
 protected:
  SpecNode Parse(const std::string& yaml) {
    sinks_.push_back(std::make_unique<SpecErrorSink>("lab.yaml", yaml));
    return SpecNode::Root(YAML::Load(yaml), sink());
  }

  /// The value of `key` in a mapping document, read with every key allowed.
  SpecNode ValueOf(const std::string& yaml, std::string_view key) {
    const std::optional<SpecMap> map = SpecMap::ReadAnyKeys(Parse(yaml));
    EXPECT_TRUE(map.has_value());
    return *map->Get(key);
  }

  /// The sink of the last text parsed.
  SpecErrorSink& sink() { return *sinks_.back(); }

  /// The messages of every text parsed so far, in order.
  std::vector<std::string> TakeMessages() {
    std::vector<std::string> messages;
    for (const auto& sink : sinks_) {
      for (const SpecError& error : std::move(*sink).Take()) messages.push_back(error.message);
    }
    return messages;
  }

  std::vector<std::unique_ptr<SpecErrorSink>> sinks_;
};

using Messages = std::vector<std::string>;

// One edit per inserted, deleted or replaced character.
TEST(EditDistanceTest, CountsEdits) {
  EXPECT_EQ(EditDistance("stdin", "stdin"), 0u);
  EXPECT_EQ(EditDistance("stdn", "stdin"), 1u);
  EXPECT_EQ(EditDistance("nmae", "name"), 2u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

// A word within two edits gets a suggestion; the first of equally close ones wins.
TEST(NameHintTest, SuggestsCloseName) {
  EXPECT_EQ(NameHint("stdn", {"as", "stdin", "start"}), "did you mean 'stdin'?");
  EXPECT_EQ(NameHint("ab", {"ac", "ad"}), "did you mean 'ac'?");
}

// A word far from all candidates lists them, under the label given.
TEST(NameHintTest, ListsCandidatesWhenNoneIsClose) {
  EXPECT_EQ(NameHint("timeout", {"name", "points"}), "expected one of: name, points");
  EXPECT_EQ(NameHint("zzz", {"reader"}, "programs"), "programs: reader");
  EXPECT_EQ(NameHint("zzz", {}, "started"), "started: none");
}

// Integers are plain decimal; anything else names the expected type.
TEST_F(SpecReaderTest, ReadsIntegers) {
  EXPECT_EQ(ValueOf("n: 42\n", "n").AsInteger(0, 100), 42);
  EXPECT_EQ(ValueOf("n: -3\n", "n").AsInteger(-5, 100), -3);
  EXPECT_EQ(ValueOf("n: 4.5\n", "n").AsInteger(0, 100), std::nullopt);
  EXPECT_EQ(ValueOf("n: 0x10\n", "n").AsInteger(0, 100), std::nullopt);
  EXPECT_EQ(ValueOf("n: [1]\n", "n").AsInteger(0, 100), std::nullopt);
  EXPECT_EQ(TakeMessages(),
            (Messages{"n: expected an integer, got '4.5'", "n: expected an integer, got '0x10'",
                      "n: expected an integer, got a list"}));
}

// Out of range says the range in words.
TEST_F(SpecReaderTest, ReportsRanges) {
  EXPECT_EQ(ValueOf("n: 0\n", "n").AsInteger(1, 2147483647), std::nullopt);
  EXPECT_EQ(ValueOf("n: 101\n", "n").AsInteger(0, 100), std::nullopt);
  EXPECT_EQ(ValueOf("n: -1\n", "n").AsInteger(0, 2147483647), std::nullopt);
  EXPECT_EQ(ValueOf("n: 99999999999999999999\n", "n").AsInteger(0, 2147483647), std::nullopt);
  EXPECT_EQ(TakeMessages(),
            (Messages{"n: must be positive, got 0", "n: must be between 0 and 100, got 101",
                      "n: must be 0 or more, got -1",
                      "n: must be at most 2147483647, got 99999999999999999999"}));
}

// Seeds are unsigned 64-bit numbers.
TEST_F(SpecReaderTest, ReadsUnsigned) {
  EXPECT_EQ(ValueOf("n: 18446744073709551615\n", "n").AsUnsigned(), 18446744073709551615u);
  EXPECT_EQ(ValueOf("n: -1\n", "n").AsUnsigned(), std::nullopt);
  EXPECT_EQ(TakeMessages(),
            (Messages{"n: expected an integer from 0 to 18446744073709551615, got '-1'"}));
}

// Booleans are the YAML 1.2 words only, not yes/no/on/off.
TEST_F(SpecReaderTest, ReadsBooleans) {
  EXPECT_EQ(ValueOf("b: true\n", "b").AsBool(), true);
  EXPECT_EQ(ValueOf("b: False\n", "b").AsBool(), false);
  EXPECT_EQ(ValueOf("b: yes\n", "b").AsBool(), std::nullopt);
  EXPECT_EQ(TakeMessages(), (Messages{"b: expected true or false, got 'yes'"}));
}

// A value from a fixed set maps to its paired value.
TEST_F(SpecReaderTest, ReadsChoices) {
  EXPECT_EQ(ValueOf("c: two\n", "c").AsChoice<int>({{"one", 1}, {"two", 2}}), 2);
  EXPECT_EQ(ValueOf("c: three\n", "c").AsChoice<int>({{"one", 1}, {"two", 2}}), std::nullopt);
  EXPECT_EQ(TakeMessages(), (Messages{"c: expected one or two, got 'three'"}));
}

// List elements get indexed paths.
TEST_F(SpecReaderTest, IndexesListElements) {
  EXPECT_EQ(ValueOf("l: [a, [b]]\n", "l").AsStringList(), std::nullopt);
  EXPECT_EQ(TakeMessages(), (Messages{"l[1]: expected a string, got a list"}));
}

// Long scalars are shortened in "got ...".
TEST_F(SpecReaderTest, ShortensLongValues) {
  EXPECT_EQ(ValueOf("n: " + std::string(50, 'x') + "\n", "n").AsInteger(0, 1), std::nullopt);
  EXPECT_EQ(TakeMessages(),
            (Messages{"n: expected an integer, got '" + std::string(40, 'x') + "...'"}));
}

// Nested paths are dotted; unknown and duplicate keys are reported at the key.
TEST_F(SpecReaderTest, ChecksMappingKeys) {
  const SpecNode root = Parse("outer:\n  inner: 1\n  innr: 2\n  inner: 3\n");
  const std::optional<SpecMap> top = SpecMap::Read(root, {"outer"});
  ASSERT_TRUE(top.has_value());
  const std::optional<SpecMap> outer = SpecMap::Read(*top->Get("outer"), {"inner"});
  ASSERT_TRUE(outer.has_value());
  EXPECT_EQ(outer->Integer("inner", 0, 10), 1);
  const std::vector<SpecError> errors = std::move(sink()).Take();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].message, "outer: unknown key 'innr' (did you mean 'inner'?)");
  EXPECT_EQ(errors[0].mark.line, 3);
  EXPECT_EQ(errors[0].mark.column, 3);
  EXPECT_EQ(errors[0].source_line, "  innr: 2");
  EXPECT_EQ(errors[1].message, "outer: duplicate key 'inner' (first given on line 2)");
  EXPECT_EQ(errors[1].key, "outer");
}

// A key that is itself a list or mapping is refused.
TEST_F(SpecReaderTest, RejectsNonScalarKeys) {
  EXPECT_TRUE(SpecMap::ReadAnyKeys(Parse("? [a, b]\n: 1\n")).has_value());
  EXPECT_EQ(TakeMessages(), (Messages{"keys must be plain words, got a list"}));
}

// A required key that is missing is reported at the mapping; an optional one is not.
TEST_F(SpecReaderTest, ReportsMissingRequiredKeyOnly) {
  const std::optional<SpecMap> map = SpecMap::Read(Parse("a: 1\n"), {"a", "b", "c"});
  ASSERT_TRUE(map.has_value());
  EXPECT_EQ(map->Get("b"), std::nullopt);
  EXPECT_EQ(map->String("c", Presence::kRequired), std::nullopt);
  EXPECT_EQ(TakeMessages(), (Messages{"missing required key 'c'"}));
}

// ErrorWatch sees only errors reported after it was made.
TEST_F(SpecReaderTest, ErrorWatchSeesNewErrorsOnly) {
  const SpecNode root = Parse("n: x\nm: y\n");
  root.Error("first");
  const ErrorWatch watch(sink());
  EXPECT_TRUE(watch.clean());
  root.Error("second");
  EXPECT_FALSE(watch.clean());
}

}  // namespace
}  // namespace labgrade
