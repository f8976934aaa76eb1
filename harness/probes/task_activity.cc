// The activity probe: see task_activity.h.
#include "harness/probes/task_activity.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "harness/process/unique_fd.h"

namespace labgrade {
namespace {

std::vector<std::string_view> Fields(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t begin = 0;
  while (begin < text.size()) {
    while (begin < text.size() && (text[begin] == ' ' || text[begin] == '\n')) ++begin;
    std::size_t end = begin;
    while (end < text.size() && text[end] != ' ' && text[end] != '\n') ++end;
    if (end > begin) fields.push_back(text.substr(begin, end - begin));
    begin = end;
  }
  return fields;
}

template <typename Number>
bool ParseNumber(std::string_view text, Number* value, int base = 10) {
  if (base == 16 && text.starts_with("0x")) text.remove_prefix(2);
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value, base);
  return error == std::errc() && end == text.data() + text.size();
}

std::filesystem::path TaskPath(int pid, int tid) {
  return std::filesystem::path("/proc") / std::to_string(pid) / "task" / std::to_string(tid);
}

/// The threads of process `pid` (/proc/PID/task); null when it is gone.
std::optional<std::vector<int>> ThreadIds(const ProcReader& reader, int pid) {
  const std::optional<std::vector<std::string>> names =
      reader.ListDirectory(std::filesystem::path("/proc") / std::to_string(pid) / "task");
  if (!names) return std::nullopt;
  std::vector<int> tids;
  for (const std::string& name : *names) {
    int tid = 0;
    if (ParseNumber(name, &tid)) tids.push_back(tid);
  }
  return tids;
}

/// The CPU time a thread's schedstat text gives (its first field), in nanoseconds.
std::optional<std::uint64_t> SchedstatNs(std::string_view text) {
  const std::vector<std::string_view> fields = Fields(text);
  std::uint64_t ns = 0;
  if (fields.empty() || !ParseNumber(fields[0], &ns)) return std::nullopt;
  return ns;
}

// The value of a "Name:\tHEX" line of /proc/PID/status as a signal mask.
std::optional<std::uint64_t> StatusMask(std::string_view status, std::string_view name) {
  const std::string key = std::string(name) + ":";
  std::size_t at = 0;
  while (at < status.size()) {
    const std::size_t end = std::min(status.find('\n', at), status.size());
    std::string_view line = status.substr(at, end - at);
    if (line.starts_with(key)) {
      line.remove_prefix(key.size());
      while (!line.empty() && (line.front() == '\t' || line.front() == ' ')) line.remove_prefix(1);
      std::uint64_t mask = 0;
      if (ParseNumber(line, &mask, 16)) return mask;
      return std::nullopt;
    }
    at = end + 1;
  }
  return std::nullopt;
}

constexpr std::uint64_t kAlarmBit = std::uint64_t{1} << (SIGALRM - 1);

// A pointer argument that is null, or an int argument that is negative: "no timeout".
bool NoTimeoutPointer(std::uint64_t arg) { return arg == 0; }
bool NegativeInt(std::uint64_t arg) { return static_cast<std::int32_t>(arg & 0xffffffffU) < 0; }

enum class Direction { kReceive, kSend };

// A call that waits on descriptor `fd` until someone else writes or reads it.
WaitKind DescriptorWait(int fd, Direction direction,
                        const std::function<std::optional<DescriptorInfo>(int fd)>& descriptor) {
  const std::optional<DescriptorInfo> info = descriptor(fd);
  if (!info) return WaitKind::kProgress;
  switch (info->kind) {
    case DescriptorInfo::Kind::kSocket: {
      const bool timed =
          direction == Direction::kReceive ? info->receive_timeout : info->send_timeout;
      return timed ? WaitKind::kProgress : WaitKind::kIndefinite;
    }
    case DescriptorInfo::Kind::kPipe:
    case DescriptorInfo::Kind::kEvent:
      return WaitKind::kIndefinite;
    case DescriptorInfo::Kind::kTimer:
    case DescriptorInfo::Kind::kOther:
      return WaitKind::kProgress;
  }
  return WaitKind::kProgress;
}

const std::map<long, std::string_view>& WaitingCallNames() {
  static const std::map<long, std::string_view> names = {
      {SYS_read, "read"},
      {SYS_readv, "readv"},
      {SYS_recvfrom, "recvfrom"},
      {SYS_recvmsg, "recvmsg"},
      {SYS_recvmmsg, "recvmmsg"},
      {SYS_accept, "accept"},
      {SYS_accept4, "accept4"},
      {SYS_write, "write"},
      {SYS_writev, "writev"},
      {SYS_sendto, "sendto"},
      {SYS_sendmsg, "sendmsg"},
      {SYS_semop, "semop"},
      // glibc's semop() is semtimedop() without a timeout: the student wrote semop.
      {SYS_semtimedop, "semop"},
      {SYS_msgrcv, "msgrcv"},
      {SYS_msgsnd, "msgsnd"},
      {SYS_rt_sigsuspend, "sigsuspend"},
      {SYS_rt_sigtimedwait, "sigwait"},
      {SYS_wait4, "wait"},
      {SYS_waitid, "waitid"},
      {SYS_futex, "futex (a lock or condition variable)"},
      {SYS_ppoll, "ppoll"},
      {SYS_pselect6, "pselect"},
      {SYS_epoll_pwait, "epoll_wait"},
      {SYS_flock, "flock"},
      {SYS_fcntl, "fcntl (a record lock)"},
#ifdef SYS_pause
      {SYS_pause, "pause"},
#endif
#ifdef SYS_poll
      {SYS_poll, "poll"},
#endif
#ifdef SYS_select
      {SYS_select, "select"},
#endif
#ifdef SYS_epoll_wait
      {SYS_epoll_wait, "epoll_wait"},
#endif
  };
  return names;
}

}  // namespace

std::optional<SyscallLine> ParseSyscallLine(std::string_view text) {
  const std::vector<std::string_view> fields = Fields(text);
  if (fields.empty()) return std::nullopt;
  SyscallLine line;
  if (fields[0] == "running") {
    line.running = true;
    return line;
  }
  if (!ParseNumber(fields[0], &line.number)) return std::nullopt;
  if (line.number < 0) return line;  // "-1 SP PC": blocked, but not in a system call
  if (fields.size() < 1 + line.args.size()) return std::nullopt;
  for (std::size_t i = 0; i < line.args.size(); ++i)
    if (!ParseNumber(fields[1 + i], &line.args[i], 16)) return std::nullopt;
  return line;
}

DescriptorInfo::Kind DescriptorKindOf(std::string_view target) {
  if (target.starts_with("socket:")) return DescriptorInfo::Kind::kSocket;
  if (target.starts_with("pipe:")) return DescriptorInfo::Kind::kPipe;
  if (target == "anon_inode:[eventfd]" || target == "anon_inode:[signalfd]")
    return DescriptorInfo::Kind::kEvent;
  if (target == "anon_inode:[timerfd]") return DescriptorInfo::Kind::kTimer;
  return DescriptorInfo::Kind::kOther;
}

WaitKind ClassifyBlockedCall(
    const SyscallLine& call,
    const std::function<std::optional<DescriptorInfo>(int fd)>& descriptor) {
  if (call.running || call.number < 0) return WaitKind::kProgress;
  const long n = call.number;
  const auto& a = call.args;
  const int fd = static_cast<int>(a[0] & 0x7fffffff);
  if (n == SYS_read || n == SYS_readv || n == SYS_recvfrom || n == SYS_recvmsg || n == SYS_accept ||
      n == SYS_accept4)
    return DescriptorWait(fd, Direction::kReceive, descriptor);
  if (n == SYS_recvmmsg)
    return NoTimeoutPointer(a[4]) ? DescriptorWait(fd, Direction::kReceive, descriptor)
                                  : WaitKind::kProgress;
  if (n == SYS_write || n == SYS_writev || n == SYS_sendto || n == SYS_sendmsg)
    return DescriptorWait(fd, Direction::kSend, descriptor);
  if (n == SYS_semop || n == SYS_msgrcv || n == SYS_msgsnd || n == SYS_rt_sigsuspend ||
      n == SYS_wait4 || n == SYS_waitid || n == SYS_flock)
    return WaitKind::kIndefinite;
#ifdef SYS_pause
  if (n == SYS_pause) return WaitKind::kIndefinite;
#endif
  if (n == SYS_semtimedop)
    return NoTimeoutPointer(a[3]) ? WaitKind::kIndefinite : WaitKind::kProgress;
  if (n == SYS_rt_sigtimedwait)
    return NoTimeoutPointer(a[2]) ? WaitKind::kIndefinite : WaitKind::kProgress;
  if (n == SYS_fcntl) {
    constexpr std::uint64_t kOfdSetLockWait = 38;  // F_OFD_SETLKW
    return a[1] == F_SETLKW || a[1] == kOfdSetLockWait ? WaitKind::kIndefinite
                                                       : WaitKind::kProgress;
  }
  if (n == SYS_futex) {
    constexpr std::uint64_t kCommandMask = 0x7f;  // without FUTEX_PRIVATE_FLAG, CLOCK_REALTIME
    const std::uint64_t command = a[1] & kCommandMask;
    constexpr std::uint64_t kWait = 0, kWaitBitset = 9;
    if (command == kWait || command == kWaitBitset)
      return NoTimeoutPointer(a[3]) ? WaitKind::kIndefinite : WaitKind::kProgress;
    return WaitKind::kProgress;
  }
  // Waits on several descriptors: for ever only without a timeout. Which descriptors is not
  // looked at: a timerfd among them makes the process timer-woken (see ReadActivity), and any
  // other source is another process, which is looked at too.
  if (n == SYS_ppoll) return NoTimeoutPointer(a[2]) ? WaitKind::kIndefinite : WaitKind::kProgress;
  if (n == SYS_pselect6)
    return NoTimeoutPointer(a[4]) ? WaitKind::kIndefinite : WaitKind::kProgress;
  if (n == SYS_epoll_pwait) return NegativeInt(a[3]) ? WaitKind::kIndefinite : WaitKind::kProgress;
#ifdef SYS_poll
  if (n == SYS_poll) return NegativeInt(a[2]) ? WaitKind::kIndefinite : WaitKind::kProgress;
#endif
#ifdef SYS_select
  if (n == SYS_select) return NoTimeoutPointer(a[4]) ? WaitKind::kIndefinite : WaitKind::kProgress;
#endif
#ifdef SYS_epoll_wait
  if (n == SYS_epoll_wait) return NegativeInt(a[3]) ? WaitKind::kIndefinite : WaitKind::kProgress;
#endif
  // Sleeps, connect (the kernel retries a SYN), and anything not listed.
  return WaitKind::kProgress;
}

std::string WaitingCallName(long number) {
  const auto& names = WaitingCallNames();
  const auto found = names.find(number);
  return found == names.end() ? "a system call" : std::string(found->second);
}

std::optional<std::pair<bool, bool>> ReadSocketTimeouts(int pid, int fd) {
  UniqueFd process(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!process.valid()) return std::nullopt;
  UniqueFd copy(static_cast<int>(::syscall(SYS_pidfd_getfd, process.get(), fd, 0)));
  if (!copy.valid()) return std::nullopt;
  timeval receive{};
  timeval send{};
  socklen_t size = sizeof receive;
  if (::getsockopt(copy.get(), SOL_SOCKET, SO_RCVTIMEO, &receive, &size) != 0) return std::nullopt;
  size = sizeof send;
  if (::getsockopt(copy.get(), SOL_SOCKET, SO_SNDTIMEO, &send, &size) != 0) return std::nullopt;
  return std::pair(receive.tv_sec != 0 || receive.tv_usec != 0,
                   send.tv_sec != 0 || send.tv_usec != 0);
}

ActivitySnapshot ReadActivity(const ProcReader& reader, const std::vector<int>& pids,
                              const SocketTimeoutReader& socket_timeouts) {
  ActivitySnapshot snapshot;
  for (const int pid : pids) {
    const std::filesystem::path process_dir = std::filesystem::path("/proc") / std::to_string(pid);
    const std::optional<std::vector<int>> tids = ThreadIds(reader, pid);
    if (!tids) continue;  // gone meanwhile
    ProcessActivity process;
    process.pid = pid;

    // The threads first, then what may wake them: a program that catches SIGALRM or opens a
    // timerfd and then sleeps is seen asleep with its timer, never asleep without it (read the
    // other way round, a look could see the handler missing and the sleep already begun).
    struct TaskRead {
      TaskActivity task;
      std::optional<SyscallLine> call;
    };
    std::vector<TaskRead> reads;
    bool zombie = false;
    for (const int tid : *tids) {
      const std::filesystem::path task_dir = TaskPath(pid, tid);
      const std::optional<std::string> stat_text = reader.ReadFile(task_dir / "stat");
      const std::optional<std::string> schedstat = reader.ReadFile(task_dir / "schedstat");
      const std::optional<std::string> task_status = reader.ReadFile(task_dir / "status");
      const std::optional<std::string> syscall_text = reader.ReadFile(task_dir / "syscall");
      const std::optional<ProcStat> stat = stat_text ? ParseProcStat(*stat_text) : std::nullopt;
      if (!stat) continue;  // the thread ended meanwhile
      TaskRead read;
      read.task.tid = tid;
      read.task.state = stat->state;
      if (read.task.state == 'Z' || read.task.state == 'X') {
        zombie = true;
        continue;
      }
      const std::optional<std::uint64_t> cpu_ns =
          schedstat ? SchedstatNs(*schedstat) : std::nullopt;
      const std::optional<std::uint64_t> blocked =
          task_status ? StatusMask(*task_status, "SigBlk") : std::nullopt;
      read.call = syscall_text ? ParseSyscallLine(*syscall_text) : std::nullopt;
      if (!cpu_ns || !blocked) {
        snapshot.complete = false;
        continue;
      }
      read.task.cpu_ns = *cpu_ns;
      if (*blocked & kAlarmBit) process.may_be_woken_by_timer = true;
      reads.push_back(std::move(read));
    }

    const std::optional<std::string> status = reader.ReadFile(process_dir / "status");
    if (!status) continue;  // gone meanwhile
    const std::optional<std::uint64_t> caught = StatusMask(*status, "SigCgt");
    if (!caught) {
      snapshot.complete = false;
      continue;
    }
    if (*caught & kAlarmBit) process.may_be_woken_by_timer = true;
    const std::optional<std::string> timers = reader.ReadFile(process_dir / "timers");
    if (timers && !timers->empty()) process.may_be_woken_by_timer = true;

    // Every descriptor's kind, read once: a timerfd makes the process timer-woken, and the
    // blocked calls below are classified by the kind of the descriptor they wait on.
    const std::optional<std::vector<std::string>> fds = reader.ListDirectory(process_dir / "fd");
    if (!fds) {
      snapshot.complete = false;
      continue;
    }
    std::map<int, DescriptorInfo::Kind> kinds;
    for (const std::string& name : *fds) {
      int fd = 0;
      const std::optional<std::string> target = reader.ReadLink(process_dir / "fd" / name);
      if (!target || !ParseNumber(name, &fd)) continue;
      kinds[fd] = DescriptorKindOf(*target);
      if (kinds[fd] == DescriptorInfo::Kind::kTimer) process.may_be_woken_by_timer = true;
    }
    // A socket's timeouts are read only when a thread waits on it, once.
    std::map<int, std::optional<DescriptorInfo>> descriptors;
    const auto descriptor = [&](int fd) -> std::optional<DescriptorInfo> {
      auto [slot, fresh] = descriptors.try_emplace(fd);
      if (!fresh) return slot->second;
      const auto kind = kinds.find(fd);
      if (kind == kinds.end()) return std::nullopt;  // opened since: cannot tell
      DescriptorInfo info;
      info.kind = kind->second;
      if (info.kind == DescriptorInfo::Kind::kSocket) {
        const std::optional<std::pair<bool, bool>> timeouts = socket_timeouts(pid, fd);
        if (!timeouts) return std::nullopt;
        std::tie(info.receive_timeout, info.send_timeout) = *timeouts;
      }
      slot->second = info;
      return info;
    };

    for (TaskRead& read : reads) {
      TaskActivity& task = read.task;
      if (task.state == 'T') {
        task.wait = WaitKind::kStopped;
      } else if (task.state == 'S' && read.call) {
        task.wait = ClassifyBlockedCall(*read.call, descriptor);
        task.call = read.call->number;
      } else {
        // Running, runnable, in uninterruptible sleep (disk, memory), traced, or unreadable.
        task.wait = WaitKind::kProgress;
      }
      process.tasks.push_back(task);
    }
    if (!process.tasks.empty() || !zombie) snapshot.processes.push_back(std::move(process));
  }
  return snapshot;
}

std::optional<ThreadLook> LookAtThread(const ProcReader& reader, int pid, int tid) {
  const std::filesystem::path task_dir = TaskPath(pid, tid);
  // The state before the call: a thread seen asleep is then seen in the call it sleeps in, or
  // awake ("running"), never the other way round.
  const std::optional<std::string> stat_text = reader.ReadFile(task_dir / "stat");
  const std::optional<std::string> syscall_text = reader.ReadFile(task_dir / "syscall");
  const std::optional<std::string> schedstat = reader.ReadFile(task_dir / "schedstat");
  const std::optional<ProcStat> stat = stat_text ? ParseProcStat(*stat_text) : std::nullopt;
  const std::optional<std::uint64_t> cpu_ns = schedstat ? SchedstatNs(*schedstat) : std::nullopt;
  if (!stat || !cpu_ns) return std::nullopt;
  return ThreadLook{.state = stat->state,
                    .call = syscall_text ? ParseSyscallLine(*syscall_text) : std::nullopt,
                    .cpu_ns = *cpu_ns};
}

std::optional<std::uint64_t> ProcessCpuNs(const ProcReader& reader, int pid) {
  const std::optional<std::vector<int>> tids = ThreadIds(reader, pid);
  if (!tids || tids->empty()) return std::nullopt;
  std::uint64_t total = 0;
  for (const int tid : *tids) {
    const std::optional<std::string> schedstat = reader.ReadFile(TaskPath(pid, tid) / "schedstat");
    if (!schedstat) continue;  // a thread that ended meanwhile
    const std::optional<std::uint64_t> ns = SchedstatNs(*schedstat);
    if (!ns) return std::nullopt;
    total += *ns;
  }
  return total;
}

bool AnyThreadMayRun(const ProcReader& reader, const std::vector<int>& pids) {
  for (const int pid : pids) {
    const std::optional<std::vector<int>> tids = ThreadIds(reader, pid);
    if (!tids) continue;  // gone meanwhile
    for (const int tid : *tids) {
      const std::optional<std::string> text = reader.ReadFile(TaskPath(pid, tid) / "stat");
      const std::optional<ProcStat> stat = text ? ParseProcStat(*text) : std::nullopt;
      if (!stat) continue;  // the thread ended meanwhile
      if (std::string_view("STtZX").find(stat->state) == std::string_view::npos) return true;
    }
  }
  return false;
}

bool AllWaitForEver(const ActivitySnapshot& snapshot) {
  if (!snapshot.complete) return false;
  bool any = false;
  for (const ProcessActivity& process : snapshot.processes) {
    if (process.may_be_woken_by_timer) return false;
    for (const TaskActivity& task : process.tasks) {
      if (task.wait == WaitKind::kProgress) return false;
      any = true;
    }
  }
  return any;
}

bool NothingRanBetween(const ActivitySnapshot& before, const ActivitySnapshot& after) {
  std::map<int, std::uint64_t> cpu;
  for (const ProcessActivity& process : before.processes)
    for (const TaskActivity& task : process.tasks) cpu[task.tid] = task.cpu_ns;
  std::size_t count = 0;
  for (const ProcessActivity& process : after.processes) {
    for (const TaskActivity& task : process.tasks) {
      const auto found = cpu.find(task.tid);
      if (found == cpu.end() || found->second != task.cpu_ns) return false;
      ++count;
    }
  }
  return count == cpu.size();
}

bool TcpTableHasTimers(std::string_view table) {
  bool header = true;
  std::size_t at = 0;
  while (at < table.size()) {
    const std::size_t end = std::min(table.find('\n', at), table.size());
    const std::string_view line = table.substr(at, end - at);
    at = end + 1;
    if (header) {
      header = false;
      continue;
    }
    // "sl local rem st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ..."
    const std::vector<std::string_view> fields = Fields(line);
    if (fields.size() < 6) continue;
    unsigned state = 0;
    unsigned timer = 0;
    std::uint64_t unacknowledged = 0;
    if (!ParseNumber(fields[3], &state, 16) ||
        !ParseNumber(fields[5].substr(0, fields[5].find(':')), &timer, 16) ||
        !ParseNumber(fields[4].substr(0, fields[4].find(':')), &unacknowledged, 16))
      return true;  // cannot tell: the kernel may be acting
    constexpr unsigned kEstablished = 0x01;
    constexpr unsigned kListen = 0x0A;
    constexpr unsigned kKeepalive = 2;
    // Bytes sent and not yet acknowledged: a delayed ACK or window update (timers this table
    // does not show) may yet let a blocked writer go on.
    if (state != kListen && unacknowledged != 0) return true;
    if (timer == 0) continue;
    // An established connection's sk_timer is its keepalive timer (two hours); in other states
    // the same timer ends FIN_WAIT2 or a half-open connection.
    if (timer == kKeepalive && state == kEstablished) continue;
    return true;
  }
  return false;
}

}  // namespace labgrade
