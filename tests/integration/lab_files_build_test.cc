// The lab's own files in a build, through the real build, cells and checks: a provided folder
// is copied as a folder (its layout kept, the submission's copy replaced whole), and a build
// command compiles a lab source through {labdir}, quoted so that a lab folder whose path holds
// a space, quotes and a command substitution builds as any other. A correct program gets full
// marks; a wrong one loses the points.
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "grading/grader.h"
#include "tests/integration/grading_support.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

using testing::Describe;
using testing::LoadLabAt;
using testing::Namespaces;

constexpr std::string_view kLabYaml = R"(name: lab-files
title: Lab files in the build
reference: ../reference
submission:
  required: [hello.c]
  provided: [unplib/]
build:
  commands:
    - cc -std=gnu11 -Wall -Wextra -I. -o hello hello.c {labdir}/src/greet.c
programs:
  hello: {}
tests:
  - name: greets
    description: Greets the world
    points: 100
    steps:
      - run: hello
    checks:
      - exit: { instance: hello, code: 0 }
      - stdout: { instance: hello, equals: "hello, world\n" }
)";

/// Needs unplib/unp.h (greet) and unplib/sub/who.h (WHO) of the lab's folder.
constexpr std::string_view kCorrectHello = R"(#include "unplib/sub/who.h"
#include "unplib/unp.h"

int main(void) {
    greet(WHO);
    return 0;
}
)";

class LabFilesBuild : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/var/tmp/lab_files_build_test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    // The build runs as a sandbox user, who must be able to read the lab folder.
    ASSERT_EQ(::chmod(root_.c_str(), 0755), 0);
    // Unquoted, the space would split the path and $(false) would vanish: the build would fail.
    lab_dir_ = root_ / "lab 'one' $(false)";
    Write(lab_dir_ / "lab.yaml", kLabYaml);
    Write(lab_dir_ / "unplib" / "unp.h", "void greet(const char *who);\n");
    Write(lab_dir_ / "unplib" / "sub" / "who.h", "#define WHO \"world\"\n");
    Write(lab_dir_ / "src" / "greet.c",
          "#include <stdio.h>\nvoid greet(const char *who) { printf(\"hello, %s\\n\", who); }\n");
    Write(root_ / "reference" / "hello.c", kCorrectHello);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  static void Write(const fs::path& path, std::string_view text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }

  /// Grades the submission folder `name` under the test's root.
  GradeReport Grade(const std::string& name) {
    const LabSpec lab = LoadLabAt(lab_dir_);
    GradeOptions options;
    options.submission_dir = root_ / name;
    return GradeSubmission(lab, options, Namespaces());
  }

  fs::path root_;
  fs::path lab_dir_;
};

// The reference builds with the provided folder's headers and the lab's source: full marks.
TEST_F(LabFilesBuild, ACorrectProgramGetsFullMarks) {
  const GradeReport report = Grade("reference");
  EXPECT_TRUE(report.build.ok) << report.build.log;
  EXPECT_EQ(report.score, 100) << Describe(report);
}

// A submission's own folder of that name is replaced whole by the lab's: its header that
// changes WHO is gone, and the program greets the world all the same.
TEST_F(LabFilesBuild, TheLabsFolderReplacesTheSubmissions) {
  Write(root_ / "own-unplib" / "hello.c", kCorrectHello);
  Write(root_ / "own-unplib" / "unplib" / "sub" / "who.h", "#define WHO \"me\"\n");
  Write(root_ / "own-unplib" / "unplib" / "unp.h", "void greet(const char *who);\n");
  const GradeReport report = Grade("own-unplib");
  EXPECT_TRUE(report.build.ok) << report.build.log;
  EXPECT_EQ(report.score, 100) << Describe(report);
}

// A program that greets someone else builds, and loses the test's points.
TEST_F(LabFilesBuild, AWrongProgramLosesThePoints) {
  Write(root_ / "wrong" / "hello.c",
        "#include \"unplib/unp.h\"\nint main(void) { greet(\"everyone\"); return 0; }\n");
  const GradeReport report = Grade("wrong");
  EXPECT_TRUE(report.build.ok) << report.build.log;
  EXPECT_EQ(report.score, 0) << Describe(report);
  EXPECT_EQ(testing::FailedTests(report), std::set<std::string>{"greets"});
}

}  // namespace
}  // namespace labgrade
