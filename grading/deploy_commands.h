// The commands that take a lab where courses grade: `bundle` (the lab as one file, its reference
// built) and `gradescope` (Gradescope's autograder.zip); and `version` and `help`.
#pragma once

#include <CLI/CLI.hpp>

#include "grading/command_line.h"

namespace labgrade {

/// `bundle`: the lab (and its hidden tests, with --overlay) as one file, its reference built.
int BundleCommand(const CommandLine& line);

/// `gradescope`: autograder.zip, with the package given and the lab's bundle.
int GradescopeCommand(const CommandLine& line);

void AddDeployCommands(CLI::App& app, CommandLine& line);

}  // namespace labgrade
