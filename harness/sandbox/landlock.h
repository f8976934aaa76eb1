// Landlock (kernel ≥ 5.13): what a program may do with which folders, enforced by the kernel
// whatever its uid. labgrade confines each student program to the system folders (read and
// execute), its own build (read and execute), its test folder and private temporary folders
// (everything); the reference's build is not among them, so a student's program can neither run
// nor read the reference. Landlock also keeps a confined program from ptrace-like access
// (/proc/PID/mem, environ, exe, root) to any process outside its own domain: each program gets a
// domain of its own, so a student's program cannot reach the reference's processes even where
// both run as the same uid (the user-namespace mode).
//
// The rules are applied in the child between fork and exec (ApplyLandlock makes only system
// calls), after PR_SET_NO_NEW_PRIVS, on paths as the child sees them (inside its cell).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace labgrade {

/// What a folder's tree may be used for.
enum class FolderAccess {
  kRead,         ///< list and read
  kReadExecute,  ///< list, read and execute
  kDevices,      ///< list, read and write existing files (/dev/null, /dev/tty)
  kEverything,   ///< create, write, remove, rename, truncate, execute
};

struct FolderRule {
  std::string path;  ///< absolute, as the program sees it; a missing one is left out
  FolderAccess access = FolderAccess::kRead;
};

/// The kernel's Landlock ABI version (1 for 5.13; 0 when unavailable), with the reason when 0.
struct LandlockSupport {
  int abi = 0;
  std::string unavailable;  ///< "the kernel has no Landlock (...)" when abi is 0
};

/// Asks the kernel once (landlock_create_ruleset with LANDLOCK_CREATE_RULESET_VERSION).
LandlockSupport ProbeLandlock();

/// Rules prepared before fork: everything ApplyLandlock needs, with no allocation left to do.
class LandlockRules {
 public:
  LandlockRules() = default;
  LandlockRules(int abi, std::vector<FolderRule> rules);

  bool empty() const { return abi_ == 0; }
  const std::vector<FolderRule>& rules() const { return rules_; }

  /// In the child: builds the ruleset and restricts the calling thread with it. Async-signal-
  /// safe. Returns 0, or -1 with errno set and `*failed_call` naming the call.
  int Apply(const char** failed_call) const;

 private:
  int abi_ = 0;
  std::vector<FolderRule> rules_;
  std::uint64_t handled_ = 0;           ///< the accesses the ruleset handles (denies unless ruled)
  std::vector<std::uint64_t> allowed_;  ///< per rule, what it allows
};

}  // namespace labgrade
