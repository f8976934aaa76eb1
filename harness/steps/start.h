// `start: PROGRAM` and `run: PROGRAM`: starts one instance of a lab program (or, with
// `count:`, a group of them) and goes on, or runs it to completion.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Starts a program and goes on without waiting (`start:`), or runs it to completion (`run:`).
struct StartStep {
  std::string program;   ///< key in LabSpec::programs
  std::string instance;  ///< name later steps and checks use; defaults to `program`
  Role role = Role::kStudent;
  std::optional<std::vector<std::string>> argv;  ///< overrides the program's argv template
  StdinSource stdin_source;
  /// `stdin: { keep_open: true }`: the program's standard input stays open once its bytes are
  /// written, until a `close_stdin:` step (or the end of the test) closes it.
  bool keep_stdin_open = false;
  bool wait_for_exit = false;  ///< true for `run:`
  /// 0: one instance named `instance`. 1..100: a group of that many instances started at once,
  /// named "<instance>-1" .. "<instance>-<count>"; a step or check naming `instance` applies to
  /// each. With StdinRandom, member i gets the seed `seed + i`.
  int count = 0;
  SourceMark mark;
};

}  // namespace labgrade
