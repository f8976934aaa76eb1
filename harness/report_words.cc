#include "harness/report_words.h"

#include <signal.h>

#include <algorithm>

#include <fmt/format.h>

#include "harness/spec/signal_names.h"

namespace labgrade {

std::string Seconds(int ms) {
  if (ms % 1000 == 0) return fmt::format("{} s", ms / 1000);
  return fmt::format("{:.1f} s", ms / 1000.0);
}

std::string Bytes(std::int64_t count) {
  return fmt::format("{} byte{}", count, count == 1 ? "" : "s");
}

const char* SysvKindWords(SysvKind kind) {
  switch (kind) {
    case SysvKind::kSemaphoreSet:
      return "semaphore set";
    case SysvKind::kSharedMemory:
      return "shared memory segment";
    case SysvKind::kMessageQueue:
      return "message queue";
  }
  return "IPC object";
}

std::string DescribeProgramEnd(const ProgramEnd& end, int wall_limit_ms, int memory_limit_mib) {
  if (memory_limit_mib > 0 && !end.exited && end.term_signal == SIGKILL)
    return fmt::format(
        "was killed when it reached its memory limit of {} MiB (the memory it uses counts, and "
        "so do the System V segments it touched and the files it wrote to /tmp, /dev/shm and "
        "the test folder)",
        memory_limit_mib);
  if (end.hit_wall_limit)
    return fmt::format("was stopped by the grader after running for {} (its time limit)",
                       Seconds(wall_limit_ms));
  if (end.killed_by_harness)
    return "was still running at the end of the test and was stopped by the grader";
  if (end.exited) return fmt::format("exited with {}", end.exit_code);
  return fmt::format("was killed by {} ({})", SignalName(end.term_signal),
                     SignalDescription(end.term_signal));
}

std::string FirstLines(const std::string& text, int lines, std::size_t max_bytes) {
  std::size_t at = 0;
  for (int i = 0; i < lines && at != std::string::npos; ++i) {
    at = text.find('\n', at == 0 && i == 0 ? 0 : at + 1);
  }
  std::string excerpt =
      text.substr(0, std::min(at == std::string::npos ? text.size() : at, max_bytes));
  return excerpt;
}

}  // namespace labgrade
