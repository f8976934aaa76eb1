// Students' text in a GitHub Actions log: fenced so that the runner takes none of it as a command.
#include "grading/ci_log.h"

#include <gtest/gtest.h>

namespace labgrade {
namespace {

// Every workflow command in the text lands between the stop line and the token's resume line,
// and "##[" is broken up wherever it is.
TEST(FenceWorkflowCommands, PutsTheTextBetweenStopAndResume) {
  EXPECT_EQ(FenceWorkflowCommands("  ::error::forged\nok ##[group]x\n::add-mask::y", "t0k"),
            "::stop-commands::t0k\n"
            "  ::error::forged\nok ## [group]x\n::add-mask::y\n"
            "::t0k::\n");
}

// Outside GitHub Actions nothing changes.
TEST(InertInCiLog, LeavesTextAloneOutsideGitHubActions) {
  ::unsetenv("GITHUB_ACTIONS");
  EXPECT_EQ(InertInCiLog("::error::x\n"), "::error::x\n");
}

// Under GitHub Actions the token is random, the same for the whole run, and never empty.
TEST(InertInCiLog, FencesWithOneRandomTokenPerRun) {
  ::setenv("GITHUB_ACTIONS", "true", 1);
  const std::string first = InertInCiLog("a\n");
  const std::string second = InertInCiLog("b\n");
  ::unsetenv("GITHUB_ACTIONS");
  const std::string stop = "::stop-commands::labgrade-";
  ASSERT_EQ(first.rfind(stop, 0), 0u) << first;
  const std::string token = first.substr(stop.size() - 9, first.find('\n') - stop.size() + 9);
  EXPECT_EQ(token.size(), 9u + 32u) << token;
  EXPECT_EQ(second, "::stop-commands::" + token + "\nb\n::" + token + "::\n");
}

}  // namespace
}  // namespace labgrade
