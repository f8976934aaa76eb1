// The words that steps, checks and the scenario share when they tell a student what happened:
// durations, byte counts, kinds of IPC object, how a program ended.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "harness/process/program_run.h"
#include "harness/spec/lab_spec.h"

namespace labgrade {

/// "5 s", or "1.5 s" when `ms` is not a whole number of seconds.
std::string Seconds(int ms);

/// "1 byte", "4096 bytes".
std::string Bytes(std::int64_t count);

/// "semaphore set", "shared memory segment" or "message queue".
const char* SysvKindWords(SysvKind kind);

/// How a program ended, in words: "exited with 1", "was killed by SIGSEGV (segmentation fault)".
/// `memory_limit_mib` is set when its cgroup's memory limit killed it.
std::string DescribeProgramEnd(const ProgramEnd& end, int wall_limit_ms, int memory_limit_mib = 0);

/// The first `lines` lines of `text`, at most `max_bytes` bytes of them.
std::string FirstLines(const std::string& text, int lines, std::size_t max_bytes);

}  // namespace labgrade
