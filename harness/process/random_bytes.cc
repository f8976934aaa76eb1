// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and well mixed; not for cryptography.
#include "harness/process/random_bytes.h"

#include <cstring>

namespace labgrade {
namespace {

constexpr std::uint64_t kGamma = 0x9e3779b97f4a7c15ULL;

// The 8 bytes of block `index` (block 0 holds bytes 0..7).
std::uint64_t Block(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + (index + 1) * kGamma;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

void RandomBytesAt(std::uint64_t seed, std::int64_t offset, std::span<char> out) {
  std::size_t done = 0;
  auto at = static_cast<std::uint64_t>(offset > 0 ? offset : 0);
  // Little-endian byte order as memcpy gives it on the machines labgrade runs on.
  const auto copy_part = [&] {  // up to the end of the block `at` is in, or of `out`
    const std::uint64_t block = Block(seed, at / sizeof block);
    const std::size_t skip = at % sizeof block;
    const std::size_t count = std::min(sizeof block - skip, out.size() - done);
    std::memcpy(out.data() + done, reinterpret_cast<const char*>(&block) + skip, count);
    done += count;
    at += count;
  };
  if (at % sizeof(std::uint64_t) != 0 && done < out.size()) copy_part();
  // Whole blocks, in a loop the compiler can vectorise: the grader makes a 64 MiB input and
  // compares the output against it again, so this runs at memory speed, not a block at a time.
  const std::size_t whole = (out.size() - done) / sizeof(std::uint64_t);
  const std::uint64_t first = at / sizeof(std::uint64_t);
  for (std::size_t i = 0; i < whole; ++i) {
    const std::uint64_t block = Block(seed, first + i);
    std::memcpy(out.data() + done + i * sizeof block, &block, sizeof block);
  }
  done += whole * sizeof(std::uint64_t);
  at += whole * sizeof(std::uint64_t);
  if (done < out.size()) copy_part();
}

std::string RandomBytes(std::int64_t size_bytes, std::uint64_t seed) {
  std::string bytes(static_cast<std::size_t>(size_bytes > 0 ? size_bytes : 0), '\0');
  RandomBytesAt(seed, 0, bytes);
  return bytes;
}

}  // namespace labgrade
