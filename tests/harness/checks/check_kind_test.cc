// Tests for what every check kind shares: a check that names a group of instances sums its
// members' results up in the group's words.
#include "harness/checks/check_kind.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/scenario.h"

namespace labgrade {
namespace {

CheckResult Result(const std::string& member, Outcome outcome) {
  CheckResult result;
  result.what = member + " exits with status 0";
  result.outcome = outcome;
  if (outcome == Outcome::kFail) {
    result.rationale = member + " exited with 1";
    result.expected = "exited with 0";
    result.actual = "exited with 1";
  }
  return result;
}

class GroupResultsTest : public ::testing::Test {
 protected:
  /// AddGroupResults for `outcomes`, one per member client-1, client-2, ...
  std::vector<CheckResult> Add(const std::vector<Outcome>& outcomes) {
    std::vector<std::string> members;
    std::vector<CheckResult> results;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      members.push_back("client-" + std::to_string(i + 1));
      results.push_back(Result(members.back(), outcomes[i]));
    }
    AddGroupResults(context_, "client", members, std::move(results));
    return context_.result().checks;
  }

  TestSpec test_;
  ScenarioEnvironment environment_;
  TestContext context_{test_, environment_};
};

// When every member passes, one result speaks for the group.
TEST_F(GroupResultsTest, AllPassedIsOneResultInTheGroupsWords) {
  const std::vector<CheckResult> checks = Add({Outcome::kPass, Outcome::kPass, Outcome::kPass});
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].what, "client exits with status 0 (each of the 3 instances)");
  EXPECT_EQ(checks[0].outcome, Outcome::kPass);
}

// Only the members that failed are reported, each in its own words.
TEST_F(GroupResultsTest, ReportsEachFailedMember) {
  const std::vector<CheckResult> checks = Add({Outcome::kPass, Outcome::kFail, Outcome::kPass});
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].what, "client-2 exits with status 0");
  EXPECT_EQ(checks[0].rationale, "client-2 exited with 1");
}

// Past three failures, a fourth result names the rest.
TEST_F(GroupResultsTest, NamesTheFailuresPastThree) {
  const std::vector<CheckResult> checks = Add(std::vector<Outcome>(5, Outcome::kFail));
  ASSERT_EQ(checks.size(), 4u);
  EXPECT_EQ(checks[2].what, "client-3 exits with status 0");
  EXPECT_EQ(checks[3].what, "client exits with status 0 (each of the 5 instances)");
  EXPECT_EQ(checks[3].outcome, Outcome::kFail);
  EXPECT_EQ(checks[3].rationale,
            "2 more of the 5 instances of client fail this check too: client-4, client-5");
  EXPECT_EQ(checks[3].expected, "");
  EXPECT_EQ(checks[3].actual, "");
}

}  // namespace
}  // namespace labgrade
