// Ending a waiting step once no program can make progress: see stall_watch.h.
#include "harness/steps/stall_watch.h"

#include <algorithm>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "harness/report_words.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

// The kernel acts by itself on a TCP connection with a timer running (a retransmission, say):
// that is progress nobody's thread shows. The test's thread is in the cell's network namespace,
// hence thread-self.
bool KernelTcpTimersRunning(const ProcReader& reader) {
  for (const char* table : {"/proc/thread-self/net/tcp", "/proc/thread-self/net/tcp6"}) {
    const std::optional<std::string> text = reader.ReadFile(table);
    if (text && TcpTableHasTimers(*text)) return true;
  }
  return false;
}

}  // namespace

StallWatch::StallWatch(TestContext& test, Clock::time_point step_deadline)
    : test_(test), step_deadline_(step_deadline) {
  if (StillPossible()) next_look_ = Clock::now();
}

bool StallWatch::StillPossible() const {
  if (!test_.test().early_end || test_.test().network || test_.cell() == nullptr) return false;
  // The grader ends a program at its wall-clock limit: that is an action before the deadline.
  for (const auto& [name, instance] : test_.instances()) {
    if (!instance.run || instance.run->Exited()) continue;
    if (instance.run->started_at() + std::chrono::milliseconds(instance.wall_limit_ms) <=
        step_deadline_)
      return false;
  }
  return true;
}

std::optional<std::string> StallWatch::Stalled() {
  if (next_look_ == Clock::time_point::max()) return std::nullopt;
  const Clock::time_point now = Clock::now();
  if (now < next_look_) return std::nullopt;
  next_look_ = now + kStallLook;
  if (!StillPossible()) {
    next_look_ = Clock::time_point::max();
    return std::nullopt;
  }
  const ProcReader reader;

  // The pumps first: one that is idle now and at the last look did nothing in between.
  std::map<const ProgramRun*, std::uint64_t> pumps;
  bool pumps_idle = true;
  for (const auto& [name, instance] : test_.instances()) {
    if (!instance.run || instance.run->Finished()) continue;
    const std::optional<std::uint64_t> wakeups = instance.run->IdlePumpWakeups();
    if (!wakeups)
      pumps_idle = false;
    else
      pumps[instance.run.get()] = *wakeups;
  }
  // Cheapest first, since a look comes every 25 ms of every wait: a pump at work, then a thread
  // running or runnable, is progress, with no need to read the rest.
  if (!pumps_idle) {
    last_.reset();
    return std::nullopt;
  }
  std::vector<int> pids;
  std::set<int> seen;
  const auto add_tree = [&](int root, int except) {
    for (const int pid : ProcessTree(reader, root))
      if (pid != except && seen.insert(pid).second) pids.push_back(pid);
  };
  for (const auto& [name, instance] : test_.instances())
    if (instance.run && !instance.run->Exited()) add_tree(instance.run->pid(), -1);
  // Orphans a program left behind belong to the cell's init now, and may be the ones working.
  add_tree(test_.cell()->init_pid(), test_.cell()->init_pid());

  if (AnyThreadMayRun(reader, pids)) {
    last_.reset();
    return std::nullopt;
  }
  ActivitySnapshot snapshot = ReadActivity(reader, pids);
  if (!AllWaitForEver(snapshot) || KernelTcpTimersRunning(reader)) {
    last_.reset();
    return std::nullopt;
  }
  if (!last_ || !NothingRanBetween(*last_, snapshot) || pumps != last_pumps_) {
    last_ = std::move(snapshot);
    last_pumps_ = std::move(pumps);
    return std::nullopt;
  }
  return Why(snapshot);
}

std::string StallWatch::Why(const ActivitySnapshot& snapshot) const {
  std::vector<std::string> waiting;
  std::vector<std::string> ended;
  for (const std::string& name : test_.start_order()) {
    const Instance* instance = test_.FindInstance(name);
    if (instance == nullptr || !instance->run) continue;
    if (instance->run->Exited()) {
      ended.push_back(fmt::format("{} {}", name, instance->EndWords()));
      continue;
    }
    std::string how = "is waiting";
    for (const ProcessActivity& process : snapshot.processes) {
      if (process.pid != instance->run->pid()) continue;
      for (const TaskActivity& task : process.tasks) {
        if (task.wait == WaitKind::kStopped) {
          how = "is stopped";
          break;
        }
        if (task.call >= 0) {
          how = "is blocked in " + WaitingCallName(task.call);
          break;
        }
      }
    }
    // A step after this one would close it: the wait comes first, so it cannot.
    if (instance->run->StdinHeldOpen())
      how += " (its standard input is still open: a close_stdin step can only come after this one)";
    waiting.push_back(fmt::format("{} {}", name, how));
  }
  std::string words = waiting.empty()
                          ? std::string("the processes left running all wait for each other")
                          : fmt::format("{}{}", fmt::join(waiting, " and "),
                                        waiting.size() == 1 ? " and nothing else is running"
                                                            : ", and nothing else is running");
  if (!ended.empty()) words += fmt::format(": {}", fmt::join(ended, "; "));
  return words;
}

std::string EndedEarlyWords(Clock::time_point step_start, const std::string& why) {
  const std::int64_t ms = MsSince(step_start);
  return fmt::format("ended early, after {}: {}",
                     ms < 1000 ? fmt::format("{} ms", ms)
                               : Seconds(static_cast<int>(std::min<std::int64_t>(ms, 1 << 30))),
                     why);
}

}  // namespace labgrade
