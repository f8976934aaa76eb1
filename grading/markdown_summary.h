// Markdown for GitHub: the job summary of one graded submission (`labgrade check --markdown`),
// and the pieces that make untrusted text safe in GitHub-flavoured Markdown.
#pragma once

#include <string>
#include <string_view>

#include "harness/verdict.h"

namespace labgrade {

/// Text safe inside a table cell, a heading or a <summary>: control bytes escaped as \xNN,
/// & < > as HTML entities (GitHub renders raw HTML), | and the Markdown punctuation
/// \ ` * _ [ ] # preceded by a backslash.
std::string MarkdownInline(std::string_view text);

/// `text` in a fenced code block whose fence of backticks is longer than any run of backticks
/// in it (at least three), so nothing inside can close it; ends in a newline.
std::string MarkdownCodeBlock(std::string_view text);

/// The step summary: "## <lab> (<title>): <score>/<max>", "Isolation: isolated|host mode: <note>"
/// (when the report has a note), a table of tests (name, " (hidden)" after a hidden one's,
/// result, points), then for each visible test that did not pass a collapsed <details>
/// ("<test>: 0/<max>", HTML-escaped) with RenderTestDetails in a code block; a failed build or a
/// grader error in the same way. A hidden test's details are never shown.
std::string StepSummaryMarkdown(const GradeReport& report);

}  // namespace labgrade
