// A short line diff of two texts, for a report: what the output matchers (output_match.h) show a
// student when a text output is not the one expected.
#pragma once

#include <string>
#include <string_view>

namespace labgrade {

/// A short unified-style diff: "--- expected", "+++ actual", "@@ line N @@", then lines marked
/// ' ', '-' or '+' (printable excerpts, as output_match.h's PrintableExcerpt makes them), at most
/// 20 of them with 3 lines of context, and a count of the differing lines left out. Only the
/// first 2000 lines after the first difference are compared, which it then says.
std::string LineDiff(std::string_view expected_text, std::string_view actual_text);

}  // namespace labgrade
