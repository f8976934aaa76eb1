// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and well mixed; not for cryptography.
#include "harness/process/random_bytes.h"

#include <cstring>

namespace labgrade {

std::string RandomBytes(std::int64_t size_bytes, std::uint64_t seed) {
  std::string bytes(static_cast<std::size_t>(size_bytes > 0 ? size_bytes : 0), '\0');
  std::uint64_t state = seed;
  for (std::size_t at = 0; at < bytes.size(); at += sizeof state) {
    state += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    std::memcpy(bytes.data() + at, &z, std::min(sizeof z, bytes.size() - at));
  }
  return bytes;
}

}  // namespace labgrade
