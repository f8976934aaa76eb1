// Tests for the lab spec loader, part two: every class of mistake an instructor can make is
// reported with its exact file:line:col, line and caret (spec_loader_reads_test.cc has the
// valid specs).
#include "harness/spec/spec_loader.h"

#include <csignal>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "harness/spec/kind_registry.h"
#include "harness/spec/spec_reader.h"
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

// A lab.yaml that is a folder says so, not "the file is empty".
TEST_F(SpecLoaderTest, ReportsLabYamlThatIsAFolder) {
  fs::create_directories(lab_dir_ / "lab.yaml");
  EXPECT_EQ(Report(LoadLabSpec(lab_dir_)),
            (lab_dir_ / "lab.yaml").string() +
                ": error: cannot read the lab spec: it is a folder, not a file\n");
}

// A lab.yaml linked to a file outside the lab folder is refused, and nothing of that file is
// shown.
TEST_F(SpecLoaderTest, RefusesLabYamlLinkedOutsideTheLabFolder) {
  fs::create_symlink(root_ / "secret.txt", lab_dir_ / "lab.yaml");
  const std::string report = Report(LoadLabSpec(lab_dir_));
  EXPECT_NE(report.find("cannot read the lab spec: it is a link to " +
                        fs::canonical(root_ / "secret.txt").string() + ", outside the lab folder"),
            std::string::npos)
      << report;
  EXPECT_EQ(report.find("outside the lab\n"), std::string::npos) << report;
}

// A lab.yaml linked to a file inside the lab folder is read.
TEST_F(SpecLoaderTest, ReadsLabYamlLinkedInsideTheLabFolder) {
  WriteFile(lab_dir_ / "real.yaml", std::string(kHead) + std::string(kEchoTest));
  fs::create_symlink("real.yaml", lab_dir_ / "lab.yaml");
  EXPECT_EQ(Report(LoadLabSpec(lab_dir_)), "");
}

// A NUL byte is named as such, at its place, not as yaml-cpp's "unknown escape character".
TEST_F(SpecLoaderTest, ReportsNulByte) {
  using namespace std::string_literals;
  EXPECT_EQ(Report(Load("name: demo\ntitle: \"a\0m\"\n"s)),
            "labs/demo/lab.yaml:2:10: error: the lab spec is not text: it holds the byte \\x00 "
            "here (YAML allows tabs, newlines and printable UTF-8 characters only)\n"
            "  title: \"a\\x00m\"\n"
            "           ^\n");
}

// Binary garbage is reported escaped: nothing raw reaches the terminal.
TEST_F(SpecLoaderTest, EscapesBinaryGarbage) {
  const std::string report =
      Report(Load("\x7f"
                  "ELF\x02\x01\x1b[2J\xff\xfe"));
  EXPECT_EQ(report,
            "labs/demo/lab.yaml:1:1: error: the lab spec is not text: it holds the byte \\x7f "
            "here (YAML allows tabs, newlines and printable UTF-8 characters only)\n"
            "  \\x7fELF\\x02\\x01\\x1b[2J\\xff\\xfe\n"
            "  ^\n");
}

// A 200 KB spec on one line gives a short error: the line is quoted around the column only.
TEST_F(SpecLoaderTest, CapsTheQuotedLineOfAHugeSpec) {
  const std::string report = Report(Load("name: [" + std::string(200'000, 'x')));
  EXPECT_LT(report.size(), 1'000u) << report.substr(0, 2'000);
  EXPECT_NE(report.find("…"), std::string::npos) << report;
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
  EXPECT_EQ(
      Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    timeout: 5
    steps:
      - run: writer
)")),
      "labs/demo/lab.yaml:14:5: error: tests[0]: unknown key 'timeout' (expected one of: "
      "name, description, points, visibility, hint, network, isolation, early_end, steps, checks)\n"
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

/// kHead and kEchoTest with `build.commands: COMMANDS` (on line 6, its list at column 13).
std::string WithBuildCommands(std::string_view commands) {
  std::string yaml = std::string(kHead) + std::string(kEchoTest);
  const std::string shipped = "[\"cc -o reader reader.c\"]";
  yaml.replace(yaml.find(shipped), shipped.size(), commands);
  return yaml;
}

// The build needs at least one command.
TEST_F(SpecLoaderTest, ReportsEmptyBuildCommands) {
  EXPECT_EQ(Report(Load(WithBuildCommands("[]"))),
            "labs/demo/lab.yaml:6:13: error: build.commands: needs at least one command\n"
            "    commands: []\n"
            "              ^\n");
}

// A build command's mistaken placeholder is reported where it stands.
TEST_F(SpecLoaderTest, ReportsMistakenPlaceholderInBuildCommand) {
  EXPECT_EQ(Report(Load(WithBuildCommands("[\"cc -I{lab_dir} -o reader reader.c\"]"))),
            "labs/demo/lab.yaml:6:14: error: build.commands[0]: unknown placeholder '{lab_dir}' "
            "(did you mean '{labdir}'?)\n"
            "    commands: [\"cc -I{lab_dir} -o reader reader.c\"]\n"
            "               ^\n");
}

// {labdir} in a build command is kept as written, expanded only when the build runs.
TEST_F(SpecLoaderTest, ReadsLabFolderInBuildCommand) {
  const SpecLoad load = Load(WithBuildCommands("[\"cc -o reader reader.c {labdir}/x.c\"]"));
  ASSERT_TRUE(load.spec.has_value()) << Report(load);
  EXPECT_EQ(load.spec->build_commands,
            std::vector<std::string>{"cc -o reader reader.c {labdir}/x.c"});
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

// ---- Lab files -----------------------------------------------------------------------------

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
            "file or a folder in the lab folder\n"
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

// ---- Steps and checks with one thing to say ------------------------------------------------

// A step does one thing. The actions are listed in the order of labs/README.md's table of
// steps (KindRegistry.EveryStepKindIsDocumentedInOrder ties the two).
TEST_F(SpecLoaderTest, ReportsStepWithTwoActions) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
        start: reader
)")),
            "labs/demo/lab.yaml:16:9: error: tests[0].steps[0]: give only one of: " +
                JoinNames(Kinds().StepActions()) +
                " (found 'run' and 'start')\n"
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

// A check of an unknown kind is a typo of a known one. The keys are listed in the order of
// labs/README.md's table of checks (KindRegistry.EveryCheckKindIsDocumentedInOrder).
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
            "(expected one of: " +
                JoinNames(Kinds().CheckKeys()) +
                ")\n"
                "        - no_sysv_leftover: true\n"
                "          ^\n");
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

// A typo in one step's key is one error: the instance that step starts is still known, so the
// steps and checks naming it are not reported as naming an instance never started.
TEST_F(SpecLoaderTest, StepKeyTypoIsOneError) {
  const SpecLoad load = Load(testing::OneTest(R"(      - start: writer
        stdn: { text: "hi" }
      - wait_exit: { instance: writer }
      - signal: { instance: writer, signal: SIGTERM }
)",
                                              "      - exit: { instance: writer, code: 0 }\n"));
  ASSERT_EQ(load.errors.size(), 1u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].steps[0]: unknown key 'stdn' (did you mean 'stdin'?)");
}

// A bad signal name is reported even when the same check has another mistake.
TEST_F(SpecLoaderTest, BadSignalBesideAnotherMistakeIsReported) {
  const SpecLoad load = Load(testing::OneTest(
      "      - run: writer\n", "      - exit: { instance: writer, code: 0, signal: SIGFOO }\n"));
  ASSERT_EQ(load.errors.size(), 2u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].checks[0].exit: give only one of: code, signal (found 'code' and 'signal')");
  EXPECT_EQ(load.errors[1].message,
            "tests[0].checks[0].exit.signal: expected a signal name like SIGTERM or a number from "
            "1 to 64, got 'SIGFOO'");
}

}  // namespace
}  // namespace labgrade
