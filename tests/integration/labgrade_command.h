// Running the real labgrade binary from an integration test, with stdout and stderr on pipes as
// in a CI log, and reading back the files it wrote.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/process/program_run.h"

namespace labgrade::testing {

inline const std::filesystem::path kLabgradeBinary =
    std::filesystem::path(LABGRADE_BINARY_DIR) / "labgrade";

/// How a labgrade run ended: its exit status (128 + N when killed by signal N) and its output.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `executable` with `args` in the source tree, without colour, as `as_user` when given,
/// with `extra_environment` ("NAME=value") added to a minimal PATH. A launch failure fails the
/// test.
inline CommandResult RunProgram(const std::filesystem::path& executable,
                                std::vector<std::string> args,
                                std::optional<uid_t> as_user = std::nullopt,
                                std::vector<std::string> extra_environment = {}) {
  LaunchSpec spec;
  spec.executable = executable;
  spec.args = std::move(args);
  spec.working_dir = LABGRADE_SOURCE_DIR;
  spec.environment = {"PATH=/usr/bin:/bin", "NO_COLOR=1"};
  spec.environment.insert(spec.environment.end(), extra_environment.begin(),
                          extra_environment.end());
  spec.sandbox.uid = as_user;
  spec.sandbox.gid = as_user;
  // Ten minutes bounds a whole class on a loaded machine; reaching it fails the caller's checks.
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{600'000, 16 << 20, 1'000});
  if (auto* error = std::get_if<LaunchError>(&started)) {
    ADD_FAILURE() << error->message;
    return {};
  }
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  run->WaitUntilFinished(Clock::time_point::max());
  const ProgramEnd& end = run->end();
  return {end.exited ? end.exit_code : 128 + end.term_signal, end.out.bytes, end.err.bytes};
}

/// RunProgram of labgrade.
inline CommandResult RunLabgrade(std::vector<std::string> args,
                                 std::optional<uid_t> as_user = std::nullopt,
                                 std::vector<std::string> extra_environment = {}) {
  return RunProgram(kLabgradeBinary, std::move(args), as_user, std::move(extra_environment));
}

/// The bytes of a file; empty when it cannot be read.
inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace labgrade::testing
