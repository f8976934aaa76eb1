// The System V objects of an IPC namespace as the kernel lists them in /proc/sysvipc/{shm,sem,msg},
// with what `ipcs` does not show: who created each one (the creator's uid, and for a segment its
// pid). A `wait_for_sysv:` with `created_by:` and no key finds an instance's object by them, and
// a wait that timed out names the objects that do exist.
//
// The files list the IPC namespace of the thread that opens them, and pids as seen from its PID
// namespace: the harness's thread, once it entered a cell (process/cell.h), sees the cell's
// objects with host pids. Parsing is pure, so tests feed canned text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// One row of /proc/sysvipc/shm, sem or msg.
struct SysvTableRow {
  SysvKind kind = SysvKind::kSemaphoreSet;
  std::uint32_t key = 0;  ///< 0 is IPC_PRIVATE
  int id = -1;
  unsigned cuid = 0;  ///< the creator's uid
  int cpid = 0;       ///< shared memory: the creator's pid (shm_cpid); 0 for the other kinds
  int nsems = 0;      ///< semaphore sets: how many semaphores; 0 for the other kinds
};

/// Parses the text of /proc/sysvipc/shm, sem or msg (by `kind`), its header first. Columns are
/// found by their header names. Null when the text is not such a table; then `*error` (if not
/// null) says which line and why.
std::optional<std::vector<SysvTableRow>> ParseSysvTable(SysvKind kind, std::string_view text,
                                                        std::string* error);

/// Reads and parses /proc/sysvipc/<shm|sem|msg> for the calling thread's IPC namespace.
std::optional<std::vector<SysvTableRow>> ReadSysvTable(SysvKind kind, std::string* error);

/// The pid of the last process that operated on each semaphore of set `semid` (semctl GETPID:
/// semop, and on Linux also SETVAL and SETALL), nonzero ones only.
std::vector<int> SemaphoreLastPids(int semid, int nsems);

}  // namespace labgrade
