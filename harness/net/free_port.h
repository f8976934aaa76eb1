// Ports for host mode, where tests share the machine's network namespace: a port that nothing
// uses now, for TCP and UDP alike, picked by the kernel.
#pragma once

#include <optional>
#include <string>

namespace labgrade {

/// A port on 127.0.0.1 that a TCP and a UDP socket could both bind just now (the kernel's
/// choice for port 0), released before returning. Another process may take it meanwhile; host
/// mode runs one test at a time, which keeps that unlikely. Null, with `*error` naming the
/// call, when no socket can be made.
std::optional<int> PickFreePort(std::string* error);

}  // namespace labgrade
