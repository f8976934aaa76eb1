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

}  // namespace labgrade
