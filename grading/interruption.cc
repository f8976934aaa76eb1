#include "grading/interruption.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "grading/work_folder.h"
#include "harness/probes/proc_stat.h"
#include "harness/process/program_launcher.h"
#include "harness/process/unique_fd.h"

namespace labgrade {
namespace {

using Clock = std::chrono::steady_clock;

/// How long the run waits for its processes to end and its folders to go before it exits
/// anyway: killed processes end at once, so this only bounds a machine in trouble.
constexpr std::chrono::seconds kCleanupPatience{10};

sigset_t InterruptionSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&signals, signal);
  return signals;
}

/// Set once a signal is being handled: from then on only the watcher ends the process.
std::atomic<bool> interrupted{false};

/// This process's children still running (a zombie has ended: its cell, if it was a cell's
/// init, is gone with it).
std::vector<int> LiveChildren() {
  std::vector<int> live;
  const ProcReader reader;
  for (int child : ChildrenOf(reader, ::getpid())) {
    const std::optional<ProcStat> stat = ReadProcStat(child);
    if (stat && stat->state != 'Z' && stat->state != 'X') live.push_back(child);
  }
  return live;
}

/// Waits until one of `pids` ends, or `until`.
void WaitForAnExit(const std::vector<int>& pids, Clock::time_point until) {
  std::vector<UniqueFd> owned;
  std::vector<pollfd> watched;
  for (int pid : pids) {
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd.valid()) return;  // gone already: look again at once
    watched.push_back({pidfd.get(), POLLIN, 0});
    owned.push_back(std::move(pidfd));
  }
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
  if (left > 0) ::poll(watched.data(), watched.size(), static_cast<int>(left));
}

}  // namespace

void BlockInterruptions() {
  const sigset_t signals = InterruptionSignals();
  ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

void StartInterruptionWatcher() {
  std::thread([] {
    const sigset_t signals = InterruptionSignals();
    int signal = 0;
    while (::sigwait(&signals, &signal) != 0) {
    }
    EndRunAfterSignal(signal);
    ::_exit(128 + signal);
  }).detach();
}

void EndRunAfterSignal(int) {
  interrupted = true;
  RefuseLaunches();
  const Clock::time_point deadline = Clock::now() + kCleanupPatience;
  for (std::vector<int> live = LiveChildren(); !live.empty() && Clock::now() < deadline;
       live = LiveChildren()) {
    for (int child : live) {
      ::kill(-child, SIGKILL);  // its process group: a program's children in host mode
      ::kill(child, SIGKILL);
    }
    WaitForAnExit(live, deadline);
  }
  // Reaped here, whoever was to wait for them: a cell's init finishes only once every process of
  // its namespace is reaped, and the threads that would have are busy or gone.
  for (int child : ChildrenOf(ProcReader(), ::getpid())) ::waitpid(child, nullptr, WNOHANG);
  // A process killed a moment ago may still have written a last file: try again until gone.
  for (const std::filesystem::path& folder : RegisteredWorkFolders()) {
    std::error_code ec;
    while (std::filesystem::exists(std::filesystem::symlink_status(folder, ec)) &&
           Clock::now() < deadline) {
      std::filesystem::remove_all(folder, ec);
    }
  }
}

int ExitStatusAfterInterruptions(int status) {
  if (!interrupted) return status;
  for (;;) ::pause();  // the watcher calls _exit
}

}  // namespace labgrade
