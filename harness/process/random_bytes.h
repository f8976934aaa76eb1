// Deterministic pseudo-random input: the same size and seed give the same bytes on every
// machine, so a test's input is reproducible without shipping large data files.
#pragma once

#include <cstdint>
#include <string>

namespace labgrade {

/// `size_bytes` bytes from SplitMix64 seeded with `seed`, every byte value likely (NULs too).
std::string RandomBytes(std::int64_t size_bytes, std::uint64_t seed);

}  // namespace labgrade
