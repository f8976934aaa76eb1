// `receive:`: reads from a connection of the built-in client until so many more bytes came, or
// until the peer closes, failing the test at its timeout.
#pragma once

#include <cstdint>
#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Reads from a connection until `bytes` more bytes came since the last receive (or, with
/// `until_closed`, until the peer closes), failing the test at `timeout_ms` (`receive:`).
struct ReceiveStep {
  std::string connection;
  std::int64_t bytes = 0;
  bool until_closed = false;
  int timeout_ms = 5'000;
  SourceMark mark;
};

}  // namespace labgrade
