// Ends a waiting step as soon as its outcome is decided: when no program of the test can make
// progress any more, waiting out the step's timeout only delays the same failure. A reader that
// crashed leaves its writer blocked in semop for ever; a student running `check` on broken code
// should not sit out every timeout of every test.
//
// "No progress" is strict (see harness/probes/task_activity.h): every thread of every process in
// the test's cell waits for ever (semop, a read on a pipe or socket with no timeout, wait4,
// pause, a stop signal, ...), none can be woken by a timer of its own, no thread ran at all
// between two looks kStallLook apart, the grader's pumps had nothing to feed or drain in between
// (a pump starved of a core on a loaded machine is work pending), the kernel has no TCP timer
// or unacknowledged data in the cell's network, and the grader will do nothing before the
// step's deadline (no program's wall-clock
// limit falls before it). A timed wait (a sleep, a poll or receive timeout, alarm) is progress.
// A standard input kept open (`stdin: { keep_open: true }`) is the grader's to close, but only
// by a later step, after this one has ended: during this step a read on it waits for ever.
// Host mode (no cell of its own), a test with network conditions (netem delays packets) and a
// test with `early_end: false` never end early.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "harness/probes/task_activity.h"
#include "harness/process/program_run.h"

namespace labgrade {

class TestContext;

/// How far apart the two looks that must agree are.
inline constexpr std::chrono::milliseconds kStallLook{25};

class StallWatch {
 public:
  /// Watches `test`'s programs during a step that gives up at `step_deadline`.
  StallWatch(TestContext& test, Clock::time_point step_deadline);

  /// When Stalled() should next be called; time_point::max() when this step never ends early.
  Clock::time_point next_look() const { return next_look_; }

  /// Looks at the test's programs; once two looks kStallLook apart find that none can make
  /// progress, says why, in words for the report ("writer is blocked in semop and nothing else
  /// is running: reader was killed by SIGSEGV (segmentation fault)"). Null otherwise.
  std::optional<std::string> Stalled();

 private:
  bool StillPossible() const;
  std::string Why(const ActivitySnapshot& snapshot) const;

  TestContext& test_;
  Clock::time_point step_deadline_;
  Clock::time_point next_look_ = Clock::time_point::max();
  std::optional<ActivitySnapshot> last_;
  /// Each unfinished run's pump, idle at the last look: its wakeups then.
  std::map<const ProgramRun*, std::uint64_t> last_pumps_;
};

/// The report's words for a step that ended early: "ended early, after 0.1 s: WHY".
std::string EndedEarlyWords(Clock::time_point step_start, const std::string& why);

}  // namespace labgrade
