// GitHub Classroom's autograding result: the JSON its grading reporter reads (base64-encoded,
// from the step output `result`, passed in the env var `<STEP ID UPPERCASED>_RESULTS`).
// Classroom totals the tests' `score`, so the per-test scores add up to the grade.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "harness/verdict.h"

namespace labgrade {

/// {"version": 1, "status": "pass"|"fail"|"error", "max_score": N, "tests": [{"name", "status",
/// "score", "message", "test_code", "filename": "", "line_no": 0, "duration"}]}. A test scores its
/// points only when it passed, so the scores add up to results.json's score; "duration" is in
/// milliseconds; "message" is empty for a pass, else the test's details (not a hidden test's:
/// "a hidden test: its details are shown once grades are published"). When the submission did
/// not build every test is "fail"; when the grader stopped before the build, "error".
nlohmann::json ClassroomResult(const GradeReport& report);

/// Standard base64 (RFC 4648, with padding).
std::string Base64(std::string_view bytes);

/// The line to append to $GITHUB_OUTPUT: "result=<base64 of the JSON>\n".
std::string ClassroomOutputLine(const GradeReport& report);

}  // namespace labgrade
