// The same work two ways: a course's bash script and labgrade, grading the same class on the
// same three cases of the shared-memory lab (a short text, an empty input, 4 MiB of binary data,
// each followed by a look at ipcs for leftovers). The script is written as courses write it:
// start the reader in the background, `sleep 1` so that it has created its objects, run the
// writer, wait, compare, count the IPC objects; one student after the other, each command under
// `timeout 10`. Prints both wall times and their ratio. Figures only; never asserted.
//
//   ninja -C build run_same_work_bench            # 30 students
//   build/bench/same_work_bench [STUDENTS]
//
// The script runs in an IPC namespace of its own (unshare --ipc), so that the defective
// submissions' leftovers stay off this machine, and empties it (ipcrm -a) before each student.
#include <cstdlib>
#include <fstream>

#include "bench/bench_support.h"
#include "harness/process/random_bytes.h"

namespace labgrade::bench {
namespace {

constexpr std::string_view kTestTemplate = R"(
  - name: {name}
    description: {description}
    points: {points}
    steps:
      - start: reader
      - wait_for_sysv: {{ kind: semaphores, key_file: keyfile, timeout_ms: 5000, created_by: reader }}
      - start: writer
        stdin: {{ file: {input} }}
      - wait_exit: {{ instance: writer, timeout_ms: 10000 }}
      - wait_exit: {{ instance: reader, timeout_ms: 10000 }}
    checks:
      - stdout: {{ instance: reader, same_as_file: {input} }}
      - no_sysv_left: true
)";

// A lab of exactly the script's three cases, in `folder`.
void WriteLab(const fs::path& folder) {
  fs::create_directories(folder / "starter");
  fs::create_directories(folder / "data");
  fs::copy_file(kSourceDir / "labs/shm-xfer/starter/xfr.h", folder / "starter/xfr.h");
  fs::copy_file(kSourceDir / "labs/shm-xfer/data/short.txt", folder / "data/short.txt");
  std::ofstream(folder / "data/empty.txt").flush();
  std::ofstream(folder / "data/binary.bin", std::ios::binary) << RandomBytes(4 << 20, 1);
  std::ofstream lab(folder / "lab.yaml");
  lab << fmt::format(R"(name: same-work
title: The three cases of a course script
reference: {}
submission:
  required: [reader.c, writer.c]
  provided: [starter/xfr.h]
build:
  commands:
    - cc -std=gnu11 -Wall -Wextra -O2 -o reader reader.c
    - cc -std=gnu11 -Wall -Wextra -O2 -o writer writer.c
limits: {{ wall_ms: 30000, memory_mib: 64 }}
programs:
  reader: {{ argv: ["{{keyfile}}"] }}
  writer: {{ argv: ["{{keyfile}}"] }}
tests:)",
                     (kSourceDir / "reference/shm-xfer").string());
  lab << fmt::format(kTestTemplate, fmt::arg("name", "short-text"),
                     fmt::arg("description", "A short text"), fmt::arg("points", 34),
                     fmt::arg("input", "data/short.txt"));
  lab << fmt::format(kTestTemplate, fmt::arg("name", "empty-input"),
                     fmt::arg("description", "An empty input"), fmt::arg("points", 33),
                     fmt::arg("input", "data/empty.txt"));
  lab << fmt::format(kTestTemplate, fmt::arg("name", "binary-4mib"),
                     fmt::arg("description", "4 MiB of binary data"), fmt::arg("points", 33),
                     fmt::arg("input", "data/binary.bin"));
}

// The course's script, as such scripts are written.
constexpr std::string_view kScript = R"script(#!/bin/bash
# usage: grade.sh CLASS_DIR LAB_DIR
class=$1; lab=$2
for student in "$class"/*/; do
  cd "$student" || continue
  cp "$lab/starter/xfr.h" .
  ipcrm -a 2>/dev/null
  score=0
  if cc -std=gnu11 -O2 -o reader reader.c 2>/dev/null && cc -std=gnu11 -O2 -o writer writer.c 2>/dev/null; then
    touch keyfile
    for input in "$lab/data/short.txt" "$lab/data/empty.txt" "$lab/data/binary.bin"; do
      timeout 10 ./reader keyfile > out.txt &
      sleep 1
      timeout 10 ./writer keyfile < "$input"
      wait
      if cmp -s "$input" out.txt && [ "$(ipcs -m | grep -c '^0x')" = 0 ] && [ "$(ipcs -s | grep -c '^0x')" = 0 ]; then
        score=$((score + 1))
      fi
    done
  fi
  echo "$(basename "$student") $score/3"
done
)script";

int Run(int students) {
  ScratchFolder scratch("same-work-bench");
  const fs::path lab = scratch.path() / "lab";
  WriteLab(lab);
  const fs::path script = scratch.path() / "grade.sh";
  std::ofstream(script) << kScript;
  fs::permissions(script, fs::perms::owner_all);
  fmt::print("class: {} students of shm-xfer, 3 cases each\n", students);
  std::fflush(stdout);

  fs::create_directories(scratch.path() / "class-labgrade");
  MakeClass(scratch.path() / "class-labgrade", "shm-xfer", students);
  const RunFigures labgrade = Measure(
      {(kBinaryDir / "labgrade").string(), "grade", lab.string(), "--submissions",
       (scratch.path() / "class-labgrade").string(), "--out", (scratch.path() / "graded").string(),
       "--build-cache", (scratch.path() / "cache").string()});
  fmt::print("labgrade:    {:7.1f} s wall, {:7.1f} s CPU (exit {})\n", labgrade.wall_s,
             labgrade.cpu_s, labgrade.exit_status);
  std::fflush(stdout);

  // The script in an IPC namespace of its own, which it empties before each student.
  fs::create_directories(scratch.path() / "class-script");
  MakeClass(scratch.path() / "class-script", "shm-xfer", students);
  const RunFigures script_run = Measure({"/usr/bin/unshare", "--ipc", "/bin/bash", script.string(),
                                         (scratch.path() / "class-script").string(), lab.string()});
  fmt::print("bash script: {:7.1f} s wall, {:7.1f} s CPU (exit {})\n", script_run.wall_s,
             script_run.cpu_s, script_run.exit_status);
  fmt::print("labgrade is {:.1f}x faster than the script for the same three cases\n",
             labgrade.wall_s > 0 ? script_run.wall_s / labgrade.wall_s : 0.0);
  return 0;
}

}  // namespace
}  // namespace labgrade::bench

int main(int argc, char** argv) {
  const int students = argc > 1 ? std::max(1, std::atoi(argv[1])) : 30;
  return labgrade::bench::Run(students);
}
