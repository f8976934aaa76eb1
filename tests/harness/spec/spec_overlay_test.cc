// Tests for instructors' overlays of hidden tests: the lab's hidden_points leave room for them,
// the overlay's tests are appended hidden, and every mistake points at the overlay's
// file:line:col with the line and a caret.
#include "harness/spec/spec_overlay.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "harness/spec/spec_loader.h"
#include "tests/harness/spec/throwaway_lab.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

// A lab whose own tests total 80, leaving 20 points for an overlay.
constexpr std::string_view kLabWithHiddenPoints = R"(name: demo
title: Demo lab
submission:
  required: [writer.c]
build:
  commands: ["cc -o writer writer.c"]
programs:
  writer: {}
hidden_points: 20
tests:
  - name: echo
    description: Echoes its input
    points: 80
    steps:
      - run: writer
        stdin: { text: "hi\n" }
    checks:
      - stdout: { instance: writer, equals: "hi\n" }
)";

// A valid overlay for kLabWithHiddenPoints: two tests of 10 points, on lines 2 and 8.
constexpr std::string_view kOverlay = R"(lab: demo
tests:
  - name: long-input
    description: Echoes a long input
    points: 10
    steps:
      - run: writer
        stdin: { file: data/long.txt }
  - name: empty-input
    description: Echoes nothing
    points: 10
    hint: An empty input is no error.
    steps:
      - run: writer
)";

class SpecOverlayTest : public testing::ThrowawayLabTest {
 protected:
  void SetUp() override {
    ThrowawayLabTest::SetUp();
    WriteFile(lab_dir_ / "data" / "long.txt", "a long line\n");
  }

  /// kLabWithHiddenPoints with `overlay` applied: the errors, formatted as validate prints them.
  std::string ApplyToLab(std::string_view overlay, LabSpec* result = nullptr) const {
    SpecLoad load = LoadLab(kLabWithHiddenPoints);
    EXPECT_TRUE(load.errors.empty()) << load.errors.front().Format();
    if (!load.spec) return "no lab";
    std::string text;
    for (const SpecError& error : ApplyTestOverlayFromString(overlay, "hidden.yaml", *load.spec))
      text += error.Format();
    if (result != nullptr) *result = *load.spec;
    return text;
  }
};

// A lab with hidden_points loads on its own: its tests total 100 - hidden_points.
TEST_F(SpecOverlayTest, LabWithHiddenPointsLoadsWithoutItsOverlay) {
  SpecLoad load = LoadLab(kLabWithHiddenPoints);
  ASSERT_TRUE(load.errors.empty()) << load.errors.front().Format();
  EXPECT_EQ(load.spec->hidden_points, 20);
  EXPECT_EQ(load.spec->tests.size(), 1u);
}

// A lab whose tests still total 100 leaves no room for its hidden_points.
TEST_F(SpecOverlayTest, LabPointsMustLeaveRoomForHiddenPoints) {
  std::string yaml(kLabWithHiddenPoints);
  yaml.replace(yaml.find("points: 80"), 10, "points: 100");
  std::string report;
  for (const SpecError& error : LoadLab(yaml).errors) report += error.Format();
  EXPECT_EQ(report,
            "labs/demo/lab.yaml:10:1: error: tests: points add up to 100; they must add up to 80, "
            "100 less the 20 hidden_points an overlay adds\n"
            "  tests:\n"
            "  ^\n");
}

// hidden_points is a number of points out of 100.
TEST_F(SpecOverlayTest, HiddenPointsOutOfRangeIsRefused) {
  std::string yaml(kLabWithHiddenPoints);
  yaml.replace(yaml.find("hidden_points: 20"), 17, "hidden_points: 120");
  std::string report;
  for (const SpecError& error : LoadLab(yaml).errors) report += error.Format();
  // The points cannot be checked without it: the wrong number is the one error.
  EXPECT_EQ(report,
            "labs/demo/lab.yaml:9:16: error: hidden_points: must be between 0 and 100, got 120\n"
            "  hidden_points: 120\n"
            "                 ^\n");
}

// The overlay's tests come after the lab's, hidden, with what they say.
TEST_F(SpecOverlayTest, AppendsTheOverlaysTestsHidden) {
  LabSpec lab;
  ASSERT_EQ(ApplyToLab(kOverlay, &lab), "");
  ASSERT_EQ(lab.tests.size(), 3u);
  EXPECT_EQ(lab.tests[0].name, "echo");
  EXPECT_EQ(lab.tests[0].visibility, Visibility::kVisible);
  EXPECT_EQ(lab.tests[1].name, "long-input");
  EXPECT_EQ(lab.tests[1].visibility, Visibility::kHidden);
  EXPECT_EQ(lab.tests[1].points, 10);
  EXPECT_EQ(lab.tests[1].mark.file, "hidden.yaml");
  EXPECT_EQ(lab.tests[1].mark.line, 3);
  EXPECT_EQ(lab.tests[2].name, "empty-input");
  EXPECT_EQ(lab.tests[2].visibility, Visibility::kHidden);
  EXPECT_EQ(lab.tests[2].hint, "An empty input is no error.");
}

// An overlay test may say `visibility: hidden`, which it is anyway.
TEST_F(SpecOverlayTest, AcceptsVisibilityHidden) {
  std::string overlay(kOverlay);
  overlay.insert(overlay.find("    steps:"), "    visibility: hidden\n");
  LabSpec lab;
  EXPECT_EQ(ApplyToLab(overlay, &lab), "");
  EXPECT_EQ(lab.tests.size(), 3u);
}

// An overlay test cannot ask to be visible.
TEST_F(SpecOverlayTest, RefusesVisibilityVisible) {
  std::string overlay(kOverlay);
  overlay.insert(overlay.find("    steps:"), "    visibility: visible\n");
  EXPECT_EQ(ApplyToLab(overlay),
            "hidden.yaml:6:17: error: tests[0].visibility: an overlay's tests are always hidden; "
            "leave visibility out or write hidden\n"
            "      visibility: visible\n"
            "                  ^\n");
}

// A test name the lab uses already is refused, naming where the lab uses it.
TEST_F(SpecOverlayTest, RefusesANameTheLabUses) {
  std::string overlay(kOverlay);
  overlay.replace(overlay.find("empty-input"), 11, "echo");
  EXPECT_EQ(ApplyToLab(overlay),
            "hidden.yaml:9:11: error: tests[1].name: test name 'echo' is already used by the lab "
            "(labs/demo/lab.yaml:11)\n"
            "    - name: echo\n"
            "            ^\n");
}

// The overlay's points must be the lab's hidden_points.
TEST_F(SpecOverlayTest, PointsMustAddUpToHiddenPoints) {
  std::string overlay(kOverlay);
  overlay.replace(overlay.rfind("points: 10"), 10, "points: 5");
  EXPECT_EQ(ApplyToLab(overlay),
            "hidden.yaml:2:1: error: tests: points add up to 15; they must add up to 20, the "
            "hidden_points of labs/demo/lab.yaml\n"
            "  tests:\n"
            "  ^\n");
}

// A lab without hidden_points takes no overlay with points, and the error says what to change.
TEST_F(SpecOverlayTest, LabWithoutHiddenPointsSaysHowToMakeRoom) {
  std::string yaml(kLabWithHiddenPoints);
  yaml.erase(yaml.find("hidden_points: 20\n"), 18);
  yaml.replace(yaml.find("points: 80"), 10, "points: 100");
  SpecLoad load = LoadLab(yaml);
  ASSERT_TRUE(load.errors.empty()) << load.errors.front().Format();
  std::string report;
  for (const SpecError& error : ApplyTestOverlayFromString(kOverlay, "hidden.yaml", *load.spec))
    report += error.Format();
  EXPECT_EQ(report,
            "hidden.yaml:2:1: error: tests: points add up to 20, but the lab sets no "
            "hidden_points: add 'hidden_points: 20' to labs/demo/lab.yaml and take 20 points off "
            "its tests\n"
            "  tests:\n"
            "  ^\n");
  EXPECT_EQ(load.spec->tests.size(), 1u);
}

// An overlay names the lab it extends; another lab's overlay is refused.
TEST_F(SpecOverlayTest, RefusesAnotherLabsOverlay) {
  std::string overlay(kOverlay);
  overlay.replace(0, 9, "lab: mmap");
  EXPECT_EQ(ApplyToLab(overlay),
            "hidden.yaml:1:6: error: lab: this overlay is for lab 'mmap', not 'demo'\n"
            "  lab: mmap\n"
            "       ^\n");
}

// A mistake inside an overlay test points at the overlay, and the lab keeps its own tests.
TEST_F(SpecOverlayTest, TestErrorsPointAtTheOverlay) {
  std::string overlay(kOverlay);
  overlay.replace(overlay.find("run: writer"), 11, "run: writre");
  LabSpec lab;
  EXPECT_EQ(ApplyToLab(overlay, &lab),
            "hidden.yaml:7:14: error: tests[0].steps[0].run: no program 'writre' is defined (did "
            "you mean 'writer'?)\n"
            "        - run: writre\n"
            "               ^\n");
  EXPECT_EQ(lab.tests.size(), 1u);
}

// A lab file an overlay test names is looked up in the lab folder, like lab.yaml's.
TEST_F(SpecOverlayTest, LabFilesAreLookedUpInTheLabFolder) {
  std::string overlay(kOverlay);
  overlay.replace(overlay.find("data/long.txt"), 13, "data/hidden.txt");
  EXPECT_EQ(ApplyToLab(overlay),
            "hidden.yaml:8:24: error: tests[0].steps[0].stdin.file: 'data/hidden.txt' is not a "
            "file in the lab folder\n"
            "          stdin: { file: data/hidden.txt }\n"
            "                         ^\n");
}

// Keys other than lab and tests are refused.
TEST_F(SpecOverlayTest, RefusesUnknownKeys) {
  EXPECT_EQ(ApplyToLab(std::string(kOverlay) + "programs: {}\n"),
            "hidden.yaml:15:1: error: unknown key 'programs' (expected one of: lab, tests)\n"
            "  programs: {}\n"
            "  ^\n");
}

// An overlay file that cannot be read says so, naming it.
TEST_F(SpecOverlayTest, UnreadableOverlayNamesTheFile) {
  SpecLoad load = LoadLab(kLabWithHiddenPoints);
  ASSERT_TRUE(load.spec.has_value());
  const std::vector<SpecError> errors = ApplyTestOverlay(root_ / "missing.yaml", *load.spec);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].Format(),
            (root_ / "missing.yaml").string() +
                ": error: cannot read the overlay: No such file or directory\n");
}

}  // namespace
}  // namespace labgrade
