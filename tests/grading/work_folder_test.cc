// Work folders: locked while their run lives, removed by the next run once it is gone.
#include "grading/work_folder.h"

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

namespace labgrade {
namespace {

namespace fs = std::filesystem;

class WorkFolderTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/var/tmp/labgrade-work-folder-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    parent_ = pattern;
  }
  void TearDown() override { fs::remove_all(parent_); }

  /// A work folder made by a child process that then dies without cleaning up, as a SIGKILLed
  /// run would.
  fs::path LeftByADeadRun() {
    int report[2];
    EXPECT_EQ(::pipe(report), 0);
    const pid_t child = ::fork();
    if (child == 0) {
      auto made = WorkFolder::Create(parent_);
      if (auto* folder = std::get_if<WorkFolder>(&made)) {
        std::ofstream(folder->path() / "build.log") << "half a build\n";
        const std::string path = folder->path().string();
        (void)!::write(report[1], path.data(), path.size());
      }
      ::_exit(0);  // no destructors, as after SIGKILL
    }
    ::close(report[1]);
    std::string path(4096, '\0');
    path.resize(
        static_cast<std::size_t>(std::max<ssize_t>(0, ::read(report[0], path.data(), 4096))));
    ::close(report[0]);
    ::waitpid(child, nullptr, 0);
    return path;
  }

  fs::path parent_;
};

// A live run's folder is kept, a dead run's is removed; folders without a lock (another tool's,
// or an older labgrade's) are left alone.
TEST_F(WorkFolderTest, TheNextRunRemovesOnlyDeadRunsFolders) {
  auto made = WorkFolder::Create(parent_);
  ASSERT_TRUE(std::holds_alternative<WorkFolder>(made)) << std::get<std::string>(made);
  const fs::path live = std::get<WorkFolder>(made).path();
  const fs::path dead = LeftByADeadRun();
  ASSERT_TRUE(fs::exists(dead / "build.log"));
  fs::create_directories(parent_ / "labgrade-not-a-run");
  EXPECT_EQ(RemoveStaleWorkFolders(parent_), std::vector<fs::path>{dead});
  EXPECT_TRUE(fs::exists(live));
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(parent_ / "labgrade-not-a-run"));
}

// A folder goes with its WorkFolder, unless kept (--keep-work-dir), and then no later run takes
// it for a dead one's.
TEST_F(WorkFolderTest, KeptFolderStays) {
  fs::path removed, kept;
  const std::size_t registered = RegisteredWorkFolders().size();
  {
    auto first = WorkFolder::Create(parent_);
    auto second = WorkFolder::Create(parent_);
    removed = std::get<WorkFolder>(first).path();
    kept = std::get<WorkFolder>(second).path();
    std::get<WorkFolder>(second).Keep();
    EXPECT_EQ(RegisteredWorkFolders().size(), registered + 1) << "the kept one is not removed";
  }
  EXPECT_FALSE(fs::exists(removed));
  EXPECT_TRUE(fs::exists(kept));
  EXPECT_TRUE(RemoveStaleWorkFolders(parent_).empty());
  EXPECT_TRUE(fs::exists(kept));
}

}  // namespace
}  // namespace labgrade
