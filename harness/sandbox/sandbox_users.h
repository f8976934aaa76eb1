// The unprivileged users that root-mode grading runs programs as, reserved across every labgrade
// process on the machine: two `check`s and a `grade` at once never share a uid, so one run's
// fork bomb (RLIMIT_NPROC counts per user) or one run's programs (ptrace, /proc, kill need the
// same uid) cannot reach another's.
//
// A slot is three uids: a test's student programs, its reference programs, and the builds.
// Slots are reserved with flock(2) on /run/labgrade/uid-slots/<n>.lock, held for the life of the
// reservation: the kernel lets go of a lock when its process dies, however it died, so a killed
// run never strands a slot.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "harness/process/unique_fd.h"

namespace labgrade {

/// The users of one slot.
struct SlotUsers {
  uid_t student = 0;    ///< a test's student programs (gid the same number)
  uid_t reference = 0;  ///< the same test's reference programs
  uid_t build = 0;      ///< builds (the student's commands run as this user)
};

/// The first uid of slot 0, and how many slots there are (uids below 65000, clear of nobody).
inline constexpr uid_t kFirstSandboxUid = 62000;
inline constexpr int kSandboxSlots = 1000;

/// The users of slot `n` (0-based).
SlotUsers UsersOfSlot(int n);

/// Where the locks live, root mode only.
inline constexpr const char* kSandboxSlotLockDir = "/run/labgrade/uid-slots";

class SandboxUserReservation {
 public:
  /// Reserves `count` slots no other process holds, taking locks in `lock_dir` (made 0700 if
  /// missing). The reason when too few are free or the folder cannot be used.
  static std::variant<SandboxUserReservation, std::string> Reserve(
      int count, const std::filesystem::path& lock_dir = kSandboxSlotLockDir);

  SandboxUserReservation(SandboxUserReservation&&) = default;
  SandboxUserReservation& operator=(SandboxUserReservation&&) = default;

  int size() const { return static_cast<int>(slots_.size()); }
  /// The users of the i-th reserved slot.
  const SlotUsers& slot(int i) const { return slots_.at(static_cast<std::size_t>(i)); }
  /// A group only this reservation's reference programs are in: the reference's build belongs
  /// to it (the first slot's reference uid, as a gid).
  gid_t reference_group() const { return static_cast<gid_t>(slots_.front().reference); }

 private:
  SandboxUserReservation() = default;
  std::vector<SlotUsers> slots_;
  std::vector<UniqueFd> locks_;  ///< one flock'ed file per slot
};

}  // namespace labgrade
