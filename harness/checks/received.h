// `received:`: what the test's built-in client received over a connection, in all: equals,
// contains, empty, not_empty, or the same as everything sent over it.
#pragma once

#include <string>

#include "harness/checks/output_match.h"
#include "harness/spec/lab_spec.h"

namespace labgrade {

/// What the built-in client received over a connection, in all (`received:`). `match` is
/// kEquals, kContains, kEmpty or kNotEmpty; `same_as_sent` compares with everything sent over
/// it (kEquals).
struct ReceivedCheck {
  std::string connection;
  MatchKind match = MatchKind::kEquals;
  std::string text;
  bool same_as_sent = false;
  SourceMark mark;
};

}  // namespace labgrade
