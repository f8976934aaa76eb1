// The typed lab specification: the one source of truth that `labs/<lab>/lab.yaml` is loaded
// into (see spec_loader.h) and that every later layer reads. Plain data, no behaviour.
//
// Every element that came from YAML carries its SourceMark so that a problem found after
// loading (a step naming an unknown program, say) can still point at the file and line.
//
// The typed spec of each kind of step and check (WaitExitStep, ExitCheck, ...) is declared with
// its kind, in harness/steps/ and harness/checks/; a test holds them as Step and Check handles.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <utility>
#include <variant>
#include <vector>

namespace labgrade {

/// Where a YAML node stood: file path, 1-based line and column.
struct SourceMark {
  std::filesystem::path file;
  int line = 0;    ///< 1-based; 0 when unknown.
  int column = 0;  ///< 1-based; 0 when unknown.
};

/// Resource limits applied to one program run. Lab-wide defaults are merged with per-program
/// overrides by the loader, so every ProgramSpec holds a complete set.
struct ProgramLimits {
  int wall_ms = 10'000;                  ///< wall-clock time before SIGTERM, then SIGKILL
  int cpu_ms = 10'000;                   ///< RLIMIT_CPU (rounded up to whole seconds)
  int memory_mib = 512;                  ///< RLIMIT_AS
  int processes = 64;                    ///< RLIMIT_NPROC for the sandbox user
  std::int64_t output_bytes = 16 << 20;  ///< per stream; the rest is drained and counted
  int open_files = 64;                   ///< RLIMIT_NOFILE
  int file_size_mib = 256;               ///< RLIMIT_FSIZE
  /// The test folder's size in a cell (a tmpfs of its own): the largest of the lab's programs'.
  int test_dir_mib = 256;
};

/// A program the lab defines: built from the student's or the reference's sources.
/// `argv` is a template: placeholders like {keyfile} are expanded per test (see placeholders.h).
struct ProgramSpec {
  std::string name;               ///< the key under `programs:`, e.g. "reader"
  std::string executable;         ///< path relative to the build directory; defaults to name
  std::vector<std::string> argv;  ///< arguments after argv[0]
  ProgramLimits limits;
  SourceMark mark;
};

/// Whose build a step runs.
enum class Role { kStudent, kReference };

/// What a program reads on standard input.
struct StdinNone {};  ///< /dev/null
struct StdinText {
  std::string text;
};  ///< literal bytes
struct StdinFile {
  std::string path;
};                    ///< relative to the lab folder, e.g. data/short.txt
struct StdinRandom {  ///< deterministic pseudo-random bytes
  std::int64_t size_bytes = 0;
  std::uint64_t seed = 0;
};
using StdinSource = std::variant<StdinNone, StdinText, StdinFile, StdinRandom>;

/// Adds the lab file `source` reads to `files`; nothing for the other sources.
inline void AddLabFileOf(const StdinSource& source, std::vector<std::string>& files) {
  if (const auto* file = std::get_if<StdinFile>(&source)) files.push_back(file->path);
}

/// Which System V IPC object kind.
enum class SysvKind { kSemaphoreSet, kSharedMemory, kMessageQueue };

enum class SocketProtocol { kTcp, kUdp };

/// A TCP socket's state, numbered as the `st` column of /proc/net/tcp (the kernel's
/// include/net/tcp_states.h). A UDP socket shows kClose when only bound, kEstablished once
/// connect()ed.
enum class SocketState : int {
  kEstablished = 1,
  kSynSent = 2,
  kSynRecv = 3,
  kFinWait1 = 4,
  kFinWait2 = 5,
  kTimeWait = 6,
  kClose = 7,
  kCloseWait = 8,
  kLastAck = 9,
  kListen = 10,
  kClosing = 11,
  kNewSynRecv = 12,
};

// ---- Steps and checks --------------------------------------------------------------------

class StepKind;   // spec/kind_registry.h
class CheckKind;  // spec/kind_registry.h

/// One step or check of a test: the typed spec of its kind (a struct of harness/steps/ or
/// harness/checks/, such as WaitExitStep), immutable and shared, with the kind that read it and
/// carries it out (spec/kind_registry.h).
template <typename Kind>
class KindSpec {
 public:
  template <typename Spec>
  KindSpec(const Kind& kind, Spec spec)
      : kind_(&kind), type_(&typeid(Spec)), spec_(std::make_shared<const Spec>(std::move(spec))) {}

  const Kind& kind() const { return *kind_; }

  /// The spec when it is a `Spec`, else null (as std::get_if for a variant).
  template <typename Spec>
  const Spec* As() const {
    return *type_ == typeid(Spec) ? static_cast<const Spec*>(spec_.get()) : nullptr;
  }

 private:
  const Kind* kind_;
  const std::type_info* type_;
  std::shared_ptr<const void> spec_;
};

/// What a test does, in order.
using Step = KindSpec<StepKind>;
/// What must hold once the steps are done.
using Check = KindSpec<CheckKind>;

/// A program's standard output or standard error.
enum class StreamName { kStdout, kStderr };

/// A stream a check reads: `instance` (an instance, or a group of them) wrote it. The grader
/// keeps all of a stream some check reads, up to the lab's output_bytes, and only the head of the
/// others (harness/process/program_run.h, kUnreadStreamBytes).
struct StreamRead {
  std::string instance;
  StreamName stream = StreamName::kStdout;
};

/// Network conditions a test runs under (`network:`), set up in its cell before the steps.
struct NetworkConditions {
  int loss_percent = 0;  ///< netem loss on loopback, 0..100
};

enum class Visibility { kVisible, kHidden };

struct TestSpec {
  std::string name;         ///< short identifier, e.g. "empty-input"
  std::string description;  ///< one line a student reads
  int points = 0;
  Visibility visibility = Visibility::kVisible;
  std::string hint;  ///< shown to the student when the test fails
  std::vector<Step> steps;
  std::vector<Check> checks;
  std::optional<NetworkConditions> network;
  /// `early_end:` (default true): a waiting step fails as soon as no program of the test can
  /// make progress (harness/steps/stall_watch.h) instead of at its timeout.
  bool early_end = true;
  /// `isolation: required`: never run in host mode; where namespaces are unavailable, labgrade
  /// stops instead (the grader's error, exit status 3).
  bool isolation_required = false;
  SourceMark mark;
};

struct LabSpec {
  std::string name;  ///< e.g. "shm-xfer"
  std::string title;
  std::filesystem::path lab_dir;            ///< folder that holds lab.yaml
  std::filesystem::path reference_dir;      ///< reference sources, absolute
  std::vector<std::string> required_files;  ///< must be in the submission
  std::vector<std::string> provided_files;  ///< lab files (relative to lab_dir) copied over
                                            ///< the submission's, e.g. starter/xfr.h
  /// Lab folders (relative to lab_dir, no trailing '/') copied into the build folder under
  /// their base names, everything in them, over the submission's: e.g. "lib/unplib" → unplib/.
  std::vector<std::string> provided_folders;
  std::vector<std::string> build_commands;  ///< run with /bin/sh -c in the build directory
  int build_timeout_ms = 60'000;
  std::map<std::string, ProgramSpec> programs;
  std::vector<TestSpec> tests;
  /// Points that an instructor's overlay of hidden tests adds (`hidden_points:`, see
  /// spec_overlay.h): the lab's own tests total 100 - hidden_points.
  int hidden_points = 0;
  /// `reference: { prebuilt: DIR }`: reference_dir holds the reference's programs already built
  /// (each at its `executable` path), copied instead of built (harness/build/prebuilt_reference.h).
  bool reference_prebuilt = false;
  /// `isolation: required` for the whole lab (see TestSpec::isolation_required).
  bool isolation_required = false;
  SourceMark mark;
};

/// Whether test `name` is among `only_tests`, the tests chosen with --only; every test is when
/// none was chosen.
inline bool IsChosenTest(const std::vector<std::string>& only_tests, const std::string& name) {
  if (only_tests.empty()) return true;
  for (const std::string& chosen : only_tests)
    if (chosen == name) return true;
  return false;
}

}  // namespace labgrade
