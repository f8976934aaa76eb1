// Waiting for a scheduler state: see process_state_wait.h.
#include "harness/steps/process_state_wait.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "harness/probes/proc_stat.h"

namespace labgrade {

StateWait WaitForState(ProgramRun& run, std::string_view states, Clock::time_point deadline,
                       char* last_state) {
  *last_state = '?';
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    if (run.Exited()) return StateWait::kExited;
    const std::optional<ProcStat> stat = ReadProcStat(run.pid());
    if (stat) *last_state = stat->state;
    if (stat && states.find(stat->state) != std::string_view::npos) return StateWait::kReached;
    if (Clock::now() >= deadline) return StateWait::kTimedOut;
    run.WaitUntilExited(std::min(deadline, Clock::now() + pause));
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
}

bool BlockedThroughout(const ThreadLook& before, const ThreadLook& after) {
  const auto in_a_call = [](const ThreadLook& look) {
    return look.state == 'S' && look.call && !look.call->running && look.call->number >= 0;
  };
  return in_a_call(before) && in_a_call(after) && before.call->number == after.call->number &&
         before.call->args == after.call->args && before.cpu_ns == after.cpu_ns;
}

StateWait WaitUntilBlocked(ProgramRun& run, Clock::time_point deadline, char* last_state) {
  *last_state = '?';
  const ProcReader reader;
  const int pid = run.pid();
  std::optional<ThreadLook> before;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    if (run.Exited()) return StateWait::kExited;
    const std::optional<ThreadLook> look = LookAtThread(reader, pid, pid);
    if (look) *last_state = look->state;
    if (before && look && BlockedThroughout(*before, *look)) return StateWait::kReached;
    if (Clock::now() >= deadline) return StateWait::kTimedOut;
    // Asleep now: look again once the gap has passed, to see whether it stayed in that call.
    const bool asleep = look && look->state == 'S';
    before = asleep ? look : std::nullopt;
    run.WaitUntilExited(std::min(deadline, Clock::now() + (asleep ? kBlockedLookGap : pause)));
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
}

}  // namespace labgrade
