// Waiting for a program to reach a scheduler state (stopped, say), for the steps that signal it.
#pragma once

#include <string_view>

#include "harness/process/program_run.h"

namespace labgrade {

enum class StateWait { kReached, kExited, kTimedOut };

/// Polls /proc/PID/stat until the program's state is one of `states`, its exit, or `deadline`.
/// A signal is delivered when the target next runs, not when kill() returns: a step that stops a
/// program must wait for the stop before the next step relies on it. There is no notification
/// of a state change, so it looks again soon (1 ms, doubling to 20 ms) but wakes at once on exit.
/// `last_state` receives the last state seen ('?' if none).
StateWait WaitForState(ProgramRun& run, std::string_view states, Clock::time_point deadline,
                       char* last_state);

}  // namespace labgrade
