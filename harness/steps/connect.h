// `connect:`: opens a TCP connection of the test's built-in client to a port of the test,
// retrying a refused connection until its timeout; later steps name it by `as:`.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Opens a TCP connection of the built-in client to 127.0.0.1:`port` (`connect:`), retrying a
/// refused connection until `timeout_ms`.
struct ConnectStep {
  std::string connection;     ///< the name later steps and checks use (`as:`)
  std::string port = "port";  ///< "port", "port:NAME", or a fixed port's digits ("9877")
  int timeout_ms = 5'000;
  SourceMark mark;
};

}  // namespace labgrade
