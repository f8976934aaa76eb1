// Gradescope's autograder.zip for a lab (`labgrade gradescope`): setup.sh installs labgrade from
// the package in the zip, run_autograder grades /autograder/submission with the lab's bundle
// (grading/lab_bundle.h) into /autograder/results/results.json (grading/gradescope_results.h).
// Layout and contract: https://gradescope-autograders.readthedocs.io/en/latest/specs/
//
// Gradescope's containers have no CAP_SYS_ADMIN and refuse namespaces, so labgrade grades there
// in host mode: tests one at a time, and a test with network conditions (`network:`) skipped.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// The tests of `lab` that host mode, and so Gradescope, cannot run: those with `network:`
/// (packet loss needs the test's own network namespace) and those whose steps fix a System V
/// key or a port (on a shared machine they would meet other programs' objects).
std::vector<const TestSpec*> TestsSkippedInHostMode(const LabSpec& lab);

/// setup.sh: run once, as root, when Gradescope builds the image. Installs `package_file` with
/// apt-get (which fetches gcc, binutils and the libraries it depends on) and validates
/// `bundle_file`, so that a package or bundle unfit for the image fails there, with a message,
/// rather than every submission later.
std::string GradescopeSetupScript(std::string_view package_file, std::string_view bundle_file);

/// run_autograder: run for every submission; grades it with `bundle_file` and exits 0 once
/// results.json is written (it holds the score, or the grader's error).
std::string GradescopeRunAutograderScript(std::string_view bundle_file);

/// Why `package` is not a Debian package (an ar archive whose first member is debian-binary),
/// or nullopt.
std::optional<std::string> DebianPackageProblem(const std::filesystem::path& package);

/// What goes into autograder.zip.
struct GradescopeAutograder {
  std::filesystem::path package;  ///< labgrade's .deb, for the image's distribution
  std::filesystem::path bundle;   ///< the lab's bundle
  std::filesystem::path out;      ///< the zip to write
};

/// Writes the zip: setup.sh and run_autograder (executable), the package and the bundle, all at
/// its root. An error names the file that could not be read or written.
std::optional<std::string> WriteGradescopeAutograder(const GradescopeAutograder& autograder);

}  // namespace labgrade
