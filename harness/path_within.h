// Whether one path lies within a folder, compared part by part, as paths and not as text:
// "/labs/a" is within "/labs" and within itself, "/labs-old/a" is not within "/labs". The
// callers make both paths absolute and resolve links first (std::filesystem::canonical or
// weakly_canonical) when links may lead out: this compares names only.
#pragma once

#include <filesystem>

namespace labgrade {

/// Whether `path` is `folder` or below it.
bool IsAtOrBelow(const std::filesystem::path& path, const std::filesystem::path& folder);

}  // namespace labgrade
