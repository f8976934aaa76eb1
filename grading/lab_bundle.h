// Lab bundles: one self-contained file, `<lab>.tar.gz`, holding a lab as graders need it and
// nothing of its reference's sources. Inside, a folder named after the lab:
//
//   <lab>/lab.yaml           the spec, its `reference:` made `{ prebuilt: reference }`
//   <lab>/reference/...      the reference's programs, built and stripped
//   <lab>/README.md          the handout; starter/ and data/ as in the lab folder
//   <lab>/hidden-tests.yaml  an instructor's overlay, when bundled with --overlay
//   <lab>/bundle.json        the manifest: lab, labgrade version, where it was built
//
// The extracted folder is a lab folder like any other (harness/prebuilt_reference.h grades it);
// labgrade also takes the file itself and extracts it for the run (grading/lab_location.h).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/spec/lab_spec.h"

namespace labgrade {

inline constexpr std::string_view kBundleManifestFile = "bundle.json";
inline constexpr std::string_view kBundleReferenceFolder = "reference";
inline constexpr std::string_view kBundleOverlayFile = "hidden-tests.yaml";

/// bundle.json: what a bundle is and where it was made.
struct BundleManifest {
  int format = 1;
  std::string lab;           ///< the lab's name, also the bundle's top folder
  std::string made_by;       ///< VersionText() of the labgrade that wrote it
  std::string machine;       ///< `uname -m` where it was made
  std::string system;        ///< PRETTY_NAME of that machine's /etc/os-release
  std::string glibc;         ///< the C library there, e.g. "2.36"
  std::string glibc_needed;  ///< the newest GLIBC version the reference needs ("" if none)
  std::string overlay;       ///< kBundleOverlayFile when it carries hidden tests, else ""
  std::vector<std::string> reference_executables;  ///< under reference/
};

std::string BundleManifestJson(const BundleManifest& manifest);

/// The manifest in `lab_dir`: nullopt when there is none (a plain lab folder), an error when it
/// cannot be read.
std::variant<std::optional<BundleManifest>, std::string> ReadBundleManifest(
    const std::filesystem::path& lab_dir);

/// Where a bundle was made, in words: "x86_64, Debian GNU/Linux 12 (bookworm), glibc 2.36".
std::string BundlePlatformWords(const BundleManifest& manifest);

/// `lab_yaml` with its top-level `reference:` replaced by (or, when it has none, followed by)
/// `reference: { prebuilt: <folder> }`. Every other line stays where it was, so that spec
/// errors still point at the lines of the lab's own file: the lines of a value written below
/// its key (indented) are left empty.
std::string WithPrebuiltReference(std::string_view lab_yaml, std::string_view folder);

/// The files of `lab` (relative to its folder) a bundle carries: lab.yaml, README.md, every
/// file under starter/ and data/, the provided files, and each lab file a test reads (stdin,
/// sent bytes, made files, expected output and files). Sorted, once each.
std::vector<std::filesystem::path> LabFilesToBundle(const LabSpec& lab);

/// What `labgrade bundle` is asked for.
struct BundleRequest {
  /// The lab, its overlay applied when `overlay` is set: its lab_dir and reference_dir are read.
  const LabSpec* lab = nullptr;
  std::filesystem::path overlay;  ///< the overlay file to carry; empty for none
  std::filesystem::path out;      ///< the .tar.gz to write (replaced when it exists)
};

/// Why a bundle was not written: the lab's problem (its reference does not build: the
/// instructor's to fix) or the machine's (a file could not be copied, tar failed).
struct BundleError {
  bool lab_problem = false;
  std::string message;
};

/// Builds the reference (or copies a prebuilt one), gathers the lab's files, checks that the
/// result loads as a lab and carries no file of the reference's sources, and writes the
/// .tar.gz. Returns the manifest written, or why not.
std::variant<BundleManifest, BundleError> WriteLabBundle(const BundleRequest& request);

/// Extracts the bundle `file` into `into` (an empty folder) and returns the lab folder in it,
/// or why `file` is not a bundle that could be extracted.
std::variant<std::filesystem::path, std::string> ExtractLabBundle(
    const std::filesystem::path& file, const std::filesystem::path& into);

}  // namespace labgrade
