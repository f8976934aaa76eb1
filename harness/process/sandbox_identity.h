// The unprivileged identity the harness runs programs and builds as.
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

namespace labgrade {

/// The unprivileged identity programs run as (root mode only; unset when the harness itself
/// is an ordinary user, whose programs run as that user).
struct SandboxIdentity {
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  std::vector<gid_t> groups;  ///< supplementary groups
  bool ipc_owner = false;     ///< ChildSandbox::ipc_owner_capability (root, in a cell)
};

}  // namespace labgrade
