// Sandbox user slots: reserved across processes with file locks, never shared.
#include "harness/sandbox/sandbox_users.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace labgrade {
namespace {

namespace fs = std::filesystem;

class SandboxUsersTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/var/tmp/labgrade-users-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    locks_ = fs::path(pattern) / "locks";
  }
  void TearDown() override { fs::remove_all(locks_.parent_path()); }

  SandboxUserReservation Reserve(int count) {
    auto reserved = SandboxUserReservation::Reserve(count, locks_);
    if (auto* error = std::get_if<std::string>(&reserved)) ADD_FAILURE() << *error;
    return std::get<SandboxUserReservation>(std::move(reserved));
  }

  fs::path locks_;
};

// A slot is three users, in a row from 62000: the student's programs, the reference's, the build.
TEST(UsersOfSlot, AreThreeUidsInARow) {
  EXPECT_EQ(UsersOfSlot(0).student, 62000u);
  EXPECT_EQ(UsersOfSlot(0).reference, 62001u);
  EXPECT_EQ(UsersOfSlot(0).build, 62002u);
  EXPECT_EQ(UsersOfSlot(5).student, 62015u);
}

// Two reservations held at once never share a slot, and the reference's group is the first
// slot's reference user.
TEST_F(SandboxUsersTest, ReservationsHeldAtOnceAreDisjoint) {
  SandboxUserReservation first = Reserve(2);
  SandboxUserReservation second = Reserve(3);
  ASSERT_EQ(first.size(), 2);
  ASSERT_EQ(second.size(), 3);
  for (int i = 0; i < first.size(); ++i)
    for (int j = 0; j < second.size(); ++j)
      EXPECT_NE(first.slot(i).student, second.slot(j).student);
  EXPECT_EQ(first.reference_group(), first.slot(0).reference);
}

// Another process holding slots is seen: its slots are skipped while it lives, free once it is
// gone, however it ended.
TEST_F(SandboxUsersTest, AnotherProcesssSlotsAreFreeOnceItIsGone) {
  int ready[2], done[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(done), 0);
  const pid_t holder = ::fork();
  if (holder == 0) {
    ::close(ready[0]);
    ::close(done[1]);
    auto held = SandboxUserReservation::Reserve(1, locks_);
    char byte = std::holds_alternative<SandboxUserReservation>(held) ? 'y' : 'n';
    (void)!::write(ready[1], &byte, 1);
    (void)!::read(done[0], &byte, 1);  // until the test closes its end
    ::_exit(0);                        // no destructor: the kernel lets go of the lock
  }
  ::close(ready[1]);
  ::close(done[0]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, 'y');
  EXPECT_EQ(Reserve(1).slot(0).student, UsersOfSlot(1).student);
  ::close(done[1]);
  ASSERT_EQ(::waitpid(holder, nullptr, 0), holder);
  EXPECT_EQ(Reserve(1).slot(0).student, UsersOfSlot(0).student);
}

// A lock folder that is not the grader's own is refused rather than trusted.
TEST_F(SandboxUsersTest, RefusesALockFolderThatIsALink) {
  fs::create_directories(locks_.parent_path() / "elsewhere");
  fs::create_directory_symlink(locks_.parent_path() / "elsewhere", locks_);
  auto reserved = SandboxUserReservation::Reserve(1, locks_);
  ASSERT_TRUE(std::holds_alternative<std::string>(reserved));
  EXPECT_NE(std::get<std::string>(reserved).find("is not a folder of this user's"),
            std::string::npos);
}

}  // namespace
}  // namespace labgrade
