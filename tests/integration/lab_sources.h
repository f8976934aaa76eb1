// What the integration tests grade: the repository's labs, and the defective submissions the
// build makes from tests/submissions/<lab>/<defect>/ (in build/submissions/), each with the
// EXPECTED_FAILURES that pins the tests it fails. Names for parameterized tests' instances.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

namespace labgrade::testing {

struct Submission {
  std::string lab;
  std::string defect;
};

/// The names of the labs under labs/ (folders with a lab.yaml), sorted.
inline std::vector<std::string> RepositoryLabs() {
  std::vector<std::string> labs;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(LABGRADE_SOURCE_DIR) / "labs")) {
    if (std::filesystem::exists(entry.path() / "lab.yaml"))
      labs.push_back(entry.path().filename().string());
  }
  std::sort(labs.begin(), labs.end());
  return labs;
}

/// Every defective submission with an EXPECTED_FAILURES, by lab, then defect.
inline std::vector<Submission> DefectiveSubmissions() {
  std::vector<Submission> found;
  for (const auto& lab :
       std::filesystem::directory_iterator(std::filesystem::path(LABGRADE_SUBMISSIONS_DIR))) {
    if (!lab.is_directory()) continue;
    for (const auto& defect : std::filesystem::directory_iterator(lab.path())) {
      if (std::filesystem::exists(defect.path() / "EXPECTED_FAILURES"))
        found.push_back({lab.path().filename().string(), defect.path().filename().string()});
    }
  }
  std::sort(found.begin(), found.end(), [](const Submission& a, const Submission& b) {
    return std::tie(a.lab, a.defect) < std::tie(b.lab, b.defect);
  });
  return found;
}

/// `name` as a test instance's name: '-' is not allowed there.
inline std::string InstanceName(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace labgrade::testing
