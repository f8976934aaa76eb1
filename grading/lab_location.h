// Finding the lab a command names: a lab folder, its lab.yaml, a lab bundle (grading/
// lab_bundle.h), either as the .tar.gz or extracted, or the name of a lab shipped with labgrade
// (the package installs them in /usr/share/labgrade/labs).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "grading/lab_bundle.h"
#include "grading/temporary_folder.h"

namespace labgrade {

/// Where the labs shipped with this labgrade are: <prefix>/share/labgrade/labs beside the
/// executable's bin/ (installed), or share/labgrade/labs beside the executable (a build tree).
std::filesystem::path ShippedLabsDir(const std::filesystem::path& own_executable);

/// The names of the labs in `shipped_labs_dir` (folders with a lab.yaml), sorted.
std::vector<std::string> ShippedLabNames(const std::filesystem::path& shipped_labs_dir);

class LabLocation {
 public:
  /// `given` as a path first: a folder, a lab.yaml (any .yaml or .yml file) or a bundle file,
  /// which is extracted to a temporary folder that lives as long as the LabLocation. A name
  /// without '/' that is no such path is looked up among the shipped labs. A path that does
  /// not exist is passed on as given, for the spec loader to say so. An error names what was
  /// looked for.
  static std::variant<LabLocation, std::string> Find(const std::string& given,
                                                     const std::filesystem::path& shipped_labs_dir);

  /// What to load: a lab folder or a lab.yaml.
  const std::filesystem::path& spec_path() const { return spec_path_; }
  /// Its manifest when it is a bundle.
  const std::optional<BundleManifest>& bundle() const { return bundle_; }
  /// The hidden tests the bundle carries, or nullopt.
  std::optional<std::filesystem::path> BundledOverlay() const;

 private:
  LabLocation() = default;

  std::filesystem::path spec_path_;
  std::filesystem::path lab_dir_;  ///< the folder of spec_path_
  std::optional<BundleManifest> bundle_;
  std::optional<TemporaryFolder> extracted_;  ///< holds an extracted bundle file
};

}  // namespace labgrade
