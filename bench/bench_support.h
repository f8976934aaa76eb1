// What the class benchmarks share: making a class of students from a lab's reference and its
// defective submissions, and running a command while measuring its wall time, its CPU time and
// the peak memory of its whole process tree. Figures only; never asserted.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "harness/probes/proc_stat.h"

namespace labgrade::bench {

namespace fs = std::filesystem;

inline const fs::path kSourceDir = LABGRADE_SOURCE_DIR;
inline const fs::path kBinaryDir = LABGRADE_BINARY_DIR;

/// A class of `students` folders under `folder`: 7 in 10 copies of the lab's reference, the
/// others its defective submissions (build/submissions/<lab>/*) in turn. Returns, per student in
/// order, whether it is a copy of the reference.
inline std::vector<bool> MakeClass(const fs::path& folder, const std::string& lab, int students) {
  std::vector<fs::path> defective;
  for (const auto& entry : fs::directory_iterator(kBinaryDir / "submissions" / lab))
    if (entry.is_directory()) defective.push_back(entry.path());
  std::sort(defective.begin(), defective.end());
  std::vector<bool> correct;
  std::size_t next_defect = 0;
  for (int i = 0; i < students; ++i) {
    const bool copy = i % 10 < 7 || defective.empty();
    const fs::path from =
        copy ? kSourceDir / "reference" / lab : defective[next_defect++ % defective.size()];
    fs::copy(from, folder / fmt::format("s{:03}", i), fs::copy_options::recursive);
    correct.push_back(copy);
  }
  return correct;
}

/// What running a command cost.
struct RunFigures {
  int exit_status = -1;
  double wall_s = 0;
  double cpu_s = 0;  ///< user + system of the command and every descendant it waited for
  std::int64_t peak_tree_bytes = 0;  ///< the largest sum of resident memory over the tree
  /// The largest sum of proportional memory (Pss) over the tree: a page shared by n processes
  /// counts 1/n in each, so the nine graders' one copy of labgrade's code counts once. What the
  /// tree costs the machine; the resident sum counts shared pages again in every process.
  std::int64_t peak_tree_proportional_bytes = 0;
  std::int64_t peak_root_bytes = 0;  ///< the command's own process, resident, without its children
};

/// The memory of `root` and its descendants now: resident and proportional.
struct TreeMemory {
  std::int64_t resident_bytes = 0;
  std::int64_t proportional_bytes = 0;
  std::int64_t root_resident_bytes = 0;  ///< `root` alone
};

inline TreeMemory TreeMemoryNow(int root) {
  const ProcReader reader;
  TreeMemory memory;
  for (const int pid : ProcessTree(reader, root)) {
    // "Rss:  1234 kB" and "Pss:  1000 kB" lines of smaps_rollup (Linux 4.14).
    const std::optional<std::string> rollup =
        reader.ReadFile(fs::path("/proc") / std::to_string(pid) / "smaps_rollup");
    if (!rollup) continue;
    auto kilobytes = [&](const char* field) -> std::int64_t {
      const std::size_t at = rollup->find(std::string("\n") + field);
      long long value = 0;
      if (at == std::string::npos ||
          std::sscanf(rollup->c_str() + at + 1 + std::strlen(field), " %lld", &value) != 1)
        return 0;
      return value * 1024;
    };
    memory.resident_bytes += kilobytes("Rss:");
    memory.proportional_bytes += kilobytes("Pss:");
    if (pid == root) memory.root_resident_bytes = kilobytes("Rss:");
  }
  return memory;
}

/// Runs `argv` (its output to /dev/null unless `quiet` is false), sampling its tree's memory
/// every 20 ms: a measurement period, not a wait for anything.
inline RunFigures Measure(const std::vector<std::string>& argv, bool quiet = true) {
  RunFigures figures;
  const auto start = std::chrono::steady_clock::now();
  const pid_t child = ::fork();
  if (child == 0) {
    if (quiet) {
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
    }
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  rusage usage{};
  int status = 0;
  for (;;) {
    const pid_t done = ::wait4(child, &status, WNOHANG, &usage);
    if (done == child) break;
    const TreeMemory now = TreeMemoryNow(child);
    figures.peak_tree_bytes = std::max(figures.peak_tree_bytes, now.resident_bytes);
    figures.peak_tree_proportional_bytes =
        std::max(figures.peak_tree_proportional_bytes, now.proportional_bytes);
    figures.peak_root_bytes = std::max(figures.peak_root_bytes, now.root_resident_bytes);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  figures.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto seconds = [](const timeval& time) { return time.tv_sec + time.tv_usec / 1e6; };
  figures.cpu_s = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  figures.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return figures;
}

/// A fresh folder under /var/tmp (cells mount their own /tmp), removed by the destructor.
class ScratchFolder {
 public:
  explicit ScratchFolder(const std::string& name) {
    std::string pattern = "/var/tmp/labgrade-" + name + "-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace labgrade::bench
