// Tests for the build cache through BuildSubmission, as the grader uses it: a build of the same
// files is reused, any change to what determines the build is a miss, failed builds come back
// with their log, broken entries are rebuilt, and parallel graders never corrupt an entry.
#include "harness/build/build_cache.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness/build/submission_build.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

class BuildCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/var/tmp/build_cache_test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << "mkdtemp(" << pattern << ")";
    root_ = pattern;
    fs::create_directories(root_ / "lab");
    fs::create_directories(root_ / "submission");
    Write(root_ / "lab" / "provided.h", "#define SIZE 4\n");
    Write(root_ / "submission" / "hello.txt", "hello\n");
    lab_.name = "demo";
    lab_.lab_dir = root_ / "lab";
    lab_.required_files = {"hello.txt"};
    lab_.provided_files = {"provided.h"};
    // The second half leaves a trace outside the build folder each time the command runs.
    lab_.build_commands = {"cat hello.txt provided.h > built.txt && echo ran >> " +
                           (root_ / "runs").string()};
    lab_.build_timeout_ms = 30'000;
    OpenCache("toolchain 1");
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  static void Write(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }
  static std::string Read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }

  void OpenCache(const std::string& toolchain) {
    auto opened = BuildCache::Open(root_ / "cache", toolchain);
    ASSERT_TRUE(std::holds_alternative<BuildCache>(opened)) << std::get<std::string>(opened);
    cache_.emplace(std::get<BuildCache>(std::move(opened)));
  }

  /// Builds the submission into a new build folder `name`, through the cache.
  BuildResult Build(const std::string& name) {
    return BuildSubmission(lab_, {root_ / "submission", root_ / name, {}, &*cache_});
  }

  fs::path EntryDir() {
    std::string error;
    std::optional<std::string> key = cache_->KeyFor(lab_, root_ / "submission", &error);
    EXPECT_TRUE(key.has_value()) << error;
    return cache_->dir() / key.value_or("none");
  }

  /// The names in the cache folder, to see what entries and leftovers it holds.
  std::vector<std::string> CacheListing() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(cache_->dir()))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path root_;
  LabSpec lab_;
  std::optional<BuildCache> cache_;
};

// Building the same files again copies the earlier build instead of running the commands.
TEST_F(BuildCacheTest, SameFilesAreAHit) {
  const BuildResult first = Build("first");
  ASSERT_TRUE(first.ok) << first.log << first.grader_error;
  EXPECT_FALSE(first.from_cache);
  const BuildResult second = Build("second");
  EXPECT_TRUE(second.ok);
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(second.command, first.command);
  EXPECT_EQ(Read(root_ / "second" / "built.txt"), "hello\n#define SIZE 4\n");
  EXPECT_EQ(Read(root_ / "second" / "hello.txt"), "hello\n");
  EXPECT_EQ(Read(root_ / "runs"), "ran\n");
}

// A changed submission file is a miss, and the new build is what comes out.
TEST_F(BuildCacheTest, ChangedSourceIsAMiss) {
  ASSERT_TRUE(Build("first").ok);
  Write(root_ / "submission" / "hello.txt", "hello again\n");
  const BuildResult second = Build("second");
  EXPECT_TRUE(second.ok);
  EXPECT_FALSE(second.from_cache);
  EXPECT_EQ(Read(root_ / "second" / "built.txt"), "hello again\n#define SIZE 4\n");
}

// A file the submission adds beside the required ones is part of what is built.
TEST_F(BuildCacheTest, AddedSourceFileIsAMiss) {
  ASSERT_TRUE(Build("first").ok);
  Write(root_ / "submission" / "helper.h", "int helper(void);\n");
  EXPECT_FALSE(Build("second").from_cache);
}

// A build folder that is in the way is a miss that keeps the entry for later builds.
TEST_F(BuildCacheTest, BuildFolderInTheWayKeepsTheEntry) {
  ASSERT_TRUE(Build("first").ok);
  fs::create_directories(root_ / "in-the-way");
  EXPECT_FALSE(cache_->Restore(EntryDir().filename().string(), root_ / "in-the-way"));
  EXPECT_TRUE(Build("second").from_cache);
}

// A link to nothing in the submission does not keep it from being cached.
TEST_F(BuildCacheTest, DanglingLinkInTheSubmissionIsCached) {
  fs::create_symlink(root_ / "nowhere", root_ / "submission" / "dangling");
  ASSERT_TRUE(Build("first").ok);
  EXPECT_TRUE(Build("second").from_cache);
}

// A changed build command is a miss.
TEST_F(BuildCacheTest, ChangedBuildCommandIsAMiss) {
  ASSERT_TRUE(Build("first").ok);
  lab_.build_commands = {"cat provided.h hello.txt > built.txt"};
  const BuildResult second = Build("second");
  EXPECT_FALSE(second.from_cache);
  EXPECT_EQ(Read(root_ / "second" / "built.txt"), "#define SIZE 4\nhello\n");
}

// A changed lab-provided file is a miss.
TEST_F(BuildCacheTest, ChangedProvidedFileIsAMiss) {
  ASSERT_TRUE(Build("first").ok);
  Write(root_ / "lab" / "provided.h", "#define SIZE 8\n");
  EXPECT_FALSE(Build("second").from_cache);
}

// Another toolchain (a compiler upgrade) is a miss.
TEST_F(BuildCacheTest, ChangedToolchainIsAMiss) {
  ASSERT_TRUE(Build("first").ok);
  OpenCache("toolchain 2");
  EXPECT_FALSE(Build("second").from_cache);
}

// The submission's .git folder is not part of the key.
TEST_F(BuildCacheTest, GitFolderIsNotPartOfTheKey) {
  ASSERT_TRUE(Build("first").ok);
  fs::create_directories(root_ / "submission" / ".git");
  Write(root_ / "submission" / ".git" / "HEAD", "ref: refs/heads/main\n");
  EXPECT_TRUE(Build("second").from_cache);
}

// A failed build is cached: the second run reports the same command and log, still failed.
TEST_F(BuildCacheTest, FailedBuildIsCachedWithItsLog) {
  lab_.build_commands = {"true", "echo 'hello.txt:1: error: expected a program' >&2; exit 2"};
  const BuildResult first = Build("first");
  ASSERT_FALSE(first.ok);
  ASSERT_TRUE(first.grader_error.empty()) << first.grader_error;
  const BuildResult second = Build("second");
  EXPECT_TRUE(second.from_cache);
  EXPECT_FALSE(second.ok);
  EXPECT_EQ(second.command, "echo 'hello.txt:1: error: expected a program' >&2; exit 2");
  EXPECT_EQ(second.log, first.log);
  EXPECT_EQ(second.log,
            "hello.txt:1: error: expected a program\n\nThe command failed (exit status 2).\n");
}

// A build stopped at its time limit is not cached: on a less loaded machine it may finish.
TEST_F(BuildCacheTest, TimedOutBuildIsNotCached) {
  lab_.build_timeout_ms = 1'000;
  lab_.build_commands = {"while :; do :; done"};
  const BuildResult first = Build("first");
  ASSERT_FALSE(first.ok);
  EXPECT_FALSE(fs::exists(EntryDir()));
  EXPECT_FALSE(Build("second").from_cache);
}

// A build stopped at its time limit says so on the log's first line: reports cut a long log,
// and its end would be lost.
TEST_F(BuildCacheTest, TimedOutBuildSaysSoFirst) {
  lab_.build_timeout_ms = 1'000;
  lab_.build_commands = {"seq 5000; while :; do :; done"};
  const BuildResult build = Build("first");
  ASSERT_FALSE(build.ok);
  EXPECT_EQ(build.log.rfind("The build took longer than 1 s ", 0), 0u) << build.log.substr(0, 200);
  EXPECT_NE(build.log.find("and was stopped.\n\n1\n2\n"), std::string::npos)
      << build.log.substr(0, 200);
}

// An entry whose file was cut short is ignored, rebuilt, and good again afterwards.
TEST_F(BuildCacheTest, TruncatedEntryIsRebuilt) {
  ASSERT_TRUE(Build("first").ok);
  Write(EntryDir() / "files" / "built.txt", "hel");
  const BuildResult second = Build("second");
  EXPECT_TRUE(second.ok);
  EXPECT_FALSE(second.from_cache);
  EXPECT_EQ(Read(root_ / "second" / "built.txt"), "hello\n#define SIZE 4\n");
  const BuildResult third = Build("third");
  EXPECT_TRUE(third.from_cache);
  EXPECT_EQ(Read(root_ / "third" / "built.txt"), "hello\n#define SIZE 4\n");
}

// An entry without its manifest (a folder left half made) is ignored and rebuilt.
TEST_F(BuildCacheTest, EntryWithoutManifestIsRebuilt) {
  ASSERT_TRUE(Build("first").ok);
  fs::remove(EntryDir() / "manifest.txt");
  EXPECT_FALSE(Build("second").from_cache);
  EXPECT_TRUE(Build("third").from_cache);
}

// Graders building the same files at once all succeed and leave exactly one whole entry.
TEST_F(BuildCacheTest, ParallelWritersLeaveOneWholeEntry) {
  constexpr int kWriters = 8;
  std::vector<BuildResult> results(kWriters);
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] { results[i] = Build("parallel-" + std::to_string(i)); });
  }
  for (std::thread& writer : writers) writer.join();
  for (int i = 0; i < kWriters; ++i) {
    EXPECT_TRUE(results[i].ok) << i << ": " << results[i].log << results[i].grader_error;
    EXPECT_EQ(Read(root_ / ("parallel-" + std::to_string(i)) / "built.txt"),
              "hello\n#define SIZE 4\n");
  }
  EXPECT_EQ(CacheListing(), std::vector<std::string>{EntryDir().filename().string()});
  const BuildResult after = Build("after");
  EXPECT_TRUE(after.from_cache);
  EXPECT_EQ(Read(root_ / "after" / "built.txt"), "hello\n#define SIZE 4\n");
}

// A symbolic link the build made is kept as a link, never read through into the cache.
TEST_F(BuildCacheTest, SymbolicLinkIsKeptAsALink) {
  Write(root_ / "secret", "not for the cache\n");
  lab_.build_commands = {"ln -s " + (root_ / "secret").string() + " link"};
  ASSERT_TRUE(Build("first").ok);
  for (const auto& file : fs::recursive_directory_iterator(EntryDir())) {
    if (file.is_regular_file()) {
      EXPECT_EQ(Read(file.path()).find("not for the cache"), std::string::npos) << file.path();
    }
  }
  ASSERT_TRUE(Build("second").from_cache);
  EXPECT_EQ(fs::read_symlink(root_ / "second" / "link"), root_ / "secret");
}

// The cache folder is private to the grader.
TEST_F(BuildCacheTest, CacheFolderIsPrivate) {
  struct stat status {};
  ASSERT_EQ(::stat(cache_->dir().c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0700u);
}

// A cache folder that belongs to another user is refused: it could hold planted builds.
TEST_F(BuildCacheTest, FolderOfAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a folder to another user";
  const fs::path foreign = root_ / "foreign";
  fs::create_directories(foreign);
  ASSERT_EQ(::chown(foreign.c_str(), 65534, 65534), 0);
  auto opened = BuildCache::Open(foreign, "");
  ASSERT_TRUE(std::holds_alternative<std::string>(opened));
  EXPECT_EQ(std::get<std::string>(opened), "the build cache " + foreign.string() +
                                               " belongs to uid 65534, not to the grader (uid 0)");
}

}  // namespace
}  // namespace labgrade
