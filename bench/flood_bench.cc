// Prints the grader's memory while a student's program writes 1 GiB to standard output
// (tests/programs/stdout-flood.c): once with a check that reads the output, which the grader
// keeps up to the lab's output_bytes (16 MiB here) and drains past that, once with no check
// reading it, which it keeps only the head of. Figures only; never asserted.
//
//   ninja -C build run_flood_bench
#include <cstdio>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "bench/bench_support.h"

namespace labgrade::bench {
namespace {

constexpr const char* kLabYaml = R"(name: flood
title: Output flood
reference: ../reference
submission:
  required: [flood.c]
build:
  commands: ["cc -O2 -o flood flood.c"]
limits:
  wall_ms: 120000
  cpu_ms: 120000
  output_bytes: 16777216
programs:
  flood: {}
tests:
  - name: read
    description: 1 GiB on standard output, which a check reads
    points: 50
    steps:
      - run: flood
    checks:
      - stdout: { instance: flood, contains: "xxxx" }
  - name: unread
    description: 1 GiB on standard output, which no check reads
    points: 50
    steps:
      - run: flood
    checks:
      - exit: { instance: flood, code: 0 }
)";

int Main() {
  const ScratchFolder scratch("flood-bench");
  const fs::path lab = scratch.path() / "lab";
  const fs::path reference = scratch.path() / "reference";
  for (const fs::path& folder : {lab, reference}) fs::create_directories(folder);
  std::ofstream(lab / "lab.yaml") << kLabYaml;
  fs::copy_file(kSourceDir / "tests" / "programs" / "stdout-flood.c", reference / "flood.c");
  const fs::path labgrade = fs::path(LABGRADE_BINARY_DIR) / "labgrade";
  fmt::print("the grader while its program writes 1 GiB to standard output:\n");
  for (const char* test : {"read", "unread"}) {
    const RunFigures figures = Measure({labgrade.string(), "check", lab.string(), "--submission",
                                        reference.string(), "--only", test});
    fmt::print(
        "  {:8} the grader {:5.1f} MiB resident; with the build and the program {:5.1f} MiB "
        "proportional (Pss), {:5.1f} MiB resident; {:4.1f} s{}\n",
        std::string(test) + ":", static_cast<double>(figures.peak_root_bytes) / (1 << 20),
        static_cast<double>(figures.peak_tree_proportional_bytes) / (1 << 20),
        static_cast<double>(figures.peak_tree_bytes) / (1 << 20), figures.wall_s,
        figures.exit_status == 0 ? "" : fmt::format(" (exit {})", figures.exit_status));
  }
  return 0;
}

}  // namespace
}  // namespace labgrade::bench

int main() { return labgrade::bench::Main(); }
