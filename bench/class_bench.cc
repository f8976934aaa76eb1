// Grades a class the way an instructor does, with labgrade's defaults, and prints where the time
// and memory went: wall and CPU time, the CPU floor (all the CPU time the grading used, divided
// by the cores), the peak memory of the whole process tree (proportional and resident), and the
// tests' time split by test and by how each ended (its programs decided it, it ended early
// because no program could make progress, or it ran to a step's timeout). Figures only; never
// asserted.
//
//   ninja -C build run_class_bench                  # 200 students of shm-xfer
//   build/bench/class_bench [STUDENTS] [LAB] [-- extra grade options]
//
// The class: 7 in 10 students hand in the reference, the others the lab's defective submissions
// in turn (build/submissions/<lab>). The build cache starts empty.
#include <sys/acct.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_support.h"
#include "harness/spec/spec_loader.h"

namespace labgrade::bench {
namespace {

/// CPU time by command name from the kernel's process accounting (acct(2), root only): each
/// process's user and system time as it exits, in 1/AHZ s, cut to whole ticks, so that the
/// many short programs count a little less than they ran. Accounting follows processes into the
/// cells' PID namespaces.
class ProcessAccounting {
 public:
  explicit ProcessAccounting(fs::path file) : file_(std::move(file)) {
    std::ofstream(file_).close();
    on_ = ::acct(file_.c_str()) == 0;
  }
  ProcessAccounting(const ProcessAccounting&) = delete;
  ProcessAccounting& operator=(const ProcessAccounting&) = delete;
  ~ProcessAccounting() { Stop(); }
  bool on() const { return on_; }
  void Stop() {
    if (on_) ::acct(nullptr);
    on_ = false;
  }
  /// Seconds of CPU by command name, of the processes that exited while it was on.
  std::map<std::string, double> CpuSecondsByName() const {
    std::map<std::string, double> seconds;
    std::ifstream in(file_, std::ios::binary);
    acct_v3 record{};
    while (in.read(reinterpret_cast<char*>(&record), sizeof record)) {
      if ((record.ac_version & 0x7f) != 3) continue;
      // comp_t: 13 bits of mantissa, 3 of base-8 exponent.
      const auto ticks = [](comp_t value) {
        return static_cast<double>(static_cast<std::uint64_t>(value & 0x1fff)
                                   << (3 * ((value >> 13) & 7)));
      };
      const std::string name(record.ac_comm, strnlen(record.ac_comm, sizeof record.ac_comm));
      seconds[name] += (ticks(record.ac_utime) + ticks(record.ac_stime)) / AHZ;
    }
    return seconds;
  }

 private:
  fs::path file_;
  bool on_ = false;
};

enum class Ending { kDecided, kEndedEarly, kTimedOut };

/// The process names (comm: an executable's base name, cut to 15 bytes) of the lab's programs,
/// from its spec; none when it does not load.
std::set<std::string> ProgramNames(const std::string& lab) {
  const SpecLoad load = LoadLabSpec(kSourceDir / "labs" / lab);
  std::set<std::string> names;
  if (!load.spec) return names;
  for (const auto& [name, program] : load.spec->programs)
    names.insert(fs::path(program.executable).filename().string().substr(0, 15));
  return names;
}

/// The sum of every test's "programs_cpu_ms" in the class's grades.json; null without one.
std::optional<double> ProgramsCpuSeconds(const fs::path& graded) {
  std::ifstream in(graded / "grades.json");
  if (!in) return std::nullopt;
  const nlohmann::json grades = nlohmann::json::parse(in, nullptr, false);
  if (grades.is_discarded() || !grades.contains("students")) return std::nullopt;
  std::int64_t ms = 0;
  for (const auto& [id, student] : grades["students"].items())
    for (const auto& [name, test] : student["tests"].items())
      ms += test.value("programs_cpu_ms", std::int64_t{0});
  return static_cast<double>(ms) / 1000.0;
}

const char* EndingWords(Ending ending) {
  switch (ending) {
    case Ending::kDecided:
      return "decided by the programs";
    case Ending::kEndedEarly:
      return "ended early (no progress possible)";
    case Ending::kTimedOut:
      return "ran to a step's timeout";
  }
  return "";
}

struct TestTime {
  std::string name;
  double seconds = 0;
  Ending ending = Ending::kDecided;
};

double ParseDuration(const std::string& number, const std::string& unit) {
  const double value = std::atof(number.c_str());
  return unit == "ms" ? value / 1000.0 : value;
}

// The tests of one student's report.txt, with their durations and how they ended.
std::vector<TestTime> ReadReport(const fs::path& report) {
  std::ifstream in(report);
  const std::regex test_line(R"(^(PASS|FAIL|SKIP|ERROR)\s+(\S+)\s+\S+\s+([0-9.]+) (ms|s)\s*$)");
  std::vector<TestTime> tests;
  std::string line;
  while (std::getline(in, line)) {
    std::smatch match;
    if (std::regex_match(line, match, test_line)) {
      tests.push_back({match[2], ParseDuration(match[3], match[4]), Ending::kDecided});
      continue;
    }
    if (tests.empty()) continue;
    Ending& ending = tests.back().ending;
    if (line.find("ended early") != std::string::npos) {
      ending = Ending::kEndedEarly;
    } else if (ending == Ending::kDecided &&
               (line.find("appeared within") != std::string::npos ||
                line.find("was still running after") != std::string::npos ||
                std::regex_search(line, std::regex(R"(still running \d+(\.\d)? s after)")))) {
      ending = Ending::kTimedOut;
    }
  }
  return tests;
}

int Run(int students, const std::string& lab, const std::vector<std::string>& extra) {
  ScratchFolder scratch("class-bench");
  const fs::path class_dir = scratch.path() / "class";
  fs::create_directories(class_dir);
  const std::vector<bool> correct = MakeClass(class_dir, lab, students);
  std::vector<std::string> argv = {(kBinaryDir / "labgrade").string(),
                                   "grade",
                                   (kSourceDir / "labs" / lab).string(),
                                   "--submissions",
                                   class_dir.string(),
                                   "--out",
                                   (scratch.path() / "graded").string(),
                                   "--build-cache",
                                   (scratch.path() / "cache").string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  fmt::print("class: {} students of {} ({} copies of the reference), {} cores\n", students, lab,
             std::count(correct.begin(), correct.end(), true), std::thread::hardware_concurrency());
  std::fflush(stdout);
  ProcessAccounting accounting(scratch.path() / "accounting");
  const RunFigures figures = Measure(argv);
  accounting.Stop();
  if (figures.exit_status != 0) fmt::print("labgrade grade exited with {}\n", figures.exit_status);

  std::map<std::string, double> by_test;
  std::map<Ending, std::pair<int, double>> by_ending;
  double correct_seconds = 0;
  double defective_seconds = 0;
  for (int i = 0; i < students; ++i) {
    double student_seconds = 0;
    for (const TestTime& test :
         ReadReport(scratch.path() / "graded" / fmt::format("s{:03}", i) / "report.txt")) {
      by_test[test.name] += test.seconds;
      by_ending[test.ending].first += 1;
      by_ending[test.ending].second += test.seconds;
      student_seconds += test.seconds;
    }
    (correct[i] ? correct_seconds : defective_seconds) += student_seconds;
  }
  const double cores = std::thread::hardware_concurrency();
  const double floor = figures.cpu_s / cores;
  fmt::print("wall:                 {:8.1f} s\n", figures.wall_s);
  fmt::print("CPU (user+system):    {:8.1f} s\n", figures.cpu_s);
  fmt::print("CPU floor (CPU/cores):{:8.1f} s   wall / floor: {:.2f}\n", floor,
             floor > 0 ? figures.wall_s / floor : 0.0);
  // The floor the issue means: the lab's programs' own CPU time, without the grader's and the
  // builds'. Counted by the grader as it reaps each program (wait4, to the millisecond, with the
  // program's children) and written to grades.json. Process accounting (acct) also gives it, by
  // process name, but cuts each process to whole 10 ms ticks: thousands of short runs lose
  // seconds, so it is shown beside, as a cross-check, and for the breakdown by name.
  const std::optional<double> programs_cpu = ProgramsCpuSeconds(scratch.path() / "graded");
  if (programs_cpu) {
    const double programs_floor = *programs_cpu / cores;
    fmt::print("the programs' own CPU:{:8.1f} s   floor {:.1f} s, wall / floor: {:.2f}\n",
               *programs_cpu, programs_floor,
               programs_floor > 0 ? figures.wall_s / programs_floor : 0.0);
  } else {
    fmt::print("the programs' own CPU: unknown (no grades.json)\n");
  }
  const auto programs = ProgramNames(lab);
  if (const auto by_name = accounting.CpuSecondsByName(); !by_name.empty()) {
    double accounted = 0;
    for (const auto& [name, seconds] : by_name)
      if (programs.count(name)) accounted += seconds;
    fmt::print("  the same by process accounting, in whole ticks: {:.1f} s\n", accounted);
    std::vector<std::pair<double, std::string>> top;
    for (const auto& [name, seconds] : by_name) top.emplace_back(seconds, name);
    std::sort(top.rbegin(), top.rend());
    fmt::print("CPU by process name:");
    constexpr std::size_t kShown = 8;
    double rest = 0;
    for (std::size_t i = 0; i < top.size(); ++i) {
      if (i < kShown)
        fmt::print("{} {} {:.1f} s", i == 0 ? "" : ",", top[i].second, top[i].first);
      else
        rest += top[i].first;
    }
    if (top.size() > kShown) fmt::print(", {} others {:.1f} s", top.size() - kShown, rest);
    fmt::print("\n");
  } else {
    fmt::print("CPU by process name: unknown (process accounting needs root)\n");
  }
  fmt::print(
      "peak memory of the process tree: {:.1f} MiB proportional (Pss), {:.1f} MiB resident\n",
      static_cast<double>(figures.peak_tree_proportional_bytes) / (1 << 20),
      static_cast<double>(figures.peak_tree_bytes) / (1 << 20));
  const auto count_correct = std::count(correct.begin(), correct.end(), true);
  const auto count_defective = students - count_correct;
  if (count_correct > 0 && count_defective > 0) {
    const double per_correct = correct_seconds / static_cast<double>(count_correct);
    const double per_defective = defective_seconds / static_cast<double>(count_defective);
    fmt::print("test time per student: correct {:.2f} s, defective {:.2f} s ({:.2f}x)\n",
               per_correct, per_defective, per_correct > 0 ? per_defective / per_correct : 0.0);
  }
  fmt::print("\ntest time by how the test ended:\n");
  for (const auto& [ending, figures_of] : by_ending)
    fmt::print("  {:36} {:5} tests {:8.1f} s\n", EndingWords(ending), figures_of.first,
               figures_of.second);
  fmt::print("\ntest time by test (all students):\n");
  for (const auto& [name, seconds] : by_test) fmt::print("  {:32} {:8.1f} s\n", name, seconds);
  return figures.exit_status == 0 ? 0 : 1;
}

}  // namespace
}  // namespace labgrade::bench

int main(int argc, char** argv) {
  int students = 200;
  std::string lab = "shm-xfer";
  std::vector<std::string> extra;
  int at = 1;
  if (at < argc && std::string(argv[at]) != "--") students = std::max(1, std::atoi(argv[at++]));
  if (at < argc && std::string(argv[at]) != "--") lab = argv[at++];
  if (at < argc && std::string(argv[at]) == "--") ++at;
  for (; at < argc; ++at) extra.emplace_back(argv[at]);
  return labgrade::bench::Run(students, lab, extra);
}
