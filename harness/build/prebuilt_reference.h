// A reference of prebuilt executables (`reference: { prebuilt: DIR }` in lab.yaml, as in a lab
// bundle): the reference's programs, already built, stand where a build would have put them, so
// grading needs neither the reference's sources nor its build. They must be able to run here.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/probes/elf_platform.h"
#include "harness/process/sandbox_identity.h"
#include "harness/spec/lab_spec.h"
#include "harness/verdict.h"

namespace labgrade {

/// The executables every program of `lab` runs, relative to a build folder, sorted, once each.
std::vector<std::string> ProgramExecutables(const LabSpec& lab);

/// Why the prebuilt reference of `lab` cannot be graded with on `offer`: a program's executable
/// missing from the folder, or one that cannot run here (harness/elf_platform.h), named with
/// the program; nullopt when every one can, or when the reference is built from sources.
std::optional<std::string> PrebuiltReferenceProblem(const LabSpec& lab, const MachineOffer& offer);

/// Copies the prebuilt reference into `build_dir` (which must not exist yet) as a build of it
/// would have left it, owned by `identity`. A BuildResult with `command` "(prebuilt reference)";
/// a file that cannot be copied is a grader error. Never throws.
BuildResult CopyPrebuiltReference(const LabSpec& lab, const std::filesystem::path& build_dir,
                                  const SandboxIdentity& identity);

}  // namespace labgrade
