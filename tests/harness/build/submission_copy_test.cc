// Copying a submission: links that stay inside are kept, links out are the student's problem,
// links to nothing are left out, hard links become copies, and nothing is ever written outside
// the new build folder.
#include "harness/build/submission_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace labgrade {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class SubmissionCopyTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/var/tmp/labgrade-copy-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    fs::create_directories(from());
    // Outside the submission, where a hostile link would lead: it must stay as it is.
    std::ofstream(root_ / "outside.txt") << "not the student's\n";
    std::ofstream(from() / "writer.c") << "int main(void) { return 0; }\n";
  }
  void TearDown() override {
    // rm -rf: std::filesystem cannot remove what is deeper than PATH_MAX.
    const std::string command = "rm -rf " + root_.string();
    EXPECT_EQ(std::system(command.c_str()), 0);
  }

  fs::path from() const { return root_ / "submission"; }
  fs::path to() const { return root_ / "build"; }

  std::optional<CopyProblem> Copy() { return CopySubmissionTree(from(), to(), &notes_); }

  /// Everything under root_ but the submission and the build, with contents: nothing outside
  /// may change.
  std::string Outside() {
    std::string listing;
    for (const auto& entry : fs::recursive_directory_iterator(root_)) {
      const fs::path relative = entry.path().lexically_relative(root_);
      const std::string top = relative.begin()->string();
      if (top == "submission" || top == "build") continue;
      listing +=
          relative.string() + ":" + (entry.is_regular_file() ? Read(entry.path()) : "") + ";";
    }
    return listing;
  }

  fs::path root_;
  std::vector<std::string> notes_;
};

// Files and folders arrive with their bytes and execute bits; .git stays behind.
TEST_F(SubmissionCopyTest, CopiesFilesAndFolders) {
  fs::create_directories(from() / "lib" / ".git");
  std::ofstream(from() / "lib" / "util.c") << "util\n";
  std::ofstream(from() / "lib" / ".git" / "HEAD") << "ref\n";
  std::ofstream(from() / "run.sh") << "#!/bin/sh\n";
  fs::permissions(from() / "run.sh", fs::perms::owner_exec, fs::perm_options::add);
  ASSERT_EQ(Copy(), std::nullopt);
  EXPECT_EQ(Read(to() / "lib" / "util.c"), "util\n");
  EXPECT_FALSE(fs::exists(to() / "lib" / ".git"));
  EXPECT_NE(fs::status(to() / "run.sh").permissions() & fs::perms::owner_exec, fs::perms::none);
}

// A relative link to another file of the submission is kept as that link.
TEST_F(SubmissionCopyTest, KeepsALinkInsideTheSubmission) {
  fs::create_symlink("writer.c", from() / "reader.c");
  fs::create_directories(from() / "src");
  fs::create_directory_symlink("src", from() / "sources");
  ASSERT_EQ(Copy(), std::nullopt);
  EXPECT_EQ(fs::read_symlink(to() / "reader.c"), "writer.c");
  EXPECT_EQ(Read(to() / "reader.c"), "int main(void) { return 0; }\n");
  EXPECT_EQ(fs::read_symlink(to() / "sources"), "src");
}

// An absolute link out of the submission is the student's problem, worded with what to do, and
// nothing outside is read into the build or written.
TEST_F(SubmissionCopyTest, RefusesAnAbsoluteLinkOut) {
  fs::create_symlink(root_ / "outside.txt", from() / "notes.txt");
  const std::string before = Outside();
  const std::optional<CopyProblem> problem = Copy();
  ASSERT_TRUE(problem.has_value());
  EXPECT_TRUE(problem->students);
  EXPECT_EQ(problem->message, "notes.txt is a link to " + (root_ / "outside.txt").string() +
                                  ", outside your submission; put the file itself in the "
                                  "submission instead of a link");
  EXPECT_EQ(Outside(), before);
}

// A relative link that climbs out, directly or through a link to a folder, is refused too.
TEST_F(SubmissionCopyTest, RefusesRelativeAndFolderLinksOut) {
  fs::create_symlink("../outside.txt", from() / "climbs.txt");
  EXPECT_TRUE(Copy().has_value());
  fs::remove_all(to());
  fs::remove(from() / "climbs.txt");
  fs::create_directory_symlink("..", from() / "up");
  fs::create_symlink("up/outside.txt", from() / "through.txt");
  const std::string before = Outside();
  const std::optional<CopyProblem> problem = Copy();
  ASSERT_TRUE(problem.has_value());
  EXPECT_TRUE(problem->students);
  EXPECT_EQ(Outside(), before);
}

// A link to nothing, or to itself, is left out with a note: an editor's lock file is one.
TEST_F(SubmissionCopyTest, LeavesOutDanglingAndLoopingLinks) {
  fs::create_symlink("user@host.1234:1700000000", from() / ".#writer.c");
  fs::create_symlink("loop", from() / "loop");
  ASSERT_EQ(Copy(), std::nullopt);
  EXPECT_FALSE(fs::exists(fs::symlink_status(to() / ".#writer.c")));
  EXPECT_FALSE(fs::exists(fs::symlink_status(to() / "loop")));
  EXPECT_EQ(notes_.size(), 2u);
  for (const std::string& note : notes_)
    EXPECT_NE(note.find("which does not exist: left out"), std::string::npos) << note;
}

// A hard link to a file outside becomes a copy of its bytes: writing the build never writes it.
TEST_F(SubmissionCopyTest, HardLinksBecomeCopies) {
  fs::create_hard_link(root_ / "outside.txt", from() / "hard.txt");
  ASSERT_EQ(Copy(), std::nullopt);
  std::ofstream(to() / "hard.txt") << "overwritten in the build\n";
  EXPECT_EQ(Read(root_ / "outside.txt"), "not the student's\n");
  struct stat copied {};
  ASSERT_EQ(::stat((to() / "hard.txt").c_str(), &copied), 0);
  EXPECT_EQ(copied.st_nlink, 1u);
}

// Folders nested past the limit are the student's problem, not a crash of the grader.
TEST_F(SubmissionCopyTest, DeepFoldersAreTheStudentsProblem) {
  // Made folder by folder: the whole path is far longer than PATH_MAX.
  int folder = ::open(from().c_str(), O_RDONLY | O_DIRECTORY);
  for (int i = 0; i < 1500 && folder >= 0; ++i) {
    ASSERT_EQ(::mkdirat(folder, "d", 0755), 0);
    const int inner = ::openat(folder, "d", O_RDONLY | O_DIRECTORY);
    ::close(folder);
    folder = inner;
  }
  ::close(folder);
  const std::optional<CopyProblem> problem = Copy();
  ASSERT_TRUE(problem.has_value());
  EXPECT_TRUE(problem->students);
  EXPECT_NE(problem->message.find("folders deep"), std::string::npos) << problem->message;
}

// A file the grader cannot read (an ordinary user's grader, the student's chmod 000) is the
// student's problem, with the remedy.
TEST_F(SubmissionCopyTest, UnreadableFileIsTheStudentsProblem) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to copy as another user";
  fs::permissions(from() / "writer.c", fs::perms::none);
  fs::permissions(root_, fs::perms::all);
  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    std::vector<std::string> notes;
    auto problem = CopySubmissionTree(from(), root_ / "build-as-nobody", &notes);
    const std::string message =
        problem ? (problem->students ? "student: " : "grader: ") + problem->message : "copied";
    (void)!::write(report[1], message.data(), message.size());
    ::_exit(0);
  }
  ::close(report[1]);
  std::string message(512, '\0');
  message.resize(
      static_cast<std::size_t>(std::max<ssize_t>(0, ::read(report[0], message.data(), 512))));
  ::waitpid(child, nullptr, 0);
  EXPECT_EQ(message,
            "student: cannot read writer.c: Permission denied (make it readable: chmod a+r)");
}

// The lab's provided file replaces what the submission has under its name, a link included,
// without writing through the link.
TEST_F(SubmissionCopyTest, ProvidedFileReplacesALinkWithoutFollowingIt) {
  fs::create_symlink("writer.c", from() / "xfr.h");
  ASSERT_EQ(Copy(), std::nullopt);
  std::ofstream(root_ / "xfr.h") << "#define XFR 1\n";
  ASSERT_EQ(InstallProvidedFile(root_ / "xfr.h", to(), "xfr.h"), std::nullopt);
  EXPECT_FALSE(fs::is_symlink(to() / "xfr.h"));
  EXPECT_EQ(Read(to() / "xfr.h"), "#define XFR 1\n");
  EXPECT_EQ(Read(to() / "writer.c"), "int main(void) { return 0; }\n");
}

}  // namespace
}  // namespace labgrade
