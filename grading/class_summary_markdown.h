// summary.md of a class grading run: how the class did, for an instructor to read on GitHub or
// in an editor.
#pragma once

#include <string>

#include "grading/class_grades.h"

namespace labgrade {

/// "# <lab> (<title>): class summary", a line of counts and the mean, then three sections:
/// "## Score distribution" (a table of ScoreDistribution), "## Tests" (each test's points,
/// passed count and pass rate) and "## Grader errors" (each affected student and the error, or
/// "None."). Holds nothing that differs between two runs with the same grades.
std::string ClassSummaryMarkdown(const ClassGrades& grades);

}  // namespace labgrade
