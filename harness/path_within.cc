#include "harness/path_within.h"

#include <algorithm>

namespace labgrade {

bool IsAtOrBelow(const std::filesystem::path& path, const std::filesystem::path& folder) {
  const auto [folder_end, unused] =
      std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
  return folder_end == folder.end();
}

}  // namespace labgrade
