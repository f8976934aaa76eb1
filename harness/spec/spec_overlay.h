// Hidden tests: an instructor's overlay file adds tests to a loaded lab that the students' copy
// of the lab does not contain. Its schema (labs/README.md, "Hidden tests"):
//
//   lab: mmap          # the name of the lab it extends
//   tests:             # the same schema as lab.yaml's tests
//     - name: ...
//
// Every overlay test is hidden (Visibility::kHidden: Gradescope shows it once grades are
// published). The lab declares how many points its overlay brings (`hidden_points: N` in
// lab.yaml; its own tests then total 100 - N) and the overlay's tests must total exactly N, so
// the students' copy validates and grades on its own (out of 100 - N) and the combined lab totals
// 100. Lab files the overlay's tests name are looked up in the lab folder, as for lab.yaml.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "harness/spec/lab_spec.h"
#include "harness/spec/spec_error.h"

namespace labgrade {

/// Reads the overlay file `overlay_file` and appends its tests, hidden, to `lab`. Returns the
/// problems, each pointing at the overlay's file:line:col; `lab` is unchanged unless there are
/// none. A test name the lab already uses is a problem, as is `visibility: visible`.
std::vector<SpecError> ApplyTestOverlay(const std::filesystem::path& overlay_file, LabSpec& lab);

/// The same with the overlay's text given, read as if from `pretend_file`.
std::vector<SpecError> ApplyTestOverlayFromString(std::string_view yaml,
                                                  const std::filesystem::path& pretend_file,
                                                  LabSpec& lab);

}  // namespace labgrade
