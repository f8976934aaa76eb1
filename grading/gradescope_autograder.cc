#include "grading/gradescope_autograder.h"

#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "grading/zip_archive.h"
#include "harness/spec/kind_registry.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> ReadBytes(const fs::path& path, std::string* bytes) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return fmt::format("cannot read {}", path.string());
  bytes->assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  if (file.bad()) return fmt::format("cannot read {}", path.string());
  return std::nullopt;
}

}  // namespace

std::optional<std::string> DebianPackageProblem(const fs::path& package) {
  std::ifstream file(package, std::ios::binary);
  if (!file) return fmt::format("cannot read {}", package.string());
  // deb(5): "!<arch>\n", then an ar member header whose 16-byte name field is debian-binary.
  std::string head(8 + 13, '\0');
  file.read(head.data(), static_cast<std::streamsize>(head.size()));
  if (!file || head != "!<arch>\ndebian-binary")
    return fmt::format("{} is not a Debian package (an ar archive starting with debian-binary)",
                       package.string());
  return std::nullopt;
}

std::vector<const TestSpec*> TestsSkippedInHostMode(const LabSpec& lab) {
  std::vector<const TestSpec*> skipped;
  for (const TestSpec& test : lab.tests) {
    if (test.network || !PlaceholdersOfTest(test, lab).fixed_names.empty())
      skipped.push_back(&test);
  }
  return skipped;
}

std::string GradescopeSetupScript(std::string_view package_file, std::string_view bundle_file) {
  return fmt::format(R"(#!/usr/bin/env bash
# Written by `labgrade gradescope`. Gradescope runs this once, as root, when it builds the
# autograder's image: it installs labgrade from the package in this zip (apt-get fetches what
# it depends on: gcc, binutils, its libraries) and checks that the lab bundle can be graded with
# here, so that a package or bundle unfit for the image fails now, not every submission later.
set -euo pipefail
cd /autograder/source
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if ! apt-get install -y -qq --no-install-recommends ./{package}; then
  . /etc/os-release
  echo "setup.sh: {package} does not install on this image (${{PRETTY_NAME}})." \
       "Choose the base image its name says it is for (~debian12: Debian 12;" \
       "~ubuntu24.04: Ubuntu 24.04), or put the package made for this image in the zip." >&2
  exit 1
fi
labgrade --version
labgrade validate /autograder/source/{bundle}
)",
                     fmt::arg("package", package_file), fmt::arg("bundle", bundle_file));
}

std::string GradescopeRunAutograderScript(std::string_view bundle_file) {
  return fmt::format(R"(#!/bin/sh
# Written by `labgrade gradescope`. Gradescope runs this for every submission: it grades
# /autograder/submission with the lab bundle into /autograder/results/results.json, which holds
# the score (or, when the grader itself failed, why). Gradescope's containers refuse the
# namespaces labgrade isolates tests with, so labgrade runs them on the host, one at a time;
# the report and results.json say so, and why.
mkdir -p /autograder/results
labgrade check /autograder/source/{bundle} --submission /autograder/submission \
  --results /autograder/results/results.json
# Exit status 1 only says that some test failed: results.json is what Gradescope reads.
test -s /autograder/results/results.json
)",
                     fmt::arg("bundle", bundle_file));
}

std::optional<std::string> WriteGradescopeAutograder(const GradescopeAutograder& autograder) {
  std::string package;
  std::string bundle;
  if (auto error = ReadBytes(autograder.package, &package)) return error;
  if (auto error = ReadBytes(autograder.bundle, &bundle)) return error;
  const std::string package_name = autograder.package.filename().string();
  const std::string bundle_name = autograder.bundle.filename().string();
  ZipArchive zip;
  for (auto error :
       {zip.Add("setup.sh", GradescopeSetupScript(package_name, bundle_name), 0755),
        zip.Add("run_autograder", GradescopeRunAutograderScript(bundle_name), 0755),
        zip.Add(package_name, std::move(package)), zip.Add(bundle_name, std::move(bundle))}) {
    if (error) return error;
  }
  return zip.WriteTo(autograder.out);
}

}  // namespace labgrade
