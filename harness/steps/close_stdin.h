// `close_stdin: INSTANCE`: ends the standard input of an instance started with
// `stdin: { keep_open: true }`, so that it reads end of file once it has read what it was given.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Closes the grader's end of an instance's stdin pipe (`close_stdin:`), which the instance's
/// `stdin: { keep_open: true }` kept open; with a group, each member's.
struct CloseStdinStep {
  std::string instance;
  SourceMark mark;
};

}  // namespace labgrade
