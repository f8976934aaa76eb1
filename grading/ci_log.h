// labgrade's output in a GitHub Actions job log, where the runner takes a line such as
// `::error::...`, `::add-mask::...` or `::stop-commands::...` (leading spaces allowed) as a
// command, and `##[...]` anywhere in a line too. Students' text — their programs' output in a
// report, a build log, a student's folder name in a progress line — must not command the runner:
// under GitHub Actions each stretch of it is fenced with `::stop-commands::<token>` and
// `::<token>::` (a random token per run, which the text cannot guess), and `##[` is broken up.
#pragma once

#include <string>
#include <string_view>

namespace labgrade {

/// `text` between `::stop-commands::<token>` and `::<token>::` lines, with every "##[" written
/// "## [". A final newline is added where `text` has none.
std::string FenceWorkflowCommands(std::string_view text, std::string_view token);

/// `text` fenced as above with this run's token when GITHUB_ACTIONS is "true"; else unchanged.
std::string InertInCiLog(std::string_view text);

}  // namespace labgrade
