// How soon a readiness wait notices its condition: a child creates a semaphore set after a
// pause of 0-20 ms and notes when; the bench looks for it as wait_for_sysv does (the same
// SysvObjectExists look and TestContext::NextPollPause pacing) and notes when it saw it. Prints
// the median and 90th percentile of the gap, for today's pacing and for the pacing before it
// (1 ms doubling to 20 ms), measured in the same run. Figures only; never asserted.
//
//   ninja -C build run_readiness_bench
//   build/bench/readiness_bench [ROUNDS]
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "harness/probes/sysv_objects.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::int64_t MonotonicNs() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

using Pacing = std::function<Clock::duration(Clock::duration)>;

// One round: microseconds from the set's creation to the look that saw it.
double Round(std::uint32_t key, const Pacing& next_pause, unsigned delay_us) {
  int ends[2];
  if (::pipe(ends) != 0) std::exit(1);
  const pid_t child = ::fork();
  if (child == 0) {
    ::usleep(delay_us);
    ::semget(static_cast<key_t>(key), 1, IPC_CREAT | IPC_EXCL | 0600);
    const std::int64_t created = MonotonicNs();
    if (::write(ends[1], &created, sizeof created) != sizeof created) ::_exit(1);
    ::_exit(0);
  }
  Clock::duration pause{};
  while (!SysvObjectExists(SysvKind::kSemaphoreSet, key)) {
    pause = next_pause(pause);
    std::this_thread::sleep_for(pause);
  }
  const std::int64_t seen = MonotonicNs();
  std::int64_t created = 0;
  if (::read(ends[0], &created, sizeof created) != sizeof created) std::exit(1);
  ::waitpid(child, nullptr, 0);
  ::close(ends[0]);
  ::close(ends[1]);
  ::semctl(::semget(static_cast<key_t>(key), 0, 0), 0, IPC_RMID);
  return static_cast<double>(seen - created) / 1000.0;
}

void Report(const char* name, std::vector<double> gaps) {
  std::sort(gaps.begin(), gaps.end());
  fmt::print("{:28} median {:7.2f} ms   90th percentile {:7.2f} ms\n", name,
             gaps[gaps.size() / 2] / 1000.0, gaps[gaps.size() * 9 / 10] / 1000.0);
}

int Run(int rounds) {
  const Pacing now = [](Clock::duration last) { return TestContext::NextPollPause(last); };
  const Pacing before = [](Clock::duration last) {
    return last == Clock::duration{}
               ? Clock::duration(std::chrono::milliseconds(1))
               : std::min<Clock::duration>(last * 2, std::chrono::milliseconds(20));
  };
  std::vector<double> gaps_now;
  std::vector<double> gaps_before;
  std::srand(1);
  for (int i = 0; i < rounds; ++i) {
    const unsigned delay_us = static_cast<unsigned>(std::rand() % 20'000);
    const auto key = static_cast<std::uint32_t>(0x4c470000 + (::getpid() & 0xff) * 256 + i % 256);
    gaps_now.push_back(Round(key, now, delay_us));
    gaps_before.push_back(Round(key, before, delay_us));
  }
  fmt::print("rounds: {} (the set appears 0-20 ms after the wait starts)\n", rounds);
  Report("now (0.25 ms doubling to 2)", gaps_now);
  Report("before (1 ms doubling to 20)", gaps_before);
  return 0;
}

}  // namespace
}  // namespace labgrade

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(10, std::atoi(argv[1])) : 200;
  return labgrade::Run(rounds);
}
