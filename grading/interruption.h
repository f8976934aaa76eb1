// SIGINT (Ctrl-C), SIGTERM (CI cancellation, Slurm's scancel) and SIGHUP (a closed terminal)
// end a grading run cleanly: no new program is started, every process the run started is
// killed (a cell's init takes its whole cell along), the run's work folders are removed, and the
// process exits with 128 + the signal's number, as a shell reports a process killed by it.
//
// The signals are blocked in every thread and taken by one thread with sigwait(2), so no handler
// runs in the middle of the grader's own work.
#pragma once

namespace labgrade {

/// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread and every thread it starts later.
/// Call while the process has a single thread, before any other is created.
void BlockInterruptions();

/// Starts the thread that waits for those signals and ends the run (see above). Call after
/// BlockInterruptions, once the process is the one that grades (in the user-namespace mode,
/// after EnterOwnUserNamespace, whose waiting parent passes the signals on).
void StartInterruptionWatcher();

/// What the watcher does on `signal`, callable from tests: refuse launches, kill every child
/// process and wait until each has ended, remove the registered work folders. Does not exit.
void EndRunAfterSignal(int signal);

/// The process's exit status: `status`, unless a signal is being handled, in which case this
/// waits for the watcher to end the process with 128 + the signal (the main thread must not
/// exit first: it would cut the cleanup short).
int ExitStatusAfterInterruptions(int status);

}  // namespace labgrade
