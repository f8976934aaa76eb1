#include "grading/zip_archive.h"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

namespace labgrade {
namespace {

constexpr std::uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr std::uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr std::uint32_t kEndOfCentralDirectorySignature = 0x06054b50;
constexpr std::uint16_t kVersionNeeded = 20;             // 2.0: stored files, folders
constexpr std::uint16_t kVersionMadeBy = (3 << 8) | 20;  // 3: Unix, so the mode is read
constexpr std::uint16_t kUtf8Names = 1 << 11;            // general purpose flag bit 11
constexpr std::uint16_t kStored = 0;
constexpr std::uint16_t kDosDate1980 = (0 << 9) | (1 << 5) | 1;  // 1980-01-01, the earliest
constexpr std::uint64_t kMaxBytes = 0xFFFFFFFEu;
constexpr std::size_t kMaxEntries = 0xFFFF;

void Put16(std::string& out, std::uint16_t value) {
  out += static_cast<char>(value & 0xFF);
  out += static_cast<char>(value >> 8);
}

void Put32(std::string& out, std::uint32_t value) {
  Put16(out, static_cast<std::uint16_t>(value & 0xFFFF));
  Put16(out, static_cast<std::uint16_t>(value >> 16));
}

/// The fields local and central headers share, from "version needed" to "extra field length".
void PutCommonFields(std::string& out, std::uint32_t crc, std::uint32_t size,
                     std::uint16_t name_length) {
  Put16(out, kVersionNeeded);
  Put16(out, kUtf8Names);
  Put16(out, kStored);
  Put16(out, 0);  // time: midnight
  Put16(out, kDosDate1980);
  Put32(out, crc);
  Put32(out, size);  // compressed size: stored, the same
  Put32(out, size);
  Put16(out, name_length);
  Put16(out, 0);  // extra field length
}

}  // namespace

std::uint32_t Crc32(std::string_view bytes) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> entries{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t value = i;
      for (int bit = 0; bit < 8; ++bit)
        value = (value & 1) ? 0xEDB88320u ^ (value >> 1) : value >> 1;
      entries[i] = value;
    }
    return entries;
  }();
  std::uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : bytes) crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

std::optional<std::string> ZipArchive::Add(std::string name, std::string bytes, unsigned mode) {
  if (entries_.size() >= kMaxEntries) return "a zip archive without Zip64 holds 65535 files";
  if (bytes.size() > kMaxBytes || name.size() > 0xFFFF)
    return fmt::format("{} is too large for a zip archive without Zip64 (4 GiB)", name);
  entries_.push_back({std::move(name), std::move(bytes), mode & 07777});
  return std::nullopt;
}

std::string ZipArchive::Bytes() const {
  std::string out;
  std::string central;
  for (const Entry& entry : entries_) {
    const auto offset = static_cast<std::uint32_t>(out.size());
    const std::uint32_t crc = Crc32(entry.bytes);
    const auto size = static_cast<std::uint32_t>(entry.bytes.size());
    const auto name_length = static_cast<std::uint16_t>(entry.name.size());
    Put32(out, kLocalHeaderSignature);
    PutCommonFields(out, crc, size, name_length);
    out += entry.name;
    out += entry.bytes;

    Put32(central, kCentralHeaderSignature);
    Put16(central, kVersionMadeBy);
    PutCommonFields(central, crc, size, name_length);
    Put16(central, 0);  // file comment length
    Put16(central, 0);  // disk number start
    Put16(central, 0);  // internal attributes
    Put32(central, (static_cast<std::uint32_t>(S_IFREG) | entry.mode) << 16);
    Put32(central, offset);
    central += entry.name;
  }
  const auto central_offset = static_cast<std::uint32_t>(out.size());
  out += central;
  Put32(out, kEndOfCentralDirectorySignature);
  Put16(out, 0);  // this disk
  Put16(out, 0);  // the disk where the central directory starts
  Put16(out, static_cast<std::uint16_t>(entries_.size()));
  Put16(out, static_cast<std::uint16_t>(entries_.size()));
  Put32(out, static_cast<std::uint32_t>(central.size()));
  Put32(out, central_offset);
  Put16(out, 0);  // comment length
  return out;
}

std::optional<std::string> ZipArchive::WriteTo(const std::filesystem::path& path) const {
  const std::filesystem::path partial = path.string() + ".partial";
  {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    file << Bytes();
    if (!file.flush())
      return fmt::format("cannot write {}: {}", partial.string(), std::strerror(errno));
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    return fmt::format("cannot rename {} to {}: {}", partial.string(), path.string(), ec.message());
  }
  return std::nullopt;
}

}  // namespace labgrade
