// The typed lab specification: the one source of truth that `labs/<lab>/lab.yaml` is loaded
// into (see spec_loader.h) and that every later layer reads. Plain data, no behaviour.
//
// Every element that came from YAML carries its SourceMark so that a problem found after
// loading (a step naming an unknown program, say) can still point at the file and line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
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

// ---- Steps: what a test does, in order. ----------------------------------------------------

/// Starts a program and goes on without waiting (`start:`), or runs it to completion (`run:`).
struct StartStep {
  std::string program;   ///< key in LabSpec::programs
  std::string instance;  ///< name later steps and checks use; defaults to `program`
  Role role = Role::kStudent;
  std::optional<std::vector<std::string>> argv;  ///< overrides the program's argv template
  StdinSource stdin_source;
  bool wait_for_exit = false;  ///< true for `run:`
  /// 0: one instance named `instance`. 1..100: a group of that many instances started at once,
  /// named "<instance>-1" .. "<instance>-<count>"; a step or check naming `instance` applies to
  /// each. With StdinRandom, member i gets the seed `seed + i`.
  int count = 0;
  SourceMark mark;
};

/// Waits until a System V object with the key of a key file exists (`wait_for_sysv:`).
struct WaitForSysvStep {
  SysvKind kind = SysvKind::kSemaphoreSet;
  std::string key_file =
      "keyfile";    ///< name of the per-test key file ({keyfile} or {keyfile:NAME})
  int proj_id = 1;  ///< the key is ftok(key file, proj_id)
  int timeout_ms = 5'000;
  std::string instance;  ///< the program expected to create it (for the message)
  SourceMark mark;
};

/// Waits until an instance exits (`wait_exit:`), failing the test if it takes longer.
struct WaitExitStep {
  std::string instance;
  int timeout_ms = 10'000;
  SourceMark mark;
};

/// Sends a signal to an instance's process group (`signal:`).
struct SignalStep {
  std::string instance;
  int signal = 15;  ///< SIGTERM
  SourceMark mark;
};

/// Creates a System V object as if left over by an earlier run (`create_sysv:`).
struct CreateSysvStep {
  SysvKind kind = SysvKind::kSemaphoreSet;
  std::string key_file = "keyfile";
  int proj_id = 1;
  int size = 2;  ///< semaphores in the set, or bytes of the segment
  SourceMark mark;
};

/// Watches an instance for `window_ms` and fails if it used more than `max_cpu_percent` of
/// that time (`expect_idle:`). Detects busy-waiting where a program should block.
struct ExpectIdleStep {
  std::string instance;
  int window_ms = 500;
  int max_cpu_percent = 10;
  SourceMark mark;
};

/// Makes a file in the test directory before programs use it (`make_file:`). The file is owned
/// by the sandbox identity, like the test directory, and gets `mode` last.
struct MakeFileStep {
  std::string path;  ///< relative to the test directory, never leaving it
  /// The same sources as stdin: literal text, a lab file (copied), or random bytes. Never
  /// StdinNone.
  StdinSource content;
  unsigned mode = 0644;  ///< permission bits
  SourceMark mark;
};

/// Makes a folder in the test directory (`make_dir:`), owned like MakeFileStep's files.
struct MakeDirStep {
  std::string path;  ///< relative to the test directory, never leaving it
  unsigned mode = 0755;
  SourceMark mark;
};

/// Waits until an instance's process is blocked (state S or D in /proc/PID/stat), then stops it
/// with SIGSTOP (the process only, not its group) so it can be inspected
/// (`pause_when_blocked:`). Fails if it exits first or `timeout_ms` passes.
struct PauseWhenBlockedStep {
  std::string instance;
  int timeout_ms = 5'000;
  SourceMark mark;
};

/// Sends SIGCONT to an instance's process (`resume:`), undoing PauseWhenBlockedStep.
struct ResumeStep {
  std::string instance;
  SourceMark mark;
};

/// What kind of mapping ExpectMappingStep looks for.
enum class MappingKind {
  kSharedAnonymous,  ///< MAP_SHARED | MAP_ANONYMOUS ("/dev/zero (deleted)")
  kSysvSegment,      ///< an attached System V segment ("/SYSV0000002a (deleted)")
  kFile,             ///< a file of the test directory
};

/// Looks in /proc/PID/maps of an instance (best paused or blocked) for a mapping and records
/// a check result (`expect_mapping:`).
struct ExpectMappingStep {
  std::string instance;
  MappingKind kind = MappingKind::kSharedAnonymous;
  std::string file;   ///< kFile: the path relative to the test directory
  std::string perms;  ///< a prefix of the perms column ("r--", "rw-s"); empty: any
  SourceMark mark;
};

// ---- Sockets: readiness, the built-in client, probes. ---------------------------------------
// `port` fields name a port placeholder without braces: "port" or "port:NAME".

/// Waits until a TCP socket in LISTEN (or a bound UDP socket) on `port` exists in the test's
/// network namespace and belongs to the instance or a descendant of it (`wait_for_port:`).
struct WaitForPortStep {
  std::string instance;
  SocketProtocol protocol = SocketProtocol::kTcp;
  std::string port = "port";
  int timeout_ms = 5'000;
  SourceMark mark;
};

/// Opens a TCP connection of the built-in client to 127.0.0.1:`port` (`connect:`), retrying a
/// refused connection until `timeout_ms`.
struct ConnectStep {
  std::string connection;  ///< the name later steps and checks use (`as:`)
  std::string port = "port";
  int timeout_ms = 5'000;
  SourceMark mark;
};

/// Sends bytes over a connection (`send:`): StdinText or StdinRandom. What arrives meanwhile is
/// read and kept, so a peer that echoes while we send never deadlocks with us.
struct SendStep {
  std::string connection;
  StdinSource bytes;
  int timeout_ms = 5'000;
  SourceMark mark;
};

/// What to do with a connection of the built-in client.
enum class ConnectionAction {
  kShutdownWrite,  ///< shutdown(SHUT_WR): the peer reads end of file, can still send
  kReset,          ///< SO_LINGER 0, then close: the peer gets an RST
  kClose,          ///< close(): a normal FIN
};

/// `shutdown_write: NAME`, `reset: NAME`, `close: NAME`.
struct ConnectionActionStep {
  std::string connection;
  ConnectionAction action = ConnectionAction::kClose;
  SourceMark mark;
};

/// Reads from a connection until `bytes` more bytes came since the last receive (or, with
/// `until_closed`, until the peer closes), failing the test at `timeout_ms` (`receive:`).
struct ReceiveStep {
  std::string connection;
  std::int64_t bytes = 0;
  bool until_closed = false;
  int timeout_ms = 5'000;
  SourceMark mark;
};

/// Counts TCP sockets in `state`, of an instance and its descendants (or of the whole namespace
/// when `instance` is empty), optionally only those with `port` at either end, and records a
/// check that the count is within [min, max], waiting up to `timeout_ms` for it
/// (`expect_sockets:`).
struct ExpectSocketsStep {
  std::string instance;
  SocketState state = SocketState::kListen;
  std::optional<int> min;
  std::optional<int> max;
  std::string port;  ///< empty: any port
  int timeout_ms = 2'000;
  SourceMark mark;
};

/// Remembers how many descriptors an instance has open, as `baseline` (`record_fds:`).
struct RecordFdsStep {
  std::string instance;
  std::string baseline;
  SourceMark mark;
};

/// Records a check that an instance has at most `max_extra` descriptors more than at
/// `baseline`, waiting up to `timeout_ms` (`expect_fds:`).
struct ExpectFdsStep {
  std::string instance;
  std::string baseline;
  int max_extra = 0;
  int timeout_ms = 2'000;
  SourceMark mark;
};

/// Records a check that no child of the instance's processes is a zombie (state Z), waiting up
/// to `timeout_ms` (`expect_no_zombies:`).
struct ExpectNoZombiesStep {
  std::string instance;
  int timeout_ms = 2'000;
  SourceMark mark;
};

/// Records a check that the instance is still running (`expect_alive: INSTANCE`).
struct ExpectAliveStep {
  std::string instance;
  SourceMark mark;
};

using Step = std::variant<StartStep, WaitForSysvStep, WaitExitStep, SignalStep, CreateSysvStep,
                          ExpectIdleStep, MakeFileStep, MakeDirStep, PauseWhenBlockedStep,
                          ResumeStep, ExpectMappingStep, WaitForPortStep, ConnectStep, SendStep,
                          ConnectionActionStep, ReceiveStep, ExpectSocketsStep, RecordFdsStep,
                          ExpectFdsStep, ExpectNoZombiesStep, ExpectAliveStep>;

// ---- Checks: what must hold once the steps are done. ---------------------------------------

/// How an instance ended: an exit code, or a terminating signal.
struct ExitCheck {
  std::string instance;
  std::optional<int> exit_code;  ///< exactly one of these is set
  std::optional<int> signal;
  SourceMark mark;
};

enum class StreamName { kStdout, kStderr };

/// How to compare a captured stream.
enum class MatchKind {
  kEquals,            ///< same bytes as `text`
  kSameAsFile,        ///< same bytes as a lab file (`text` holds its path)
  kSameAsStdinOf,     ///< same bytes as what instance `text` was fed
  kContains,          ///< contains `text`
  kRegex,             ///< ECMAScript regex `text` matches somewhere
  kEqualsNormalized,  ///< equal after collapsing runs of white space and trimming
  kEmpty,             ///< nothing at all
  kNotEmpty,          ///< at least one byte
};

struct OutputCheck {
  std::string instance;
  StreamName stream = StreamName::kStdout;
  MatchKind match = MatchKind::kEquals;
  std::string text;
  SourceMark mark;
};

/// No System V object (of any kind) is left in the test's IPC namespace (`no_sysv_left:`).
struct NoSysvLeftCheck {
  SourceMark mark;
};

/// A System V object for a key file still exists (`sysv_exists:`), e.g. stale objects that a
/// program must not have removed.
struct SysvExistsCheck {
  SysvKind kind = SysvKind::kSemaphoreSet;
  std::string key_file = "keyfile";
  int proj_id = 1;
  SourceMark mark;
};

/// The instance finished within `max_ms` of wall time (`finished_within:`).
struct DurationCheck {
  std::string instance;
  int max_ms = 0;
  SourceMark mark;
};

/// What a FileCheck asserts about a file of the test directory.
enum class FileProperty {
  kSameAsFile,     ///< same bytes as another test-directory file (`other`)
  kSameAsLabFile,  ///< same bytes as a lab file (`other`, relative to the lab folder)
  kSize,           ///< exactly `size_bytes` long
  kMode,           ///< permission bits are `mode`
  kExists,         ///< exists (`exists` true) or not (false)
};

/// A file the programs left in the test directory (`file:`), checked after teardown.
struct FileCheck {
  std::string path;  ///< relative to the test directory
  FileProperty property = FileProperty::kExists;
  std::string other;  ///< kSameAsFile, kSameAsLabFile
  std::int64_t size_bytes = 0;
  unsigned mode = 0;
  bool exists = true;
  SourceMark mark;
};

/// The dynamic symbols a built executable imports (`imports:`): the undefined symbols of
/// `nm -D`, without version suffixes.
struct ImportsCheck {
  std::string program;  ///< key in LabSpec::programs
  Role role = Role::kStudent;
  std::vector<std::string> required;   ///< each must be imported
  std::vector<std::string> forbidden;  ///< none may be imported
  SourceMark mark;
};

/// What the built-in client received over a connection, in all (`received:`). `match` is
/// kEquals, kContains, kEmpty or kNotEmpty; `same_as_sent` compares with everything sent over
/// it (kEquals).
struct ReceivedCheck {
  std::string connection;
  MatchKind match = MatchKind::kEquals;
  std::string text;
  bool same_as_sent = false;
  SourceMark mark;
};

using Check = std::variant<ExitCheck, OutputCheck, NoSysvLeftCheck, SysvExistsCheck, DurationCheck,
                           FileCheck, ImportsCheck, ReceivedCheck>;

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
  std::vector<std::string> build_commands;  ///< run with /bin/sh -c in the build directory
  int build_timeout_ms = 60'000;
  std::map<std::string, ProgramSpec> programs;
  std::vector<TestSpec> tests;
  /// Points that an instructor's overlay of hidden tests adds (`hidden_points:`, see
  /// spec_overlay.h): the lab's own tests total 100 - hidden_points.
  int hidden_points = 0;
  /// `reference: { prebuilt: DIR }`: reference_dir holds the reference's programs already built
  /// (each at its `executable` path), copied instead of built (harness/prebuilt_reference.h).
  bool reference_prebuilt = false;
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
