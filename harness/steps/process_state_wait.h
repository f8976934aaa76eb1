// Waiting for a program to reach a scheduler state (stopped, say), for the steps that signal it,
// or to be blocked for good in a system call, for `pause_when_blocked:`.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "harness/probes/task_activity.h"
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

/// Whether two looks a moment apart saw one and the same wait: asleep (S) in a system call both
/// times, the same call with the same arguments, and no CPU used in between. A thread merely
/// passing through short sleeps, or in uninterruptible sleep on a page fault or the disk (D)
/// while it starts, is not blocked.
bool BlockedThroughout(const ThreadLook& before, const ThreadLook& after);

/// How far apart the two looks of WaitUntilBlocked are: long against the short sleeps of a
/// program's start (a page read, a lock), short against any wait a test means to catch.
inline constexpr std::chrono::milliseconds kBlockedLookGap{25};

/// Waits until the program's main thread is blocked in one system call for two looks
/// kBlockedLookGap apart (BlockedThroughout), until it exits, or until `deadline`.
/// `last_state` receives the last state seen ('?' if none).
StateWait WaitUntilBlocked(ProgramRun& run, Clock::time_point deadline, char* last_state);

}  // namespace labgrade
