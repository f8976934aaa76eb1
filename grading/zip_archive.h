// A zip archive writer, for Gradescope's autograder.zip: files stored as they are (no
// compression: what goes in, a .deb and a .tar.gz, is compressed already), each with its Unix
// permissions, so that unzip makes setup.sh and run_autograder executable. No Zip64: at most
// 65535 files of under 4 GiB. The format: PKWARE's APPNOTE.TXT, sections 4.3 and 4.4.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace labgrade {

/// CRC-32 (ISO 3309, the checksum of zip and gzip) of `bytes`.
std::uint32_t Crc32(std::string_view bytes);

class ZipArchive {
 public:
  /// Adds `bytes` as `name` (a relative path, '/' between folders) with permission bits
  /// `mode`. An error, and nothing added, when the archive cannot hold it without Zip64.
  std::optional<std::string> Add(std::string name, std::string bytes, unsigned mode = 0644);
  /// The archive: each file's local header and bytes, then the central directory.
  std::string Bytes() const;
  /// Writes Bytes() to `path`, through a temporary file renamed into place; an error names the
  /// call that failed.
  std::optional<std::string> WriteTo(const std::filesystem::path& path) const;

 private:
  struct Entry {
    std::string name;
    std::string bytes;
    unsigned mode = 0644;
  };
  std::vector<Entry> entries_;
};

}  // namespace labgrade
