// SHA-256 against the NIST examples (FIPS 180-4 example values, "SHA256.pdf" of the CSRC
// examples page) and the long-message vector of FIPS 180-2 appendix B.3.
#include "harness/build/sha256.h"

#include <string>

#include <gtest/gtest.h>

namespace labgrade {
namespace {

// The empty message.
TEST(Sha256, EmptyMessage) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// NIST's one-block message "abc".
TEST(Sha256, OneBlockMessage) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// NIST's two-block message of 448 bits, whose padding needs a block of its own.
TEST(Sha256, TwoBlockMessage) {
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

// NIST's 896-bit message.
TEST(Sha256, LongerTwoBlockMessage) {
  EXPECT_EQ(Sha256Hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklm"
                      "nopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

// NIST's one million times 'a', fed in uneven pieces that cross block boundaries.
TEST(Sha256, MillionAsInPieces) {
  Sha256 hash;
  const std::string piece(997, 'a');
  std::size_t fed = 0;
  for (; fed + piece.size() <= 1'000'000; fed += piece.size()) hash.Update(piece);
  hash.Update(std::string(1'000'000 - fed, 'a'));
  EXPECT_EQ(HexOf(hash.Finish()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Messages of every length around the padding boundary hash the same fed whole or byte by byte.
TEST(Sha256, PiecewiseEqualsWhole) {
  for (std::size_t length = 50; length <= 130; ++length) {
    std::string message;
    for (std::size_t i = 0; i < length; ++i) message.push_back(static_cast<char>(i * 7));
    Sha256 hash;
    for (char byte : message) hash.Update(std::string_view(&byte, 1));
    EXPECT_EQ(HexOf(hash.Finish()), Sha256Hex(message)) << length;
  }
}

}  // namespace
}  // namespace labgrade
