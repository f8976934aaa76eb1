// Tests for the activity probe: the parsers and the classification on canned text, then real
// child processes of this test waiting in the ways the classification tells apart.
#include "harness/probes/task_activity.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

namespace labgrade {
namespace {

std::optional<DescriptorInfo> Socket(bool receive_timeout) {
  DescriptorInfo info;
  info.kind = DescriptorInfo::Kind::kSocket;
  info.receive_timeout = receive_timeout;
  return info;
}

SyscallLine Call(long number, std::array<std::uint64_t, 6> args = {}) {
  SyscallLine line;
  line.number = number;
  line.args = args;
  return line;
}

TEST(TaskActivity, ParsesTheSyscallFile) {
  const std::optional<SyscallLine> semop =
      ParseSyscallLine("65 0x8000 0x7ffc1c4e3a40 0x1 0x0 0x0 0x0 0x7ffc1c4e3a28 0x7f1e0b0f1e57\n");
  ASSERT_TRUE(semop);
  EXPECT_FALSE(semop->running);
  EXPECT_EQ(semop->number, 65);
  EXPECT_EQ(semop->args[0], 0x8000U);
  EXPECT_EQ(semop->args[2], 1U);
  const std::optional<SyscallLine> running = ParseSyscallLine("running\n");
  ASSERT_TRUE(running);
  EXPECT_TRUE(running->running);
  const std::optional<SyscallLine> fault = ParseSyscallLine("-1 0x7ffc1c4e3a28 0x401000\n");
  ASSERT_TRUE(fault);
  EXPECT_EQ(fault->number, -1);
  EXPECT_FALSE(ParseSyscallLine(""));
  EXPECT_FALSE(ParseSyscallLine("65 0x1"));
  EXPECT_FALSE(ParseSyscallLine("sixty-five"));
}

TEST(TaskActivity, TellsDescriptorKindsFromTheirLinks) {
  EXPECT_EQ(DescriptorKindOf("socket:[123]"), DescriptorInfo::Kind::kSocket);
  EXPECT_EQ(DescriptorKindOf("pipe:[9]"), DescriptorInfo::Kind::kPipe);
  EXPECT_EQ(DescriptorKindOf("anon_inode:[eventfd]"), DescriptorInfo::Kind::kEvent);
  EXPECT_EQ(DescriptorKindOf("anon_inode:[timerfd]"), DescriptorInfo::Kind::kTimer);
  EXPECT_EQ(DescriptorKindOf("/home/student/data.txt"), DescriptorInfo::Kind::kOther);
}

TEST(TaskActivity, WaitsWithoutATimeoutAreForEver) {
  const auto pipe = [](int) {
    DescriptorInfo info;
    info.kind = DescriptorInfo::Kind::kPipe;
    return std::optional(info);
  };
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_semop), pipe), WaitKind::kIndefinite);
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_read, {0}), pipe), WaitKind::kIndefinite);
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_wait4), pipe), WaitKind::kIndefinite);
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_semtimedop, {1, 2, 1, 0}), pipe), WaitKind::kIndefinite);
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_futex, {0x1000, 0x80, 1, 0}), pipe),
            WaitKind::kIndefinite);  // FUTEX_WAIT_PRIVATE, no timeout
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_ppoll, {0x1000, 2, 0, 0}), pipe), WaitKind::kIndefinite);
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_epoll_pwait, {3, 0x1000, 8, 0xffffffff}), pipe),
            WaitKind::kIndefinite);
}

TEST(TaskActivity, TimedWaitsAndTheKernelsOwnWorkAreProgress) {
  const auto none = [](int) { return std::optional<DescriptorInfo>(); };
  const auto socket_with_timeout = [](int) { return Socket(true); };
  const auto socket_without = [](int) { return Socket(false); };
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_nanosleep), none), WaitKind::kProgress);
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_clock_nanosleep), none), WaitKind::kProgress);
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_semtimedop, {1, 2, 1, 0x7ffc0000}), none),
            WaitKind::kProgress);
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_futex, {0x1000, 0x89, 1, 0x7ffc0000}), none),
            WaitKind::kProgress);  // pthread_cond_timedwait
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_ppoll, {0x1000, 2, 0x7ffc0000, 0}), none),
            WaitKind::kProgress);
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_connect, {3}), none), WaitKind::kProgress);
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_recvfrom, {3}), socket_with_timeout), WaitKind::kProgress);
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_recvfrom, {3}), socket_without), WaitKind::kIndefinite);
  // A descriptor that cannot be looked at is given the benefit of the doubt.
  EXPECT_EQ(ClassifyBlockedCall(Call(SYS_read, {3}), none), WaitKind::kProgress);
  SyscallLine running;
  running.running = true;
  EXPECT_EQ(ClassifyBlockedCall(running, none), WaitKind::kProgress);
}

TEST(TaskActivity, TcpTimersOtherThanKeepaliveAreTheKernelAtWork) {
  const std::string header =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
      "timeout inode\n";
  const std::string listening =
      "   0: 0100007F:1389 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
      "1 1 0 100 0 0 10 0\n";
  const std::string retransmitting =
      "   1: 0100007F:1389 0100007F:D2F0 01 00000010:00000000 01:00000014 00000002     0        0 "
      "2 1 0 20 4 30 10 -1\n";
  const std::string keepalive =
      "   2: 0100007F:1389 0100007F:D2F1 01 00000000:00000000 02:00000800 00000000     0        0 "
      "3 1 0 20 4 30 10 -1\n";
  const std::string unacknowledged =
      "   3: 0100007F:1389 0100007F:D2F2 01 00010000:00000000 00:00000000 00000000     0        0 "
      "4 1 0 20 4 30 10 -1\n";
  const std::string backlog =
      "   4: 0100007F:1388 00000000:0000 0A 00000000:00000002 00:00000000 00000000     0        0 "
      "5 1 0 100 0 0 10 0\n";
  EXPECT_FALSE(TcpTableHasTimers(header + listening));
  EXPECT_TRUE(TcpTableHasTimers(header + listening + unacknowledged));
  EXPECT_FALSE(TcpTableHasTimers(header + backlog));
  EXPECT_FALSE(TcpTableHasTimers(header + listening + keepalive));
  EXPECT_TRUE(TcpTableHasTimers(header + listening + retransmitting));
}

TEST(TaskActivity, NothingRanComparesEveryThreadsCpuTime) {
  ActivitySnapshot before;
  before.processes.push_back(
      {.pid = 10, .tasks = {{.tid = 10, .cpu_ns = 5}, {.tid = 11, .cpu_ns = 7}}});
  ActivitySnapshot same = before;
  EXPECT_TRUE(NothingRanBetween(before, same));
  ActivitySnapshot ran = before;
  ran.processes[0].tasks[1].cpu_ns = 8;
  EXPECT_FALSE(NothingRanBetween(before, ran));
  ActivitySnapshot new_thread = before;
  new_thread.processes[0].tasks.push_back({.tid = 12});
  EXPECT_FALSE(NothingRanBetween(before, new_thread));
}

// ---- Real processes ---------------------------------------------------------------------------

// A child that runs `body` and is killed when the test ends.
class Child {
 public:
  explicit Child(const std::function<void()>& body) {
    pid_ = ::fork();
    if (pid_ == 0) {
      body();
      ::_exit(0);
    }
  }
  ~Child() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  int pid() const { return pid_; }

  // The first snapshot in which the child's thread sleeps in a system call, within 10 s.
  ActivitySnapshot WhenAsleep() const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    ActivitySnapshot snapshot;
    while (std::chrono::steady_clock::now() < deadline) {
      snapshot = ReadActivity(ProcReader(), {pid_});
      if (snapshot.complete && snapshot.processes.size() == 1 &&
          snapshot.processes[0].tasks.size() == 1 && snapshot.processes[0].tasks[0].state == 'S' &&
          snapshot.processes[0].tasks[0].call >= 0)
        return snapshot;
      std::this_thread::yield();
    }
    ADD_FAILURE() << "the child never slept";
    return snapshot;
  }

 private:
  pid_t pid_ = -1;
};

TEST(TaskActivity, AProcessBlockedInSemopWaitsForEver) {
  const int set = ::semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
  ASSERT_GE(set, 0);
  {
    Child child([set] {
      sembuf down{0, -1, 0};
      ::semop(set, &down, 1);
    });
    const ActivitySnapshot asleep = child.WhenAsleep();
    EXPECT_TRUE(AllWaitForEver(asleep));
    EXPECT_EQ(WaitingCallName(asleep.processes[0].tasks[0].call), "semop");
    EXPECT_TRUE(NothingRanBetween(asleep, child.WhenAsleep()));
  }
  ::semctl(set, 0, IPC_RMID);
}

TEST(TaskActivity, ASleepingProcessMakesProgress) {
  Child child([] { ::sleep(60); });
  EXPECT_FALSE(AllWaitForEver(child.WhenAsleep()));
}

TEST(TaskActivity, AnAlarmHandlerMayWakeAPausedProcess) {
  Child child([] {
    ::signal(SIGALRM, [](int) {});
    ::alarm(60);
    ::pause();
  });
  const ActivitySnapshot asleep = child.WhenAsleep();
  EXPECT_TRUE(asleep.processes[0].may_be_woken_by_timer)
      << "asleep in " << asleep.processes[0].tasks[0].call << " "
      << WaitingCallName(asleep.processes[0].tasks[0].call);
  EXPECT_FALSE(AllWaitForEver(asleep));
}

TEST(TaskActivity, ATimerfdMayWakeAProcessPollingForEver) {
  Child child([] {
    const int timer = ::timerfd_create(CLOCK_MONOTONIC, 0);
    (void)timer;
    ::pause();
  });
  EXPECT_FALSE(AllWaitForEver(child.WhenAsleep()));
}

TEST(TaskActivity, AReceiveTimeoutIsProgressAndNoneWaitsForEver) {
  for (const bool with_timeout : {true, false}) {
    Child child([with_timeout] {
      const int socket = ::socket(AF_INET, SOCK_DGRAM, 0);
      if (with_timeout) {
        timeval one_minute{60, 0};
        ::setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &one_minute, sizeof one_minute);
      }
      char byte;
      ::recv(socket, &byte, 1, 0);
    });
    EXPECT_EQ(AllWaitForEver(child.WhenAsleep()), !with_timeout) << with_timeout;
  }
}

// The quick look: a spinning child may run; one asleep in a system call, or stopped, may not.
TEST(TaskActivity, OnlyARunningThreadMayRunAtAQuickLook) {
  Child spinner([] {
    for (;;) {
    }
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!AnyThreadMayRun(ProcReader(), {spinner.pid()}) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  EXPECT_TRUE(AnyThreadMayRun(ProcReader(), {spinner.pid()}));

  Child sleeper([] { ::pause(); });
  sleeper.WhenAsleep();
  EXPECT_FALSE(AnyThreadMayRun(ProcReader(), {sleeper.pid()}));
  ASSERT_EQ(::kill(sleeper.pid(), SIGSTOP), 0);
  // It runs for a moment to take the signal; then it is stopped.
  const auto stop_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ReadProcStat(sleeper.pid()).value_or(ProcStat{}).state != 'T' &&
         std::chrono::steady_clock::now() < stop_deadline)
    std::this_thread::yield();
  EXPECT_FALSE(AnyThreadMayRun(ProcReader(), {sleeper.pid()}));
}

TEST(TaskActivity, AStoppedProcessWaitsForEver) {
  Child child([] { ::pause(); });
  child.WhenAsleep();
  ASSERT_EQ(::kill(child.pid(), SIGSTOP), 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  ActivitySnapshot snapshot;
  do {
    snapshot = ReadActivity(ProcReader(), {child.pid()});
  } while (!(snapshot.processes.size() == 1 &&
             snapshot.processes[0].tasks[0].wait == WaitKind::kStopped) &&
           std::chrono::steady_clock::now() < deadline);
  EXPECT_TRUE(AllWaitForEver(snapshot));
}

}  // namespace
}  // namespace labgrade
