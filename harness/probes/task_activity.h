// What the threads of a set of processes are doing, from /proc: each thread's scheduler state,
// its CPU time in nanoseconds (/proc/PID/task/TID/schedstat) and the system call it waits in
// (/proc/PID/task/TID/syscall), and whether a timer of its own could wake the process.
//
// Two snapshots a little apart tell a test that can no longer make progress from one that is
// merely slow (harness/steps/stall_watch.h): a waiting thread is classed as waiting for ever
// (semop, a read on a pipe, wait4, pause, ...) only when nothing but another process can wake
// it. Anything labgrade cannot classify counts as progress: the cost of a wrong "stuck" is a
// correct program cut short, the cost of a wrong "progress" only a longer wait.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/probes/proc_stat.h"

namespace labgrade {

/// How a thread waits, as far as progress goes.
enum class WaitKind {
  kProgress,    ///< runs, may run soon, or waits for the kernel or a timer (sleep, a timeout)
  kIndefinite,  ///< waits until another process acts: semop, read on a pipe, wait4, pause, ...
  kStopped,     ///< stopped by a signal (SIGSTOP, SIGTSTP)
};

/// /proc/PID/task/TID/syscall: "running", or the call number and its six arguments.
struct SyscallLine {
  bool running = false;
  long number = -1;  ///< -1: blocked outside a system call (a page fault, say)
  std::array<std::uint64_t, 6> args{};
};

/// Parses the text of /proc/PID/syscall; null when it does not have that shape.
std::optional<SyscallLine> ParseSyscallLine(std::string_view text);

/// What a descriptor is, from the target of its /proc/PID/fd/N link and, for sockets, whether a
/// receive or send timeout (SO_RCVTIMEO, SO_SNDTIMEO) is set on it.
struct DescriptorInfo {
  enum class Kind { kSocket, kPipe, kEvent, kTimer, kOther } kind = Kind::kOther;
  bool receive_timeout = false;
  bool send_timeout = false;
};

/// The kind named by a /proc/PID/fd/N link target ("socket:[1]", "pipe:[2]",
/// "anon_inode:[eventfd]", "anon_inode:[timerfd]", a path, ...).
DescriptorInfo::Kind DescriptorKindOf(std::string_view link_target);

/// How a thread blocked in `call` waits. `descriptor` describes a descriptor of the process on
/// demand (null: cannot tell, which counts as progress).
WaitKind ClassifyBlockedCall(
    const SyscallLine& call,
    const std::function<std::optional<DescriptorInfo>(int fd)>& descriptor);

/// The name of a system call a thread can wait in for ever ("semop", "read", ...), for reports;
/// "a system call" for others.
std::string WaitingCallName(long number);

/// One thread.
struct TaskActivity {
  int tid = 0;
  char state = '?';
  std::uint64_t cpu_ns = 0;  ///< time spent on a CPU so far
  WaitKind wait = WaitKind::kProgress;
  long call = -1;  ///< the system call it is in, when blocked in one
};

/// One process and its threads.
struct ProcessActivity {
  int pid = 0;
  /// A timer of its own could wake it: it catches or blocks SIGALRM (alarm, setitimer), has a
  /// POSIX timer (/proc/PID/timers) or a timerfd.
  bool may_be_woken_by_timer = false;
  std::vector<TaskActivity> tasks;
};

/// The processes of a test at one moment.
struct ActivitySnapshot {
  std::vector<ProcessActivity> processes;
  bool complete = true;  ///< false when something could not be read: then nothing is concluded
};

/// Reads a socket's timeouts: (receive, send) set, for descriptor `fd` of process `pid`; null
/// when it cannot be read. The default duplicates the descriptor with pidfd_getfd(2).
using SocketTimeoutReader = std::function<std::optional<std::pair<bool, bool>>(int pid, int fd)>;
std::optional<std::pair<bool, bool>> ReadSocketTimeouts(int pid, int fd);

/// The activity of `pids` (processes; their threads are found in /proc/PID/task). A process that
/// has exited meanwhile, or a zombie, is left out.
ActivitySnapshot ReadActivity(const ProcReader& reader, const std::vector<int>& pids,
                              const SocketTimeoutReader& socket_timeouts = ReadSocketTimeouts);

/// Some thread of `pids` is running, runnable or in uninterruptible sleep (neither asleep nor
/// stopped): progress, read from each thread's stat alone. A look that finds none still needs
/// ReadActivity to tell a wait for ever from a timed one.
bool AnyThreadMayRun(const ProcReader& reader, const std::vector<int>& pids);

/// Every thread waits for ever or is stopped, none can be woken by a timer of its own, and
/// there is at least one.
bool AllWaitForEver(const ActivitySnapshot& snapshot);

/// The same threads, none of which ran in between.
bool NothingRanBetween(const ActivitySnapshot& before, const ActivitySnapshot& after);

/// One look at one thread: its scheduler state, the system call it is in and the CPU time it has
/// used so far, in nanoseconds.
struct ThreadLook {
  char state = '?';
  std::optional<SyscallLine> call;  ///< null when not readable as a system call line
  std::uint64_t cpu_ns = 0;
};

/// Looks at thread `tid` of process `pid` (/proc/PID/task/TID/{stat,syscall,schedstat}); null
/// when it is gone or its state or CPU time cannot be read.
std::optional<ThreadLook> LookAtThread(const ProcReader& reader, int pid, int tid);

/// The CPU time of process `pid` so far, in nanoseconds: the sum over its live threads of
/// /proc/PID/task/TID/schedstat (the scheduler's own count, not 10 ms ticks). Null when it is
/// gone or cannot be read.
std::optional<std::uint64_t> ProcessCpuNs(const ProcReader& reader, int pid);

/// Whether the TCP table text (/proc/net/tcp or tcp6) shows a socket the kernel will act on by
/// itself: data sent and not yet acknowledged (a delayed ACK or a window update may come), a
/// retransmission, a zero-window probe, a connection being set up or a TIME_WAIT that will
/// expire. Keepalive timers (two hours) do not count.
bool TcpTableHasTimers(std::string_view table_text);

}  // namespace labgrade
