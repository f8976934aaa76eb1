// `stdout:` and `stderr:`: what an instance wrote on a stream, against one matcher (equals,
// same_as_file, same_as_stdin_of, contains, regex, equals_normalized, empty, not_empty).
#pragma once

#include <string>

#include "harness/checks/output_match.h"
#include "harness/spec/lab_spec.h"

namespace labgrade {

/// "standard output" or "standard error".
const char* StreamWords(StreamName stream);

/// Why a check cannot read `instance`'s `stream`: the grader kept only its head, because no
/// check said it reads it (CheckKind::AddStreamsRead). The check kind's mistake, reported as the
/// grader's, never the student's.
std::string NotKeptWords(const std::string& instance, StreamName stream);

struct OutputCheck {
  std::string instance;
  StreamName stream = StreamName::kStdout;
  MatchKind match = MatchKind::kEquals;
  std::string text;
  SourceMark mark;
};

}  // namespace labgrade
