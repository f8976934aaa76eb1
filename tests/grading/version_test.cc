// Tests for the version text: the project's version, and git's description of the tree.
#include "grading/version.h"

#include <regex>

#include <gtest/gtest.h>

namespace labgrade {
namespace {

// The text names labgrade and its dotted version, then what git said of the tree it was built
// from, when it was built from a git checkout.
TEST(VersionText, NamesTheProjectVersionAndGitDescription) {
  EXPECT_TRUE(std::regex_match(ProjectVersion(), std::regex("[0-9]+\\.[0-9]+\\.[0-9]+")))
      << ProjectVersion();
  const std::string describe = GitDescribe();
  EXPECT_FALSE(describe.empty());
  if (describe == "unknown") {
    EXPECT_EQ(VersionText(), "labgrade " + ProjectVersion());
  } else {
    EXPECT_EQ(VersionText(), "labgrade " + ProjectVersion() + " (git " + describe + ")");
  }
}

}  // namespace
}  // namespace labgrade
