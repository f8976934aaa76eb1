#include "grading/version.h"

#include "labgrade_version.h"  // generated in the build tree

namespace labgrade {

std::string ProjectVersion() { return LABGRADE_VERSION; }

std::string GitDescribe() { return LABGRADE_GIT_DESCRIBE; }

std::string VersionText() {
  const std::string describe = GitDescribe();
  if (describe == "unknown") return "labgrade " + ProjectVersion();
  return "labgrade " + ProjectVersion() + " (git " + describe + ")";
}

}  // namespace labgrade
