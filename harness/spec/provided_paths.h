// `submission.provided:`: the lab's own files and folders, copied into every build over the
// submission's (harness/build/submission_build.h). A file lands by its base name
// (starter/xfr.h → xfr.h), as it always has; a folder under its own base name, with everything
// in it and its layout kept (lib/unplib/ → unplib/, unplib/unp.h, ...).
//
// Each must be in the lab folder and reached without a link out of it; a folder may hold no
// link that leads out of itself, since it is copied as it is (links kept as links) and such a
// link would point elsewhere, or nowhere, in the build. Two paths that would land on the same
// name are refused.
#pragma once

#include <string>
#include <string_view>

#include "harness/spec/lab_spec.h"
#include "harness/spec/spec_reader.h"

namespace labgrade {

/// Reads `submission.provided` (a list of lab paths, a folder written with or without a
/// trailing '/') into spec.provided_files and spec.provided_folders, reporting each problem at
/// its element. spec.lab_dir must be set.
void ReadProvided(const SpecNode& node, LabSpec& spec);

/// The name a provided file or folder gets in the build folder: its base name.
std::string ProvidedName(std::string_view path);

}  // namespace labgrade
