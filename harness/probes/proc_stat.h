// The /proc probe: reads a process's /proc/PID/stat (state, parent, group, CPU time) and its
// children, for checks that watch CPU use (expect_idle) and for finding leftover processes.
//
// /proc is read through a ProcReader seam, so tests feed canned text; the default reads the real
// files. See proc(5).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace labgrade {

/// The fields of /proc/PID/stat labgrade uses. Times are in clock ticks (see TicksToMs).
struct ProcStat {
  int pid = 0;
  std::string comm;  ///< the command name, at most 15 bytes; any bytes but NUL, ')' included
  char state = '?';  ///< R, S, D, Z, T, t, X, I, ...
  int ppid = 0;
  int pgid = 0;
  int session = 0;
  std::uint64_t utime_ticks = 0;       ///< user CPU time of the process itself
  std::uint64_t stime_ticks = 0;       ///< system CPU time of the process itself
  std::uint64_t cutime_ticks = 0;      ///< user CPU time of its waited-for children
  std::uint64_t cstime_ticks = 0;      ///< system CPU time of its waited-for children
  std::uint64_t start_time_ticks = 0;  ///< when it started, after system boot
};

/// Parses the text of /proc/PID/stat. The command name is taken up to the last ')' so that names
/// holding spaces or parentheses read right. Null when the text does not have that shape.
std::optional<ProcStat> ParseProcStat(std::string_view stat_text);

/// Clock ticks (sysconf(_SC_CLK_TCK) per second) as milliseconds, rounded down; saturates at
/// the largest std::int64_t.
std::int64_t TicksToMs(std::uint64_t ticks);

/// The seam between the /proc probe and the files it reads. The default reads the real files;
/// tests subclass it and answer with canned text.
class ProcReader {
 public:
  virtual ~ProcReader();
  /// The whole content of a file; null when it cannot be opened or read (e.g. the process is
  /// gone).
  virtual std::optional<std::string> ReadFile(const std::filesystem::path& path) const;
  /// The names of the entries of a folder, in no particular order; null when it cannot be read.
  virtual std::optional<std::vector<std::string>> ListDirectory(
      const std::filesystem::path& path) const;
  /// The target of a symbolic link, e.g. "socket:[12345]" for /proc/PID/fd/3; null when it
  /// cannot be read.
  virtual std::optional<std::string> ReadLink(const std::filesystem::path& path) const;
};

/// /proc/`pid`/stat, parsed; null when the process is gone or the text does not parse.
std::optional<ProcStat> ReadProcStat(const ProcReader& reader, int pid);

/// ReadProcStat through the default reader.
std::optional<ProcStat> ReadProcStat(int pid);

/// The pids of the children of `pid` (of any of its threads) not yet reaped, zombies included,
/// ascending. Read from
/// /proc/PID/task/*/children; on a kernel without those files (CONFIG_PROC_CHILDREN unset),
/// found by scanning /proc/*/stat for the parent pid. Empty when the process is gone.
std::vector<int> ChildrenOf(const ProcReader& reader, int pid);

/// `pid` followed by all its descendants not yet reaped (children, their children, ...), in
/// breadth-first order; empty when `pid` is gone. A process that daemonized away (reparented to
/// init) is no longer a descendant.
std::vector<int> ProcessTree(const ProcReader& reader, int pid);

}  // namespace labgrade
