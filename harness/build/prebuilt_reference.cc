#include "harness/build/prebuilt_reference.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/build/submission_build.h"

namespace labgrade {

namespace fs = std::filesystem;

std::vector<std::string> ProgramExecutables(const LabSpec& lab) {
  std::vector<std::string> executables;
  for (const auto& [name, program] : lab.programs) executables.push_back(program.executable);
  std::sort(executables.begin(), executables.end());
  executables.erase(std::unique(executables.begin(), executables.end()), executables.end());
  return executables;
}

std::optional<std::string> PrebuiltReferenceProblem(const LabSpec& lab, const MachineOffer& offer) {
  if (!lab.reference_prebuilt) return std::nullopt;
  for (const std::string& executable : ProgramExecutables(lab)) {
    const fs::path path = lab.reference_dir / executable;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
      return fmt::format("the prebuilt reference has no executable {} (looked for {})", executable,
                         path.string());
    auto needs = ReadElfNeeds(path);
    if (auto* unreadable = std::get_if<std::string>(&needs))
      return fmt::format("the prebuilt reference's {} cannot be read: {}", executable, *unreadable);
    if (auto why = WhyItCannotRun(std::get<ElfNeeds>(needs), offer))
      return fmt::format("the prebuilt reference's {} {}", executable, *why);
  }
  return std::nullopt;
}

BuildResult CopyPrebuiltReference(const LabSpec& lab, const fs::path& build_dir,
                                  const SandboxIdentity& identity) {
  // A build with no commands is exactly a copy: the folder's files, owned by `identity`, each
  // executable required to be there.
  LabSpec copy_only;
  copy_only.name = lab.name;
  copy_only.lab_dir = lab.lab_dir;
  copy_only.required_files = ProgramExecutables(lab);
  BuildResult result =
      BuildSubmission(copy_only, {lab.reference_dir, build_dir, identity, nullptr});
  if (!result.ok && result.grader_error.empty()) result.grader_error = std::move(result.log);
  result.log.clear();
  result.command = "(prebuilt reference)";
  return result;
}

}  // namespace labgrade
