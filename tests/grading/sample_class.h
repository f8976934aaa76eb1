// Class grades built by hand for the class writers' tests: three students, one with full marks,
// one who lost a test, one whose submission did not build.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "grading/class_grades.h"

namespace labgrade::testing {

inline StudentGrade Student(std::string id, int total, bool build_ok,
                            std::vector<StudentTestScore> tests, std::string grader_error = "") {
  StudentGrade student;
  student.student_id = std::move(id);
  student.total = total;
  student.build_ok = build_ok;
  student.grader_error = std::move(grader_error);
  student.tests = std::move(tests);
  return student;
}

/// shm-xfer with tests short-text (60) and cleanup (40): alice 100, bob 60, carol did not build.
inline ClassGrades SampleClass() {
  ClassGrades grades;
  grades.lab_name = "shm-xfer";
  grades.lab_title = "Shared-memory transfer";
  grades.tests = {{"short-text", 60}, {"cleanup", 40}};
  grades.students = {Student("alice", 100, true, {{60, true}, {40, true}}),
                     Student("bob", 60, true, {{60, true}, {0, false}}),
                     Student("carol", 0, false, {{0, false}, {0, false}})};
  return grades;
}

}  // namespace labgrade::testing
