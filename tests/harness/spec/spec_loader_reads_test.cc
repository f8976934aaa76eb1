// Tests for the lab spec loader, part one: a full spec, the mmap lab's keys, the socket labs' and
// the real shm-xfer lab become the expected typed values (spec_loader_test.cc has the mistakes).
#include "harness/spec/spec_loader.h"

#include <csignal>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "harness/checks/finished_within.h"
#include "harness/checks/no_sysv_left.h"
#include "harness/checks/output_match.h"
#include "harness/checks/received.h"
#include "harness/checks/sysv_exists.h"
#include "harness/spec/kind_registry.h"
#include "harness/spec/spec_reader.h"
#include "harness/steps/connect.h"
#include "harness/steps/connection_action.h"
#include "harness/steps/create_sysv.h"
#include "harness/steps/expect_alive.h"
#include "harness/steps/expect_fds.h"
#include "harness/steps/expect_idle.h"
#include "harness/steps/expect_mapping.h"
#include "harness/steps/expect_no_zombies.h"
#include "harness/steps/expect_sockets.h"
#include "harness/steps/pause_when_blocked.h"
#include "harness/steps/receive.h"
#include "harness/steps/record_fds.h"
#include "harness/steps/resume.h"
#include "harness/steps/send.h"
#include "harness/steps/signal.h"
#include "harness/steps/start.h"
#include "harness/steps/wait_exit.h"
#include "harness/steps/wait_for_port.h"
#include "harness/steps/wait_for_sysv.h"
#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;
using testing::FullSpecTest;
using testing::kEchoTest;
using testing::kHead;
using testing::MmapSpecTest;
using testing::OneTest;
using testing::SpecAs;
using testing::SpecLoaderTest;

// ---- A valid spec ---------------------------------------------------------------------------

// The lab-wide keys land in LabSpec, with both folders absolute.
TEST_F(FullSpecTest, ReadsLabWideKeys) {
  EXPECT_EQ(spec_.name, "demo");
  EXPECT_EQ(spec_.title, "Demo lab");
  EXPECT_EQ(spec_.lab_dir, lab_dir_);
  EXPECT_EQ(spec_.reference_dir, root_ / "reference" / "demo");
  EXPECT_EQ(spec_.required_files, (std::vector<std::string>{"reader.c", "writer.c"}));
  EXPECT_EQ(spec_.provided_files, (std::vector<std::string>{"starter/xfr.h"}));
  EXPECT_EQ(spec_.build_commands,
            (std::vector<std::string>{"cc -o reader reader.c", "cc -o writer writer.c"}));
  EXPECT_EQ(spec_.build_timeout_ms, 30000);
  EXPECT_EQ(spec_.mark.line, 1);
  EXPECT_EQ(spec_.mark.file, fs::path("labs/demo/lab.yaml"));
}

// Programs keep their argv templates unexpanded; the executable defaults to the name.
TEST_F(FullSpecTest, ReadsPrograms) {
  ASSERT_EQ(spec_.programs.size(), 3u);
  const ProgramSpec& reader = spec_.programs.at("reader");
  EXPECT_EQ(reader.name, "reader");
  EXPECT_EQ(reader.executable, "bin/reader");
  EXPECT_EQ(reader.argv, (std::vector<std::string>{"{keyfile}", "{testdir}/out"}));
  EXPECT_EQ(reader.mark.line, 16);
  const ProgramSpec& writer = spec_.programs.at("writer");
  EXPECT_EQ(writer.executable, "writer");
  EXPECT_EQ(writer.argv,
            (std::vector<std::string>{"{keyfile:second}", "{labdir}", "--dir={testdir}"}));
  EXPECT_EQ(spec_.programs.at("idle").executable, "idle");
  EXPECT_TRUE(spec_.programs.at("idle").argv.empty());
}

// Lab-wide limits go over the defaults, a program's own limits over those.
TEST_F(FullSpecTest, MergesLimits) {
  const ProgramLimits defaults;
  const ProgramLimits& reader = spec_.programs.at("reader").limits;
  EXPECT_EQ(reader.wall_ms, 20000);
  EXPECT_EQ(reader.memory_mib, 128);
  EXPECT_EQ(reader.open_files, 16);
  EXPECT_EQ(reader.cpu_ms, defaults.cpu_ms);
  const ProgramLimits& writer = spec_.programs.at("writer").limits;
  EXPECT_EQ(writer.wall_ms, 5000);
  EXPECT_EQ(writer.memory_mib, 128);
  EXPECT_EQ(writer.open_files, defaults.open_files);
  EXPECT_EQ(writer.output_bytes, defaults.output_bytes);
  EXPECT_EQ(spec_.programs.at("idle").limits.wall_ms, 5000);
}

// A test's own keys: points, visibility, hint, and its mark.
TEST_F(FullSpecTest, ReadsTestKeys) {
  const TestSpec& transfer = spec_.tests[0];
  EXPECT_EQ(transfer.name, "transfer");
  EXPECT_EQ(transfer.description, "A short text goes through unchanged");
  EXPECT_EQ(transfer.points, 60);
  EXPECT_EQ(transfer.visibility, Visibility::kVisible);
  EXPECT_EQ(transfer.hint, "Check your semaphores.");
  EXPECT_EQ(transfer.mark.line, 23);
  EXPECT_EQ(transfer.mark.column, 5);
  const TestSpec& idle = spec_.tests[1];
  EXPECT_EQ(idle.points, 40);
  EXPECT_EQ(idle.visibility, Visibility::kHidden);
  EXPECT_EQ(idle.hint, "");
}

// The steps that wait, signal, create objects and watch for busy-waiting.
TEST_F(FullSpecTest, ReadsOtherSteps) {
  const WaitForSysvStep& wait_sysv = StepOf<WaitForSysvStep>(1);
  EXPECT_EQ(wait_sysv.kind, SysvKind::kSemaphoreSet);
  EXPECT_EQ(wait_sysv.key_file, "keyfile");
  EXPECT_EQ(wait_sysv.proj_id, 7);
  EXPECT_EQ(wait_sysv.timeout_ms, 3000);
  EXPECT_EQ(wait_sysv.instance, "reader");
  const WaitExitStep& wait_exit = StepOf<WaitExitStep>(5);
  EXPECT_EQ(wait_exit.instance, "reader");
  EXPECT_EQ(wait_exit.timeout_ms, 4000);
  EXPECT_EQ(StepOf<SignalStep>(6).signal, SIGINT);
  const CreateSysvStep& create = StepOf<CreateSysvStep>(7);
  EXPECT_EQ(create.kind, SysvKind::kSharedMemory);
  EXPECT_EQ(create.key_file, "keyfile:stale");
  EXPECT_EQ(create.proj_id, 255);
  EXPECT_EQ(create.size, 4096);
  const ExpectIdleStep& idle = StepOf<ExpectIdleStep>(8);
  EXPECT_EQ(idle.instance, "reader");
  EXPECT_EQ(idle.window_ms, 300);
  EXPECT_EQ(idle.max_cpu_percent, 5);
}

// Optional step keys take the defaults of lab_spec.h.
TEST_F(FullSpecTest, AppliesStepDefaults) {
  const std::vector<Step>& steps = spec_.tests[1].steps;
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(SpecAs<SignalStep>(steps[1]).signal, SIGTERM);
  EXPECT_EQ(SpecAs<WaitExitStep>(steps[2]).timeout_ms, 10'000);
}

// The IPC and timing checks.
TEST_F(FullSpecTest, ReadsSysvAndDurationChecks) {
  EXPECT_EQ(CheckOf<NoSysvLeftCheck>(10).mark.line, 56);
  const SysvExistsCheck& exists = CheckOf<SysvExistsCheck>(11);
  EXPECT_EQ(exists.kind, SysvKind::kMessageQueue);
  EXPECT_EQ(exists.key_file, "keyfile:stale");
  EXPECT_EQ(exists.proj_id, 1);
  const DurationCheck& duration = CheckOf<DurationCheck>(12);
  EXPECT_EQ(duration.instance, "first-writer");
  EXPECT_EQ(duration.max_ms, 2000);
}

// A `reference:` key is taken relative to the lab folder and stored absolute and normal.
TEST_F(SpecLoaderTest, ResolvesExplicitReference) {
  fs::create_directories(root_ / "solutions" / "demo-v2");
  std::string yaml(kHead);
  yaml.insert(yaml.find("submission:"), "reference: ../../solutions/./demo-v2/\n");
  const SpecLoad load = Load(yaml + std::string(kEchoTest));
  ASSERT_EQ(Report(load), "");
  EXPECT_EQ(load.spec->reference_dir, root_ / "solutions" / "demo-v2");
}

// A lab folder given as a relative, unnormalised path is stored absolute and normal.
TEST_F(SpecLoaderTest, StoresLabDirAbsolute) {
  const fs::path relative = fs::relative(lab_dir_) / "." / "";
  ASSERT_TRUE(relative.is_relative()) << relative;
  const SpecLoad load =
      LoadLabSpecFromString(std::string(kHead) + std::string(kEchoTest), "x", relative);
  ASSERT_EQ(Report(load), "");
  EXPECT_EQ(load.spec->lab_dir, lab_dir_);
}

// ---- Files, mappings and imports (the mmap lab's keys) -----------------------------------

// Pausing, resuming and the three kinds of mapping.
TEST_F(MmapSpecTest, ReadsPauseResumeAndMappingSteps) {
  EXPECT_EQ(StepOf<PauseWhenBlockedStep>(6).instance, "reader");
  EXPECT_EQ(StepOf<PauseWhenBlockedStep>(6).timeout_ms, 2000);
  EXPECT_EQ(StepOf<ExpectMappingStep>(7).kind, MappingKind::kSharedAnonymous);
  EXPECT_EQ(StepOf<ExpectMappingStep>(7).perms, "");
  EXPECT_EQ(StepOf<ExpectMappingStep>(8).kind, MappingKind::kFile);
  EXPECT_EQ(StepOf<ExpectMappingStep>(8).file, "src");
  EXPECT_EQ(StepOf<ExpectMappingStep>(8).perms, "r--");
  EXPECT_EQ(StepOf<ExpectMappingStep>(9).kind, MappingKind::kSysvSegment);
  EXPECT_EQ(StepOf<ExpectMappingStep>(9).perms, "rw-s");
  EXPECT_EQ(StepOf<ResumeStep>(10).instance, "reader");
  EXPECT_EQ(StepOf<ResumeStep>(10).mark.line, 25);
}

// ---- The socket labs: groups, ports, the built-in client, probes ---------------------------

// A test using every socket key: groups, {port}, waits, the built-in client, probes, network.
constexpr std::string_view kNetworkTest = R"(  - name: net
    description: Many clients at once
    points: 100
    network: { loss_percent: 20 }
    steps:
      - start: reader
        args: ["{port}", "{port:b}"]
      - wait_for_port: { instance: reader, protocol: udp, port: "port:b", timeout_ms: 3000 }
      - start: writer
        as: client
        count: 3
        args: ["127.0.0.1", "{port}"]
        stdin: { random_bytes: 100, seed: 7 }
      - connect: { as: idle, timeout_ms: 1000 }
      - send: { connection: idle, text: "ping" }
      - shutdown_write: idle
      - receive: { connection: idle, bytes: 4 }
      - receive: { connection: idle, until_closed: true, timeout_ms: 2000 }
      - reset: idle
      - close: idle
      - expect_sockets: { instance: reader, state: CLOSE_WAIT, max: 0 }
      - expect_sockets: { state: TIME_WAIT, min: 1, max: 5, port: port, timeout_ms: 100 }
      - record_fds: { instance: reader, as: baseline }
      - expect_fds: { instance: reader, baseline: baseline, max_extra: 2 }
      - expect_no_zombies: { instance: reader, timeout_ms: 500 }
      - expect_alive: reader
      - wait_exit: { instance: client }
    checks:
      - exit: { instance: client, code: 0 }
      - stdout: { instance: client, same_as_stdin_of: client }
      - stdout: { instance: client-2, equals: "x" }
      - received: { connection: idle, same_as_sent: true }
      - received: { connection: idle, contains: "pi" }
)";

// Every socket key becomes its typed value.
TEST_F(SpecLoaderTest, LoadsSocketSteps) {
  const SpecLoad load = LoadTests(kNetworkTest);
  ASSERT_TRUE(load.spec) << Report(load);
  const TestSpec& test = load.spec->tests.at(0);
  ASSERT_TRUE(test.network);
  EXPECT_EQ(test.network->loss_percent, 20);
  ASSERT_EQ(test.steps.size(), 17u);
  const auto& wait = SpecAs<WaitForPortStep>(test.steps[1]);
  EXPECT_EQ(wait.protocol, SocketProtocol::kUdp);
  EXPECT_EQ(wait.port, "port:b");
  EXPECT_EQ(wait.timeout_ms, 3000);
  const auto& clients = SpecAs<StartStep>(test.steps[2]);
  EXPECT_EQ(clients.instance, "client");
  EXPECT_EQ(clients.count, 3);
  const auto& connect = SpecAs<ConnectStep>(test.steps[3]);
  EXPECT_EQ(connect.connection, "idle");
  EXPECT_EQ(connect.port, "port");
  EXPECT_EQ(std::get<StdinText>(SpecAs<SendStep>(test.steps[4]).bytes).text, "ping");
  EXPECT_EQ(SpecAs<ConnectionActionStep>(test.steps[5]).action, ConnectionAction::kShutdownWrite);
  EXPECT_EQ(SpecAs<ReceiveStep>(test.steps[6]).bytes, 4);
  EXPECT_TRUE(SpecAs<ReceiveStep>(test.steps[7]).until_closed);
  EXPECT_EQ(SpecAs<ConnectionActionStep>(test.steps[8]).action, ConnectionAction::kReset);
  EXPECT_EQ(SpecAs<ConnectionActionStep>(test.steps[9]).action, ConnectionAction::kClose);
  const auto& close_wait = SpecAs<ExpectSocketsStep>(test.steps[10]);
  EXPECT_EQ(close_wait.state, SocketState::kCloseWait);
  EXPECT_EQ(close_wait.max, 0);
  EXPECT_EQ(close_wait.min, std::nullopt);
  EXPECT_EQ(close_wait.timeout_ms, 2000);
  const auto& time_wait = SpecAs<ExpectSocketsStep>(test.steps[11]);
  EXPECT_EQ(time_wait.instance, "");
  EXPECT_EQ(time_wait.port, "port");
  EXPECT_EQ(SpecAs<RecordFdsStep>(test.steps[12]).baseline, "baseline");
  EXPECT_EQ(SpecAs<ExpectFdsStep>(test.steps[13]).max_extra, 2);
  EXPECT_EQ(SpecAs<ExpectNoZombiesStep>(test.steps[14]).timeout_ms, 500);
  EXPECT_EQ(SpecAs<ExpectAliveStep>(test.steps[15]).instance, "reader");
  ASSERT_EQ(test.checks.size(), 5u);
  EXPECT_TRUE(SpecAs<ReceivedCheck>(test.checks[3]).same_as_sent);
  EXPECT_EQ(SpecAs<ReceivedCheck>(test.checks[4]).match, MatchKind::kContains);
}

// A member of a group that does not exist is reported like any unknown instance.
TEST_F(SpecLoaderTest, ReportsUnknownGroupMember) {
  std::string yaml(kNetworkTest);
  yaml.replace(yaml.find("instance: client-2,"), 19, "instance: client-4,");
  EXPECT_EQ(Report(LoadTests(yaml)),
            "labs/demo/lab.yaml:41:29: error: tests[0].checks[2].stdout.instance: no instance "
            "'client-4' was started in this test (did you mean 'client-1'?)\n"
            "        - stdout: { instance: client-4, equals: \"x\" }\n"
            "                              ^\n");
}

// {port:NAME} is allowed in argv.
TEST_F(SpecLoaderTest, AcceptsPortPlaceholdersInArgv) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - run: writer
        args: ["{port}", "--peer=127.0.0.1:{port:peer-2}"]
)");
  EXPECT_TRUE(load.spec) << Report(load);
}

// receive needs how much to wait for, and loss is a percentage.
TEST_F(SpecLoaderTest, ReportsReceiveAndNetworkMistakes) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    network: { loss_percent: 150 }
    steps:
      - connect: { as: c }
      - receive: { connection: c }
)");
  ASSERT_EQ(load.errors.size(), 2u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].network.loss_percent: must be between 0 and 100, got 150");
  EXPECT_EQ(load.errors[1].message, "tests[0].steps[1].receive: needs one of: bytes, until_closed");
}

// ---- The real lab --------------------------------------------------------------------------

// The lab shipped in the repository loads without a single error.
TEST(RealLabTest, ShmXferLoadsCleanly) {
#ifdef LABGRADE_SOURCE_DIR
  const fs::path lab_dir = fs::path(LABGRADE_SOURCE_DIR) / "labs" / "shm-xfer";
#else
  const fs::path lab_dir = "/work/main/labs/shm-xfer";
#endif
  if (!fs::exists(lab_dir / "lab.yaml")) {
    GTEST_SKIP() << lab_dir / "lab.yaml"
                 << " does not exist (yet)";
  }
  const SpecLoad load = LoadLabSpec(lab_dir);
  std::string report;
  for (const SpecError& error : load.errors) report += error.Format();
  EXPECT_EQ(report, "");
  ASSERT_TRUE(load.spec.has_value());
  EXPECT_EQ(load.spec->name, "shm-xfer");
}

// `isolation: required` is read at the lab's level and at a test's; `preferred` is the default.
TEST_F(SpecLoaderTest, ReadsIsolation) {
  std::string yaml = testing::OneTest("      - run: writer\n");
  const SpecLoad plain = Load(yaml);
  ASSERT_TRUE(plain.spec) << Report(plain);
  EXPECT_FALSE(plain.spec->isolation_required);
  EXPECT_FALSE(plain.spec->tests.at(0).isolation_required);
  std::string lab_level = yaml;
  lab_level.replace(lab_level.find("tests:"), 6, "isolation: required\ntests:");
  const SpecLoad required = Load(lab_level);
  ASSERT_TRUE(required.spec) << Report(required);
  EXPECT_TRUE(required.spec->isolation_required);
  std::string test_level = yaml;
  test_level.replace(test_level.find("    points: 100"), 15,
                     "    points: 100\n    isolation: required");
  const SpecLoad per_test = Load(test_level);
  ASSERT_TRUE(per_test.spec) << Report(per_test);
  EXPECT_FALSE(per_test.spec->isolation_required);
  EXPECT_TRUE(per_test.spec->tests.at(0).isolation_required);
}

// Any other value is reported with the two allowed.
TEST_F(SpecLoaderTest, ReportsBadIsolation) {
  std::string yaml = testing::OneTest("      - run: writer\n");
  yaml.replace(yaml.find("tests:"), 6, "isolation: yes\ntests:");
  EXPECT_EQ(OnlyErrorOf(yaml), "isolation: expected required or preferred, got 'yes'");
}

}  // namespace
}  // namespace labgrade
