// The Gradescope autograder's results.json for a grading run
// (https://gradescope-autograders.readthedocs.io/en/latest/specs/#output-format).
// Each test's output is the terminal report's details for it, in plain text.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "harness/verdict.h"

namespace labgrade {

/// The results object: score, execution_time (seconds), output (the build log or a grader error,
/// empty when there is nothing to say), output formats ("text" for the output, the tests'
/// outputs and names), visibility and one entry per test. A hidden test is "after_published". A
/// test the grader could not run scores 0. A test this machine could not run (skipped) scores
/// 0 out of 0: not counted. When the submission did not build, every test is listed as failed
/// with score 0 and "not run: the submission did not build".
nlohmann::json GradescopeResults(const GradeReport& report);

/// GradescopeResults as the text of results.json (indented, ending in a newline). Never throws:
/// bytes that are not UTF-8 are replaced.
std::string GradescopeResultsText(const GradeReport& report);

}  // namespace labgrade
