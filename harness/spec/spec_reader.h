// The typed YAML reader the spec loader is built from. A SpecNode is a YAML node that knows the
// dotted path it was reached by ("tests[3].steps[1].stdin") and where it stands in the file; a
// SpecMap is a mapping read against the keys it may have. Every problem becomes a SpecError in
// a SpecErrorSink, the reader returns std::nullopt for it, and loading goes on, so one run of
// the loader reports as many problems as it can.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "harness/spec/spec_error.h"

namespace labgrade {

enum class Presence { kOptional, kRequired };

/// The errors found in one YAML text. Turns yaml-cpp's 0-based, file-less marks into
/// SourceMarks and attaches the source line.
class SpecErrorSink {
 public:
  SpecErrorSink(std::filesystem::path file, std::string_view text);

  /// 1-based mark in `file`; line and column 0 for yaml-cpp's null mark.
  SourceMark MarkOf(const YAML::Mark& mark) const;
  /// Records a problem at `mark`. `message` is the whole text, already led by the key.
  void Add(const YAML::Mark& mark, std::string key, std::string message);

  std::size_t count() const { return errors_.size(); }
  std::vector<SpecError> Take() && { return std::move(errors_); }

 private:
  std::filesystem::path file_;
  std::vector<std::string> lines_;
  std::vector<SpecError> errors_;
};

/// Tells whether any error was reported since it was made: how a section reader knows it can
/// hand back a value.
class ErrorWatch {
 public:
  explicit ErrorWatch(const SpecErrorSink& sink) : sink_(&sink), start_(sink.count()) {}
  bool clean() const { return sink_->count() == start_; }

 private:
  const SpecErrorSink* sink_;
  std::size_t start_;
};

/// A YAML node, the dotted path it was reached by, and the mark errors about it point at.
class SpecNode {
 public:
  /// The document's root: path "" (messages about it carry no key).
  static SpecNode Root(YAML::Node node, SpecErrorSink& sink);
  SpecNode(YAML::Node node, std::string path, YAML::Mark mark, SpecErrorSink& sink);

  const YAML::Node& yaml() const { return node_; }
  const std::string& path() const { return path_; }
  const YAML::Mark& yaml_mark() const { return mark_; }
  SourceMark mark() const { return sink_->MarkOf(mark_); }
  SpecErrorSink& sink() const { return *sink_; }
  bool IsNull() const { return !node_.IsDefined() || node_.IsNull(); }

  /// Reports "<path>: <text>" (just `text` at the root) at this node, or at `mark`.
  void Error(std::string_view text) const;
  void ErrorAt(const YAML::Mark& mark, std::string_view text) const;

  /// Readers of one typed value. Each reports "expected <type>, got <what>" or a range problem
  /// naming this node's path, and returns std::nullopt for it.
  std::optional<std::string> AsString() const;
  /// A decimal integer in [min, max].
  std::optional<std::int64_t> AsInteger(std::int64_t min, std::int64_t max) const;
  std::optional<std::uint64_t> AsUnsigned() const;
  /// true or false (also True/TRUE/False/FALSE, as in YAML 1.2).
  std::optional<bool> AsBool() const;
  /// The elements, with paths "<path>[i]".
  std::optional<std::vector<SpecNode>> AsList() const;
  std::optional<std::vector<std::string>> AsStringList() const;
  /// The value paired with the one of `choices` this node's text equals.
  template <typename T>
  std::optional<T> AsChoice(std::initializer_list<std::pair<std::string_view, T>> choices) const;

 private:
  std::optional<std::size_t> ChoiceIndex(const std::vector<std::string_view>& names) const;

  YAML::Node node_;
  std::string path_;
  YAML::Mark mark_;
  SpecErrorSink* sink_;
};

/// A mapping read against the keys it may have: reports a non-mapping, and every unknown,
/// duplicate or non-scalar key (at the key, with a "did you mean" when one is close).
class SpecMap {
 public:
  /// std::nullopt (and an error) when `node` is not a mapping.
  static std::optional<SpecMap> Read(const SpecNode& node,
                                     const std::vector<std::string_view>& allowed_keys);
  /// A mapping whose keys are names the author chose (programs: reader, writer); only
  /// duplicate and non-scalar keys are reported.
  static std::optional<SpecMap> ReadAnyKeys(const SpecNode& node);

  const SpecNode& node() const { return node_; }
  bool Has(std::string_view key) const { return Find(key) != nullptr; }
  /// The value of `key` with path "<path>.<key>"; std::nullopt when absent, and then an error
  /// "missing required key" when `presence` says it must be there.
  std::optional<SpecNode> Get(std::string_view key, Presence presence = Presence::kOptional) const;
  /// Where `key` itself stands; the map's mark when absent.
  YAML::Mark KeyMark(std::string_view key) const;
  /// Which one of `keys` is present. Reports when none is ("needs one of: ...") or more than
  /// one is ("give only one of: ...").
  std::optional<std::string> OneOf(const std::vector<std::string_view>& keys) const;

  /// Every key and its value, in document order.
  std::vector<std::pair<std::string, SpecNode>> Entries() const;

  /// Shorthands: Get(key, presence) read with the SpecNode reader of the same name.
  std::optional<std::string> String(std::string_view key,
                                    Presence presence = Presence::kOptional) const;
  std::optional<std::int64_t> Integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      Presence presence = Presence::kOptional) const;
  std::optional<bool> Bool(std::string_view key, Presence presence = Presence::kOptional) const;
  std::optional<std::vector<std::string>> StringList(std::string_view key,
                                                     Presence presence = Presence::kOptional) const;

 private:
  struct Entry {
    std::string key;
    YAML::Mark key_mark;
    SpecNode value;
  };
  explicit SpecMap(SpecNode node) : node_(std::move(node)) {}
  /// `allowed` null: any key is allowed.
  static std::optional<SpecMap> ReadKeys(const SpecNode& node,
                                         const std::vector<std::string_view>* allowed);
  const Entry* Find(std::string_view key) const;

  SpecNode node_;
  std::vector<Entry> entries_;  ///< allowed keys only, first occurrence, in document order
};

/// Levenshtein distance between two words.
std::size_t EditDistance(std::string_view a, std::string_view b);

/// "did you mean 'x'?" for the closest of `candidates` within edit distance 2 (the first of
/// equals), else "<list_label>: a, b, c" ("<list_label>: none" when there are no candidates).
std::string NameHint(std::string_view word, const std::vector<std::string_view>& candidates,
                     std::string_view list_label = "expected one of");

/// "a, b, c".
std::string JoinNames(const std::vector<std::string_view>& names);

// ---- Template definitions ------------------------------------------------------------------

template <typename T>
std::optional<T> SpecNode::AsChoice(
    std::initializer_list<std::pair<std::string_view, T>> choices) const {
  std::vector<std::string_view> names;
  for (const auto& choice : choices) names.push_back(choice.first);
  const std::optional<std::size_t> index = ChoiceIndex(names);
  if (!index) return std::nullopt;
  return (choices.begin() + *index)->second;
}

}  // namespace labgrade
