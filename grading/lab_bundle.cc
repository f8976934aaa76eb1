#include "grading/lab_bundle.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "grading/temporary_folder.h"
#include "grading/version.h"
#include "harness/build/prebuilt_reference.h"
#include "harness/build/submission_build.h"
#include "harness/probes/elf_platform.h"
#include "harness/process/program_run.h"
#include "harness/spec/kind_registry.h"
#include "harness/spec/spec_loader.h"
#include "harness/spec/spec_overlay.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kBundleFormat = 1;
constexpr int kToolTimeoutMs = 120'000;

std::optional<std::string> ReadWholeFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (file.bad()) return std::nullopt;
  return text;
}

/// The first `lines` lines of `text`, for a message.
std::string FirstLines(std::string_view text, int lines) {
  std::size_t end = 0;
  for (int i = 0; i < lines && end != std::string_view::npos; ++i) {
    end = text.find('\n', end == 0 ? 0 : end + 1);
  }
  std::string head(text.substr(0, end));
  while (!head.empty() && head.back() == '\n') head.pop_back();
  return head;
}

/// Runs `tool` (found in /usr/bin or /bin) with `args` in `working_dir` to its end: nullopt on
/// success, else what went wrong with the first lines it wrote on stderr.
std::optional<std::string> RunTool(const std::string& tool, const std::vector<std::string>& args,
                                   const fs::path& working_dir) {
  LaunchSpec spec;
  for (const char* folder : {"/usr/bin", "/bin"}) {
    std::error_code ec;
    if (fs::exists(fs::path(folder) / tool, ec)) {
      spec.executable = fs::path(folder) / tool;
      break;
    }
  }
  if (spec.executable.empty()) return fmt::format("{} is not installed", tool);
  spec.args = args;
  spec.working_dir = working_dir;
  spec.environment = {"PATH=/usr/bin:/bin", "LC_ALL=C"};
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{kToolTimeoutMs, 1 << 20, 1'000});
  if (auto* error = std::get_if<LaunchError>(&started))
    return fmt::format("cannot run {}: {}", tool, error->message);
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  run->WaitUntilFinished(Clock::time_point::max());
  const ProgramEnd& end = run->end();
  if (end.exited && end.exit_code == 0) return std::nullopt;
  return fmt::format("{} {} failed ({}): {}", tool, fmt::join(args, " "),
                     end.exited ? fmt::format("exit status {}", end.exit_code)
                                : fmt::format("signal {}", end.term_signal),
                     FirstLines(end.err.bytes, 5));
}

/// PRETTY_NAME of /etc/os-release, e.g. "Debian GNU/Linux 12 (bookworm)"; "Linux" without one.
std::string SystemName() {
  std::ifstream file("/etc/os-release");
  for (std::string line; std::getline(file, line);) {
    if (!line.starts_with("PRETTY_NAME=")) continue;
    std::string value = line.substr(12);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\''))
      value = value.substr(1, value.size() - 2);
    return value;
  }
  return "Linux";
}

bool CopyFileMakingFolders(const fs::path& from, const fs::path& to, std::string* error) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (!ec) fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec)
    *error = fmt::format("cannot copy {} to {}: {}", from.string(), to.string(), ec.message());
  return !ec;
}

/// Every regular file under `folder`, relative to `base`.
void AddFilesUnder(const fs::path& base, const fs::path& folder, std::set<fs::path>& files) {
  std::error_code ec;
  if (!fs::is_directory(base / folder, ec)) return;
  for (auto entry = fs::recursive_directory_iterator(base / folder, ec);
       !ec && entry != fs::recursive_directory_iterator(); entry.increment(ec)) {
    if (entry->is_regular_file()) files.insert(fs::relative(entry->path(), base, ec));
  }
}

/// A file the bundle carries whose bytes are those of a file of the reference's sources, or
/// nullopt: a lab whose data/ holds a copy of the solution must not ship it.
std::optional<std::string> ReferenceSourceIn(const fs::path& bundle_lab, const LabSpec& lab) {
  std::set<fs::path> sources;
  AddFilesUnder(lab.reference_dir, ".", sources);
  std::set<fs::path> bundled;
  AddFilesUnder(bundle_lab, ".", bundled);
  for (const fs::path& source : sources) {
    const std::optional<std::string> source_text = ReadWholeFile(lab.reference_dir / source);
    if (!source_text || source_text->empty()) continue;
    for (const fs::path& file : bundled) {
      std::error_code ec;
      if (fs::file_size(bundle_lab / file, ec) != source_text->size()) continue;
      if (ReadWholeFile(bundle_lab / file) == source_text)
        return fmt::format(
            "{} has the same bytes as the reference's {}: a bundle must not carry the "
            "reference's sources; take it out of the lab folder",
            file.lexically_normal().string(), source.lexically_normal().string());
    }
  }
  return std::nullopt;
}

/// The built (or prebuilt) reference programs, stripped, under `<lab>/reference/`.
std::variant<ElfNeeds, BundleError> AddReferenceExecutables(const LabSpec& lab,
                                                            const fs::path& work,
                                                            const fs::path& bundle_lab) {
  const fs::path build = work / "reference-build";
  const BuildResult built = lab.reference_prebuilt
                                ? CopyPrebuiltReference(lab, build, SandboxIdentity{})
                                : BuildSubmission(lab, {lab.reference_dir, build, {}, nullptr});
  if (!built.grader_error.empty()) return BundleError{false, built.grader_error};
  if (!built.ok)
    return BundleError{true, fmt::format("the reference in {} does not build ({}):\n{}",
                                         lab.reference_dir.string(), built.command, built.log)};
  ElfNeeds newest;
  std::string error;
  for (const std::string& executable : ProgramExecutables(lab)) {
    const fs::path target = bundle_lab / kBundleReferenceFolder / executable;
    if (!CopyFileMakingFolders(build / executable, target, &error))
      return BundleError{!fs::exists(build / executable), error};
    // Stripped: no symbol table or debug information (source file names, line numbers) of the
    // reference goes out; `nm -D` (the imports check) reads the dynamic symbols, which stay.
    if (auto failure = RunTool("strip", {"--strip-all", target.string()}, work))
      return BundleError{false, *failure};
    auto needs = ReadElfNeeds(target);
    if (auto* unreadable = std::get_if<std::string>(&needs))
      return BundleError{true, fmt::format("the reference's {} is not an executable labgrade can "
                                           "bundle: {}",
                                           executable, *unreadable)};
    const ElfNeeds& these = std::get<ElfNeeds>(needs);
    newest.machine = these.machine;
    newest.glibc_versions.insert(newest.glibc_versions.end(), these.glibc_versions.begin(),
                                 these.glibc_versions.end());
  }
  return newest;
}

/// Checks that the folder written loads as a lab (with its overlay) whose reference can run
/// here: a bundle that does not is labgrade's own mistake, never shipped.
std::optional<std::string> CheckBundleLoads(const fs::path& bundle_lab, bool with_overlay) {
  SpecLoad load = LoadLabSpec(bundle_lab);
  if (load.spec && with_overlay)
    load.errors = ApplyTestOverlay(bundle_lab / kBundleOverlayFile, *load.spec);
  std::string errors;
  for (const SpecError& error : load.errors) errors += error.Format();
  if (!errors.empty()) return "the bundle written does not load as a lab:\n" + errors;
  return PrebuiltReferenceProblem(*load.spec, ThisMachine());
}

}  // namespace

std::string BundleManifestJson(const BundleManifest& manifest) {
  const json document = {{"format", manifest.format},
                         {"lab", manifest.lab},
                         {"made_by", manifest.made_by},
                         {"machine", manifest.machine},
                         {"system", manifest.system},
                         {"glibc", manifest.glibc},
                         {"glibc_needed", manifest.glibc_needed},
                         {"overlay", manifest.overlay},
                         {"reference_executables", manifest.reference_executables}};
  return document.dump(2) + "\n";
}

std::variant<std::optional<BundleManifest>, std::string> ReadBundleManifest(
    const fs::path& lab_dir) {
  const fs::path path = lab_dir / kBundleManifestFile;
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<BundleManifest>{};
  const std::optional<std::string> text = ReadWholeFile(path);
  if (!text) return fmt::format("cannot read {}", path.string());
  try {
    const json document = json::parse(*text);
    BundleManifest manifest;
    manifest.format = document.at("format").get<int>();
    if (manifest.format > kBundleFormat)
      return fmt::format(
          "{} is of bundle format {}, newer than this labgrade reads ({}): it was made by {}; "
          "install that version of labgrade",
          path.string(), manifest.format, kBundleFormat,
          document.value("made_by", std::string("a newer labgrade")));
    manifest.lab = document.at("lab").get<std::string>();
    manifest.made_by = document.at("made_by").get<std::string>();
    manifest.machine = document.at("machine").get<std::string>();
    manifest.system = document.at("system").get<std::string>();
    manifest.glibc = document.at("glibc").get<std::string>();
    manifest.glibc_needed = document.at("glibc_needed").get<std::string>();
    manifest.overlay = document.at("overlay").get<std::string>();
    manifest.reference_executables =
        document.at("reference_executables").get<std::vector<std::string>>();
    if (!manifest.overlay.empty() && manifest.overlay != kBundleOverlayFile)
      return fmt::format("{}: overlay must be \"{}\" or empty", path.string(), kBundleOverlayFile);
    return std::optional<BundleManifest>(std::move(manifest));
  } catch (const json::exception& failure) {
    return fmt::format("{} is not a bundle manifest labgrade can read: {}", path.string(),
                       failure.what());
  }
}

std::string BundlePlatformWords(const BundleManifest& manifest) {
  return fmt::format("{}, {}, glibc {}", manifest.machine, manifest.system, manifest.glibc);
}

std::string WithPrebuiltReference(std::string_view lab_yaml, std::string_view folder) {
  const std::string replacement =
      fmt::format("reference: {{ prebuilt: {} }}  # the reference's programs, built", folder);
  std::vector<std::string> lines;
  std::istringstream in{std::string(lab_yaml)};
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  // A top-level key of a block mapping starts its line; its value is on that line or on the
  // indented lines below it.
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (!line.starts_with("reference")) continue;
    const std::size_t colon = line.find_first_not_of(' ', 9);
    if (colon == std::string_view::npos || line[colon] != ':') continue;
    lines[i] = replacement;
    for (std::size_t next = i + 1; next < lines.size() && !lines[next].empty() &&
                                   (lines[next][0] == ' ' || lines[next][0] == '\t');
         ++next) {
      lines[next].clear();
    }
    return fmt::format("{}\n", fmt::join(lines, "\n"));
  }
  std::string text(lab_yaml);
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text + replacement + "\n";
}

std::vector<fs::path> LabFilesToBundle(const LabSpec& lab) {
  std::set<fs::path> files = {"lab.yaml"};
  std::error_code ec;
  if (fs::is_regular_file(lab.lab_dir / "README.md", ec)) files.insert("README.md");
  AddFilesUnder(lab.lab_dir, "starter", files);
  AddFilesUnder(lab.lab_dir, "data", files);
  for (const std::string& provided : lab.provided_files) files.insert(provided);
  for (const std::string& provided : lab.provided_folders)
    AddFilesUnder(lab.lab_dir, provided, files);
  // Each kind says which lab files its steps and checks read (spec/kind_registry.h).
  std::vector<std::string> read;
  for (const TestSpec& test : lab.tests) {
    for (const Step& step : test.steps) step.kind().AddLabFiles(step, read);
    for (const Check& check : test.checks) check.kind().AddLabFiles(check, read);
  }
  files.insert(read.begin(), read.end());
  std::vector<fs::path> sorted;
  for (const fs::path& file : files) sorted.push_back(file.lexically_normal());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  return sorted;
}

std::variant<BundleManifest, BundleError> WriteLabBundle(const BundleRequest& request) {
  const LabSpec& lab = *request.lab;
  auto made = TemporaryFolder::Make("labgrade-bundle-");
  if (auto* error = std::get_if<std::string>(&made)) return BundleError{false, *error};
  const TemporaryFolder& work = std::get<TemporaryFolder>(made);
  const fs::path bundle_lab = work.path() / lab.name;
  std::string error;

  for (const fs::path& file : LabFilesToBundle(lab)) {
    if (file == "lab.yaml") continue;
    if (file == kBundleOverlayFile && !request.overlay.empty())
      return BundleError{true, fmt::format("the lab has a file {} of its own, the name a "
                                           "bundle gives the overlay of hidden tests; rename it",
                                           file.string())};
    if (!CopyFileMakingFolders(lab.lab_dir / file, bundle_lab / file, &error))
      return BundleError{false, error};
  }
  const std::optional<std::string> spec_text = ReadWholeFile(lab.lab_dir / "lab.yaml");
  if (!spec_text)
    return BundleError{false, fmt::format("cannot read {}", (lab.lab_dir / "lab.yaml").string())};
  {
    std::ofstream spec(bundle_lab / "lab.yaml", std::ios::binary);
    spec << WithPrebuiltReference(*spec_text, kBundleReferenceFolder);
    if (!spec.flush())
      return BundleError{false, fmt::format("cannot write {}", (bundle_lab / "lab.yaml").string())};
  }
  if (!request.overlay.empty() &&
      !CopyFileMakingFolders(request.overlay, bundle_lab / kBundleOverlayFile, &error))
    return BundleError{false, error};

  auto reference = AddReferenceExecutables(lab, work.path(), bundle_lab);
  if (auto* failure = std::get_if<BundleError>(&reference)) return *failure;
  const MachineOffer here = ThisMachine();
  BundleManifest manifest;
  manifest.format = kBundleFormat;
  manifest.lab = lab.name;
  manifest.made_by = VersionText();
  manifest.machine = here.machine;
  manifest.system = SystemName();
  manifest.glibc = here.glibc_version;
  manifest.glibc_needed = HighestGlibcVersion(std::get<ElfNeeds>(reference).glibc_versions);
  manifest.overlay = request.overlay.empty() ? "" : std::string(kBundleOverlayFile);
  manifest.reference_executables = ProgramExecutables(lab);
  {
    std::ofstream out(bundle_lab / kBundleManifestFile, std::ios::binary);
    out << BundleManifestJson(manifest);
    if (!out.flush()) return BundleError{false, "cannot write the bundle's manifest"};
  }

  if (!lab.reference_prebuilt) {
    if (auto source = ReferenceSourceIn(bundle_lab, lab)) return BundleError{true, *source};
  }
  if (auto problem = CheckBundleLoads(bundle_lab, !request.overlay.empty()))
    return BundleError{false, *problem};

  // Written beside the target and renamed, so that a failed run never leaves half a bundle.
  const fs::path out = fs::absolute(request.out);
  const fs::path partial = out.string() + ".partial";
  if (auto failure = RunTool("tar",
                             {"--sort=name", "--owner=0", "--group=0", "--numeric-owner",
                              "--use-compress-program=gzip -n", "-cf", partial.string(), "-C",
                              work.path().string(), lab.name},
                             work.path())) {
    std::error_code ignored;
    fs::remove(partial, ignored);
    return BundleError{false, *failure};
  }
  std::error_code ec;
  fs::rename(partial, out, ec);
  if (ec)
    return BundleError{false, fmt::format("cannot rename {} to {}: {}", partial.string(),
                                          out.string(), ec.message())};
  return manifest;
}

std::variant<fs::path, std::string> ExtractLabBundle(const fs::path& file, const fs::path& into) {
  if (auto failure = RunTool("tar",
                             {"-xzf", fs::absolute(file).string(), "-C", into.string(),
                              "--no-same-owner", "--no-same-permissions"},
                             into)) {
    return fmt::format("cannot extract the bundle {}: {}", file.string(), *failure);
  }
  std::vector<fs::path> folders;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(into, ec)) folders.push_back(entry.path());
  if (folders.size() != 1 || !fs::exists(folders[0] / kBundleManifestFile, ec))
    return fmt::format(
        "{} is not a lab bundle: it must hold one folder with a {} (labgrade bundle LAB --out "
        "FILE.tar.gz makes one)",
        file.string(), kBundleManifestFile);
  return folders[0];
}

}  // namespace labgrade
