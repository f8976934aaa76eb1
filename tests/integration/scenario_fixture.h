// A fixture that runs one test of a small lab through the real scenario runner, in a cell (or
// in host mode), on the programs of tests/programs: for the tests of steps and probes that need
// real processes.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "grading/grader.h"
#include "harness/scenario.h"
#include "harness/spec/spec_loader.h"
#include "tests/integration/grading_support.h"

namespace labgrade::testing {

inline const std::filesystem::path kTestPrograms = LABGRADE_TEST_PROGRAMS_DIR;

class ScenarioFixture : public ::testing::Test {
 protected:
  /// `lab_yaml`: the lab up to and including its `tests:` line.
  explicit ScenarioFixture(std::string_view lab_yaml) : lab_yaml_(lab_yaml) {}

  void SetUp() override {
    std::string pattern = "/var/tmp/scenario_test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  /// Runs the one test `test_yaml` (a tests: entry, 100 points), in a cell unless `host`.
  TestResult Run(std::string_view test_yaml, bool host = false) {
    const std::string yaml = lab_yaml_ + std::string(test_yaml);
    SpecLoad load = LoadLabSpecFromString(yaml, "scenario.yaml", root_);
    std::string errors;
    for (const SpecError& error : load.errors) errors += error.Format();
    EXPECT_TRUE(load.spec) << errors;
    if (!load.spec) return {};
    lab_ = std::move(*load.spec);
    ScenarioEnvironment env;
    env.lab = &lab_;
    env.student_build_dir = kTestPrograms;
    env.reference_build_dir = kTestPrograms;
    env.test_dir = root_ / fmt::format("test-{}", ++runs_);
    env.host = host ? nullptr : &*Namespaces().host;
    env.cell_init = Namespaces().cell_init;
    return RunScenario(lab_.tests.at(0), env);
  }

  static bool HaveCells() { return Namespaces().mode == IsolationMode::kNamespaces; }

  /// "what: rationale" of every check that did not pass.
  static std::vector<std::string> Failures(const TestResult& result) {
    std::vector<std::string> failures;
    for (const CheckResult& check : result.checks)
      if (check.outcome != Outcome::kPass) failures.push_back(check.what + ": " + check.rationale);
    return failures;
  }

  static std::string Describe(const TestResult& result) {
    std::string text = result.grader_error;
    for (const std::string& failure : Failures(result)) text += "\n" + failure;
    return text;
  }

  std::filesystem::path root_;
  LabSpec lab_;
  int runs_ = 0;

 private:
  std::string lab_yaml_;
};

}  // namespace labgrade::testing
