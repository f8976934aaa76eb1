// Landlock through its three system calls (landlock(7)); the constants are the kernel's stable
// ABI, spelled out here so that the build does not depend on how new the installed headers are.
#include "harness/sandbox/landlock.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace labgrade {
namespace {

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

constexpr std::uint32_t kCreateRulesetVersion = 1U << 0;
constexpr int kRulePathBeneath = 1;

// Filesystem access rights, by the ABI version that introduced them.
constexpr std::uint64_t kExecute = 1ULL << 0;
constexpr std::uint64_t kWriteFile = 1ULL << 1;
constexpr std::uint64_t kReadFile = 1ULL << 2;
constexpr std::uint64_t kReadDir = 1ULL << 3;
constexpr std::uint64_t kAbi1 = (1ULL << 13) - 1;  // execute .. make_sym
constexpr std::uint64_t kRefer = 1ULL << 13;       // ABI 2
constexpr std::uint64_t kTruncate = 1ULL << 14;    // ABI 3
// ABI 5's ioctl right is left unhandled: ioctls on the few device files stay as they are.

struct RulesetAttr {
  std::uint64_t handled_access_fs;
};

struct PathBeneathAttr {
  std::uint64_t allowed_access;
  std::int32_t parent_fd;
} __attribute__((packed));

std::uint64_t HandledAccesses(int abi) {
  std::uint64_t handled = kAbi1;
  if (abi >= 2) handled |= kRefer;
  if (abi >= 3) handled |= kTruncate;
  return handled;
}

std::uint64_t AllowedAccesses(FolderAccess access, std::uint64_t handled) {
  switch (access) {
    case FolderAccess::kRead:
      return kReadFile | kReadDir;
    case FolderAccess::kReadExecute:
      return kReadFile | kReadDir | kExecute;
    case FolderAccess::kDevices:
      // Opening /dev/null with O_TRUNC (a shell's "> /dev/null") needs the truncate right.
      return (kReadFile | kReadDir | kWriteFile | kTruncate) & handled;
    case FolderAccess::kEverything:
      return handled;
  }
  return 0;
}

}  // namespace

LandlockSupport ProbeLandlock() {
  LandlockSupport support;
  const long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, kCreateRulesetVersion);
  if (abi > 0) {
    support.abi = static_cast<int>(abi);
    return support;
  }
  support.unavailable =
      errno == EOPNOTSUPP
          ? "the kernel has Landlock but it is turned off (add landlock to the lsm= boot option)"
      : errno == ENOSYS ? "the kernel has no Landlock (it needs Linux 5.13 or later, built with it)"
                        : fmt::format("landlock_create_ruleset: {}", std::strerror(errno));
  return support;
}

LandlockRules::LandlockRules(int abi, std::vector<FolderRule> rules)
    : abi_(abi), rules_(std::move(rules)), handled_(HandledAccesses(abi)) {
  for (const FolderRule& rule : rules_) allowed_.push_back(AllowedAccesses(rule.access, handled_));
}

int LandlockRules::Apply(const char** failed_call) const {
  if (abi_ == 0) return 0;
  RulesetAttr attr{handled_};
  const int ruleset =
      static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0U));
  if (ruleset < 0) {
    *failed_call = "landlock_create_ruleset";
    return -1;
  }
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const int folder = ::open(rules_[i].path.c_str(), O_PATH | O_CLOEXEC);
    if (folder < 0) {
      if (errno == ENOENT) continue;  // not on this machine (/lib32, say): nothing to allow
      *failed_call = "open(O_PATH) of a Landlock rule's folder";
      ::close(ruleset);
      return -1;
    }
    PathBeneathAttr beneath{allowed_[i], folder};
    const long added = ::syscall(SYS_landlock_add_rule, ruleset, kRulePathBeneath, &beneath, 0U);
    const int saved = errno;
    ::close(folder);
    if (added != 0) {
      *failed_call = "landlock_add_rule";
      ::close(ruleset);
      errno = saved;
      return -1;
    }
  }
  const long restricted = ::syscall(SYS_landlock_restrict_self, ruleset, 0U);
  const int saved = errno;
  ::close(ruleset);
  if (restricted != 0) {
    *failed_call = "landlock_restrict_self";
    errno = saved;
    return -1;
  }
  return 0;
}

}  // namespace labgrade
