// Tests for Gradescope's autograder.zip: the two scripts say what they install and grade with,
// the zip holds them executable beside the package and the bundle, and the tests host mode
// skips are those with network conditions or fixed keys and ports. Running it in a
// Gradescope-shaped root: tests/deploy/clean_root_test.sh.
#include "grading/gradescope_autograder.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "harness/spec/spec_loader.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

// setup.sh installs the package from the zip's folder with apt-get and validates the bundle,
// so that an image it does not fit fails when it is built.
TEST(GradescopeSetupScript, InstallsThePackageAndValidatesTheBundle) {
  const std::string script =
      GradescopeSetupScript("labgrade_0.1.0-1~ubuntu24.04_amd64.deb", "shm-xfer.tar.gz");
  EXPECT_EQ(script.rfind("#!/usr/bin/env bash\n", 0), 0u);
  EXPECT_NE(script.find("cd /autograder/source\n"), std::string::npos);
  EXPECT_NE(script.find("apt-get install -y -qq --no-install-recommends "
                        "./labgrade_0.1.0-1~ubuntu24.04_amd64.deb"),
            std::string::npos);
  EXPECT_NE(script.find("labgrade validate /autograder/source/shm-xfer.tar.gz\n"),
            std::string::npos);
}

// run_autograder grades /autograder/submission into /autograder/results/results.json, and its
// exit status says only whether that file was written.
TEST(GradescopeRunAutograderScript, GradesTheSubmissionIntoResultsJson) {
  const std::string script = GradescopeRunAutograderScript("shm-xfer.tar.gz");
  EXPECT_EQ(script.rfind("#!/bin/sh\n", 0), 0u);
  EXPECT_NE(script.find("labgrade check /autograder/source/shm-xfer.tar.gz --submission "
                        "/autograder/submission \\\n  --results /autograder/results/results.json"),
            std::string::npos);
  EXPECT_TRUE(script.ends_with("\ntest -s /autograder/results/results.json\n")) << script;
}

// Only a test with network conditions needs what host mode lacks.
TEST(TestsSkippedInHostMode, AreThoseWithNetworkConditions) {
  LabSpec lab;
  lab.tests.resize(3);
  lab.tests[0].name = "plain";
  lab.tests[1].name = "lossy";
  lab.tests[1].network = NetworkConditions{5};
  lab.tests[2].name = "also-plain";
  const std::vector<const TestSpec*> skipped = TestsSkippedInHostMode(lab);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0]->name, "lossy");
}

// A test whose steps fix a System V key or a port cannot run in host mode either.
TEST(TestsSkippedInHostMode, AreThoseWithFixedKeysOrPorts) {
  const fs::path dir = fs::temp_directory_path() / ("labgrade_fixed_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const SpecLoad load = LoadLabSpecFromString(R"(name: fixed
title: Fixed
reference: .
submission: { required: [a.c] }
build: { commands: ["true"] }
programs: { a: {} }
tests:
  - { name: plain, description: P, points: 40, steps: [{ run: a }] }
  - { name: key, description: K, points: 30, steps: [{ create_sysv: { kind: semaphores, key: 0x5678 } }] }
  - { name: port, description: P, points: 30, steps: [{ start: a }, { wait_for_port: { instance: a, port: 9877 } }] }
)",
                                              dir / "lab.yaml", dir);
  fs::remove_all(dir);
  ASSERT_TRUE(load.spec) << (load.errors.empty() ? "" : load.errors[0].Format());
  const std::vector<const TestSpec*> skipped = TestsSkippedInHostMode(*load.spec);
  ASSERT_EQ(skipped.size(), 2u);
  EXPECT_EQ(skipped[0]->name, "key");
  EXPECT_EQ(skipped[1]->name, "port");
}

// A Debian package starts as an ar archive whose first member is debian-binary; anything else
// is named as not one.
TEST(DebianPackageProblem, KnowsADebianPackage) {
  const fs::path dir = fs::temp_directory_path() / ("labgrade_deb_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "good.deb") << "!<arch>\ndebian-binary   0           0     0     100644  4";
  std::ofstream(dir / "bad.deb") << "PK\x03\x04";
  EXPECT_EQ(DebianPackageProblem(dir / "good.deb"), std::nullopt);
  EXPECT_EQ(DebianPackageProblem(dir / "bad.deb"),
            (dir / "bad.deb").string() +
                " is not a Debian package (an ar archive starting with debian-binary)");
  EXPECT_EQ(DebianPackageProblem(dir / "none.deb"), "cannot read " + (dir / "none.deb").string());
  fs::remove_all(dir);
}

// A package that cannot be read is named; nothing is written.
TEST(WriteGradescopeAutograder, NamesAPackageItCannotRead) {
  const fs::path out = fs::temp_directory_path() / ("labgrade_gs_" + std::to_string(::getpid()));
  EXPECT_EQ(WriteGradescopeAutograder({"/nonexistent/labgrade.deb", "/nonexistent/x.tar.gz", out}),
            "cannot read /nonexistent/labgrade.deb");
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace labgrade
