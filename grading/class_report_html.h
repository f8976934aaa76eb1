// report.html of a class grading run: one self-contained page (inline CSS, inline SVG, no
// scripts, nothing fetched) an instructor opens from the output folder.
#pragma once

#include <string>
#include <string_view>

#include "grading/class_grades.h"

namespace labgrade {

/// `segment` as one URL path segment: bytes other than A–Z a–z 0–9 - . _ ~ as %XX.
std::string PercentEncode(std::string_view segment);

/// The page: a heading, the counts, a histogram of totals as an inline <svg> with one <rect>
/// per ScoreDistribution bin, a table of tests with their pass rates, and a table with a row per
/// student whose id links to "<id>/report.txt". Holds nothing that differs between two runs with
/// the same grades.
std::string ClassReportHtml(const ClassGrades& grades);

}  // namespace labgrade
