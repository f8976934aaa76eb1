// A folder that lives as long as its owner: made fresh under /var/tmp (never /tmp, which each
// test's cell replaces with its own), removed with everything in it when the owner goes.
#pragma once

#include <filesystem>
#include <string>
#include <variant>

namespace labgrade {

class TemporaryFolder {
 public:
  /// Makes /var/tmp/<prefix>XXXXXX, mode 0755 (the sandbox users read what is put there), or
  /// says why it could not, naming the call.
  static std::variant<TemporaryFolder, std::string> Make(const std::string& prefix);

  TemporaryFolder(TemporaryFolder&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  TemporaryFolder& operator=(TemporaryFolder&& other) noexcept;
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  /// Removes the folder and its contents; a failure is ignored (nothing is left to tell).
  ~TemporaryFolder();

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TemporaryFolder(std::filesystem::path path) : path_(std::move(path)) {}
  void Remove() noexcept;

  std::filesystem::path path_;  ///< empty once moved from
};

}  // namespace labgrade
