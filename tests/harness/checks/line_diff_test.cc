// Tests for the line diff a report shows: changes with a few lines of context, long unchanged
// stretches left out, and at most twenty lines.
#include "harness/checks/line_diff.h"

#include <algorithm>
#include <initializer_list>
#include <string>

#include <gtest/gtest.h>

namespace labgrade {
namespace {

/// Lines "1\n" to "<count>\n", with `changed` lines replaced by "x\n".
std::string Numbered(int count, std::initializer_list<int> changed = {}) {
  std::string text;
  for (int n = 1; n <= count; ++n) {
    const bool is_changed = std::find(changed.begin(), changed.end(), n) != changed.end();
    text += is_changed ? "x\n" : std::to_string(n) + "\n";
  }
  return text;
}

// A changed line is shown with the lines around it and the number of the first one shown.
TEST(LineDiff, ShowsAChangeWithItsContext) {
  EXPECT_EQ(LineDiff(Numbered(10), Numbered(10, {6})),
            "--- expected\n+++ actual\n@@ line 3 @@\n 3\n 4\n 5\n-6\n+x\n 7\n 8\n 9");
}

// Between two changes far apart, the unchanged lines are left out.
TEST(LineDiff, LeavesOutALongUnchangedStretch) {
  EXPECT_EQ(LineDiff(Numbered(20, {}), Numbered(20, {2, 18})),
            "--- expected\n+++ actual\n@@ line 1 @@\n 1\n-2\n+x\n 3\n 4\n 5\n…\n 15\n 16\n 17\n"
            "-18\n+x\n 19\n 20");
}

// Past twenty lines, the differing lines left out are counted.
TEST(LineDiff, CountsTheDifferencesLeftOut) {
  const std::string diff = LineDiff(Numbered(30), std::string(30, '\n'));
  EXPECT_EQ(diff.substr(diff.rfind('\n') + 1), "… 40 more differing lines");
}

}  // namespace
}  // namespace labgrade
