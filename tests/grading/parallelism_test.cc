// Tests for the default parallelism: well above the core count, bounded by memory.
#include "grading/parallelism.h"

#include <gtest/gtest.h>

namespace labgrade {
namespace {

TEST(DefaultJobs, IsSeveralPerCoreWhenMemoryAllows) {
  EXPECT_EQ(DefaultJobs(2, 16 * 1024), 2 * kJobsPerCore);
  EXPECT_EQ(DefaultJobs(1, 16 * 1024), kJobsPerCore);
}

TEST(DefaultJobs, IsBoundedByMemory) {
  EXPECT_EQ(DefaultJobs(8, 3 * kMibPerJob + 10), 3);
  EXPECT_EQ(DefaultJobs(8, 10), 1);  // at least one
  EXPECT_EQ(DefaultJobs(0, 16 * 1024), kJobsPerCore);
}

TEST(DefaultJobs, HereIsAtLeastOne) { EXPECT_GE(DefaultJobsHere(), 1); }

}  // namespace
}  // namespace labgrade
