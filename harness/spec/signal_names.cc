// Signal names and descriptions: one table of the signals Linux names, read both ways.
#include "harness/spec/signal_names.h"

#include <charconv>
#include <csignal>

#include <fmt/format.h>

namespace labgrade {
namespace {

struct SignalEntry {
  int number;
  std::string_view name;  ///< without the "SIG" prefix
  std::string_view description;
};

// The descriptions are what a student should read in "killed by SIGSEGV (segmentation fault)",
// not strsignal(3)'s text, which varies between C libraries.
constexpr SignalEntry kSignals[] = {
    {SIGHUP, "HUP", "hangup"},
    {SIGINT, "INT", "interrupted"},
    {SIGQUIT, "QUIT", "quit"},
    {SIGILL, "ILL", "illegal instruction"},
    {SIGTRAP, "TRAP", "trace/breakpoint trap"},
    {SIGABRT, "ABRT", "aborted"},
    {SIGBUS, "BUS", "bus error"},
    {SIGFPE, "FPE", "arithmetic error"},
    {SIGKILL, "KILL", "killed"},
    {SIGUSR1, "USR1", "user signal 1"},
    {SIGSEGV, "SEGV", "segmentation fault"},
    {SIGUSR2, "USR2", "user signal 2"},
    {SIGPIPE, "PIPE", "broken pipe"},
    {SIGALRM, "ALRM", "alarm clock"},
    {SIGTERM, "TERM", "terminated"},
    {SIGSTKFLT, "STKFLT", "stack fault"},
    {SIGCHLD, "CHLD", "child stopped or exited"},
    {SIGCONT, "CONT", "continued"},
    {SIGSTOP, "STOP", "stopped"},
    {SIGTSTP, "TSTP", "stopped at the terminal"},
    {SIGTTIN, "TTIN", "stopped reading from the terminal"},
    {SIGTTOU, "TTOU", "stopped writing to the terminal"},
    {SIGURG, "URG", "urgent data on a socket"},
    {SIGXCPU, "XCPU", "CPU time limit exceeded"},
    {SIGXFSZ, "XFSZ", "file size limit exceeded"},
    {SIGVTALRM, "VTALRM", "virtual timer expired"},
    {SIGPROF, "PROF", "profiling timer expired"},
    {SIGWINCH, "WINCH", "window size changed"},
    {SIGIO, "IO", "I/O possible"},
    {SIGPWR, "PWR", "power failure"},
    {SIGSYS, "SYS", "bad system call"},
};

constexpr int kMaxSignal = 64;      // SIGRTMAX on Linux
constexpr int kFirstRealtime = 32;  // the kernel's SIGRTMIN; glibc keeps 32 and 33 for itself

const SignalEntry* FindByNumber(int signal) {
  for (const SignalEntry& entry : kSignals) {
    if (entry.number == signal) return &entry;
  }
  return nullptr;
}

std::optional<int> NumberFromDigits(std::string_view text) {
  if (text.empty() || text.front() == '0') return std::nullopt;
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value < 1 || value > kMaxSignal) return std::nullopt;
  return value;
}

}  // namespace

std::optional<int> SignalFromName(std::string_view name) {
  if (!name.empty() && name.front() >= '0' && name.front() <= '9') return NumberFromDigits(name);
  if (name.starts_with("SIG")) name.remove_prefix(3);
  for (const SignalEntry& entry : kSignals) {
    if (entry.name == name) return entry.number;
  }
  return std::nullopt;
}

std::string SignalName(int signal) {
  if (const SignalEntry* entry = FindByNumber(signal)) return fmt::format("SIG{}", entry->name);
  return fmt::format("signal {}", signal);
}

std::string SignalDescription(int signal) {
  if (const SignalEntry* entry = FindByNumber(signal)) return std::string(entry->description);
  if (signal >= kFirstRealtime && signal <= kMaxSignal) return "real-time signal";
  return "unknown signal";
}

}  // namespace labgrade
