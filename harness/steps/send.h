// `send:`: sends bytes over a connection of the built-in client, reading what arrives meanwhile
// so that a peer that echoes while we send never deadlocks with us.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Sends bytes over a connection (`send:`): StdinText or StdinRandom. What arrives meanwhile is
/// read and kept, so a peer that echoes while we send never deadlocks with us.
struct SendStep {
  std::string connection;
  StdinSource bytes;
  int timeout_ms = 5'000;
  SourceMark mark;
};

}  // namespace labgrade
