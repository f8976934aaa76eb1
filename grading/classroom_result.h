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
/// "score", "message", "test_code", "filename": "", "line_no": 0, "duration"}]}. Each test is cut
/// into entries worth the greatest common divisor of the tests' points ("name (part 2 of 4)";
/// the first carries the message, command and duration), so that the reporter's log, (entries
/// passed / entries) x max_score, equals the sum of the scores Classroom records. An entry
/// scores only when its test passed; a skipped test has no entry (it is not in max_score
/// either); "duration" is in milliseconds; "message" is empty for a pass, else the test's
/// details (not a hidden test's: "a hidden test: its details are shown once grades are
/// published"). When the submission did not build every entry is "fail"; when the grader
/// stopped before the build, "error". A report's grader_error (a spec, command-line or grader
/// error) adds one "error" entry "labgrade" carrying it, so the list is never empty.
nlohmann::json ClassroomResult(const GradeReport& report);

/// Standard base64 (RFC 4648, with padding).
std::string Base64(std::string_view bytes);

/// The line to append to $GITHUB_OUTPUT: "result=<base64 of the JSON>\n".
std::string ClassroomOutputLine(const GradeReport& report);

}  // namespace labgrade
