#include "grading/temporary_folder.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace labgrade {

std::variant<TemporaryFolder, std::string> TemporaryFolder::Make(const std::string& prefix) {
  std::string pattern = "/var/tmp/" + prefix + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    return fmt::format("mkdtemp({}): {}", pattern, std::strerror(errno));
  TemporaryFolder folder{std::filesystem::path(pattern)};
  if (::chmod(pattern.c_str(), 0755) != 0)
    return fmt::format("chmod({}, 0755): {}", pattern, std::strerror(errno));
  return folder;
}

TemporaryFolder& TemporaryFolder::operator=(TemporaryFolder&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

TemporaryFolder::~TemporaryFolder() { Remove(); }

void TemporaryFolder::Remove() noexcept {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
  path_.clear();
}

}  // namespace labgrade
