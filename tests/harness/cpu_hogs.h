// Two threads that keep both cores of a small machine busy while a test runs, for tests that
// must hold on a loaded machine.
#pragma once

#include <atomic>
#include <thread>
#include <vector>

namespace labgrade::testing {

class CpuHogs {
 public:
  CpuHogs() {
    for (int i = 0; i < 2; ++i)
      hogs_.emplace_back([this] {
        volatile unsigned long spins = 0;
        while (!stop_.load(std::memory_order_relaxed)) spins = spins + 1;
      });
  }
  ~CpuHogs() {
    stop_ = true;
    for (std::thread& hog : hogs_) hog.join();
  }
  CpuHogs(const CpuHogs&) = delete;
  CpuHogs& operator=(const CpuHogs&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> hogs_;
};

}  // namespace labgrade::testing
