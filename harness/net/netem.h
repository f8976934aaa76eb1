// Packet loss on a test's loopback: netem (sch_netem), set up with tc(8) from iproute2 in the
// network namespace of the calling thread, a test's cell. A machine without tc or without the
// netem module cannot run such a test: that is a reason to skip it, never the student's failure.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace labgrade {

/// What setting up the loss came to.
struct NetemSetup {
  bool applied = false;
  /// When not applied: why this machine cannot do it, for the report ("the kernel has no netem
  /// queueing discipline (sch_netem) ...").
  std::string unavailable;
};

/// Where tc is (/usr/sbin/tc or /sbin/tc), or null.
std::optional<std::filesystem::path> FindTc();

/// Runs `tc qdisc replace dev lo root netem loss <loss_percent>%` in the calling thread's
/// network namespace. The thread must be in a namespace of its own: this would change the
/// whole machine's loopback otherwise.
NetemSetup ApplyLoopbackLoss(int loss_percent);

}  // namespace labgrade
