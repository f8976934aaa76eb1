// Inputs produced as they are read: see input_source.h.
#include "harness/process/input_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "harness/process/random_bytes.h"
#include "harness/process/unique_fd.h"

namespace labgrade {
namespace {

class Text final : public InputSource {
 public:
  explicit Text(std::string text) : text_(std::move(text)) {}
  std::int64_t size() const override { return static_cast<std::int64_t>(text_.size()); }
  std::int64_t ReadAt(std::int64_t offset, std::span<char> out) const override {
    if (offset < 0 || offset >= size()) return 0;
    const std::size_t count = std::min(out.size(), text_.size() - static_cast<std::size_t>(offset));
    std::memcpy(out.data(), text_.data() + offset, count);
    return static_cast<std::int64_t>(count);
  }

 private:
  std::string text_;
};

class Random final : public InputSource {
 public:
  Random(std::int64_t size, std::uint64_t seed)
      : size_(std::max<std::int64_t>(0, size)), seed_(seed) {}
  std::int64_t size() const override { return size_; }
  std::int64_t ReadAt(std::int64_t offset, std::span<char> out) const override {
    if (offset < 0 || offset >= size_) return 0;
    const std::int64_t count =
        std::min<std::int64_t>(static_cast<std::int64_t>(out.size()), size_ - offset);
    RandomBytesAt(seed_, offset, out.first(static_cast<std::size_t>(count)));
    return count;
  }

 private:
  std::int64_t size_;
  std::uint64_t seed_;
};

class File final : public InputSource {
 public:
  File(UniqueFd fd, std::int64_t size) : fd_(std::move(fd)), size_(size) {}
  std::int64_t size() const override { return size_; }
  std::int64_t ReadAt(std::int64_t offset, std::span<char> out) const override {
    if (offset < 0 || offset >= size_) return 0;
    const std::size_t want = static_cast<std::size_t>(
        std::min<std::int64_t>(static_cast<std::int64_t>(out.size()), size_ - offset));
    for (;;) {
      const ssize_t got = ::pread(fd_.get(), out.data(), want, offset);
      if (got < 0 && errno == EINTR) continue;
      return got;
    }
  }

 private:
  UniqueFd fd_;
  std::int64_t size_;  ///< as when opened: a file that grows later is read as it was
};

}  // namespace

InputSource::~InputSource() = default;

std::optional<std::string> InputSource::AllBytes() const {
  std::string bytes(static_cast<std::size_t>(size()), '\0');
  std::int64_t at = 0;
  while (at < size()) {
    const std::int64_t got =
        ReadAt(at, std::span<char>(bytes.data() + at, bytes.size() - static_cast<std::size_t>(at)));
    if (got <= 0) return std::nullopt;
    at += got;
  }
  return bytes;
}

bool InputSource::SameAs(std::string_view bytes) const {
  if (static_cast<std::int64_t>(bytes.size()) != size()) return false;
  std::array<char, 64 * 1024> chunk;
  std::int64_t at = 0;
  while (at < size()) {
    const std::int64_t got = ReadAt(at, chunk);
    if (got <= 0) return false;
    if (bytes.compare(static_cast<std::size_t>(at), static_cast<std::size_t>(got),
                      std::string_view(chunk.data(), static_cast<std::size_t>(got))) != 0)
      return false;
    at += got;
  }
  return true;
}

std::shared_ptr<const InputSource> TextInput(std::string text) {
  return std::make_shared<const Text>(std::move(text));
}

std::shared_ptr<const InputSource> RandomInput(std::int64_t size_bytes, std::uint64_t seed) {
  return std::make_shared<const Random>(size_bytes, seed);
}

std::variant<std::shared_ptr<const InputSource>, std::string> FileInput(
    const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat status {};
  if (!fd.valid() || ::fstat(fd.get(), &status) != 0)
    return fmt::format("{}: {}", path.string(), std::strerror(errno));
  if (!S_ISREG(status.st_mode)) return fmt::format("{}: not a regular file", path.string());
  return std::shared_ptr<const InputSource>(
      std::make_shared<const File>(std::move(fd), status.st_size));
}

}  // namespace labgrade
