// Prints what the process layer costs on this machine: creating and dropping a cell, and
// starting and reaping a trivial program on the host and inside a cell. Figures only; speed is
// never asserted in tests.
//
//   ninja -C build process_bench && build/bench/process_bench [ROUNDS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "harness/process/cell.h"
#include "harness/process/program_run.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

double MeanMs(int rounds, const auto& body) {
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < rounds; ++i) body();
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count() / rounds;
}

void RunTrue(const Cell* cell) {
  LaunchSpec spec;
  spec.executable = "/bin/true";
  spec.working_dir = "/";
  if (cell != nullptr) {
    spec.sandbox.pid_namespace_fd = cell->pid_namespace_fd();
    spec.sandbox.join_mount_namespace_fd = cell->mount_namespace_fd();
    spec.sandbox.cell_root_fd = cell->root_fd();
  }
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{});
  if (auto* error = std::get_if<LaunchError>(&started)) {
    fmt::print(stderr, "launch failed: {}\n", error->message);
    std::exit(1);
  }
  std::get<std::unique_ptr<ProgramRun>>(started)->WaitUntilFinished(Clock::time_point::max());
}

}  // namespace

int Bench(int rounds, const fs::path& cell_init) {
  if (auto error = EnterOwnUserNamespace()) fmt::print("no user namespace: {}\n", *error);
  auto host = HostNamespaces::Open();
  if (auto* error = std::get_if<std::string>(&host)) {
    fmt::print(stderr, "{}\n", *error);
    return 1;
  }
  const HostNamespaces& namespaces = std::get<HostNamespaces>(host);
  // The cells' root mount point: an empty folder of the bench's own.
  std::string scratch = "/var/tmp/labgrade-process-bench-XXXXXX";
  if (::mkdtemp(scratch.data()) == nullptr) return 1;
  CellSetup setup;
  setup.filesystem.root_mount_point = scratch;
  fmt::print("rounds: {}\n", rounds);
  fmt::print("start+reap /bin/true on the host:   {:7.3f} ms\n",
             MeanMs(rounds, [] { RunTrue(nullptr); }));
  double cell_ms = MeanMs(rounds, [&] {
    auto cell = Cell::Enter(namespaces, cell_init, setup);
    if (auto* error = std::get_if<std::string>(&cell)) {
      fmt::print(stderr, "{}\n", *error);
      std::exit(1);
    }
  });
  fmt::print("create+drop a cell (with its init): {:7.3f} ms\n", cell_ms);
  auto cell = Cell::Enter(namespaces, cell_init, setup);
  ::rmdir(scratch.c_str());
  if (std::holds_alternative<std::string>(cell)) return 1;
  const Cell* inside = std::get<std::unique_ptr<Cell>>(cell).get();
  fmt::print("start+reap /bin/true in a cell:     {:7.3f} ms\n",
             MeanMs(rounds, [&] { RunTrue(inside); }));
  return 0;
}

}  // namespace labgrade

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 200;
  auto init = std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() /
              "labgrade-cell-init";
  return labgrade::Bench(rounds > 0 ? rounds : 200, init);
}
