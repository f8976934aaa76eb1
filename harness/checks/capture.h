// `capture:`: a value a program printed, picked out by a regular expression with one group, is
// the same as a value another program printed (picked out the same way), a given value, or the
// size of what an instance was given on stdin: "the reader's 'Received N bytes' says the N of
// the writer's 'Sent N bytes'".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "harness/checks/output.h"
#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Where a captured value comes from: the first match of `regex` on an instance's stream; the
/// value is the regex's one group.
struct CaptureSource {
  std::string instance;
  StreamName stream = StreamName::kStdout;
  std::string regex;  ///< ECMAScript, exactly one capturing group (checked on load)
};

/// `capture:` with exactly one of `same_as` (another capture), `equals` (a value) or
/// `equals_stdin_size_of` (an instance given stdin: its size in bytes). Two values are the
/// same when both are integers of equal value ("007" and "7"), else when their text is equal.
struct CaptureCheck {
  std::string instance;
  StreamName stream = StreamName::kStdout;
  std::string regex;
  std::optional<CaptureSource> same_as;
  std::optional<std::string> equals;
  std::string stdin_size_of;  ///< an instance, or empty
  SourceMark mark;
};

/// The group of the first match of `regex` (one capturing group) in `text`; null when none.
/// Throws std::exception for a pattern Boost.Regex refuses or gives up on.
std::optional<std::string> CaptureIn(const std::string& regex, std::string_view text);

/// Whether two captured values are the same: as integers when both are, else as text.
bool SameCapturedValue(std::string_view a, std::string_view b);

}  // namespace labgrade
