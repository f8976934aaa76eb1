// Tests for IsAtOrBelow: paths compared part by part, never as text.
#include "harness/path_within.h"

#include <gtest/gtest.h>

namespace labgrade {
namespace {

TEST(IsAtOrBelow, TheFolderItselfAndWhatIsInIt) {
  EXPECT_TRUE(IsAtOrBelow("/labs/mmap", "/labs/mmap"));
  EXPECT_TRUE(IsAtOrBelow("/labs/mmap/data/x.bin", "/labs/mmap"));
  EXPECT_TRUE(IsAtOrBelow("/labs/mmap", "/"));
}

TEST(IsAtOrBelow, NeitherANeighbourSharingItsTextNorAParent) {
  EXPECT_FALSE(IsAtOrBelow("/labs/mmap-old/x", "/labs/mmap"));
  EXPECT_FALSE(IsAtOrBelow("/labs", "/labs/mmap"));
  EXPECT_FALSE(IsAtOrBelow("/etc/passwd", "/labs/mmap"));
}

}  // namespace
}  // namespace labgrade
