// Deterministic pseudo-random input: the same size and seed give the same bytes on every
// machine, so a test's input is reproducible without shipping large data files.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace labgrade {

/// `size_bytes` bytes from SplitMix64 seeded with `seed`, every byte value likely (NULs too).
std::string RandomBytes(std::int64_t size_bytes, std::uint64_t seed);

/// The bytes of RandomBytes(…, seed) from `offset` on, out.size() of them, without making the
/// ones before: SplitMix64's state after n steps is seed + n × its constant, so any 8-byte block
/// can be made on its own.
void RandomBytesAt(std::uint64_t seed, std::int64_t offset, std::span<char> out);

}  // namespace labgrade
