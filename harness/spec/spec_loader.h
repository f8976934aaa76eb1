// Loading a lab's lab.yaml into the typed LabSpec (lab_spec.h), checking it as it goes: the
// schema (labs/README.md), the types, and what must hold between the parts (steps name programs
// and instances that exist, files exist in the lab folder, points add up to 100, ...).
//
// Every problem is a SpecError pointing at file:line:col; the loader reports as many as it
// reasonably can in one go and never throws.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "harness/spec/lab_spec.h"
#include "harness/spec/spec_error.h"
#include "harness/spec/spec_reader.h"

namespace labgrade {

/// The outcome of loading: `spec` is set exactly when `errors` is empty.
struct SpecLoad {
  std::optional<LabSpec> spec;
  std::vector<SpecError> errors;  ///< in the order found, which is mostly document order
};

/// Loads `<dir>/lab.yaml` when given a directory, else the given YAML file; the lab folder is
/// the file's folder. Marks name the file as given.
SpecLoad LoadLabSpec(const std::filesystem::path& lab_dir_or_yaml_file);

/// Loads `yaml` as if read from `pretend_file` (the name errors show). Lab files the spec names
/// (stdin files, same_as_file, submission.provided) and the reference folder are looked up
/// under `lab_dir`, so tests can point it at a temporary folder. LabSpec::lab_dir is `lab_dir`
/// made absolute.
SpecLoad LoadLabSpecFromString(std::string_view yaml, const std::filesystem::path& pretend_file,
                               const std::filesystem::path& lab_dir);

/// What ReadTestList found.
struct TestListRead {
  std::vector<TestSpec> tests;  ///< the tests read without errors, in order
  std::int64_t points_sum = 0;
  bool points_complete = true;  ///< false when some test's points could not be read
};

/// Reads `list` as a `tests:` list of lab.yaml against `lab`'s programs, with the lab files the
/// tests name looked up under `files_dir`; problems go to `list`'s sink. For instructors'
/// overlays (spec_overlay.h), which add tests to a loaded lab. Names are checked for
/// duplicates within the list only; points are not checked.
TestListRead ReadTestList(const SpecNode& list, const LabSpec& lab,
                          const std::filesystem::path& files_dir);

}  // namespace labgrade
