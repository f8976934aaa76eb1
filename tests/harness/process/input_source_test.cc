// Tests for inputs produced as they are read: any chunk of the pseudo-random bytes is the same
// as in the whole sequence (and the sequence is the one labs have always had), and each source
// reads back whole.
#include "harness/process/input_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "harness/process/random_bytes.h"

namespace labgrade {
namespace {

// SplitMix64 as labgrade made its inputs before they were streamed: the labs' expected outputs
// depend on these exact bytes.
std::string SequentialSplitMix(std::size_t size, std::uint64_t seed) {
  std::string bytes(size, '\0');
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

TEST(RandomBytes, AreTheSameSequenceAsEver) {
  EXPECT_EQ(RandomBytes(1001, 7), SequentialSplitMix(1001, 7));
  EXPECT_EQ(RandomBytes(0, 7), "");
}

TEST(RandomBytes, AnyChunkMatchesTheWhole) {
  const std::string whole = RandomBytes(5000, 3);
  for (const std::int64_t offset : {0, 1, 7, 8, 9, 4093, 4999}) {
    std::string chunk(std::min<std::int64_t>(1000, 5000 - offset), '\0');
    RandomBytesAt(3, offset, chunk);
    EXPECT_EQ(chunk, whole.substr(static_cast<std::size_t>(offset), chunk.size())) << offset;
  }
}

// Pieces shorter than a block, inside one block or across two, as the whole has them.
TEST(RandomBytes, ShortPiecesMatchTheWhole) {
  const std::string whole = RandomBytes(64, 5);
  for (const std::int64_t offset : {0, 1, 5, 8, 13})
    for (const std::size_t size : {0, 1, 2, 3, 7, 8, 9, 17}) {
      std::string piece(size, '\0');
      RandomBytesAt(5, offset, piece);
      EXPECT_EQ(piece, whole.substr(static_cast<std::size_t>(offset), size))
          << offset << "+" << size;
    }
}

TEST(InputSource, RandomInputReadsInChunksAndWhole) {
  const auto input = RandomInput(70'000, 9);
  EXPECT_EQ(input->size(), 70'000);
  std::string read;
  char buffer[4096];
  for (std::int64_t at = 0;;) {
    const std::int64_t got = input->ReadAt(at, buffer);
    if (got <= 0) break;
    read.append(buffer, static_cast<std::size_t>(got));
    at += got;
  }
  EXPECT_EQ(read, RandomBytes(70'000, 9));
  EXPECT_EQ(input->AllBytes(), RandomBytes(70'000, 9));
}

// SameAs compares across chunk boundaries (70 000 bytes are two 64 KiB chunks): equal bytes,
// one byte changed in the second chunk, one byte short and one byte more all tell apart.
TEST(InputSource, SameAsComparesEveryChunk) {
  const auto input = RandomInput(70'000, 9);
  std::string bytes = RandomBytes(70'000, 9);
  EXPECT_TRUE(input->SameAs(bytes));
  bytes[69'000] = static_cast<char>(bytes[69'000] ^ 1);
  EXPECT_FALSE(input->SameAs(bytes));
  bytes = RandomBytes(70'000, 9);
  EXPECT_FALSE(input->SameAs(std::string_view(bytes).substr(0, 69'999)));
  EXPECT_FALSE(input->SameAs(bytes + "x"));
  EXPECT_TRUE(TextInput("")->SameAs(""));
}

TEST(InputSource, TextAndFileReadBackWhole) {
  EXPECT_EQ(TextInput("hello")->AllBytes(), "hello");
  EXPECT_EQ(TextInput("")->size(), 0);

  char path[] = "/tmp/input_source_test.XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path, std::ios::binary) << std::string("line one\n\0line two", 18);
  auto opened = FileInput(path);
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const InputSource>>(opened));
  EXPECT_EQ(std::get<0>(opened)->AllBytes(), std::string("line one\n\0line two", 18));
  ::unlink(path);

  auto missing = FileInput("/nonexistent/input");
  ASSERT_TRUE(std::holds_alternative<std::string>(missing));
  EXPECT_NE(std::get<std::string>(missing).find("/nonexistent/input"), std::string::npos);
}

}  // namespace
}  // namespace labgrade
