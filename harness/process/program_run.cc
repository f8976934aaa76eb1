// The pump: one thread per program that polls its pipes, its pidfd and a wake-up eventfd, so
// that a program is fed, drained, timed and reaped without any fixed sleep.
#include "harness/process/program_run.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace labgrade {
namespace {

std::int64_t ElapsedMs(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

std::int64_t TimevalMs(const timeval& tv) {
  return static_cast<std::int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
}

timespec PollTimeout(Clock::time_point now, Clock::time_point deadline) {
  if (deadline <= now) return timespec{0, 0};
  // Rounded up, so that the wake-up falls after the deadline, not just before it.
  const auto us = std::min<std::int64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(deadline - now).count() + 1,
      60'000'000);
  return timespec{static_cast<time_t>(us / 1'000'000), static_cast<long>(us % 1'000'000) * 1000};
}

/// Reads what is there into `stream`, keeping at most `cap` bytes. False at EOF or error.
bool DrainInto(int fd, CapturedStream& stream, std::int64_t cap) {
  std::array<char, 64 * 1024> buffer;
  for (;;) {
    ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got > 0) {
      stream.total_bytes += got;
      auto room = std::max<std::int64_t>(0, cap - static_cast<std::int64_t>(stream.bytes.size()));
      stream.bytes.append(buffer.data(),
                          static_cast<std::size_t>(std::min<std::int64_t>(room, got)));
      if (stream.total_bytes > static_cast<std::int64_t>(stream.bytes.size()))
        stream.truncated = true;
      continue;
    }
    if (got == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN;
  }
}

std::int64_t KeptBytes(const RunLimits& limits, bool read_by_a_check) {
  return read_by_a_check ? limits.output_bytes : std::min(limits.output_bytes, kUnreadStreamBytes);
}

// The scheduler state of thread `tid` of this process (R, S, ...), '?' when unreadable: the
// character after the last ')' of /proc/self/task/TID/stat (the name may hold one).
char ThreadState(int tid) {
  const std::string path = fmt::format("/proc/self/task/{}/stat", tid);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return '?';
  char text[512];
  const ssize_t got = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (got <= 0) return '?';
  const std::string_view stat(text, static_cast<std::size_t>(got));
  const std::size_t close = stat.rfind(')');
  return close != std::string_view::npos && close + 2 < stat.size() ? stat[close + 2] : '?';
}

struct PipePair {
  UniqueFd read;
  UniqueFd write;
};

/// Makes the pipe hold kBatchedPipeBytes; false where that is not allowed. Only root asks: an
/// ordinary user's large pipes count against a per-user budget (pipe-user-pages-soft), past
/// which the kernel gives every new pipe of that user, the programs' own included, two pages.
bool EnlargePipe(const PipePair& pipe) {
  if (::geteuid() != 0) return false;
  return ::fcntl(pipe.write.get(), F_SETPIPE_SZ, kBatchedPipeBytes) >= kBatchedPipeBytes;
}

std::optional<PipePair> MakePipe(std::string* error) {
  int fds[2];
  // CLOEXEC: another thread may fork at any moment; its child must not inherit these.
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    *error = fmt::format("pipe2(O_CLOEXEC): {}", std::strerror(errno));
    return std::nullopt;
  }
  return PipePair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void IgnoreSigpipeOnce() {
  // A program that exits without reading its input must not kill the grader with SIGPIPE.
  static const bool ignored = [] {
    ::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)ignored;
}

}  // namespace

std::variant<std::unique_ptr<ProgramRun>, LaunchError> ProgramRun::Start(
    LaunchSpec spec, std::shared_ptr<const InputSource> stdin_bytes, RunLimits limits,
    StdinEnd stdin_end) {
  IgnoreSigpipeOnce();
  // Kept open with nothing to say first: a pipe all the same, empty until it is closed.
  if (!stdin_bytes && stdin_end == StdinEnd::kWhenClosed) stdin_bytes = TextInput("");
  std::string error;
  auto out = MakePipe(&error);
  auto err = out ? MakePipe(&error) : std::nullopt;
  std::optional<PipePair> in;
  if (err && stdin_bytes) in = MakePipe(&error);
  if (!out || !err || (stdin_bytes && !in)) return LaunchError{error, errno};
  int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) return LaunchError{fmt::format("eventfd: {}", std::strerror(errno)), errno};

  std::unique_ptr<ProgramRun> run(new ProgramRun());
  run->wake_.Reset(wake);
  run->limits_ = limits;
  run->end_.out.kept = limits.keep_stdout;
  run->end_.err.kept = limits.keep_stderr;
  run->input_ = std::move(stdin_bytes);
  run->stdin_end_ = stdin_end;
  run->batched_ = EnlargePipe(*out) && EnlargePipe(*err) && (!in || EnlargePipe(*in));
  spec.stdout_fd = out->write.get();
  spec.stderr_fd = err->write.get();
  spec.stdin_fd = in ? in->read.get() : -1;
  run->started_at_ = Clock::now();
  LaunchOutcome launched = LaunchProgram(spec);
  if (auto* failure = std::get_if<LaunchError>(&launched)) return *failure;
  auto& process = std::get<LaunchedProcess>(launched);
  run->pid_ = process.pid;
  run->pidfd_ = std::move(process.pidfd);
  run->stdout_read_ = std::move(out->read);
  run->stderr_read_ = std::move(err->read);
  if (in) run->stdin_write_ = std::move(in->write);
  // The child's ends close here, so EOF arrives when the program's side closes.
  for (UniqueFd* fd : {&run->stdout_read_, &run->stderr_read_, &run->stdin_write_})
    if (fd->valid()) ::fcntl(fd->get(), F_SETFL, O_NONBLOCK);
  run->pump_ = std::thread([raw = run.get()] { raw->Pump(); });
  return run;
}

ProgramRun::~ProgramRun() {
  if (pump_.joinable()) {
    Terminate();
    pump_.join();
  }
}

bool ProgramRun::WaitUntilFinished(Clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return changed_.wait_until(lock, deadline, [this] { return finished_; });
}

bool ProgramRun::WaitUntilExited(Clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return changed_.wait_until(lock, deadline, [this] { return exited_; });
}

bool ProgramRun::Finished() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

bool ProgramRun::Exited() const {
  std::lock_guard lock(mutex_);
  return exited_;
}

void ProgramRun::SignalGroup(int signal) {
  std::lock_guard lock(mutex_);
  // The pgid stays reserved while any member of the group lives, so this cannot hit a
  // stranger; once the leader is reaped and the group is empty it is a no-op (ESRCH).
  ::kill(-pid_, signal);
  if (!exited_) ::kill(pid_, signal);
}

void ProgramRun::RequestTermination() {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    terminate_requested_ = true;
  }
  Wake();
}

void ProgramRun::CloseStdin() {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    stdin_close_requested_ = true;
  }
  Wake();
}

void ProgramRun::Terminate() {
  RequestTermination();
  WaitUntilFinished(Clock::time_point::max());
}

const ProgramEnd& ProgramRun::end() const { return end_; }

void ProgramRun::Wake() {
  std::uint64_t one = 1;
  ssize_t ignored = ::write(wake_.get(), &one, sizeof one);
  (void)ignored;
}

void ProgramRun::KillFromPump(int signal) {
  ::kill(-pid_, signal);
  std::lock_guard lock(mutex_);
  if (!exited_) ::kill(pid_, signal);
}

void ProgramRun::Reap() {
  int status = 0;
  rusage usage{};
  pid_t got;
  do {
    got = ::wait4(pid_, &status, 0, &usage);
  } while (got < 0 && errno == EINTR);
  end_.wall_ms = ElapsedMs(started_at_, Clock::now());
  end_.cpu_ms = TimevalMs(usage.ru_utime) + TimevalMs(usage.ru_stime);
  if (got == pid_ && WIFEXITED(status)) {
    end_.exited = true;
    end_.exit_code = WEXITSTATUS(status);
  } else if (got == pid_ && WIFSIGNALED(status)) {
    end_.term_signal = WTERMSIG(status);
  }
  std::lock_guard lock(mutex_);
  exited_ = true;
  changed_.notify_all();
}

std::optional<std::uint64_t> ProgramRun::IdlePumpWakeups() const {
  const std::uint64_t before = pump_wakeups_.load();
  if (!pump_waiting_.load()) return std::nullopt;
  // Woken but not yet run (a loaded machine can keep a runnable thread waiting for tens of
  // milliseconds) is work pending: only a pump asleep in poll() is idle.
  const int tid = pump_tid_.load();
  if (tid <= 0) return std::nullopt;
  if (ThreadState(tid) != 'S') return std::nullopt;
  // Still in the same poll(): it has not woken since `before` was read.
  if (pump_wakeups_.load() != before) return std::nullopt;
  return before;
}

std::int64_t ProgramRun::FeedInput(std::int64_t& offset, std::vector<char>& chunk,
                                   std::size_t& written) {
  constexpr std::size_t kChunkBytes = 64 * 1024;
  std::int64_t fed = 0;
  while (stdin_write_.valid() && !input_written_) {
    if (written == chunk.size()) {
      chunk.resize(kChunkBytes);
      const std::int64_t got = input_->ReadAt(offset, chunk);
      chunk.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
      written = 0;
      if (got <= 0) {  // the end, or an input file that cannot be read any more
        InputWritten();
        break;
      }
    }
    const std::size_t wanted = chunk.size() - written;
    const ssize_t put = ::write(stdin_write_.get(), chunk.data() + written, wanted);
    if (put > 0) {
      written += static_cast<std::size_t>(put);
      offset += put;
      fed += put;
    }
    // EPIPE means it stopped reading; EOF tells the program its input is complete.
    if (put < 0 && errno != EAGAIN && errno != EINTR) {
      CloseStdinPipe();
    } else if (written == chunk.size() && offset >= input_->size()) {
      InputWritten();
    } else if (put < 0 ? errno == EAGAIN : static_cast<std::size_t>(put) < wanted) {
      break;  // the pipe is full
    }
  }
  return fed;
}

void ProgramRun::CloseStdinPipe() {
  stdin_write_.Reset();
  stdin_held_open_.store(false);
}

void ProgramRun::InputWritten() {
  input_written_ = true;
  bool close_requested;
  {
    std::lock_guard lock(mutex_);
    close_requested = stdin_close_requested_;
  }
  if (stdin_end_ == StdinEnd::kWhenClosed && !close_requested) {
    // Not polled for room any more (a writable pipe would wake the pump at once, for ever):
    // held until CloseStdin() wakes the pump.
    stdin_held_open_.store(true);
    return;
  }
  CloseStdinPipe();
}

void ProgramRun::Pump() {
  pump_tid_.store(static_cast<int>(::gettid()));
  // Named for `top -H` and for bench/class_bench, which tells the pumps' CPU from the rest.
  ::pthread_setname_np(::pthread_self(), "labgrade-pump");
  const Clock::time_point wall_deadline = started_at_ + std::chrono::milliseconds(limits_.wall_ms);
  const auto grace = std::chrono::milliseconds(limits_.kill_grace_ms);
  std::optional<Clock::time_point> kill_deadline;   // SIGTERM sent; SIGKILL due then
  std::optional<Clock::time_point> drain_deadline;  // exited; stop waiting for EOF then
  std::int64_t stdin_offset = 0;                    // how much of input_ the program has been given
  std::vector<char> chunk;                          // read from input_, not yet all written
  std::size_t chunk_written = 0;
  bool exited = false;
  bool terminating = false;
  // When each stream may be looked at again (kStreamRest); a time past means now.
  Clock::time_point stdout_rest{};
  Clock::time_point stderr_rest{};
  Clock::time_point stdin_rest{};
  const auto rest_after = [this](std::int64_t served, Clock::time_point now) {
    const bool trickle = served > 0 && served < kBatchedPipeBytes / 2;
    return batched_ && trickle ? now + kStreamRest : Clock::time_point{};
  };

  for (;;) {
    Clock::time_point now = Clock::now();
    if (exited && !stdout_read_.valid() && !stderr_read_.valid()) break;

    std::array<pollfd, 5> fds{};
    int count = 0;
    auto add = [&](const UniqueFd& fd, short events) {
      if (fd.valid()) fds[count++] = pollfd{fd.get(), events, 0};
    };
    // Once the program has exited, nothing rests: its last output is read at once.
    const auto awake = [&](Clock::time_point rest) { return exited || rest <= now; };
    add(wake_, POLLIN);
    if (!exited) add(pidfd_, POLLIN);
    if (awake(stdout_rest)) add(stdout_read_, POLLIN);
    if (awake(stderr_rest)) add(stderr_read_, POLLIN);
    if (!input_written_ && awake(stdin_rest)) add(stdin_write_, POLLOUT);

    Clock::time_point next =
        exited ? *drain_deadline : (kill_deadline ? *kill_deadline : wall_deadline);
    bool resting = false;
    for (const auto& [fd, rest] : {std::pair{&stdout_read_, stdout_rest},
                                   {&stderr_read_, stderr_rest},
                                   {&stdin_write_, stdin_rest}}) {
      if (fd->valid() && !awake(rest)) {
        next = std::min(next, rest);
        resting = true;
      }
    }
    // Blocked in this poll() with no stream resting, the pump has nothing to do: no output to
    // drain, no room for input.
    pump_waiting_.store(!resting);
    const timespec timeout = PollTimeout(now, next);
    int ready = ::ppoll(fds.data(), static_cast<nfds_t>(count), &timeout, nullptr);
    pump_waiting_.store(false);
    pump_wakeups_.fetch_add(1);
    if (ready < 0 && errno != EINTR) break;  // cannot happen with valid fds; do not spin
    now = Clock::now();

    for (int i = 0; i < count && ready > 0; ++i) {
      if (fds[i].revents == 0) continue;
      int fd = fds[i].fd;
      if (fd == wake_.get()) {
        std::uint64_t value;
        ssize_t ignored = ::read(fd, &value, sizeof value);
        (void)ignored;
      } else if (fd == pidfd_.get()) {
        Reap();
        exited = true;
        drain_deadline = std::max(wall_deadline, now + grace);
        if (terminating) drain_deadline = now + grace;
        // Nobody reads our stdin any more: stop feeding it.
        CloseStdinPipe();
      } else if (fd == stdout_read_.get()) {
        const std::int64_t before = end_.out.total_bytes;
        if (!DrainInto(fd, end_.out, KeptBytes(limits_, limits_.keep_stdout))) stdout_read_.Reset();
        stdout_rest = rest_after(end_.out.total_bytes - before, now);
      } else if (fd == stderr_read_.get()) {
        const std::int64_t before = end_.err.total_bytes;
        if (!DrainInto(fd, end_.err, KeptBytes(limits_, limits_.keep_stderr))) stderr_read_.Reset();
        stderr_rest = rest_after(end_.err.total_bytes - before, now);
      } else if (fd == stdin_write_.get()) {
        const std::int64_t fed = FeedInput(stdin_offset, chunk, chunk_written);
        // Written out, a stdin held open is not polled again, so nothing of it rests.
        stdin_rest = input_written_ ? Clock::time_point{} : rest_after(fed, now);
      }
    }
    if (stdin_write_.valid() && !input_written_ && input_->size() == 0) InputWritten();

    bool requested;
    bool stdin_close_requested;
    {
      std::lock_guard lock(mutex_);
      requested = terminate_requested_;
      stdin_close_requested = stdin_close_requested_;
    }
    if (stdin_close_requested && input_written_ && stdin_write_.valid()) {
      CloseStdinPipe();
    }
    if (requested && !terminating) {
      terminating = true;
      end_.killed_by_harness = !exited;
      if (!exited) {
        KillFromPump(SIGTERM);
        kill_deadline = now + grace;
      } else {
        drain_deadline = std::min(*drain_deadline, now + grace);
      }
    }
    if (!exited && !kill_deadline && now >= wall_deadline) {
      end_.hit_wall_limit = true;
      end_.killed_by_harness = true;
      KillFromPump(SIGTERM);
      kill_deadline = now + grace;
    } else if (!exited && kill_deadline && now >= *kill_deadline) {
      KillFromPump(SIGKILL);
      kill_deadline = now + std::chrono::hours(1);  // the kernel delivers SIGKILL; wait for it
    }
    if (exited && now >= *drain_deadline && (stdout_read_.valid() || stderr_read_.valid())) {
      end_.output_held_open = true;
      stdout_read_.Reset();
      stderr_read_.Reset();
    }
  }
  CloseStdinPipe();
  std::lock_guard lock(mutex_);
  finished_ = true;
  changed_.notify_all();
}

}  // namespace labgrade
