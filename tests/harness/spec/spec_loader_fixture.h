// The fixture the spec loader's tests and each kind's reading tests (tests/harness/steps/,
// tests/harness/checks/) share: the throwaway lab with a few lab files and a file outside it,
// the ten lines every test section starts after, and the typed spec of a step or check.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>

#include <gtest/gtest.h>

#include "harness/spec/spec_loader.h"
#include "tests/harness/spec/throwaway_lab.h"

namespace labgrade::testing {

// Ten lines that every test-section case starts with, so its own YAML begins on line 11.
inline constexpr std::string_view kHead = R"(name: demo
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
inline constexpr std::string_view kEchoTest = R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
        stdin: { text: "hi\n" }
    checks:
      - stdout: { instance: writer, equals: "hi\n" }
)";

/// kHead, then one test whose steps are `steps` (indented as list items under steps:).
inline std::string OneTest(std::string_view steps, std::string_view checks = "") {
  std::string yaml(kHead);
  yaml += "  - name: t\n    description: T\n    points: 100\n    steps:\n";
  yaml += steps;
  if (!checks.empty()) yaml += std::string("    checks:\n") + std::string(checks);
  return yaml;
}

/// The typed spec of a step or check as a `Spec`, as std::get does for a variant: throws (and
/// so fails the test) when it is of another kind.
template <typename Spec, typename Kind>
const Spec& SpecAs(const KindSpec<Kind>& item) {
  const Spec* spec = item.template As<Spec>();
  if (spec == nullptr) throw std::logic_error(std::string("not a ") + typeid(Spec).name());
  return *spec;
}

/// The throwaway repository with a few lab files, and a file outside the lab.
class SpecLoaderTest : public ThrowawayLabTest {
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

  /// The message of the one error loading `yaml` gives; the test fails when there is not one.
  std::string OnlyErrorOf(std::string_view yaml) const {
    const SpecLoad load = Load(yaml);
    EXPECT_EQ(load.errors.size(), 1u) << Report(load);
    return load.errors.empty() ? "" : load.errors[0].message;
  }

  /// The last step of the first test `yaml` holds, as a `Spec`; the test fails on any error.
  template <typename Spec>
  Spec LastStepOf(std::string_view yaml) const {
    const SpecLoad load = Load(yaml);
    EXPECT_EQ(Report(load), "");
    if (!load.spec) return Spec{};
    return SpecAs<Spec>(load.spec->tests.at(0).steps.back());
  }
};

/// A lab that uses every lab-wide key and the steps and checks of the shm-xfer lab.
inline constexpr std::string_view kFullSpec = R"(name: demo
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

/// kFullSpec loaded, its first test's steps and checks looked up by index and kind.
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

// A test using every step and check of the mmap lab; its own YAML begins on line 11.
inline constexpr std::string_view kMmapTest = R"(  - name: copy
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

/// kHead and kMmapTest loaded, the test's steps and checks looked up by index and kind.
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

}  // namespace labgrade::testing
