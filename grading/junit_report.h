// A grading run as JUnit XML, for CI systems that show test results (GitLab, Jenkins, GitHub
// actions). The failure texts are the terminal report's details, in plain text.
#pragma once

#include <string>

#include "harness/verdict.h"

namespace labgrade {

/// One <testsuites> holding one <testsuite name="<lab>"> with a <testcase> per test: a
/// <failure message="<first failed check>">, an <error> for a grader error or a <skipped>, the
/// details as the element's text. A submission that did not build gives one testcase "build"
/// whose failure holds the log; a grader error of the whole run adds a testcase "grader" with an
/// <error>. All text is escaped for XML 1.0: characters it forbids are shown as \xNN.
std::string JunitXml(const GradeReport& report);

}  // namespace labgrade
