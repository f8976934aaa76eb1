// The class gradebook as CSV (RFC 4180), for a spreadsheet or an LMS import.
#pragma once

#include <string>
#include <string_view>

#include "grading/class_grades.h"

namespace labgrade {

/// One text field as RFC 4180 writes it: quoted, with quotes doubled, when it holds a comma, a
/// quote, CR or LF; as it is otherwise. Text a spreadsheet would run as a formula (starting with
/// = + - @, a tab or CR: a student id is a folder name, which a student may have chosen) gets a
/// leading ' first, which spreadsheets show as text (OWASP's advice on CSV injection).
std::string CsvField(std::string_view text);

/// Header "student_id,total,<test>..." (tests in the lab's order), then one row per student in
/// the order of `grades.students`; every line ends in CRLF.
std::string GradebookCsv(const ClassGrades& grades);

}  // namespace labgrade
