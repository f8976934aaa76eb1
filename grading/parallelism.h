// How many students `grade` grades at once when --jobs is not given. Grading mostly waits: for
// programs blocked on each other, for readiness, for the timeouts of broken submissions. A test of
// the shared-memory lab keeps a core busy a tenth of its time, so one job per core leaves the
// machine idle; many jobs per core keep it busy. Memory is the bound: each job may run a test's
// programs at their memory limits.
#pragma once

#include <cstdint>

namespace labgrade {

/// Jobs per core when the memory allows.
inline constexpr int kJobsPerCore = 4;
/// The memory one job may need: a grader, a test's programs and their captured output.
inline constexpr std::int64_t kMibPerJob = 256;

/// The default number of jobs for `cores` cores and `available_mib` of available memory
/// (MemAvailable): kJobsPerCore per core, at most one per kMibPerJob, at least one.
int DefaultJobs(int cores, std::int64_t available_mib);

/// DefaultJobs for this machine (cores from the scheduler's affinity mask, memory from
/// /proc/meminfo; without it, memory does not bound).
int DefaultJobsHere();

}  // namespace labgrade
