#include "harness/checks/line_diff.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "harness/checks/output_match.h"

namespace labgrade {
namespace {

constexpr std::size_t kDiffMaxLines = 2000;  // per side, in the part that differs
constexpr std::size_t kDiffShownLines = 20;
constexpr std::size_t kDiffContextLines = 3;
constexpr std::size_t kDiffLineMaxBytes = 120;

std::vector<std::string_view> SplitLines(std::string_view s) {
  std::vector<std::string_view> lines;
  std::size_t begin = 0;
  while (begin < s.size()) {
    const std::size_t newline = s.find('\n', begin);
    if (newline == std::string_view::npos) {
      lines.push_back(s.substr(begin));
      break;
    }
    lines.push_back(s.substr(begin, newline - begin + 1));
    begin = newline + 1;
  }
  return lines;
}

enum class DiffOp : char { kSame = ' ', kExpectedOnly = '-', kActualOnly = '+', kElided = '.' };

struct DiffLine {
  DiffOp op;
  std::string_view line;  // with its '\n', if it has one
};

// Longest-common-subsequence edit script of two short line lists (at most kDiffMaxLines each,
// so the table holds at most 4 million 16-bit entries).
std::vector<DiffLine> LcsDiff(const std::vector<std::string_view>& expected,
                              const std::vector<std::string_view>& actual) {
  const std::size_t rows = expected.size();
  const std::size_t columns = actual.size();
  // common[i * (columns + 1) + j]: LCS length of expected[i..] and actual[j..].
  std::vector<std::uint16_t> common((rows + 1) * (columns + 1), 0);
  const auto at = [columns](std::size_t i, std::size_t j) { return i * (columns + 1) + j; };
  for (std::size_t i = rows; i-- > 0;) {
    for (std::size_t j = columns; j-- > 0;) {
      common[at(i, j)] = expected[i] == actual[j]
                             ? static_cast<std::uint16_t>(common[at(i + 1, j + 1)] + 1)
                             : std::max(common[at(i + 1, j)], common[at(i, j + 1)]);
    }
  }
  std::vector<DiffLine> script;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < rows && j < columns) {
    if (expected[i] == actual[j]) {
      script.push_back({DiffOp::kSame, expected[i]});
      ++i;
      ++j;
    } else if (common[at(i + 1, j)] >= common[at(i, j + 1)]) {
      script.push_back({DiffOp::kExpectedOnly, expected[i++]});
    } else {
      script.push_back({DiffOp::kActualOnly, actual[j++]});
    }
  }
  for (; i < rows; ++i) script.push_back({DiffOp::kExpectedOnly, expected[i]});
  for (; j < columns; ++j) script.push_back({DiffOp::kActualOnly, actual[j]});
  return script;
}

// Keeps a few lines of context around changes and marks the unchanged stretches left out.
std::vector<DiffLine> WithContext(const std::vector<DiffLine>& script) {
  std::vector<DiffLine> shown;
  for (std::size_t k = 0; k < script.size();) {
    if (script[k].op != DiffOp::kSame) {
      shown.push_back(script[k++]);
      continue;
    }
    std::size_t end = k;
    while (end < script.size() && script[end].op == DiffOp::kSame) ++end;
    const std::size_t run = end - k;
    const bool leading = k == 0;
    const bool trailing = end == script.size();
    std::size_t head = run;  // lines shown at the start of the run
    std::size_t tail = 0;    // lines shown at its end
    if (leading) {
      head = 0;
      tail = std::min(run, kDiffContextLines);
    } else if (trailing) {
      head = std::min(run, kDiffContextLines);
    } else if (run > 2 * kDiffContextLines) {
      head = kDiffContextLines;
      tail = kDiffContextLines;
    }
    for (std::size_t n = 0; n < head; ++n) shown.push_back(script[k + n]);
    if (head + tail < run && !leading && !trailing) shown.push_back({DiffOp::kElided, {}});
    for (std::size_t n = run - tail; n < run && tail > 0; ++n) shown.push_back(script[k + n]);
    k = end;
  }
  return shown;
}

}  // namespace

std::string LineDiff(std::string_view expected_text, std::string_view actual_text) {
  const std::vector<std::string_view> expected = SplitLines(expected_text);
  const std::vector<std::string_view> actual = SplitLines(actual_text);
  std::size_t prefix = 0;
  while (prefix < expected.size() && prefix < actual.size() && expected[prefix] == actual[prefix]) {
    ++prefix;
  }
  std::size_t suffix = 0;
  while (suffix < expected.size() - prefix && suffix < actual.size() - prefix &&
         expected[expected.size() - 1 - suffix] == actual[actual.size() - 1 - suffix]) {
    ++suffix;
  }
  // Only the part between the common prefix and suffix needs the quadratic diff; when it is too
  // long, diff a window that starts at the first differing line.
  const std::size_t expected_middle = expected.size() - prefix - suffix;
  const std::size_t actual_middle = actual.size() - prefix - suffix;
  const bool windowed = expected_middle > kDiffMaxLines || actual_middle > kDiffMaxLines;
  const auto middle = [&](const std::vector<std::string_view>& lines, std::size_t count) {
    const auto begin = lines.begin() + static_cast<std::ptrdiff_t>(prefix);
    return std::vector<std::string_view>(
        begin, begin + static_cast<std::ptrdiff_t>(std::min(count, kDiffMaxLines)));
  };
  const std::size_t context_start = prefix - std::min(prefix, kDiffContextLines);
  std::vector<DiffLine> script;
  for (std::size_t n = context_start; n < prefix; ++n)
    script.push_back({DiffOp::kSame, expected[n]});
  for (const DiffLine& line :
       LcsDiff(middle(expected, expected_middle), middle(actual, actual_middle))) {
    script.push_back(line);
  }
  if (!windowed) {
    for (std::size_t n = expected.size() - suffix; n < expected.size(); ++n) {
      script.push_back({DiffOp::kSame, expected[n]});
    }
  }
  const std::vector<DiffLine> shown = WithContext(script);

  std::string diff = fmt::format("--- expected\n+++ actual\n@@ line {} @@", context_start + 1);
  std::size_t lines_shown = 0;
  std::size_t changes_left_out = 0;
  for (const DiffLine& line : shown) {
    if (lines_shown == kDiffShownLines) {
      if (line.op == DiffOp::kExpectedOnly || line.op == DiffOp::kActualOnly) ++changes_left_out;
      continue;
    }
    ++lines_shown;
    if (line.op == DiffOp::kElided) {
      diff += "\n…";
      continue;
    }
    const bool has_newline = !line.line.empty() && line.line.back() == '\n';
    diff += '\n';
    diff += static_cast<char>(line.op);
    diff += PrintableExcerpt(has_newline ? line.line.substr(0, line.line.size() - 1) : line.line,
                             kDiffLineMaxBytes);
    if (!has_newline) diff += "\n\\ no newline at the end";
  }
  if (changes_left_out > 0) {
    diff += fmt::format("\n… {} more differing {}", changes_left_out,
                        changes_left_out == 1 ? "line" : "lines");
  }
  if (windowed) {
    diff += fmt::format("\n… only the first {} lines after the first difference were compared",
                        kDiffMaxLines);
  }
  return diff;
}

}  // namespace labgrade
