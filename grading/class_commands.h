// The commands that grade a class: `grade` (each student in a child `grade-one`), `merge` (the
// shards of a class), and the hidden `grade-one` and `probe-isolation`.
#pragma once

#include <CLI/CLI.hpp>

#include "grading/command_line.h"

namespace labgrade {

/// Each student is graded by a child labgrade (`grade-one`, see grading/student_process.h), so
/// that the grader crashing or hanging on one submission is that student's grader error and the
/// batch goes on. The children set up their own isolation: this process enters no namespace.
int GradeClassCommand(const CommandLine& line);

/// `grade-one`: one student of a class, the child process of GradeClassCommand (see
/// grading/student_process.h). Exits 0 once it has left the student's grade for the parent.
int GradeOneCommand(const CommandLine& line);

/// `probe-isolation`: how a child would isolate tests, for GradeClassCommand to decide how many
/// students it grades at once. Prints "namespaces", or "host" and the reason on the next line.
int ProbeIsolationCommand();

int MergeCommand(const CommandLine& line);

void AddClassCommands(CLI::App& app, CommandLine& line);

}  // namespace labgrade
