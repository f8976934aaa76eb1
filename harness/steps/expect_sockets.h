// `expect_sockets:`: counts the TCP sockets in a state (of an instance and its descendants, or of
// the whole test), optionally on one port, and records a check that the count is in range,
// waiting up to its timeout for it.
#pragma once

#include <optional>
#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Counts TCP sockets in `state`, of an instance and its descendants (or of the whole namespace
/// when `instance` is empty), optionally only those with `port` at either end, and records a
/// check that the count is within [min, max], waiting up to `timeout_ms` for it
/// (`expect_sockets:`).
struct ExpectSocketsStep {
  std::string instance;
  SocketState state = SocketState::kListen;
  std::optional<int> min;
  std::optional<int> max;
  std::string port;  ///< "port", "port:NAME" or a fixed port ("9877"); empty: any port
  int timeout_ms = 2'000;
  SourceMark mark;
};

}  // namespace labgrade
