// A grading run as JUnit XML, for CI systems that show test results (GitLab, Jenkins, GitHub
// actions). The failure texts are the terminal report's details, in plain text.
#pragma once

#include <string>
#include <string_view>

#include "harness/verdict.h"

namespace labgrade {

/// One <testsuites> holding one <testsuite name="<lab>"> (or "labgrade" when the spec could not
/// be read) with a <testcase> per test: a <failure message="<first failed check>">, an <error>
/// for a grader error or a <skipped message="<what> (<why>)">, the details as the element's
/// text. When the submission did not build, every test is a <failure message="not run: the
/// submission did not build"> (as in results.json and Classroom's result), the first holding
/// the build log; a grader error of the whole run adds a testcase "grader" with an <error>.
/// Each testcase's `file` attribute, for CI annotations, is `lab_spec_file` (omitted when
/// empty), or for a build failure the first file the compiler reported an error in, under
/// the submission folder. All text is escaped for XML 1.0: characters it forbids are shown as
/// \xNN.
std::string JunitXml(const GradeReport& report, std::string_view lab_spec_file = "");

}  // namespace labgrade
