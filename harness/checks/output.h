// `stdout:` and `stderr:`: what an instance wrote on a stream, against one matcher (equals,
// same_as_file, same_as_stdin_of, contains, regex, equals_normalized, empty, not_empty).
#pragma once

#include <string>

#include "harness/checks/output_match.h"
#include "harness/spec/lab_spec.h"

namespace labgrade {

enum class StreamName { kStdout, kStderr };

struct OutputCheck {
  std::string instance;
  StreamName stream = StreamName::kStdout;
  MatchKind match = MatchKind::kEquals;
  std::string text;
  SourceMark mark;
};

}  // namespace labgrade
