// The gradebook CSV (see gradebook_csv.h).
#include "grading/gradebook_csv.h"

#include "grading/display_text.h"

namespace labgrade {
namespace {

// RFC 4180 ends every record in CRLF.
constexpr std::string_view kRecordEnd = "\r\n";

}  // namespace

std::string CsvField(std::string_view text) {
  // A right-to-left override in an id would reorder the row as a spreadsheet shows it.
  std::string field = EscapeReorderingCharacters(text);
  if (!field.empty() && std::string_view("=+-@\t\r").find(field[0]) != std::string_view::npos)
    field.insert(0, 1, '\'');
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string GradebookCsv(const ClassGrades& grades) {
  std::string csv = "student_id,total";
  for (const TestColumn& test : grades.tests) csv += "," + CsvField(test.name);
  csv += kRecordEnd;
  for (const StudentGrade& student : grades.students) {
    csv += CsvField(student.student_id) + "," + std::to_string(student.total);
    for (const StudentTestScore& test : student.tests) csv += "," + std::to_string(test.points);
    csv += kRecordEnd;
  }
  return csv;
}

}  // namespace labgrade
