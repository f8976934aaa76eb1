// System V IPC objects looked up and removed directly, by system call, in the calling thread's
// IPC namespace (the cell's, once the thread entered it; see process/cell.h). ipcs_probe.h
// reads the whole namespace through `ipcs` instead.
#pragma once

#include <cstdint>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Whether an object of `kind` with `key` exists. An object whose mode keeps the caller out
/// (EACCES) exists too.
bool SysvObjectExists(SysvKind kind, std::uint32_t key);

/// Removes (IPC_RMID) the object of `kind` with `id`; nothing when it is gone already.
void RemoveSysvObject(SysvKind kind, int id);

}  // namespace labgrade
