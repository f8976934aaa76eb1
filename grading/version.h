// labgrade's version, as `labgrade --version` and `labgrade version` print it and as lab bundles
// record it: the CMake project's version and what `git describe` said of the tree it was built
// from (cmake/version_header.cmake).
#pragma once

#include <string>

namespace labgrade {

/// The project's version, e.g. "0.1.0" (CMakeLists.txt's project(VERSION)).
std::string ProjectVersion();

/// `git describe --tags --always --dirty` of the source tree at build time, e.g.
/// "v0.1.0-12-g0c86a13"; "unknown" when built outside a git checkout.
std::string GitDescribe();

/// "labgrade 0.1.0 (git v0.1.0-12-g0c86a13)", or "labgrade 0.1.0" when the git description is
/// unknown.
std::string VersionText();

}  // namespace labgrade
