// Tests for the lab spec loader: a full spec becomes the expected typed values, and every class
// of mistake an instructor can make is reported with its exact file:line:col, line and caret.
#include "harness/spec/spec_loader.h"

#include <csignal>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "harness/checks/exit.h"
#include "harness/checks/file.h"
#include "harness/checks/finished_within.h"
#include "harness/checks/imports.h"
#include "harness/checks/no_sysv_left.h"
#include "harness/checks/output.h"
#include "harness/checks/output_match.h"
#include "harness/checks/received.h"
#include "harness/checks/sysv_exists.h"
#include "harness/steps/connect.h"
#include "harness/steps/connection_action.h"
#include "harness/steps/create_sysv.h"
#include "harness/steps/expect_alive.h"
#include "harness/steps/expect_fds.h"
#include "harness/steps/expect_idle.h"
#include "harness/steps/expect_mapping.h"
#include "harness/steps/expect_no_zombies.h"
#include "harness/steps/expect_sockets.h"
#include "harness/steps/make_dir.h"
#include "harness/steps/make_file.h"
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
#include "tests/harness/spec/throwaway_lab.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;
using testing::SpecAs;

// Ten lines that every test-section case below starts with, so its own YAML begins on line 11.
constexpr std::string_view kHead = R"(name: demo
title: Demo lab
submission:
  required: [reader.c, writer.c]
build:
  commands: ["cc -o reader reader.c"]
programs:
  reader: { argv: ["{keyfile}"] }
  writer: {}
tests:
)";

// A test that is valid after kHead: points add up to 100.
constexpr std::string_view kEchoTest = R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
        stdin: { text: "hi\n" }
    checks:
      - stdout: { instance: writer, equals: "hi\n" }
)";

/// The throwaway repository with a few lab files, and a file outside the lab.
class SpecLoaderTest : public testing::ThrowawayLabTest {
 protected:
  void SetUp() override {
    ThrowawayLabTest::SetUp();
    WriteFile(lab_dir_ / "data" / "short.txt", "hello\n");
    WriteFile(lab_dir_ / "starter" / "xfr.h", "#pragma once\n");
    WriteFile(root_ / "secret.txt", "outside the lab\n");
  }

  SpecLoad Load(std::string_view yaml) const { return LoadLab(yaml); }

  /// kHead followed by `tests`.
  SpecLoad LoadTests(std::string_view tests) const {
    return Load(std::string(kHead) + std::string(tests));
  }

  /// Every error, formatted, one after the other: what `labgrade validate` prints.
  static std::string Report(const SpecLoad& load) {
    std::string text;
    for (const SpecError& error : load.errors) text += error.Format();
    return text;
  }
};

// ---- A valid spec ---------------------------------------------------------------------------

constexpr std::string_view kFullSpec = R"(name: demo
title: Demo lab
submission:
  required: [reader.c, writer.c]
  provided: [starter/xfr.h]
build:
  timeout_ms: 30000
  commands:
    - cc -o reader reader.c
    - cc -o writer writer.c
limits:
  wall_ms: 5000
  memory_mib: 128
programs:
  reader:
    executable: bin/reader
    argv: ["{keyfile}", "{testdir}/out"]
    limits: { wall_ms: 20000, open_files: 16 }
  writer:
    argv: ["{keyfile:second}", "{labdir}", "--dir={testdir}"]
  idle:
tests:
  - name: transfer
    description: A short text goes through unchanged
    points: 60
    hint: Check your semaphores.
    steps:
      - start: reader
        from: reference
        args: ["{keyfile}"]
      - wait_for_sysv: { kind: semaphores, key_file: keyfile, proj_id: 7, timeout_ms: 3000, created_by: reader }
      - run: writer
        as: first-writer
        stdin: { file: data/short.txt }
      - run: writer
        as: random-writer
        stdin: { random_bytes: 4096, seed: 7 }
      - run: writer
        as: text-writer
        stdin: { text: "hello\n" }
      - wait_exit: { instance: reader, timeout_ms: 4000 }
      - signal: { instance: reader, signal: SIGINT }
      - create_sysv: { kind: shared_memory, key_file: "keyfile:stale", proj_id: 255, size: 4096 }
      - expect_idle: { instance: reader, window_ms: 300, max_cpu_percent: 5 }
    checks:
      - exit: { instance: first-writer, code: 3 }
      - exit: { instance: reader, signal: INT }
      - stdout: { instance: reader, same_as_stdin_of: first-writer }
      - stdout: { instance: reader, same_as_file: data/short.txt }
      - stdout: { instance: reader, contains: "done" }
      - stdout: { instance: reader, regex: "^[0-9]+ bytes$" }
      - stdout: { instance: reader, equals_normalized: "a b" }
      - stderr: { instance: reader, empty: true }
      - stderr: { instance: text-writer, not_empty: true }
      - stdout: { instance: text-writer, equals: "x" }
      - no_sysv_left: true
      - sysv_exists: { kind: message_queue, key_file: "keyfile:stale" }
      - finished_within: { instance: first-writer, max_ms: 2000 }
  - name: idle-reader
    description: The reader blocks instead of spinning
    points: 40
    visibility: hidden
    steps:
      - start: idle
      - signal: { instance: idle }
      - wait_exit: { instance: idle }
)";

class FullSpecTest : public SpecLoaderTest {
 protected:
  void SetUp() override {
    SpecLoaderTest::SetUp();
    const SpecLoad load = Load(kFullSpec);
    ASSERT_EQ(Report(load), "");
    ASSERT_TRUE(load.spec.has_value());
    spec_ = *load.spec;
    ASSERT_EQ(spec_.tests.size(), 2u);
    ASSERT_EQ(spec_.tests[0].steps.size(), 9u);
    ASSERT_EQ(spec_.tests[0].checks.size(), 13u);
  }

  template <typename T>
  const T& StepOf(std::size_t index) const {
    const T* step = spec_.tests[0].steps.at(index).As<T>();
    EXPECT_NE(step, nullptr) << "step " << index << " has another kind";
    return *step;
  }

  template <typename T>
  const T& CheckOf(std::size_t index) const {
    const T* check = spec_.tests[0].checks.at(index).As<T>();
    EXPECT_NE(check, nullptr) << "check " << index << " has another kind";
    return *check;
  }

  LabSpec spec_;
};

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

// `start:` runs in the background, from the reference when asked, with its own args.
TEST_F(FullSpecTest, ReadsStartStep) {
  const StartStep& start = StepOf<StartStep>(0);
  EXPECT_EQ(start.program, "reader");
  EXPECT_EQ(start.instance, "reader");
  EXPECT_EQ(start.role, Role::kReference);
  EXPECT_FALSE(start.wait_for_exit);
  EXPECT_EQ(start.argv, (std::vector<std::string>{"{keyfile}"}));
  EXPECT_TRUE(std::holds_alternative<StdinNone>(start.stdin_source));
  EXPECT_EQ(start.mark.line, 28);
}

// `run:` waits, runs the student's build by default, and takes each kind of stdin.
TEST_F(FullSpecTest, ReadsRunStepsWithEachStdin) {
  const StartStep& file_run = StepOf<StartStep>(2);
  EXPECT_EQ(file_run.program, "writer");
  EXPECT_EQ(file_run.instance, "first-writer");
  EXPECT_EQ(file_run.role, Role::kStudent);
  EXPECT_TRUE(file_run.wait_for_exit);
  EXPECT_FALSE(file_run.argv.has_value());
  ASSERT_TRUE(std::holds_alternative<StdinFile>(file_run.stdin_source));
  EXPECT_EQ(std::get<StdinFile>(file_run.stdin_source).path, "data/short.txt");
  const StdinSource& random = StepOf<StartStep>(3).stdin_source;
  ASSERT_TRUE(std::holds_alternative<StdinRandom>(random));
  EXPECT_EQ(std::get<StdinRandom>(random).size_bytes, 4096);
  EXPECT_EQ(std::get<StdinRandom>(random).seed, 7u);
  const StdinSource& text = StepOf<StartStep>(4).stdin_source;
  ASSERT_TRUE(std::holds_alternative<StdinText>(text));
  EXPECT_EQ(std::get<StdinText>(text).text, "hello\n");
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

// Exit checks hold a code or a signal.
TEST_F(FullSpecTest, ReadsExitChecks) {
  const ExitCheck& by_code = CheckOf<ExitCheck>(0);
  EXPECT_EQ(by_code.instance, "first-writer");
  EXPECT_EQ(by_code.exit_code, 3);
  EXPECT_EQ(by_code.signal, std::nullopt);
  const ExitCheck& by_signal = CheckOf<ExitCheck>(1);
  EXPECT_EQ(by_signal.exit_code, std::nullopt);
  EXPECT_EQ(by_signal.signal, SIGINT);
}

// Each output matcher becomes its MatchKind with its text.
TEST_F(FullSpecTest, ReadsEveryOutputMatcher) {
  struct Expected {
    std::size_t index;
    StreamName stream;
    MatchKind match;
    std::string text;
  };
  const Expected expected[] = {
      {2, StreamName::kStdout, MatchKind::kSameAsStdinOf, "first-writer"},
      {3, StreamName::kStdout, MatchKind::kSameAsFile, "data/short.txt"},
      {4, StreamName::kStdout, MatchKind::kContains, "done"},
      {5, StreamName::kStdout, MatchKind::kRegex, "^[0-9]+ bytes$"},
      {6, StreamName::kStdout, MatchKind::kEqualsNormalized, "a b"},
      {7, StreamName::kStderr, MatchKind::kEmpty, ""},
      {8, StreamName::kStderr, MatchKind::kNotEmpty, ""},
      {9, StreamName::kStdout, MatchKind::kEquals, "x"},
  };
  for (const Expected& want : expected) {
    const OutputCheck& check = CheckOf<OutputCheck>(want.index);
    EXPECT_EQ(check.stream, want.stream) << "check " << want.index;
    EXPECT_EQ(check.match, want.match) << "check " << want.index;
    EXPECT_EQ(check.text, want.text) << "check " << want.index;
  }
  EXPECT_EQ(CheckOf<OutputCheck>(8).instance, "text-writer");
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

// ---- Reading files ------------------------------------------------------------------------

// A folder stands for the lab.yaml inside it; errors name the file by the path given.
TEST_F(SpecLoaderTest, LoadsLabYamlFromFolder) {
  WriteFile(lab_dir_ / "lab.yaml", std::string(kHead) + std::string(kEchoTest));
  const SpecLoad load = LoadLabSpec(lab_dir_);
  ASSERT_EQ(Report(load), "");
  EXPECT_EQ(load.spec->tests[0].mark.file, lab_dir_ / "lab.yaml");
  EXPECT_EQ(load.spec->lab_dir, lab_dir_);
}

// A missing lab.yaml is one error without a line.
TEST_F(SpecLoaderTest, ReportsUnreadableFile) {
  const SpecLoad load = LoadLabSpec(root_ / "labs" / "nothing-here");
  EXPECT_FALSE(load.spec.has_value());
  EXPECT_EQ(Report(load), (root_ / "labs" / "nothing-here").string() +
                              ": error: cannot read the lab spec: No such file or directory\n");
}

// ---- YAML itself ---------------------------------------------------------------------------

// Broken YAML is reported at yaml-cpp's mark, made 1-based.
TEST_F(SpecLoaderTest, ReportsYamlSyntaxError) {
  const SpecLoad load = Load("name: demo\nsubmission:\n  required: [reader.c\nbuild: {}\n");
  EXPECT_FALSE(load.spec.has_value());
  EXPECT_EQ(Report(load),
            "labs/demo/lab.yaml:4:6: error: invalid YAML: end of sequence flow not found\n"
            "  build: {}\n"
            "       ^\n");
}

// An empty file says what a spec needs.
TEST_F(SpecLoaderTest, ReportsEmptyFile) {
  EXPECT_EQ(Report(Load("")),
            "labs/demo/lab.yaml: error: the file is empty; a lab spec needs name, title, "
            "submission, build, programs and tests\n");
}

// A list at the top instead of a mapping.
TEST_F(SpecLoaderTest, ReportsNonMappingDocument) {
  EXPECT_EQ(Report(Load("- name: demo\n")),
            "labs/demo/lab.yaml:1:1: error: expected a mapping (key: value), got a list\n"
            "  - name: demo\n"
            "  ^\n");
}

// ---- Keys ----------------------------------------------------------------------------------

// A misspelt key is pointed at, with the key it most likely meant.
TEST_F(SpecLoaderTest, ReportsUnknownKeyWithSuggestion) {
  const SpecLoad load = LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
        stdn: { text: "hi\n" }
)");
  EXPECT_EQ(Report(load),
            "labs/demo/lab.yaml:16:9: error: tests[0].steps[0]: unknown key 'stdn' (did you "
            "mean 'stdin'?)\n"
            "          stdn: { text: \"hi\\n\" }\n"
            "          ^\n");
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].key, "tests[0].steps[0]");
}

// A key far from every allowed one lists them all.
TEST_F(SpecLoaderTest, ReportsUnknownKeyWithAllowedKeys) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    timeout: 5
    steps:
      - run: writer
)")),
            "labs/demo/lab.yaml:14:5: error: tests[0]: unknown key 'timeout' (expected one of: "
            "name, description, points, visibility, hint, network, steps, checks)\n"
            "      timeout: 5\n"
            "      ^\n");
}

// A misspelt top-level key carries no path.
TEST_F(SpecLoaderTest, ReportsUnknownTopLevelKey) {
  std::string yaml = std::string(kHead) + std::string(kEchoTest);
  yaml.replace(yaml.find("title:"), 6, "titel:");
  EXPECT_EQ(Report(Load(yaml)),
            "labs/demo/lab.yaml:2:1: error: unknown key 'titel' (did you mean 'title'?)\n"
            "  titel: Demo lab\n"
            "  ^\n"
            "labs/demo/lab.yaml:1:1: error: missing required key 'title'\n"
            "  name: demo\n"
            "  ^\n");
}

// A key given twice would silently take one of the values.
TEST_F(SpecLoaderTest, ReportsDuplicateKey) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    points: 50
    steps:
      - run: writer
)")),
            "labs/demo/lab.yaml:14:5: error: tests[0]: duplicate key 'points' (first given on "
            "line 13)\n"
            "      points: 50\n"
            "      ^\n");
}

// A missing required key is reported at the mapping that lacks it.
TEST_F(SpecLoaderTest, ReportsMissingRequiredKey) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    steps:
      - run: writer
)")),
            "labs/demo/lab.yaml:11:5: error: tests[0]: missing required key 'points'\n"
            "    - name: echo\n"
            "      ^\n");
}

// ---- Types and ranges ----------------------------------------------------------------------

// A word where a number belongs names the key and the type.
TEST_F(SpecLoaderTest, ReportsWrongScalarType) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: ten
    steps:
      - run: writer
)")),
            "labs/demo/lab.yaml:13:13: error: tests[0].points: expected an integer, got 'ten'\n"
            "      points: ten\n"
            "              ^\n");
}

// A single word where a list belongs.
TEST_F(SpecLoaderTest, ReportsScalarWhereListBelongs) {
  std::string yaml = std::string(kHead) + std::string(kEchoTest);
  yaml.replace(yaml.find("[reader.c, writer.c]"), 20, "reader.c");
  EXPECT_EQ(Report(Load(yaml)),
            "labs/demo/lab.yaml:4:13: error: submission.required: expected a list, got "
            "'reader.c'\n"
            "    required: reader.c\n"
            "              ^\n");
}

// A key with nothing after it is pointed at the key itself.
TEST_F(SpecLoaderTest, ReportsMissingValue) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description:
    points: 100
    steps:
      - run: writer
)")),
            "labs/demo/lab.yaml:12:5: error: tests[0].description: expected a string, got "
            "nothing\n"
            "      description:\n"
            "      ^\n");
}

// Points cannot be negative.
TEST_F(SpecLoaderTest, ReportsNegativePoints) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: -5
    steps:
      - run: writer
)")),
            "labs/demo/lab.yaml:13:13: error: tests[0].points: must be 0 or more, got -5\n"
            "      points: -5\n"
            "              ^\n");
}

// Limits must be positive.
TEST_F(SpecLoaderTest, ReportsNonPositiveLimit) {
  std::string yaml = std::string(kHead) + std::string(kEchoTest);
  yaml.insert(yaml.find("programs:"), "limits:\n  wall_ms: 0\n");
  EXPECT_EQ(Report(Load(yaml)),
            "labs/demo/lab.yaml:8:12: error: limits.wall_ms: must be positive, got 0\n"
            "    wall_ms: 0\n"
            "             ^\n");
}

// A number too big for its field says the largest allowed.
TEST_F(SpecLoaderTest, ReportsNumberTooLarge) {
  std::string yaml = std::string(kHead) + std::string(kEchoTest);
  yaml.replace(yaml.find("reader: { argv"), 14, "reader: { limits: { cpu_ms: 99999999999 }, argv");
  EXPECT_EQ(Report(Load(yaml)),
            "labs/demo/lab.yaml:8:31: error: programs.reader.limits.cpu_ms: must be at most "
            "2147483647, got 99999999999\n"
            "    reader: { limits: { cpu_ms: 99999999999 }, argv: [\"{keyfile}\"] }\n"
            "                                ^\n");
}

// A value outside a fixed set lists the set.
TEST_F(SpecLoaderTest, ReportsUnknownChoice) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    visibility: secret
    steps:
      - run: writer
)")),
            "labs/demo/lab.yaml:14:17: error: tests[0].visibility: expected visible or hidden, "
            "got 'secret'\n"
            "      visibility: secret\n"
            "                  ^\n");
}

// A System V kind outside the three.
TEST_F(SpecLoaderTest, ReportsUnknownSysvKind) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - create_sysv: { kind: semaphore }
)")),
            "labs/demo/lab.yaml:15:30: error: tests[0].steps[0].create_sysv.kind: expected "
            "semaphores, shared_memory or message_queue, got 'semaphore'\n"
            "        - create_sysv: { kind: semaphore }\n"
            "                               ^\n");
}

// ---- Names and points ----------------------------------------------------------------------

// The lab's name becomes part of paths and must be a plain slug.
TEST_F(SpecLoaderTest, ReportsBadLabName) {
  std::string yaml = std::string(kHead) + std::string(kEchoTest);
  yaml.replace(0, 10, "name: Shm_Xfer");
  EXPECT_EQ(Report(Load(yaml)),
            "labs/demo/lab.yaml:1:7: error: name: 'Shm_Xfer' must use only a-z, 0-9 and '-'\n"
            "  name: Shm_Xfer\n"
            "        ^\n");
}

// Two tests cannot share a name.
TEST_F(SpecLoaderTest, ReportsDuplicateTestName) {
  const SpecLoad load = LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 50
    steps:
      - run: writer
  - name: echo
    description: Echoes again
    points: 50
    steps:
      - run: writer
)");
  EXPECT_EQ(Report(load),
            "labs/demo/lab.yaml:16:11: error: tests[1].name: test name 'echo' is already used "
            "on line 11\n"
            "    - name: echo\n"
            "            ^\n");
}

// The points of all tests must add up to 100; the message gives the actual sum.
TEST_F(SpecLoaderTest, ReportsPointsNotAddingUpTo100) {
  std::string tests(kEchoTest);
  tests.replace(tests.find("points: 100"), 11, "points: 90");
  EXPECT_EQ(Report(LoadTests(tests)),
            "labs/demo/lab.yaml:10:1: error: tests: points add up to 90; they must add up to "
            "100\n"
            "  tests:\n"
            "  ^\n");
}

// A lab without tests grades nothing.
TEST_F(SpecLoaderTest, ReportsNoTests) {
  EXPECT_EQ(Report(Load(std::string(kHead) + "  []\n")),
            "labs/demo/lab.yaml:11:3: error: tests: needs at least one test\n"
            "    []\n"
            "    ^\n");
}

// The build needs at least one command.
TEST_F(SpecLoaderTest, ReportsEmptyBuildCommands) {
  std::string yaml = std::string(kHead) + std::string(kEchoTest);
  const std::string commands = "[\"cc -o reader reader.c\"]";
  yaml.replace(yaml.find(commands), commands.size(), "[]");
  EXPECT_EQ(Report(Load(yaml)),
            "labs/demo/lab.yaml:6:13: error: build.commands: needs at least one command\n"
            "    commands: []\n"
            "              ^\n");
}

// Required files are names in the submission folder, not paths.
TEST_F(SpecLoaderTest, ReportsRequiredFileInFolder) {
  std::string yaml = std::string(kHead) + std::string(kEchoTest);
  yaml.replace(yaml.find("writer.c]"), 8, "src/writer.c");
  EXPECT_EQ(Report(Load(yaml)),
            "labs/demo/lab.yaml:4:24: error: submission.required[1]: 'src/writer.c' must be a "
            "plain file name (no folders)\n"
            "    required: [reader.c, src/writer.c]\n"
            "                         ^\n");
}

// ---- Programs and instances ----------------------------------------------------------------

// A step that starts a program nobody defined.
TEST_F(SpecLoaderTest, ReportsUnknownProgram) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - start: raeder
)")),
            "labs/demo/lab.yaml:15:16: error: tests[0].steps[0].start: no program 'raeder' is "
            "defined (did you mean 'reader'?)\n"
            "        - start: raeder\n"
            "                 ^\n");
}

// A step can only act on an instance started before it.
TEST_F(SpecLoaderTest, ReportsInstanceNotStartedYet) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - wait_exit: { instance: reader }
      - start: reader
)")),
            "labs/demo/lab.yaml:15:32: error: tests[0].steps[0].wait_exit.instance: no instance "
            "'reader' was started before this step (started: none)\n"
            "        - wait_exit: { instance: reader }\n"
            "                                 ^\n");
}

// A check can only look at an instance the test started.
TEST_F(SpecLoaderTest, ReportsCheckOnUnknownInstance) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - exit: { instance: reader, code: 0 }
)")),
            "labs/demo/lab.yaml:17:27: error: tests[0].checks[0].exit.instance: no instance "
            "'reader' was started in this test (started: writer)\n"
            "        - exit: { instance: reader, code: 0 }\n"
            "                            ^\n");
}

// Starting the same program twice needs `as:` to tell the two apart.
TEST_F(SpecLoaderTest, ReportsDuplicateInstance) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
      - run: writer
)")),
            "labs/demo/lab.yaml:16:14: error: tests[0].steps[1].run: instance 'writer' was "
            "already started on line 15; name this one with 'as:'\n"
            "        - run: writer\n"
            "               ^\n");
}

// Comparing with what an instance read needs that instance to have read something.
TEST_F(SpecLoaderTest, ReportsSameAsStdinOfInstanceWithoutStdin) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: reader
      - run: writer
        stdin: { text: "hi" }
    checks:
      - stdout: { instance: writer, same_as_stdin_of: reader }
)")),
            "labs/demo/lab.yaml:19:55: error: tests[0].checks[0].stdout.same_as_stdin_of: "
            "instance 'reader' is given no stdin to compare with\n"
            "        - stdout: { instance: writer, same_as_stdin_of: reader }\n"
            "                                                        ^\n");
}

// ---- Lab files -----------------------------------------------------------------------------

// A stdin file must exist in the lab folder.
TEST_F(SpecLoaderTest, ReportsMissingStdinFile) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
        stdin: { file: data/long.txt }
)")),
            "labs/demo/lab.yaml:16:24: error: tests[0].steps[0].stdin.file: 'data/long.txt' is "
            "not a file in the lab folder\n"
            "          stdin: { file: data/long.txt }\n"
            "                         ^\n");
}

// A lab file may not be outside the lab folder, even if it exists.
TEST_F(SpecLoaderTest, ReportsPathEscapingLabFolder) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - stdout: { instance: writer, same_as_file: ../../secret.txt }
)")),
            "labs/demo/lab.yaml:17:51: error: tests[0].checks[0].stdout.same_as_file: "
            "'../../secret.txt' must be a path inside the lab folder (no absolute paths, no "
            "'..')\n"
            "        - stdout: { instance: writer, same_as_file: ../../secret.txt }\n"
            "                                                    ^\n");
}

// Provided files are lab files and must exist.
TEST_F(SpecLoaderTest, ReportsMissingProvidedFile) {
  std::string yaml = std::string(kHead) + std::string(kEchoTest);
  yaml.insert(yaml.find("build:"), "  provided: [starter/xfr.h, /etc/passwd, starter/util.h]\n");
  EXPECT_EQ(Report(Load(yaml)),
            "labs/demo/lab.yaml:5:29: error: submission.provided[1]: '/etc/passwd' must be a "
            "path inside the lab folder (no absolute paths, no '..')\n"
            "    provided: [starter/xfr.h, /etc/passwd, starter/util.h]\n"
            "                              ^\n"
            "labs/demo/lab.yaml:5:42: error: submission.provided[2]: 'starter/util.h' is not a "
            "file in the lab folder\n"
            "    provided: [starter/xfr.h, /etc/passwd, starter/util.h]\n"
            "                                           ^\n");
}

// Without `reference:`, ../../reference/<name> must exist; nothing in the file to point at.
TEST_F(SpecLoaderTest, ReportsMissingDefaultReference) {
  fs::remove(root_ / "reference" / "demo");
  const SpecLoad load = LoadTests(kEchoTest);
  EXPECT_EQ(Report(load), "labs/demo/lab.yaml: error: reference: folder '" +
                              (root_ / "reference" / "demo").string() +
                              "' does not exist (the default is ../../reference/<name> from the "
                              "lab folder; set 'reference:' to change it)\n");
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].key, "reference");
}

// An explicit `reference:` that does not exist is pointed at.
TEST_F(SpecLoaderTest, ReportsMissingExplicitReference) {
  std::string yaml = std::string(kHead) + std::string(kEchoTest);
  yaml.insert(yaml.find("submission:"), "reference: ../../ref/demo\n");
  EXPECT_EQ(Report(Load(yaml)), "labs/demo/lab.yaml:3:12: error: reference: folder '" +
                                    (root_ / "ref" / "demo").string() +
                                    "' does not exist\n"
                                    "  reference: ../../ref/demo\n"
                                    "             ^\n");
}

// ---- Placeholders, key files, signals ------------------------------------------------------

// A misspelt placeholder in argv.
TEST_F(SpecLoaderTest, ReportsUnknownPlaceholder) {
  std::string yaml = std::string(kHead) + std::string(kEchoTest);
  yaml.replace(yaml.find("{keyfile}"), 9, "{keyfle}");
  EXPECT_EQ(Report(Load(yaml)),
            "labs/demo/lab.yaml:8:20: error: programs.reader.argv[0]: unknown placeholder "
            "'{keyfle}' (did you mean '{keyfile}'?)\n"
            "    reader: { argv: [\"{keyfle}\"] }\n"
            "                     ^\n");
}

// A placeholder far from every known one lists them.
TEST_F(SpecLoaderTest, ReportsUnknownPlaceholderWithAllowedList) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
        args: ["--out={outputfile}"]
)")),
            "labs/demo/lab.yaml:16:16: error: tests[0].steps[0].args[0]: unknown placeholder "
            "'{outputfile}' (allowed: {keyfile}, {keyfile:NAME}, {testdir}, {labdir}, {port}, "
            "{port:NAME})\n"
            "          args: [\"--out={outputfile}\"]\n"
            "                 ^\n");
}

// An unclosed brace in argv.
TEST_F(SpecLoaderTest, ReportsUnclosedPlaceholder) {
  std::string yaml = std::string(kHead) + std::string(kEchoTest);
  yaml.replace(yaml.find("{keyfile}"), 9, "{keyfile");
  EXPECT_EQ(Report(Load(yaml)),
            "labs/demo/lab.yaml:8:20: error: programs.reader.argv[0]: '{' without a closing '}' "
            "in '{keyfile'\n"
            "    reader: { argv: [\"{keyfile\"] }\n"
            "                     ^\n");
}

// Key files are named keyfile or keyfile:NAME, without braces.
TEST_F(SpecLoaderTest, ReportsBadKeyFile) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - create_sysv: { kind: semaphores, key_file: "{keyfile}" }
)")),
            "labs/demo/lab.yaml:15:52: error: tests[0].steps[0].create_sysv.key_file: expected "
            "keyfile or keyfile:NAME (NAME made of a-z, 0-9 and '-'), got '{keyfile}'\n"
            "        - create_sysv: { kind: semaphores, key_file: \"{keyfile}\" }\n"
            "                                                     ^\n");
}

// A bare NAME is taken for keyfile:NAME in the hint.
TEST_F(SpecLoaderTest, SuggestsKeyFilePrefix) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - sysv_exists: { kind: semaphores, key_file: second }
)")),
            "labs/demo/lab.yaml:17:52: error: tests[0].checks[0].sysv_exists.key_file: expected "
            "keyfile or keyfile:NAME (NAME made of a-z, 0-9 and '-'), got 'second' (did you mean "
            "'keyfile:second'?)\n"
            "        - sysv_exists: { kind: semaphores, key_file: second }\n"
            "                                                     ^\n");
}

// ftok(3) takes the low 8 bits of a nonzero proj_id.
TEST_F(SpecLoaderTest, ReportsProjIdOutOfRange) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - create_sysv: { kind: semaphores, proj_id: 0 }
)")),
            "labs/demo/lab.yaml:15:51: error: tests[0].steps[0].create_sysv.proj_id: must be "
            "between 1 and 255, got 0\n"
            "        - create_sysv: { kind: semaphores, proj_id: 0 }\n"
            "                                                    ^\n");
}

// Signal names are upper case, as in <signal.h>.
TEST_F(SpecLoaderTest, ReportsUnknownSignal) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - start: reader
      - signal: { instance: reader, signal: sigterm }
)")),
            "labs/demo/lab.yaml:16:45: error: tests[0].steps[1].signal.signal: expected a signal "
            "name like SIGTERM or a number from 1 to 64, got 'sigterm'\n"
            "        - signal: { instance: reader, signal: sigterm }\n"
            "                                              ^\n");
}

// ---- Steps and checks with one thing to say ------------------------------------------------

// A step does one thing.
TEST_F(SpecLoaderTest, ReportsStepWithTwoActions) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
        start: reader
)")),
            "labs/demo/lab.yaml:16:9: error: tests[0].steps[0]: give only one of: start, run, "
            "wait_for_sysv, wait_exit, signal, create_sysv, expect_idle, make_file, make_dir, "
            "pause_when_blocked, resume, expect_mapping, wait_for_port, connect, send, "
            "shutdown_write, reset, close, receive, expect_sockets, record_fds, expect_fds, "
            "expect_no_zombies, expect_alive (found 'run' and 'start')\n"
            "          start: reader\n"
            "          ^\n");
}

// `as:` and friends belong to start and run only.
TEST_F(SpecLoaderTest, ReportsStartKeyOnOtherStep) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
      - wait_exit: { instance: writer }
        as: waiter
)")),
            "labs/demo/lab.yaml:17:9: error: tests[0].steps[1]: 'as' goes only with 'start' or "
            "'run'\n"
            "          as: waiter\n"
            "          ^\n");
}

// Stdin comes from one source.
TEST_F(SpecLoaderTest, ReportsStdinWithoutSource) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
        stdin: { seed: 3 }
)")),
            "labs/demo/lab.yaml:16:16: error: tests[0].steps[0].stdin: needs one of: text, file, "
            "random_bytes\n"
            "          stdin: { seed: 3 }\n"
            "                 ^\n");
}

// A seed means nothing without random bytes.
TEST_F(SpecLoaderTest, ReportsSeedWithoutRandomBytes) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
        stdin: { text: "x", seed: 3 }
)")),
            "labs/demo/lab.yaml:16:29: error: tests[0].steps[0].stdin: 'seed' goes only with "
            "'random_bytes'\n"
            "          stdin: { text: \"x\", seed: 3 }\n"
            "                              ^\n");
}

// An exit check wants a code or a signal, not both.
TEST_F(SpecLoaderTest, ReportsExitCheckWithCodeAndSignal) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - exit: { instance: writer, code: 0, signal: SIGTERM }
)")),
            "labs/demo/lab.yaml:17:44: error: tests[0].checks[0].exit: give only one of: code, "
            "signal (found 'code' and 'signal')\n"
            "        - exit: { instance: writer, code: 0, signal: SIGTERM }\n"
            "                                             ^\n");
}

// An exit check with neither says what it needs.
TEST_F(SpecLoaderTest, ReportsExitCheckWithoutExpectation) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - exit: { instance: writer }
)")),
            "labs/demo/lab.yaml:17:15: error: tests[0].checks[0].exit: needs one of: code, "
            "signal\n"
            "        - exit: { instance: writer }\n"
            "                ^\n");
}

// An output check has exactly one matcher.
TEST_F(SpecLoaderTest, ReportsOutputCheckWithTwoMatchers) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - stdout: { instance: writer, contains: "a", equals: "b" }
)")),
            "labs/demo/lab.yaml:17:52: error: tests[0].checks[0].stdout: give only one of: "
            "equals, same_as_file, same_as_stdin_of, contains, regex, equals_normalized, empty, "
            "not_empty (found 'contains' and 'equals')\n"
            "        - stdout: { instance: writer, contains: \"a\", equals: \"b\" }\n"
            "                                                     ^\n");
}

// An output check without a matcher lists them.
TEST_F(SpecLoaderTest, ReportsOutputCheckWithoutMatcher) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - stderr: { instance: writer }
)")),
            "labs/demo/lab.yaml:17:17: error: tests[0].checks[0].stderr: needs one of: equals, "
            "same_as_file, same_as_stdin_of, contains, regex, equals_normalized, empty, "
            "not_empty\n"
            "        - stderr: { instance: writer }\n"
            "                  ^\n");
}

// `empty: false` is not a check; leaving the matcher out is.
TEST_F(SpecLoaderTest, ReportsFalseFlagMatcher) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - stderr: { instance: writer, empty: false }
)")),
            "labs/demo/lab.yaml:17:44: error: tests[0].checks[0].stderr.empty: must be true, got "
            "false\n"
            "        - stderr: { instance: writer, empty: false }\n"
            "                                             ^\n");
}

// A regex that does not compile is caught at load time, not while grading.
TEST_F(SpecLoaderTest, ReportsInvalidRegex) {
  const SpecLoad load = LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - stdout: { instance: writer, regex: "[0-9" }
)");
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].mark.line, 17);
  EXPECT_EQ(load.errors[0].mark.column, 44);
  EXPECT_EQ(load.errors[0].message.rfind("tests[0].checks[0].stdout.regex: invalid regular "
                                         "expression: ",
                                         0),
            0u)
      << load.errors[0].message;
}

// A check of an unknown kind is a typo of a known one.
TEST_F(SpecLoaderTest, ReportsUnknownCheckKind) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - no_sysv_leftover: true
)")),
            "labs/demo/lab.yaml:17:9: error: tests[0].checks[0]: unknown key 'no_sysv_leftover' "
            "(expected one of: exit, stdout, stderr, no_sysv_left, sysv_exists, "
            "finished_within, file, imports, received)\n"
            "        - no_sysv_leftover: true\n"
            "          ^\n");
}

// ---- Files, mappings and imports (the mmap lab's keys) -----------------------------------

// A test using every step and check of the mmap lab; its own YAML begins on line 11.
constexpr std::string_view kMmapTest = R"(  - name: copy
    description: Copies through mappings
    points: 100
    steps:
      - make_file: { path: src, from_lab_file: data/short.txt }
      - make_file: { path: big, random_bytes: 4096, seed: 3, mode: "0600" }
      - make_file: { path: empty, text: "" }
      - make_dir: { path: locked, mode: 0555 }
      - make_dir: { path: out }
      - start: reader
      - pause_when_blocked: { instance: reader, timeout_ms: 2000 }
      - expect_mapping: { instance: reader, shared_anonymous: true }
      - expect_mapping: { instance: reader, file: src, perms: "r--" }
      - expect_mapping: { instance: reader, sysv_segment: true, perms: rw-s }
      - resume: reader
    checks:
      - file: { path: out/dst, same_as_file: src }
      - file: { path: dst, same_as_lab_file: data/short.txt }
      - file: { path: dst, size: 0 }
      - file: { path: dst, mode: "0644" }
      - file: { path: dst, exists: false }
      - imports: { program: writer, from: reference, required: [mmap, munmap], forbidden: [read] }
      - imports: { program: reader, forbidden: [fread] }
)";

class MmapSpecTest : public SpecLoaderTest {
 protected:
  void SetUp() override {
    SpecLoaderTest::SetUp();
    const SpecLoad load = LoadTests(kMmapTest);
    ASSERT_EQ(Report(load), "");
    test_ = load.spec->tests.at(0);
    ASSERT_EQ(test_.steps.size(), 11u);
    ASSERT_EQ(test_.checks.size(), 7u);
  }

  template <typename T>
  const T& StepOf(std::size_t index) const {
    const T* step = test_.steps.at(index).As<T>();
    EXPECT_NE(step, nullptr) << "step " << index << " has another kind";
    return *step;
  }

  template <typename T>
  const T& CheckOf(std::size_t index) const {
    const T* check = test_.checks.at(index).As<T>();
    EXPECT_NE(check, nullptr) << "check " << index << " has another kind";
    return *check;
  }

  TestSpec test_;
};

// make_file takes each source, and its mode as four octal digits (0644 by default).
TEST_F(MmapSpecTest, ReadsMakeFileSteps) {
  const MakeFileStep& copied = StepOf<MakeFileStep>(0);
  EXPECT_EQ(copied.path, "src");
  ASSERT_TRUE(std::holds_alternative<StdinFile>(copied.content));
  EXPECT_EQ(std::get<StdinFile>(copied.content).path, "data/short.txt");
  EXPECT_EQ(copied.mode, 0644u);
  EXPECT_EQ(copied.mark.line, 15);
  const MakeFileStep& random = StepOf<MakeFileStep>(1);
  ASSERT_TRUE(std::holds_alternative<StdinRandom>(random.content));
  EXPECT_EQ(std::get<StdinRandom>(random.content).size_bytes, 4096);
  EXPECT_EQ(std::get<StdinRandom>(random.content).seed, 3u);
  EXPECT_EQ(random.mode, 0600u);
  ASSERT_TRUE(std::holds_alternative<StdinText>(StepOf<MakeFileStep>(2).content));
  EXPECT_EQ(std::get<StdinText>(StepOf<MakeFileStep>(2).content).text, "");
}

// make_dir takes a mode, quoted or not, and defaults to 0755.
TEST_F(MmapSpecTest, ReadsMakeDirSteps) {
  EXPECT_EQ(StepOf<MakeDirStep>(3).path, "locked");
  EXPECT_EQ(StepOf<MakeDirStep>(3).mode, 0555u);
  EXPECT_EQ(StepOf<MakeDirStep>(4).mode, 0755u);
}

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

// Each file property lands in FileCheck.
TEST_F(MmapSpecTest, ReadsFileChecks) {
  EXPECT_EQ(CheckOf<FileCheck>(0).path, "out/dst");
  EXPECT_EQ(CheckOf<FileCheck>(0).property, FileProperty::kSameAsFile);
  EXPECT_EQ(CheckOf<FileCheck>(0).other, "src");
  EXPECT_EQ(CheckOf<FileCheck>(1).property, FileProperty::kSameAsLabFile);
  EXPECT_EQ(CheckOf<FileCheck>(1).other, "data/short.txt");
  EXPECT_EQ(CheckOf<FileCheck>(2).property, FileProperty::kSize);
  EXPECT_EQ(CheckOf<FileCheck>(2).size_bytes, 0);
  EXPECT_EQ(CheckOf<FileCheck>(3).property, FileProperty::kMode);
  EXPECT_EQ(CheckOf<FileCheck>(3).mode, 0644u);
  EXPECT_EQ(CheckOf<FileCheck>(4).property, FileProperty::kExists);
  EXPECT_FALSE(CheckOf<FileCheck>(4).exists);
}

// Imports name a program, whose build, and the calls required and forbidden.
TEST_F(MmapSpecTest, ReadsImportsChecks) {
  const ImportsCheck& writer = CheckOf<ImportsCheck>(5);
  EXPECT_EQ(writer.program, "writer");
  EXPECT_EQ(writer.role, Role::kReference);
  EXPECT_EQ(writer.required, (std::vector<std::string>{"mmap", "munmap"}));
  EXPECT_EQ(writer.forbidden, (std::vector<std::string>{"read"}));
  const ImportsCheck& reader = CheckOf<ImportsCheck>(6);
  EXPECT_EQ(reader.role, Role::kStudent);
  EXPECT_TRUE(reader.required.empty());
}

/// kHead, then one test whose steps are `steps` (indented as list items under steps:).
std::string OneTest(std::string_view steps, std::string_view checks = "") {
  std::string yaml(kHead);
  yaml += "  - name: t\n    description: T\n    points: 100\n    steps:\n";
  yaml += steps;
  if (!checks.empty()) yaml += std::string("    checks:\n") + std::string(checks);
  return yaml;
}

// A test-folder path may not climb out of the test folder.
TEST_F(SpecLoaderTest, ReportsMakeFilePathOutsideTestFolder) {
  EXPECT_EQ(Report(Load(OneTest("      - make_file: { path: ../escape, text: x }\n"))),
            "labs/demo/lab.yaml:15:28: error: tests[0].steps[0].make_file.path: '../escape' must "
            "be a path inside the test folder (no absolute paths, no '..')\n"
            "        - make_file: { path: ../escape, text: x }\n"
            "                             ^\n");
}

// An absolute path is not a test-folder path either.
TEST_F(SpecLoaderTest, ReportsAbsoluteFileCheckPath) {
  EXPECT_EQ(Load(OneTest("      - run: writer\n", "      - file: { path: /etc/passwd, size: 0 }\n"))
                .errors.at(0)
                .message,
            "tests[0].checks[0].file.path: '/etc/passwd' must be a path inside the test folder "
            "(no absolute paths, no '..')");
}

// A mode is four octal digits.
TEST_F(SpecLoaderTest, ReportsModeThatIsNotOctal) {
  EXPECT_EQ(Report(Load(OneTest("      - make_dir: { path: d, mode: \"755\" }\n"))),
            "labs/demo/lab.yaml:15:36: error: tests[0].steps[0].make_dir.mode: expected a mode of "
            "four octal digits like \"0644\", got '755'\n"
            "        - make_dir: { path: d, mode: \"755\" }\n"
            "                                     ^\n");
}

// make_file has one source, named as for stdin but with from_lab_file.
TEST_F(SpecLoaderTest, ReportsMakeFileWithoutSource) {
  EXPECT_EQ(Load(OneTest("      - make_file: { path: src, file: data/short.txt }\n"))
                .errors.at(0)
                .message,
            "tests[0].steps[0].make_file: unknown key 'file' (expected one of: path, text, "
            "from_lab_file, random_bytes, seed, mode)");
}

// make_file's lab file must exist in the lab folder.
TEST_F(SpecLoaderTest, ReportsMissingFromLabFile) {
  EXPECT_EQ(Load(OneTest("      - make_file: { path: src, from_lab_file: data/none }\n"))
                .errors.at(0)
                .message,
            "tests[0].steps[0].make_file.from_lab_file: 'data/none' is not a file in the lab "
            "folder");
}

// resume names an instance started before it.
TEST_F(SpecLoaderTest, ReportsResumeOfUnknownInstance) {
  EXPECT_EQ(Report(Load(OneTest("      - start: reader\n      - resume: readr\n"))),
            "labs/demo/lab.yaml:16:17: error: tests[0].steps[1].resume: no instance 'readr' was "
            "started before this step (did you mean 'reader'?)\n"
            "        - resume: readr\n"
            "                  ^\n");
}

// expect_mapping says which kind of mapping it looks for.
TEST_F(SpecLoaderTest, ReportsMappingWithoutKind) {
  EXPECT_EQ(Load(OneTest("      - start: reader\n      - expect_mapping: { instance: reader }\n"))
                .errors.at(0)
                .message,
            "tests[0].steps[1].expect_mapping: needs one of: shared_anonymous, sysv_segment, "
            "file");
}

// shared_anonymous: false would check nothing.
TEST_F(SpecLoaderTest, ReportsFalseMappingKind) {
  EXPECT_EQ(Load(OneTest("      - start: reader\n"
                         "      - expect_mapping: { instance: reader, shared_anonymous: false }\n"))
                .errors.at(0)
                .message,
            "tests[0].steps[1].expect_mapping.shared_anonymous: must be true, got false");
}

// perms reads like the maps column.
TEST_F(SpecLoaderTest, ReportsBadPerms) {
  EXPECT_EQ(Load(OneTest("      - start: reader\n"
                         "      - expect_mapping: { instance: reader, file: src, perms: rw }\n"))
                .errors.at(0)
                .message,
            "tests[0].steps[1].expect_mapping.perms: expected permissions like 'r--' or 'rw-s' "
            "(r or -, w or -, x or -, then optionally s for shared or p for private), got 'rw'");
}

// A file check asserts one thing.
TEST_F(SpecLoaderTest, ReportsFileCheckWithTwoProperties) {
  EXPECT_EQ(
      Load(OneTest("      - run: writer\n", "      - file: { path: dst, size: 0, exists: true }\n"))
          .errors.at(0)
          .message,
      "tests[0].checks[0].file: give only one of: same_as_file, same_as_lab_file, size, "
      "mode, exists (found 'size' and 'exists')");
}

// imports names a program the lab defines.
TEST_F(SpecLoaderTest, ReportsImportsOfUnknownProgram) {
  EXPECT_EQ(Load(OneTest("      - run: writer\n",
                         "      - imports: { program: mmcopy, forbidden: [read] }\n"))
                .errors.at(0)
                .message,
            "tests[0].checks[0].imports.program: no program 'mmcopy' is defined (programs: "
            "reader, writer)");
}

// imports with no list would check nothing.
TEST_F(SpecLoaderTest, ReportsImportsWithoutLists) {
  EXPECT_EQ(Load(OneTest("      - run: writer\n", "      - imports: { program: writer }\n"))
                .errors.at(0)
                .message,
            "tests[0].checks[0].imports: needs 'required' or 'forbidden' (or both)");
}

// A call cannot be both required and forbidden, and names are C identifiers.
TEST_F(SpecLoaderTest, ReportsContradictoryAndInvalidImports) {
  const SpecLoad load =
      Load(OneTest("      - run: writer\n",
                   "      - imports: { program: writer, required: [mmap, \"mmap()\"], "
                   "forbidden: [mmap] }\n"));
  ASSERT_EQ(load.errors.size(), 2u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].checks[0].imports.required[1]: 'mmap()' is not a C function name");
  EXPECT_EQ(load.errors[1].message,
            "tests[0].checks[0].imports: 'mmap' is both required and forbidden");
}

// ---- Collecting errors ---------------------------------------------------------------------

// An error in one test does not hide the errors in the next, nor in its other steps.
TEST_F(SpecLoaderTest, ReportsErrorsFromEveryTest) {
  const SpecLoad load = LoadTests(R"(  - name: first
    description: One
    points: 50
    steps:
      - run: writr
      - wait_exit: { instance: writr, timeout_ms: 0 }
  - name: second
    description: Two
    points: 50
    steps:
      - run: writer
    checks:
      - finished_within: { instance: writer, max_ms: soon }
)");
  ASSERT_EQ(load.errors.size(), 3u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].steps[0].run: no program 'writr' is defined (did you mean 'writer'?)");
  EXPECT_EQ(load.errors[1].message,
            "tests[0].steps[1].wait_exit.timeout_ms: must be positive, got 0");
  EXPECT_EQ(load.errors[1].key, "tests[0].steps[1].wait_exit.timeout_ms");
  EXPECT_EQ(load.errors[2].message,
            "tests[1].checks[0].finished_within.max_ms: expected an integer, got 'soon'");
  EXPECT_FALSE(load.spec.has_value());
}

// A misspelt program is reported once, not again by every step naming its instance.
TEST_F(SpecLoaderTest, DoesNotCascadeFromUnknownProgram) {
  const SpecLoad load = LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - start: readr
      - wait_exit: { instance: readr }
    checks:
      - exit: { instance: readr, code: 0 }
)");
  ASSERT_EQ(load.errors.size(), 1u) << Report(load);
  EXPECT_EQ(load.errors[0].key, "tests[0].steps[0].start");
}

// Every message starts with the key it names.
TEST_F(SpecLoaderTest, MessagesStartWithTheirKey) {
  const SpecLoad load = LoadTests(R"(  - name: Echo
    description: [a]
    points: 100
    visibility: no
    steps:
      - run: reader
        from: teacher
)");
  ASSERT_EQ(load.errors.size(), 4u) << Report(load);
  for (const SpecError& error : load.errors) {
    EXPECT_EQ(error.message.rfind(error.key + ": ", 0), 0u) << error.message;
  }
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

// A group member's name cannot be taken by a later start.
TEST_F(SpecLoaderTest, ReportsInstanceNameTakenByAGroup) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Clients
    points: 100
    steps:
      - start: writer
        as: client
        count: 2
      - start: writer
        as: client-2
)");
  EXPECT_EQ(Report(load),
            "labs/demo/lab.yaml:19:13: error: tests[0].steps[1].as: instance 'client-2' was "
            "already started on line 15\n"
            "          as: client-2\n"
            "              ^\n");
}

// count goes with start and run only, and from 1 to 100.
TEST_F(SpecLoaderTest, ReportsCountOutOfRangeAndMisplaced) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Clients
    points: 100
    steps:
      - start: writer
        count: 101
      - wait_exit: { instance: writer }
        count: 2
)");
  ASSERT_EQ(load.errors.size(), 2u) << Report(load);
  EXPECT_EQ(load.errors[0].message, "tests[0].steps[0].count: must be between 1 and 100, got 101");
  EXPECT_EQ(load.errors[1].message, "tests[0].steps[1]: 'count' goes only with 'start' or 'run'");
}

// A fixed number where a port placeholder's name belongs says why it is not allowed.
TEST_F(SpecLoaderTest, ReportsFixedPortNumber) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - start: reader
      - wait_for_port: { instance: reader, port: 5000 }
)");
  EXPECT_EQ(Report(load),
            "labs/demo/lab.yaml:16:50: error: tests[0].steps[1].wait_for_port.port: expected port "
            "or port:NAME (NAME made of a-z, 0-9 and '-'), got '5000' (a fixed number is not "
            "allowed: in host mode the grader picks a free port)\n"
            "        - wait_for_port: { instance: reader, port: 5000 }\n"
            "                                                   ^\n");
}

// A bare name where a port placeholder's name belongs is most likely port:NAME.
TEST_F(SpecLoaderTest, SuggestsPortColonName) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - connect: { as: c, port: b }
)");
  ASSERT_EQ(load.errors.size(), 1u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].steps[0].connect.port: expected port or port:NAME (NAME made of a-z, 0-9 "
            "and '-'), got 'b' (did you mean 'port:b'?)");
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

// A connection must be opened before a step uses it, and checks name one of the test.
TEST_F(SpecLoaderTest, ReportsUnknownConnection) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - connect: { as: idle }
      - send: { connection: idel, text: "x" }
    checks:
      - received: { connection: busy, equals: "x" }
)");
  ASSERT_EQ(load.errors.size(), 2u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].steps[1].send.connection: no connection 'idel' was opened before this step "
            "(did you mean 'idle'?)");
  EXPECT_EQ(load.errors[1].message,
            "tests[0].checks[0].received.connection: no connection 'busy' was opened in this "
            "test (opened: idle)");
}

// Two connections of one name are an error at the second.
TEST_F(SpecLoaderTest, ReportsConnectionOpenedTwice) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - connect: { as: idle }
      - connect: { as: idle }
)");
  ASSERT_EQ(load.errors.size(), 1u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].steps[1].connect.as: connection 'idle' was already opened on line 15");
}

// TIME_WAIT sockets belong to no process, so counting them per instance is refused.
TEST_F(SpecLoaderTest, ReportsTimeWaitOfAnInstance) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - start: reader
      - expect_sockets: { instance: reader, state: TIME_WAIT, max: 0 }
)");
  ASSERT_EQ(load.errors.size(), 1u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].steps[1].expect_sockets.state: a socket in TIME_WAIT belongs to no process "
            "any more (the kernel keeps it after close); leave out 'instance' to count those of "
            "the whole test");
}

// A count needs a bound, the bounds an order, and the state a known name.
TEST_F(SpecLoaderTest, ReportsSocketCountMistakes) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - expect_sockets: { state: LISTEN }
      - expect_sockets: { state: LISTEN, min: 3, max: 1 }
      - expect_sockets: { state: CLOSEWAIT, max: 0 }
)");
  ASSERT_EQ(load.errors.size(), 3u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].steps[0].expect_sockets: needs 'min' or 'max' (or both)");
  EXPECT_EQ(load.errors[1].message,
            "tests[0].steps[1].expect_sockets: max (1) is less than min (3)");
  EXPECT_EQ(load.errors[2].message,
            "tests[0].steps[2].expect_sockets.state: expected LISTEN, ESTABLISHED, CLOSE_WAIT, "
            "TIME_WAIT, FIN_WAIT1, FIN_WAIT2, LAST_ACK, CLOSING, SYN_SENT or SYN_RECV, got "
            "'CLOSEWAIT'");
}

// A baseline must be recorded before it is compared with, and only once.
TEST_F(SpecLoaderTest, ReportsUnknownBaseline) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - start: reader
      - expect_fds: { instance: reader, baseline: before }
      - record_fds: { instance: reader, as: start }
      - record_fds: { instance: reader, as: start }
)");
  ASSERT_EQ(load.errors.size(), 2u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].steps[1].expect_fds.baseline: no baseline 'before' was recorded before this "
            "step (recorded: none)");
  EXPECT_EQ(load.errors[1].message,
            "tests[0].steps[3].record_fds.as: baseline 'start' was already recorded on line 17");
}

// Groups are compared with stdin pairwise only when their sizes match.
TEST_F(SpecLoaderTest, ReportsGroupSizeMismatchInSameAsStdinOf) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Clients
    points: 100
    steps:
      - start: writer
        as: a
        count: 2
        stdin: { text: "x" }
      - start: writer
        as: b
        count: 3
    checks:
      - stdout: { instance: b, same_as_stdin_of: a }
)");
  ASSERT_EQ(load.errors.size(), 1u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].checks[0].stdout.same_as_stdin_of: 'a' is a group of 2 instances; it can be "
            "compared only with a group of as many (each with its own), and 'b' has 3");
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

}  // namespace
}  // namespace labgrade
