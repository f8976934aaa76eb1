// The /proc probe: see proc_stat.h.
#include "harness/probes/proc_stat.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <limits>
#include <set>
#include <system_error>

namespace labgrade {
namespace {

template <typename Number>
bool ParseWhole(std::string_view text, Number* value) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return error == std::errc() && end == text.data() + text.size();
}

std::vector<std::string_view> SplitOnSpaces(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t space = std::min(text.find(' ', begin), text.size());
    if (space > begin) fields.push_back(text.substr(begin, space - begin));
    begin = space + 1;
  }
  return fields;
}

bool IsPid(std::string_view name, int* pid) { return ParseWhole(name, pid) && *pid > 0; }

std::filesystem::path ProcPath(int pid) {
  return std::filesystem::path("/proc") / std::to_string(pid);
}

// Children by parent pid, for kernels without /proc/PID/task/TID/children.
std::vector<int> ChildrenByScanning(const ProcReader& reader, int pid) {
  std::vector<int> children;
  const std::optional<std::vector<std::string>> entries = reader.ListDirectory("/proc");
  if (!entries) return children;
  for (const std::string& name : *entries) {
    int candidate = 0;
    if (!IsPid(name, &candidate)) continue;
    // A process that exits between the listing and the read is simply skipped.
    const std::optional<std::string> text = reader.ReadFile(ProcPath(candidate) / "stat");
    if (!text) continue;
    const std::optional<ProcStat> stat = ParseProcStat(*text);
    if (stat && stat->ppid == pid) children.push_back(candidate);
  }
  return children;
}

}  // namespace

std::optional<ProcStat> ParseProcStat(std::string_view stat_text) {
  // "PID (COMM) STATE PPID PGRP SESSION TTY_NR TPGID FLAGS MINFLT CMINFLT MAJFLT CMAJFLT UTIME
  // STIME CUTIME CSTIME PRIORITY NICE NUM_THREADS ITREALVALUE STARTTIME ...", see proc(5).
  // COMM may hold spaces, ')' and even newlines, hence the last ')'.
  if (!stat_text.empty() && stat_text.back() == '\n') stat_text.remove_suffix(1);
  const std::size_t open = stat_text.find(" (");
  const std::size_t close = stat_text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open + 2) {
    return std::nullopt;
  }
  ProcStat stat;
  if (!ParseWhole(stat_text.substr(0, open), &stat.pid) || stat.pid <= 0) return std::nullopt;
  stat.comm = std::string(stat_text.substr(open + 2, close - open - 2));
  const std::string_view rest = stat_text.substr(close + 1);
  if (!rest.starts_with(' ')) return std::nullopt;
  const std::vector<std::string_view> fields = SplitOnSpaces(rest);
  // fields[0] is STATE (field 3 in proc(5)); fields[19] is STARTTIME (field 22).
  constexpr std::size_t kStartTimeIndex = 19;
  if (fields.size() <= kStartTimeIndex || fields[0].size() != 1) return std::nullopt;
  stat.state = fields[0][0];
  if (!ParseWhole(fields[1], &stat.ppid) || !ParseWhole(fields[2], &stat.pgid) ||
      !ParseWhole(fields[3], &stat.session) || !ParseWhole(fields[11], &stat.utime_ticks) ||
      !ParseWhole(fields[12], &stat.stime_ticks) || !ParseWhole(fields[13], &stat.cutime_ticks) ||
      !ParseWhole(fields[14], &stat.cstime_ticks) ||
      !ParseWhole(fields[kStartTimeIndex], &stat.start_time_ticks)) {
    return std::nullopt;
  }
  return stat;
}

std::int64_t TicksToMs(std::uint64_t ticks) {
  // Fixed for the life of the system; sysconf cannot fail for it on Linux, but stay defined.
  static const std::uint64_t ticks_per_second = [] {
    const long value = ::sysconf(_SC_CLK_TCK);
    return value > 0 ? static_cast<std::uint64_t>(value) : 100;
  }();
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const std::uint64_t seconds = ticks / ticks_per_second;
  const std::uint64_t rest_ms = ticks % ticks_per_second * 1000 / ticks_per_second;
  if (seconds > (kMax - rest_ms) / 1000) return std::numeric_limits<std::int64_t>::max();
  return static_cast<std::int64_t>(seconds * 1000 + rest_ms);
}

ProcReader::~ProcReader() = default;

std::optional<std::string> ProcReader::ReadFile(const std::filesystem::path& path) const {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  // /proc files report a size of 0: read until end of file.
  std::string content;
  char buffer[4096];
  bool ok = true;
  for (;;) {
    const ssize_t count = ::read(fd, buffer, sizeof buffer);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) {
      ok = false;  // e.g. ESRCH: the process exited while we read
      break;
    }
    if (count == 0) break;
    content.append(buffer, static_cast<std::size_t>(count));
  }
  ::close(fd);
  if (!ok) return std::nullopt;
  return content;
}

std::optional<std::vector<std::string>> ProcReader::ListDirectory(
    const std::filesystem::path& path) const {
  std::error_code error;
  std::filesystem::directory_iterator entries(path, error);
  if (error) return std::nullopt;
  std::vector<std::string> names;
  for (const std::filesystem::directory_entry& entry : entries) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

std::optional<std::string> ProcReader::ReadLink(const std::filesystem::path& path) const {
  std::error_code error;
  std::filesystem::path target = std::filesystem::read_symlink(path, error);
  if (error) return std::nullopt;
  return target.string();
}

std::optional<ProcStat> ReadProcStat(const ProcReader& reader, int pid) {
  const std::optional<std::string> text = reader.ReadFile(ProcPath(pid) / "stat");
  if (!text) return std::nullopt;
  return ParseProcStat(*text);
}

std::optional<ProcStat> ReadProcStat(int pid) { return ReadProcStat(ProcReader(), pid); }

std::vector<int> ChildrenOf(const ProcReader& reader, int pid) {
  const std::filesystem::path task_dir = ProcPath(pid) / "task";
  const std::optional<std::vector<std::string>> tasks = reader.ListDirectory(task_dir);
  if (!tasks) return {};
  std::vector<int> children;
  bool any_children_file = false;
  for (const std::string& name : *tasks) {
    int tid = 0;
    if (!IsPid(name, &tid)) continue;
    // A thread that exits between the listing and the read has no file any more: skipped.
    const std::optional<std::string> text = reader.ReadFile(task_dir / name / "children");
    if (!text) continue;
    any_children_file = true;
    std::string_view list = *text;
    if (!list.empty() && list.back() == '\n') list.remove_suffix(1);
    for (const std::string_view field : SplitOnSpaces(list)) {
      int child = 0;
      if (IsPid(field, &child)) children.push_back(child);
    }
  }
  if (!any_children_file && !tasks->empty()) children = ChildrenByScanning(reader, pid);
  std::sort(children.begin(), children.end());
  children.erase(std::unique(children.begin(), children.end()), children.end());
  return children;
}

std::vector<int> ProcessTree(const ProcReader& reader, int pid) {
  if (!reader.ReadFile(ProcPath(pid) / "stat")) return {};
  std::vector<int> tree{pid};
  // A pid seen twice (reused while we read) must not make the walk loop.
  std::set<int> seen{pid};
  for (std::size_t next = 0; next < tree.size() && tree.size() < 100'000; ++next) {
    for (int child : ChildrenOf(reader, tree[next]))
      if (seen.insert(child).second) tree.push_back(child);
  }
  return tree;
}

}  // namespace labgrade
