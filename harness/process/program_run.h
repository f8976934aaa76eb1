// One program from start to reaping: feeds its standard input, captures its output up to a cap,
// enforces its wall-clock limit, and reports how it ended and the CPU time it used.
//
// A pump thread per program does the I/O and the waiting (poll on the pipes and the pidfd),
// so a test's steps can wait on conditions while several programs talk to each other.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "harness/process/input_source.h"
#include "harness/process/program_launcher.h"
#include "harness/process/unique_fd.h"

namespace labgrade {

using Clock = std::chrono::steady_clock;

/// A captured output stream: the first `cap` bytes, and how many came in all.
struct CapturedStream {
  std::string bytes;
  std::int64_t total_bytes = 0;
  bool truncated = false;  ///< total_bytes > bytes.size(): the cap was reached, the rest drained
  /// false: only the head was kept (RunLimits::keep_stdout, keep_stderr); no check may read it.
  bool kept = true;
};

/// What is kept of a stream no check reads: enough for the report's excerpt of standard error.
inline constexpr std::int64_t kUnreadStreamBytes = 64 << 10;

/// Relaying a program's stdio in batches. A program writing its output a block at a time, or
/// reading its input so, woke the pump for every block: 65,536 wake-ups for a 64 MiB transfer in
/// 1 KiB blocks, which made the grader a third of a class's CPU time. With pipes of
/// kBatchedPipeBytes, a stream the pump just served (drained, or filled) rests for kStreamRest
/// before the pump looks at it again, unless that served half a pipe or more (a fast program is
/// never held back). A program can write 1 MiB in those 2 ms without blocking; a step waiting
/// for it is not delayed, since the pump still wakes at once for an exit or a request.
inline constexpr int kBatchedPipeBytes = 1 << 20;
inline constexpr std::chrono::microseconds kStreamRest{2000};

/// How a program ended. Valid once ProgramRun::Finished() is true.
struct ProgramEnd {
  bool exited = false;  ///< true: exit_code is valid; false: term_signal is
  int exit_code = 0;
  int term_signal = 0;
  bool hit_wall_limit = false;     ///< the harness killed it for running too long
  bool killed_by_harness = false;  ///< the harness ended it (wall limit or test teardown)
  std::int64_t wall_ms = 0;
  std::int64_t cpu_ms = 0;        ///< user + system, its own and its reaped children's
  bool output_held_open = false;  ///< a leftover process kept its stdout/stderr open
  CapturedStream out;
  CapturedStream err;
};

/// When the program's standard input ends (it reads EOF).
enum class StdinEnd {
  kAfterInput,  ///< once every byte of the input is written
  /// Only once CloseStdin() is called (and every byte is written), or the program ends: the
  /// pipe stays open after the input, as for `stdin: { keep_open: true }`.
  kWhenClosed,
};

struct RunLimits {
  int wall_ms = 10'000;
  std::int64_t output_bytes = 16 << 20;  ///< per stream
  int kill_grace_ms = 1'000;             ///< between SIGTERM and SIGKILL
  /// false: no check reads the stream, so only its first kUnreadStreamBytes are kept; the rest
  /// is drained and counted. A class grades many tests at once: 16 MiB held for a stream nobody
  /// reads, in each of them, was most of the grader's memory.
  bool keep_stdout = true;
  bool keep_stderr = true;
};

class ProgramRun {
 public:
  /// Launches `spec` (its stdio fds are replaced by the run's own pipes). `input` null means
  /// /dev/null (with StdinEnd::kWhenClosed: an empty input); otherwise it is fed a chunk at a
  /// time as the program reads, then closed as `stdin_end` says. Launching happens on the
  /// calling thread, inside its namespaces.
  static std::variant<std::unique_ptr<ProgramRun>, LaunchError> Start(
      LaunchSpec spec, std::shared_ptr<const InputSource> input, RunLimits limits,
      StdinEnd stdin_end = StdinEnd::kAfterInput);

  ProgramRun(const ProgramRun&) = delete;
  ProgramRun& operator=(const ProgramRun&) = delete;
  /// Kills the process group if still running, and joins the pump.
  ~ProgramRun();

  pid_t pid() const { return pid_; }

  /// Waits until the program has been reaped and its output drained, or the deadline passes.
  /// Returns true if it finished.
  bool WaitUntilFinished(Clock::time_point deadline);
  /// Waits until the main process has exited and been reaped (its output may still be
  /// draining), or the deadline passes. Returns true if it exited.
  bool WaitUntilExited(Clock::time_point deadline);
  bool Finished() const;
  /// True once the main process has exited (its output may still be draining).
  bool Exited() const;
  /// When the pump waits with nothing to do (no output to drain, no room in the stdin pipe, no
  /// stream resting: kStreamRest), how many times it has woken so far; null while it works. The
  /// same number at two moments means it did nothing in between (harness/steps/stall_watch.h).
  std::optional<std::uint64_t> IdlePumpWakeups() const;

  /// Lets the program's standard input end: closed once the rest of the input is written. Only
  /// StdinEnd::kWhenClosed waits for this; returns at once.
  void CloseStdin();
  /// True while the grader holds the program's standard input open with every byte written
  /// (StdinEnd::kWhenClosed, before CloseStdin()): a read there waits for a later step.
  bool StdinHeldOpen() const { return stdin_held_open_.load(); }

  /// Sends `signal` to the program's process group (it runs in a session of its own).
  void SignalGroup(int signal);
  /// Asks the pump to end the program: SIGTERM to the group, SIGKILL after the grace time.
  /// Returns at once, so that several programs can be ended in parallel.
  void RequestTermination();
  /// RequestTermination(), then waits until finished.
  void Terminate();

  /// How it ended; call only once Finished().
  const ProgramEnd& end() const;
  /// What its standard input was fed; null for /dev/null.
  const std::shared_ptr<const InputSource>& input() const { return input_; }
  Clock::time_point started_at() const { return started_at_; }

 private:
  ProgramRun() = default;
  void Pump();
  /// Writes the next bytes of input_ to the program's stdin (its pipe is writable), until the
  /// pipe is full or the input written. Returns how many bytes it wrote.
  std::int64_t FeedInput(std::int64_t& offset, std::vector<char>& chunk, std::size_t& written);
  /// Every byte of input_ is written: the stdin pipe closes, unless it is kept open until
  /// CloseStdin() and that was not called yet.
  void InputWritten();
  /// Closes the grader's end of the program's standard input: the program reads its end.
  void CloseStdinPipe();
  void KillFromPump(int signal);
  void Reap();
  void Wake();

  pid_t pid_ = -1;
  UniqueFd pidfd_;
  UniqueFd stdin_write_;
  UniqueFd stdout_read_;
  UniqueFd stderr_read_;
  UniqueFd wake_;  ///< eventfd: tells the pump to look at requests
  std::shared_ptr<const InputSource> input_;
  StdinEnd stdin_end_ = StdinEnd::kAfterInput;
  bool input_written_ = false;  ///< the pump's: every byte of input_ is in the pipe
  bool batched_ = false;        ///< the pipes hold kBatchedPipeBytes: streams may rest
  RunLimits limits_;
  Clock::time_point started_at_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::atomic<int> pump_tid_{0};                ///< the pump thread's id, once it runs
  std::atomic<bool> pump_waiting_{false};       ///< blocked in poll(), no stream resting
  std::atomic<std::uint64_t> pump_wakeups_{0};  ///< how often its poll() returned
  bool exited_ = false;                         ///< guarded by mutex_
  bool finished_ = false;                       ///< guarded by mutex_
  bool terminate_requested_ = false;            ///< guarded by mutex_
  bool stdin_close_requested_ = false;          ///< guarded by mutex_: CloseStdin() was called
  std::atomic<bool> stdin_held_open_{false};    ///< see StdinHeldOpen()
  ProgramEnd end_;  ///< written by the pump; read by others once finished_
  std::thread pump_;
};

}  // namespace labgrade
