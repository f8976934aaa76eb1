// The deployment commands: see deploy_commands.h.
#include "grading/deploy_commands.h"

#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "grading/gradescope_autograder.h"
#include "grading/lab_bundle.h"
#include "grading/temporary_folder.h"

namespace labgrade {
namespace {

/// Why the file `--out` names cannot be written there: its folder does not exist, or "".
std::string OutFolderProblem(const std::string& out_file) {
  const std::filesystem::path folder =
      std::filesystem::absolute(std::filesystem::path(out_file)).parent_path();
  std::error_code ec;
  if (std::filesystem::is_directory(folder, ec)) return "";
  return fmt::format("--out {}: there is no folder {}", out_file, folder.string());
}

}  // namespace

/// `bundle`: the lab (and its hidden tests, with --overlay) as one file, its reference built.
int BundleCommand(const CommandLine& line) {
  std::string problem = OutFolderProblem(line.out_file);
  if (!line.out_file.ends_with(".tar.gz")) problem = "--out must name a .tar.gz file";
  if (!problem.empty()) {
    std::cerr << "labgrade: bundle: " << problem << "\n";
    return kExitUsage;
  }
  std::string errors;
  auto lab = LoadLab(line, &errors);
  if (!lab) return kExitUsage;
  auto written = WriteLabBundle({&*lab, line.overlay_path, line.out_file});
  if (auto* error = std::get_if<BundleError>(&written)) {
    std::cerr << "labgrade: bundle: " << error->message << "\n";
    return error->lab_problem ? kExitUsage : kExitGraderError;
  }
  const BundleManifest& manifest = std::get<BundleManifest>(written);
  fmt::print("wrote {}: the lab {} with its reference built on {}", line.out_file, manifest.lab,
             BundlePlatformWords(manifest));
  if (!manifest.glibc_needed.empty())
    fmt::print(" (it runs where glibc is {} or later)", manifest.glibc_needed);
  fmt::print("\n");
  if (!manifest.overlay.empty()) {
    fmt::print(
        "It carries the hidden tests of {}: whoever has the bundle can read them. Give students "
        "a bundle made without --overlay.\n",
        line.overlay_path);
  }
  return kExitAllPassed;
}

/// `gradescope`: autograder.zip, with the package given and the lab's bundle.
int GradescopeCommand(const CommandLine& line) {
  if (!line.package_path.ends_with(".deb")) {
    std::cerr << "labgrade: gradescope: --package must name labgrade's .deb (from the release, "
                 "or cpack -G DEB in the build folder)\n";
    return kExitUsage;
  }
  std::optional<std::string> problem = DebianPackageProblem(line.package_path);
  if (!problem && !OutFolderProblem(line.out_file).empty())
    problem = OutFolderProblem(line.out_file);
  if (problem) {
    std::cerr << "labgrade: gradescope: " << *problem << "\n";
    return kExitUsage;
  }
  std::string errors;
  auto lab = LoadLab(line, &errors);
  if (!lab) return kExitUsage;
  auto folder = TemporaryFolder::Make("labgrade-gradescope-");
  if (auto* error = std::get_if<std::string>(&folder)) {
    std::cerr << "labgrade: gradescope: " << *error << "\n";
    return kExitGraderError;
  }
  if (lab->isolation_required) {
    // Gradescope's containers refuse namespaces: every submission would end in exit status 3.
    std::cerr << "labgrade: gradescope: " << lab->name
              << " says 'isolation: required', and Gradescope's containers refuse the namespaces "
                 "labgrade's cells need, so every submission would stop ungraded there; grade "
                 "it with labgrade grade on a machine where labgrade can make cells\n";
    return kExitUsage;
  }
  const std::filesystem::path bundle =
      std::get<TemporaryFolder>(folder).path() / (lab->name + ".tar.gz");
  auto written = WriteLabBundle({&*lab, line.overlay_path, bundle});
  if (auto* error = std::get_if<BundleError>(&written)) {
    std::cerr << "labgrade: gradescope: " << error->message << "\n";
    return error->lab_problem ? kExitUsage : kExitGraderError;
  }
  if (auto error = WriteGradescopeAutograder({line.package_path, bundle, line.out_file})) {
    std::cerr << "labgrade: gradescope: " << *error << "\n";
    return kExitGraderError;
  }
  fmt::print("wrote {}: setup.sh, run_autograder, {} and {}.tar.gz\n", line.out_file,
             std::filesystem::path(line.package_path).filename().string(), lab->name);
  int skipped_points = 0;
  std::string skipped_names;
  for (const TestSpec* test : TestsSkippedInHostMode(*lab)) {
    skipped_points += test->points;
    skipped_names += (skipped_names.empty() ? "" : ", ") + test->name;
  }
  if (skipped_points > 0) {
    fmt::print(
        "Gradescope's containers refuse namespaces, so labgrade grades there in host mode, "
        "where {} ({} points) cannot run: results.json lists them as not counted (0 out of 0). "
        "Set the assignment's autograder points to {}, and grade them on a machine with "
        "namespaces (labgrade grade {} --only {}).\n",
        skipped_names, skipped_points, 100 - skipped_points, line.lab_given, skipped_names);
  }
  return kExitAllPassed;
}

void AddDeployCommands(CLI::App& app, CommandLine& line) {
  CLI::App* bundle = app.add_subcommand(
      "bundle", "write the lab as one file, its reference built (no reference sources)");
  bundle->add_option("lab", line.lab, kLabArgumentHelp)->required();
  bundle->add_option("--out", line.out_file, "the bundle to write, e.g. shm-xfer.tar.gz")
      ->required();
  bundle->add_option("--overlay", line.overlay_path,
                     "carry the hidden tests of this overlay (for instructors' grading only)");
  CLI::App* gradescope =
      app.add_subcommand("gradescope", "write Gradescope's autograder.zip for the lab");
  gradescope->add_option("lab", line.lab, kLabArgumentHelp)->required();
  gradescope
      ->add_option("--package", line.package_path,
                   "labgrade's .deb for the image Gradescope builds (Ubuntu 24.04)")
      ->required()
      ->check(CLI::ExistingFile);
  gradescope->add_option("--out", line.out_file, "the zip to write, e.g. autograder.zip")
      ->required();
  gradescope->add_option("--overlay", line.overlay_path, "add the hidden tests of this overlay");
  app.add_subcommand("version", "print labgrade's version");
  app.add_subcommand("help", "print this help");
}

}  // namespace labgrade
