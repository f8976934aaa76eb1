// Tests for a reference of prebuilt executables: `reference: { prebuilt: DIR }` in the spec, the
// checks that its executables are there and can run here, and the copy that stands for its
// build.
#include "harness/build/prebuilt_reference.h"

#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/harness/spec/throwaway_lab.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

// A lab with two programs, whose third line is where a test puts its `reference:`.
constexpr std::string_view kLab = R"(name: demo
title: Demo lab
#reference#
submission:
  required: [reader.c, writer.c]
build:
  commands: ["cc -o reader reader.c"]
programs:
  reader: { argv: ["{keyfile}"] }
  writer: { executable: bin/writer }
tests:
  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
        stdin: { text: "hi\n" }
    checks:
      - stdout: { instance: writer, equals: "hi\n" }
)";

class PrebuiltReferenceTest : public testing::ThrowawayLabTest {
 protected:
  /// kLab with `reference` on its third line.
  SpecLoad LoadWithReference(std::string_view reference) const {
    std::string yaml(kLab);
    yaml.replace(yaml.find("#reference#"), 11, reference);
    return LoadLab(yaml);
  }

  /// The lab with `reference: { prebuilt: bin }`, loaded.
  LabSpec PrebuiltLab() {
    fs::create_directories(lab_dir_ / "prebuilt");
    SpecLoad load = LoadWithReference("reference: { prebuilt: prebuilt }");
    EXPECT_TRUE(load.errors.empty()) << (load.errors.empty() ? "" : load.errors[0].Format());
    return load.spec.value_or(LabSpec{});
  }

  /// A copy of /bin/true (a small executable of this machine) at `relative` in the prebuilt
  /// folder, with its ELF machine set to `machine` unless 0.
  void PutExecutable(const std::string& relative, std::uint16_t machine = 0) {
    std::ifstream self("/bin/true", std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(self), std::istreambuf_iterator<char>()};
    if (machine != 0)
      std::memcpy(bytes.data() + offsetof(Elf64_Ehdr, e_machine), &machine, sizeof machine);
    const fs::path path = lab_dir_ / "prebuilt" / relative;
    fs::create_directories(path.parent_path());
    WriteFile(path, bytes);
    fs::permissions(path, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add);
  }
};

// `reference: { prebuilt: DIR }` names a folder of executables, relative to the lab folder.
TEST_F(PrebuiltReferenceTest, SpecNamesAPrebuiltFolder) {
  const LabSpec lab = PrebuiltLab();
  EXPECT_TRUE(lab.reference_prebuilt);
  EXPECT_EQ(lab.reference_dir, lab_dir_ / "prebuilt");
  EXPECT_EQ(ProgramExecutables(lab), (std::vector<std::string>{"bin/writer", "reader"}));
}

// A reference of sources is not prebuilt, and has nothing to check here.
TEST_F(PrebuiltReferenceTest, SourcesAreNotPrebuilt) {
  const SpecLoad load = LoadWithReference("");
  ASSERT_TRUE(load.spec);
  EXPECT_FALSE(load.spec->reference_prebuilt);
  EXPECT_EQ(PrebuiltReferenceProblem(*load.spec, ThisMachine()), std::nullopt);
}

// A prebuilt folder that does not exist, or a misspelt key, is pointed at like any spec error.
TEST_F(PrebuiltReferenceTest, SpecErrorsPointAtTheKey) {
  SpecLoad load = LoadWithReference("reference: { prebuilt: nowhere }");
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].Format(),
            "labs/demo/lab.yaml:3:24: error: reference.prebuilt: folder '" +
                (lab_dir_ / "nowhere").string() +
                "' does not exist\n"
                "  reference: { prebuilt: nowhere }\n"
                "                         ^\n");
  load = LoadWithReference("reference: { built: bin }");
  ASSERT_FALSE(load.errors.empty());
  EXPECT_NE(load.errors[0].Format().find("unknown key 'built'"), std::string::npos)
      << load.errors[0].Format();
}

// Every executable there and runnable: nothing to say.
TEST_F(PrebuiltReferenceTest, RunnableExecutablesPass) {
  const LabSpec lab = PrebuiltLab();
  PutExecutable("reader");
  PutExecutable("bin/writer");
  EXPECT_EQ(PrebuiltReferenceProblem(lab, ThisMachine()), std::nullopt);
}

// A program's executable missing from the folder is named with where it was looked for.
TEST_F(PrebuiltReferenceTest, NamesAMissingExecutable) {
  const LabSpec lab = PrebuiltLab();
  PutExecutable("reader");
  EXPECT_EQ(PrebuiltReferenceProblem(lab, ThisMachine()),
            "the prebuilt reference has no executable bin/writer (looked for " +
                (lab_dir_ / "prebuilt" / "bin" / "writer").string() + ")");
}

// An executable built for another processor is named with both processors.
TEST_F(PrebuiltReferenceTest, NamesAnExecutableForAnotherProcessor) {
  const LabSpec lab = PrebuiltLab();
  const MachineOffer here = ThisMachine();
  const bool on_arm = here.machine == "aarch64";
  PutExecutable("reader", on_arm ? EM_X86_64 : EM_AARCH64);
  PutExecutable("bin/writer");
  EXPECT_EQ(PrebuiltReferenceProblem(lab, here),
            fmt::format("the prebuilt reference's reader was built for {}, and this machine is {}",
                        on_arm ? "x86_64" : "aarch64", here.machine));
}

// The copy stands for a build: every file, executable bits kept, and the command says what it
// was.
TEST_F(PrebuiltReferenceTest, CopyStandsForTheBuild) {
  const LabSpec lab = PrebuiltLab();
  PutExecutable("reader");
  PutExecutable("bin/writer");
  const fs::path build = root_ / "build";
  const BuildResult result = CopyPrebuiltReference(lab, build, SandboxIdentity{});
  EXPECT_TRUE(result.ok) << result.grader_error;
  EXPECT_EQ(result.command, "(prebuilt reference)");
  EXPECT_EQ(::access((build / "bin" / "writer").c_str(), X_OK), 0);
  EXPECT_EQ(::access((build / "reader").c_str(), X_OK), 0);
}

// A missing executable at copy time is the grader's error, never a build failure of a student.
TEST_F(PrebuiltReferenceTest, MissingExecutableIsTheGradersError) {
  const LabSpec lab = PrebuiltLab();
  PutExecutable("reader");
  const BuildResult result = CopyPrebuiltReference(lab, root_ / "build", SandboxIdentity{});
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.grader_error.find("bin/writer"), std::string::npos) << result.grader_error;
  EXPECT_TRUE(result.log.empty());
}

}  // namespace
}  // namespace labgrade
