// A program's standard input, produced as the program reads it: a text, pseudo-random bytes
// (harness/process/random_bytes.h) or a lab file, read a chunk at a time from any offset. The
// grader's memory then does not grow with a test's input (a 64 MiB random input costs one 64 KiB
// chunk, not 64 MiB per running test); a check that compares an output with the input reads it
// again.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace labgrade {

class InputSource {
 public:
  virtual ~InputSource();
  /// How many bytes there are in all.
  virtual std::int64_t size() const = 0;
  /// Copies up to out.size() bytes starting at `offset` into `out`; returns how many (0 at the
  /// end), or -1 when they cannot be read.
  virtual std::int64_t ReadAt(std::int64_t offset, std::span<char> out) const = 0;
  /// Every byte, for a check that compares an output with it; null when it cannot be read.
  std::optional<std::string> AllBytes() const;
  /// Whether these are exactly `bytes`, read a chunk at a time: a check tells the usual case, an
  /// output that is the input, without making the whole input again beside it. False also when
  /// the input cannot be read.
  bool SameAs(std::string_view bytes) const;
};

/// `text`, held.
std::shared_ptr<const InputSource> TextInput(std::string text);
/// RandomBytes(size_bytes, seed), generated chunk by chunk.
std::shared_ptr<const InputSource> RandomInput(std::int64_t size_bytes, std::uint64_t seed);
/// The file at `path` as it is now, read chunk by chunk through a descriptor opened here; the
/// error in words when it cannot be opened.
std::variant<std::shared_ptr<const InputSource>, std::string> FileInput(
    const std::filesystem::path& path);

}  // namespace labgrade
