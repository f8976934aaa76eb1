// `wait_for_port:`: waits until a TCP socket listens (or a UDP socket is bound) on a port of the
// test and belongs to the instance or a descendant of it: the sign that a server is ready.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Waits until a TCP socket in LISTEN (or a bound UDP socket) on `port` exists in the test's
/// network namespace and belongs to the instance or a descendant of it (`wait_for_port:`).
struct WaitForPortStep {
  std::string instance;
  SocketProtocol protocol = SocketProtocol::kTcp;
  std::string port = "port";  ///< "port", "port:NAME", or a fixed port's digits ("9877")
  int timeout_ms = 5'000;
  SourceMark mark;
};

}  // namespace labgrade
