// Tests for what the grader decides before it builds anything: a lab or test that requires
// isolation is never graded in host mode.
#include "grading/grader.h"

#include <gtest/gtest.h>

namespace labgrade {
namespace {

LabSpec TwoTestLab() {
  LabSpec lab;
  lab.name = "fixed";
  lab.tests.resize(2);
  lab.tests[0].name = "plain";
  lab.tests[1].name = "stale-objects";
  return lab;
}

Isolation HostMode() {
  Isolation isolation;
  isolation.mode = IsolationMode::kHost;
  isolation.note = "clone(CLONE_NEWUSER): Operation not permitted";
  return isolation;
}

// A lab that requires isolation stops in host mode, saying why and what to do.
TEST(IsolationRequiredTest, LabLevelStopsInHostMode) {
  LabSpec lab = TwoTestLab();
  lab.isolation_required = true;
  EXPECT_EQ(IsolationRequiredProblem(lab, {}, HostMode()),
            "the lab fixed says 'isolation: required', and this machine cannot run tests in "
            "namespaces of their own (clone(CLONE_NEWUSER): Operation not permitted); labgrade "
            "stops rather than run them on the shared machine. Grade where labgrade can make its "
            "cells (as root, or where unprivileged user namespaces are allowed, and without "
            "--host-mode)");
}

// With namespaces, the requirement is met.
TEST(IsolationRequiredTest, NamespacesMeetIt) {
  LabSpec lab = TwoTestLab();
  lab.isolation_required = true;
  Isolation isolated = HostMode();
  isolated.mode = IsolationMode::kNamespaces;
  EXPECT_EQ(IsolationRequiredProblem(lab, {}, isolated), std::nullopt);
}

// A test that requires it stops the run when it is chosen, and only then.
TEST(IsolationRequiredTest, TestLevelCountsOnlyWhenChosen) {
  LabSpec lab = TwoTestLab();
  lab.tests[1].isolation_required = true;
  const auto problem = IsolationRequiredProblem(lab, {}, HostMode());
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->rfind("test stale-objects says 'isolation: required', and this machine", 0),
            0u)
      << *problem;
  EXPECT_EQ(IsolationRequiredProblem(lab, {"plain"}, HostMode()), std::nullopt);
  EXPECT_EQ(IsolationRequiredProblem(TwoTestLab(), {}, HostMode()), std::nullopt);
}

// The grader stops before building: every chosen test is listed as not run, with the error.
TEST(IsolationRequiredTest, GradeSubmissionStopsBeforeBuilding) {
  LabSpec lab = TwoTestLab();
  lab.isolation_required = true;
  GradeOptions options;
  options.submission_dir = "/nonexistent";
  const GradeReport report = GradeSubmission(lab, options, HostMode());
  EXPECT_NE(report.grader_error.find("'isolation: required'"), std::string::npos);
  EXPECT_EQ(report.tests.size(), 2u);
  EXPECT_EQ(report.score, 0);
}

}  // namespace
}  // namespace labgrade
