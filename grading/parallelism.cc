// The default parallelism: see parallelism.h.
#include "grading/parallelism.h"

#include <sched.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <string>
#include <thread>

namespace labgrade {
namespace {

int Cores() {
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

std::int64_t AvailableMib() {
  std::ifstream meminfo("/proc/meminfo");
  std::string name;
  std::int64_t kib = 0;
  std::string unit;
  while (meminfo >> name >> kib >> unit)
    if (name == "MemAvailable:") return kib / 1024;
  return std::numeric_limits<std::int64_t>::max();
}

}  // namespace

int DefaultJobs(int cores, std::int64_t available_mib) {
  const std::int64_t by_cores = static_cast<std::int64_t>(std::max(1, cores)) * kJobsPerCore;
  const std::int64_t by_memory = std::max<std::int64_t>(1, available_mib / kMibPerJob);
  return static_cast<int>(std::min(by_cores, by_memory));
}

int DefaultJobsHere() { return DefaultJobs(Cores(), AvailableMib()); }

}  // namespace labgrade
