// The typed YAML reader: type and range checks, mapping keys, and the "did you mean" hints.
#include "harness/spec/spec_reader.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include <fmt/format.h>

namespace labgrade {
namespace {

std::string JoinPath(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return fmt::format("{}.{}", parent, key);
}

/// How a value is shown in "got ...": the text of a scalar (shortened), else its shape.
std::string Describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  constexpr std::size_t kShownChars = 40;
  const std::string& text = node.Scalar();
  if (text.size() <= kShownChars) return fmt::format("'{}'", text);
  return fmt::format("'{}...'", text.substr(0, kShownChars));
}

/// What a number out of [min, max] must be. A max of INT_MAX or more counts as "no upper
/// bound" in the text unless `value` is above it.
std::string RangeText(std::int64_t min, std::int64_t max, std::int64_t value) {
  if (max < std::numeric_limits<int>::max()) return fmt::format("between {} and {}", min, max);
  if (value > max) return fmt::format("at most {}", max);
  if (min == 1) return "positive";
  if (min == 0) return "0 or more";
  return fmt::format("at least {}", min);
}

std::string OrList(const std::vector<std::string_view>& names) {
  if (names.size() <= 1) return JoinNames(names);
  std::vector<std::string_view> head(names.begin(), names.end() - 1);
  return fmt::format("{} or {}", JoinNames(head), names.back());
}

}  // namespace

// ---- SpecErrorSink -------------------------------------------------------------------------

SpecErrorSink::SpecErrorSink(std::filesystem::path file, std::string_view text)
    : file_(std::move(file)) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines_.emplace_back(line);
    start = end + 1;
  }
}

SourceMark SpecErrorSink::MarkOf(const YAML::Mark& mark) const {
  if (mark.is_null() || mark.line < 0) return SourceMark{file_, 0, 0};
  return SourceMark{file_, mark.line + 1, mark.column + 1};
}

void SpecErrorSink::Add(const YAML::Mark& mark, std::string key, std::string message) {
  SpecError error{MarkOf(mark), std::move(key), std::move(message), ""};
  const int line = error.mark.line;
  if (line > 0 && line <= static_cast<int>(lines_.size())) error.source_line = lines_[line - 1];
  errors_.push_back(std::move(error));
}

// ---- SpecNode ------------------------------------------------------------------------------

SpecNode SpecNode::Root(YAML::Node node, SpecErrorSink& sink) {
  const YAML::Mark mark = node.Mark();
  return SpecNode(std::move(node), "", mark, sink);
}

SpecNode::SpecNode(YAML::Node node, std::string path, YAML::Mark mark, SpecErrorSink& sink)
    : node_(std::move(node)), path_(std::move(path)), mark_(mark), sink_(&sink) {}

void SpecNode::Error(std::string_view text) const { ErrorAt(mark_, text); }

void SpecNode::ErrorAt(const YAML::Mark& mark, std::string_view text) const {
  std::string message = path_.empty() ? std::string(text) : fmt::format("{}: {}", path_, text);
  sink_->Add(mark, path_, std::move(message));
}

std::optional<std::string> SpecNode::AsString() const {
  if (node_.IsDefined() && node_.IsScalar()) return node_.Scalar();
  Error(fmt::format("expected a string, got {}", Describe(node_)));
  return std::nullopt;
}

std::optional<std::int64_t> SpecNode::AsInteger(std::int64_t min, std::int64_t max) const {
  std::int64_t value = 0;
  const std::string& text = node_.IsDefined() && node_.IsScalar() ? node_.Scalar() : "";
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error == std::errc::invalid_argument || end != text.data() + text.size()) {
    Error(fmt::format("expected an integer, got {}", Describe(node_)));
    return std::nullopt;
  }
  if (error == std::errc::result_out_of_range) {
    value = text.front() == '-' ? std::numeric_limits<std::int64_t>::min()
                                : std::numeric_limits<std::int64_t>::max();
  }
  if (error == std::errc::result_out_of_range || value < min || value > max) {
    Error(fmt::format("must be {}, got {}", RangeText(min, max, value), text));
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> SpecNode::AsUnsigned() const {
  std::uint64_t value = 0;
  const std::string& text = node_.IsDefined() && node_.IsScalar() ? node_.Scalar() : "";
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    Error(fmt::format("expected an integer from 0 to {}, got {}",
                      std::numeric_limits<std::uint64_t>::max(), Describe(node_)));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> SpecNode::AsBool() const {
  const std::string& text = node_.IsDefined() && node_.IsScalar() ? node_.Scalar() : "";
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  Error(fmt::format("expected true or false, got {}", Describe(node_)));
  return std::nullopt;
}

std::optional<std::vector<SpecNode>> SpecNode::AsList() const {
  if (!node_.IsDefined() || !node_.IsSequence()) {
    Error(fmt::format("expected a list, got {}", Describe(node_)));
    return std::nullopt;
  }
  std::vector<SpecNode> elements;
  for (std::size_t i = 0; i < node_.size(); ++i) {
    const YAML::Node element = node_[i];
    // A null element ("- " alone) has no mark of its own; the list's is the nearest.
    const YAML::Mark mark = element.IsNull() ? mark_ : element.Mark();
    elements.emplace_back(element, fmt::format("{}[{}]", path_, i), mark, *sink_);
  }
  return elements;
}

std::optional<std::vector<std::string>> SpecNode::AsStringList() const {
  const std::optional<std::vector<SpecNode>> elements = AsList();
  if (!elements) return std::nullopt;
  ErrorWatch watch(*sink_);
  std::vector<std::string> strings;
  for (const SpecNode& element : *elements) {
    if (std::optional<std::string> text = element.AsString()) strings.push_back(*text);
  }
  if (!watch.clean()) return std::nullopt;
  return strings;
}

std::optional<std::size_t> SpecNode::ChoiceIndex(const std::vector<std::string_view>& names) const {
  if (node_.IsDefined() && node_.IsScalar()) {
    const auto found = std::find(names.begin(), names.end(), node_.Scalar());
    if (found != names.end()) return static_cast<std::size_t>(found - names.begin());
  }
  Error(fmt::format("expected {}, got {}", OrList(names), Describe(node_)));
  return std::nullopt;
}

// ---- SpecMap -------------------------------------------------------------------------------

std::optional<SpecMap> SpecMap::Read(const SpecNode& node,
                                     const std::vector<std::string_view>& allowed_keys) {
  return ReadKeys(node, &allowed_keys);
}

std::optional<SpecMap> SpecMap::ReadAnyKeys(const SpecNode& node) {
  return ReadKeys(node, nullptr);
}

std::optional<SpecMap> SpecMap::ReadKeys(const SpecNode& node,
                                         const std::vector<std::string_view>* allowed) {
  const YAML::Node& yaml = node.yaml();
  if (!yaml.IsDefined() || !yaml.IsMap()) {
    node.Error(fmt::format("expected a mapping (key: value), got {}", Describe(yaml)));
    return std::nullopt;
  }
  SpecMap map(node);
  for (auto it = yaml.begin(); it != yaml.end(); ++it) {
    const YAML::Mark key_mark = it->first.Mark();
    if (!it->first.IsScalar()) {
      node.ErrorAt(key_mark, fmt::format("keys must be plain words, got {}", Describe(it->first)));
      continue;
    }
    const std::string& key = it->first.Scalar();
    if (allowed && std::find(allowed->begin(), allowed->end(), key) == allowed->end()) {
      node.ErrorAt(key_mark, fmt::format("unknown key '{}' ({})", key, NameHint(key, *allowed)));
      continue;
    }
    if (const Entry* first = map.Find(key)) {
      node.ErrorAt(key_mark, fmt::format("duplicate key '{}' (first given on line {})", key,
                                         first->key_mark.line + 1));
      continue;
    }
    // A key with nothing after it has a value whose mark is on the next line; the key is a
    // better place to point at.
    const YAML::Mark value_mark = it->second.IsNull() ? key_mark : it->second.Mark();
    SpecNode value(it->second, JoinPath(node.path(), key), value_mark, node.sink());
    map.entries_.push_back(Entry{key, key_mark, std::move(value)});
  }
  return map;
}

const SpecMap::Entry* SpecMap::Find(std::string_view key) const {
  for (const Entry& entry : entries_) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

std::optional<SpecNode> SpecMap::Get(std::string_view key, Presence presence) const {
  if (const Entry* entry = Find(key)) return entry->value;
  if (presence == Presence::kRequired) node_.Error(fmt::format("missing required key '{}'", key));
  return std::nullopt;
}

std::vector<std::pair<std::string, SpecNode>> SpecMap::Entries() const {
  std::vector<std::pair<std::string, SpecNode>> entries;
  for (const Entry& entry : entries_) entries.emplace_back(entry.key, entry.value);
  return entries;
}

YAML::Mark SpecMap::KeyMark(std::string_view key) const {
  const Entry* entry = Find(key);
  return entry ? entry->key_mark : node_.yaml_mark();
}

std::optional<std::string> SpecMap::OneOf(const std::vector<std::string_view>& keys) const {
  std::vector<const Entry*> present;
  for (std::string_view key : keys) {
    if (const Entry* entry = Find(key)) present.push_back(entry);
  }
  if (present.size() == 1) return present.front()->key;
  // Point at the second one as written: that is where the author said too much.
  std::sort(present.begin(), present.end(),
            [](const Entry* a, const Entry* b) { return a->key_mark.pos < b->key_mark.pos; });
  if (present.empty()) {
    node_.Error(fmt::format("needs one of: {}", JoinNames(keys)));
  } else {
    node_.ErrorAt(present[1]->key_mark,
                  fmt::format("give only one of: {} (found '{}' and '{}')", JoinNames(keys),
                              present[0]->key, present[1]->key));
  }
  return std::nullopt;
}

std::optional<std::string> SpecMap::String(std::string_view key, Presence presence) const {
  const std::optional<SpecNode> value = Get(key, presence);
  return value ? value->AsString() : std::nullopt;
}

std::optional<std::int64_t> SpecMap::Integer(std::string_view key, std::int64_t min,
                                             std::int64_t max, Presence presence) const {
  const std::optional<SpecNode> value = Get(key, presence);
  return value ? value->AsInteger(min, max) : std::nullopt;
}

std::optional<bool> SpecMap::Bool(std::string_view key, Presence presence) const {
  const std::optional<SpecNode> value = Get(key, presence);
  return value ? value->AsBool() : std::nullopt;
}

std::optional<std::vector<std::string>> SpecMap::StringList(std::string_view key,
                                                            Presence presence) const {
  const std::optional<SpecNode> value = Get(key, presence);
  return value ? value->AsStringList() : std::nullopt;
}

// ---- Names ---------------------------------------------------------------------------------

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()];
}

std::string NameHint(std::string_view word, const std::vector<std::string_view>& candidates,
                     std::string_view list_label) {
  constexpr std::size_t kMaxTypoDistance = 2;
  std::optional<std::string_view> closest;
  std::size_t closest_distance = kMaxTypoDistance + 1;
  for (std::string_view candidate : candidates) {
    const std::size_t distance = EditDistance(word, candidate);
    if (distance < closest_distance) {
      closest = candidate;
      closest_distance = distance;
    }
  }
  if (closest) return fmt::format("did you mean '{}'?", *closest);
  if (candidates.empty()) return fmt::format("{}: none", list_label);
  return fmt::format("{}: {}", list_label, JoinNames(candidates));
}

std::string JoinNames(const std::vector<std::string_view>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace labgrade
