#include "harness/sandbox/sandbox_users.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace labgrade {

namespace fs = std::filesystem;

SlotUsers UsersOfSlot(int n) {
  const uid_t first = kFirstSandboxUid + static_cast<uid_t>(3 * n);
  return SlotUsers{first, first + 1, first + 2};
}

std::variant<SandboxUserReservation, std::string> SandboxUserReservation::Reserve(
    int count, const fs::path& lock_dir) {
  std::error_code ec;
  fs::create_directories(lock_dir, ec);
  if (ec) return fmt::format("cannot create {}: {}", lock_dir.string(), ec.message());
  // The locks decide who grades as whom: nobody else may replace them.
  struct stat folder {};
  if (::lstat(lock_dir.c_str(), &folder) != 0 || !S_ISDIR(folder.st_mode) ||
      folder.st_uid != ::geteuid())
    return fmt::format("{} is not a folder of this user's", lock_dir.string());
  ::chmod(lock_dir.c_str(), 0700);

  SandboxUserReservation reservation;
  for (int n = 0; n < kSandboxSlots && reservation.size() < count; ++n) {
    const fs::path path = lock_dir / fmt::format("{}.lock", n);
    UniqueFd lock(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!lock.valid()) return fmt::format("open({}): {}", path.string(), std::strerror(errno));
    if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) continue;  // another run's
      return fmt::format("flock({}): {}", path.string(), std::strerror(errno));
    }
    reservation.slots_.push_back(UsersOfSlot(n));
    reservation.locks_.push_back(std::move(lock));
  }
  if (reservation.size() < count)
    return fmt::format(
        "all {} sandbox user slots are taken by other labgrade runs on this machine (each test "
        "graded at once holds one); run fewer at once",
        kSandboxSlots);
  return reservation;
}

}  // namespace labgrade
