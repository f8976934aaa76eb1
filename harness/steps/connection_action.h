// `shutdown_write: CONNECTION`, `reset: CONNECTION`, `close: CONNECTION`: half-closes, resets
// or closes a connection of the built-in client.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// What to do with a connection of the built-in client.
enum class ConnectionAction {
  kShutdownWrite,  ///< shutdown(SHUT_WR): the peer reads end of file, can still send
  kReset,          ///< SO_LINGER 0, then close: the peer gets an RST
  kClose,          ///< close(): a normal FIN
};

/// `shutdown_write: NAME`, `reset: NAME`, `close: NAME`.
struct ConnectionActionStep {
  std::string connection;
  ConnectionAction action = ConnectionAction::kClose;
  SourceMark mark;
};

}  // namespace labgrade
