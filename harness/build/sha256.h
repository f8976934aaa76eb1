// SHA-256 (FIPS 180-4), for naming build-cache entries by the content of what was built. Not
// for secrets: nothing here is constant-time, and nothing needs to be.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace labgrade {

/// An incremental SHA-256: Update() any number of times, then Finish() once.
class Sha256 {
 public:
  using Digest = std::array<std::uint8_t, 32>;

  Sha256();

  /// Appends `bytes` to the message.
  void Update(std::string_view bytes);

  /// The digest of everything appended. Call once; the object is spent afterwards.
  Digest Finish();

 private:
  void Compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;         ///< bytes in buffer_, always < 64
  std::uint64_t message_bytes_ = 0;  ///< all bytes appended so far
};

/// Lower-case hexadecimal, two digits per byte.
std::string HexOf(const Sha256::Digest& digest);

/// The hex digest of `bytes` in one go.
std::string Sha256Hex(std::string_view bytes);

}  // namespace labgrade
