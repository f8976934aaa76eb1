// Hostile submissions, graded for real: each attack of issue 9 that a student who wants the
// points, or wants the reference, could try, and what labgrade now makes of it. The hostile
// programs are tests/programs/hostile/; they only ever run inside the grader's cells (or its
// builds' cells), as any submission does.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness/probes/proc_stat.h"
#include "harness/process/program_run.h"
#include "tests/integration/grading_support.h"
#include "tests/integration/labgrade_command.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

using testing::Describe;
using testing::FailedTests;
using testing::kSourceDir;
using testing::LoadLab;
using testing::LoadLabAt;
using testing::Namespaces;
using testing::ReadFile;
using testing::RunLabgrade;

const fs::path kHostile = kSourceDir / "tests" / "programs" / "hostile";
constexpr uid_t kNobody = 65534;

/// A scratch folder under /var/tmp, readable by every user (the ordinary-user runs read it).
class HostileSubmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/var/tmp/labgrade-hostile-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    fs::permissions(root_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  /// A submission folder `name` holding `files` (name → text).
  fs::path Submission(const std::string& name,
                      const std::vector<std::pair<std::string, std::string>>& files) {
    const fs::path dir = root_ / name;
    fs::create_directories(dir);
    for (const auto& [file, text] : files) std::ofstream(dir / file) << text;
    fs::permissions(dir, fs::perms::all, fs::perm_options::add);
    return dir;
  }

  /// A copy of labs/<lab> and reference/<lab> under the scratch folder, so that an attack that
  /// works changes the copy, never the source tree; the copied lab's folder.
  fs::path CopyOfLab(const std::string& lab) {
    fs::create_directories(root_ / "labs");
    fs::create_directories(root_ / "reference");
    fs::copy(kSourceDir / "labs" / lab, root_ / "labs" / lab, fs::copy_options::recursive);
    fs::copy(kSourceDir / "reference" / lab, root_ / "reference" / lab,
             fs::copy_options::recursive);
    for (const auto& entry : fs::recursive_directory_iterator(root_))
      fs::permissions(entry.path(), fs::perms::others_read | fs::perms::group_read,
                      fs::perm_options::add);
    return root_ / "labs" / lab;
  }

  GradeReport Grade(const LabSpec& lab, const fs::path& submission) {
    GradeOptions options;
    options.submission_dir = submission;
    return GradeSubmission(lab, options, Namespaces());
  }

  fs::path root_;
};

std::string ReadText(const fs::path& path) { return ReadFile(path); }

/// Every file under `dir` with its bytes, to see that nothing changed.
std::string Contents(const fs::path& dir) {
  std::string all;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file())
      all += entry.path().string() + "\n" + ReadText(entry.path()) + "\n";
  }
  return all;
}

// Attack 1: a submission whose programs only look for the reference's programs and run them in
// their place (through the work folder's layout, /proc/PID/exe of a reference running beside
// them, other runs' folders) gets nothing from them: it fails every test where its own program
// has to do the work, on both a System V and a socket lab.
TEST_F(HostileSubmissionTest, RunningTheReferenceInsteadGetsNoPoints) {
  const std::string hostile = ReadText(kHostile / "run-the-reference.c");
  ASSERT_FALSE(hostile.empty());
  for (const auto& [lab_name, programs] :
       std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"shm-xfer", {"reader.c", "writer.c"}}, {"tcp-echo", {"echoserv.c", "echocli.c"}}}) {
    std::vector<std::pair<std::string, std::string>> files;
    for (const std::string& program : programs) files.emplace_back(program, hostile);
    const fs::path submission = Submission("run-the-reference-" + lab_name, files);
    const GradeReport report = Grade(LoadLab(lab_name), submission);
    ASSERT_TRUE(report.build.ok) << report.build.log;
    EXPECT_TRUE(report.grader_error.empty()) << report.grader_error;
    // Only tests where a program is meant to fail can pass (a writer without a reader exits
    // with an error, and so does this one).
    EXPECT_LE(report.score, 15) << lab_name << Describe(report);
    for (const char* transfer :
         {"short-text", "student-writer-reference-reader", "student-server-reference-client",
          "student-client-reference-server"}) {
      const bool in_lab = std::any_of(report.tests.begin(), report.tests.end(),
                                      [&](const TestResult& t) { return t.name == transfer; });
      if (in_lab) EXPECT_TRUE(FailedTests(report).count(transfer)) << lab_name << " " << transfer;
    }
  }
}

/// The reference's writer.c wrapped so that it first tries to overwrite the reference's
/// programs and the lab's files (overwrite-the-reference.c), then does its job.
std::vector<std::pair<std::string, std::string>> OverwritingSubmission(const fs::path& lab_dir) {
  const fs::path reference = lab_dir.parent_path().parent_path() / "reference" / "shm-xfer";
  return {{"reader.c", ReadText(reference / "reader.c")},
          {"writer-original.c", ReadText(reference / "writer.c")},
          {"overwrite-the-reference.c", ReadText(kHostile / "overwrite-the-reference.c")},
          {"writer.c", "#define LABGRADE_LAB_FOLDER \"" + lab_dir.string() +
                           "\"\n"
                           "#include \"overwrite-the-reference.c\"\n"
                           "#define main reference_writer_main\n"
                           "#include \"writer-original.c\"\n"
                           "#undef main\n"
                           "int main(int argc, char* argv[]) {\n"
                           "  OverwriteTheReference();\n"
                           "  return reference_writer_main(argc, argv);\n"
                           "}\n"}};
}

// Attack 4 (and its root-mode twin): a correct submission that also tries to replace the
// reference's programs and the lab's files changes nothing — the lab folder is as it was, and
// every later test's reference is the real one, so it scores full marks like any correct one.
TEST_F(HostileSubmissionTest, OverwritingTheReferenceChangesNothingAsRoot) {
  const fs::path lab_dir = CopyOfLab("shm-xfer");
  const std::string before = Contents(root_ / "labs") + Contents(root_ / "reference");
  const fs::path submission = Submission("overwrite", OverwritingSubmission(lab_dir));
  const GradeReport report = Grade(LoadLabAt(lab_dir), submission);
  EXPECT_EQ(report.score, 100) << Describe(report);
  EXPECT_EQ(Contents(root_ / "labs") + Contents(root_ / "reference"), before);
}

TEST_F(HostileSubmissionTest, OverwritingTheReferenceChangesNothingAsAnOrdinaryUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to start labgrade as another user";
  const fs::path lab_dir = CopyOfLab("shm-xfer");
  const std::string before = Contents(root_ / "labs") + Contents(root_ / "reference");
  const fs::path submission = Submission("overwrite", OverwritingSubmission(lab_dir));
  // The copies belong to the ordinary user, as a course's own checkout would.
  for (const auto& entry : fs::recursive_directory_iterator(root_))
    ::lchown(entry.path().c_str(), kNobody, kNobody);
  ::chown(root_.c_str(), kNobody, kNobody);
  const testing::CommandResult result =
      RunLabgrade({"check", lab_dir.string(), "--submission", submission.string()}, kNobody);
  if (result.out.find("host mode") != std::string::npos)
    GTEST_SKIP() << "no user namespaces for an ordinary user here:\n" << result.out;
  EXPECT_NE(result.out.find("Score: 100/100"), std::string::npos) << result.out << result.err;
  EXPECT_EQ(Contents(root_ / "labs") + Contents(root_ / "reference"), before);
}

// Attack 2: links in a submission. A link out (absolute, or climbing out relatively) is the
// student's problem, named in the build log; the file it points at is neither read into the build
// nor written; a link that stays inside the submission builds and grades as the file itself.
TEST_F(HostileSubmissionTest, LinksOutOfTheSubmissionAreTheStudentsProblem) {
  const fs::path reference = kSourceDir / "reference" / "shm-xfer";
  fs::create_directories(root_ / "elsewhere");
  std::ofstream(root_ / "elsewhere" / "existing.txt") << "the machine's own file\n";
  const std::string before = Contents(root_ / "elsewhere");
  for (const std::string& target : {(root_ / "elsewhere" / "existing.txt").string(),
                                    std::string("../elsewhere/existing.txt")}) {
    const fs::path submission =
        Submission("links-out", {{"reader.c", ReadText(reference / "reader.c")},
                                 {"writer.c", ReadText(reference / "writer.c")}});
    fs::remove(submission / "notes.txt");
    fs::create_symlink(target, submission / "notes.txt");
    const GradeReport report = Grade(LoadLab("shm-xfer"), submission);
    EXPECT_FALSE(report.build.ok);
    EXPECT_TRUE(report.grader_error.empty()) << report.grader_error;
    EXPECT_NE(report.build.log.find("notes.txt is a link to " + target +
                                    ", outside your submission; put the file itself in the "
                                    "submission instead of a link"),
              std::string::npos)
        << report.build.log;
    EXPECT_EQ(report.score, 0);
    EXPECT_EQ(Contents(root_ / "elsewhere"), before);
    EXPECT_EQ(fs::directory_iterator(root_ / "elsewhere")->path().filename(), "existing.txt");
  }
  const fs::path inside =
      Submission("link-inside", {{"reader.c", ReadText(reference / "reader.c")},
                                 {"real_writer.c", ReadText(reference / "writer.c")}});
  fs::create_symlink("real_writer.c", inside / "writer.c");
  const GradeReport report = Grade(LoadLab("shm-xfer"), inside);
  EXPECT_EQ(report.score, 100) << report.build.log << Describe(report);
}

// Attack 9: a submission nested 1500 folders deep is the student's problem with a message, not a
// grader error that would fail a whole class's run.
TEST_F(HostileSubmissionTest, DeeplyNestedFoldersAreTheStudentsProblem) {
  const fs::path reference = kSourceDir / "reference" / "shm-xfer";
  const fs::path submission = Submission("deep", {{"reader.c", ReadText(reference / "reader.c")},
                                                  {"writer.c", ReadText(reference / "writer.c")}});
  const std::string command =
      "cd " + submission.string() + " && for i in $(seq 1500); do mkdir d && cd d || exit 1; done";
  ASSERT_EQ(std::system(command.c_str()), 0);
  const GradeReport report = Grade(LoadLab("shm-xfer"), submission);
  EXPECT_TRUE(report.grader_error.empty()) << report.grader_error;
  EXPECT_FALSE(report.build.ok);
  EXPECT_NE(report.build.log.find("is more than 64 folders deep"), std::string::npos)
      << report.build.log;
  ASSERT_EQ(std::system(("rm -rf " + submission.string()).c_str()), 0);
}

// Attack 7: under GitHub Actions, a program's output that holds workflow commands reaches the job
// log only between a stop-commands line and its resume line, and "##[" nowhere.
TEST_F(HostileSubmissionTest, WorkflowCommandsInAProgramsOutputAreInert) {
  const std::string printer =
      "#include <stdio.h>\n"
      "int main(void) {\n"
      "  const char* lines[] = {\"::error::forged by the student\", \"  ::add-mask::secret\",\n"
      "    \"::stop-commands::guess\", \"::set-output name=grade::100\", \"::warning::w\",\n"
      "    \"::notice::n\", \"::group::g\", \"text ##[error]forged\", \"##[endgroup]\"};\n"
      "  for (unsigned i = 0; i < sizeof lines / sizeof *lines; ++i) {\n"
      "    printf(\"%s\\n\", lines[i]);\n"
      "    fprintf(stderr, \"%s\\n\", lines[i]);\n"
      "  }\n"
      "  return 1;\n"
      "}\n";
  const fs::path submission =
      Submission("workflow-commands", {{"reader.c", printer}, {"writer.c", printer}});
  const testing::CommandResult result =
      RunLabgrade({"check", "labs/shm-xfer", "--submission", submission.string()}, std::nullopt,
                  {"GITHUB_ACTIONS=true"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const std::string log = result.out + result.err;
  EXPECT_NE(log.find("forged by the student"), std::string::npos) << "the output is shown";
  EXPECT_EQ(log.find("##["), std::string::npos) << log;
  // Outside the fences, no line is a command.
  std::istringstream lines(result.out);
  std::string token;
  const std::regex command(R"(^\s*::[A-Za-z-]+.*::.*$)");
  for (std::string line; std::getline(lines, line);) {
    if (token.empty()) {
      if (line.rfind("::stop-commands::", 0) == 0) {
        token = line.substr(17);
        continue;
      }
      EXPECT_FALSE(std::regex_match(line, command)) << "a command outside the fence: " << line;
    } else if (line == "::" + token + "::") {
      token.clear();
    }
  }
  EXPECT_TRUE(token.empty()) << "the fence is closed";
}

/// A lab whose "submission" is two probes of tests/programs, built by the lab's own build like
/// any submission: memory-hog (holds memory in ways RLIMIT_AS does not see) and file-probe (tries
/// to write and read around the machine). Tight limits: 64 MiB of memory, a 16 MiB test folder.
fs::path ProbeLab(const fs::path& root) {
  const fs::path lab = root / "probes";
  const fs::path programs = kSourceDir / "tests" / "programs";
  fs::create_directories(lab / "reference");
  fs::copy_file(programs / "memory-hog.c", lab / "reference" / "hog.c");
  fs::copy_file(programs / "file-probe.c", lab / "reference" / "probe.c");
  std::string yaml =
      "name: probes\n"
      "title: Sandbox probes\n"
      "reference: reference\n"
      "submission: { required: [hog.c, probe.c] }\n"
      "build: { commands: [\"cc -o hog hog.c\", \"cc -o probe probe.c\"] }\n"
      "limits: { memory_mib: 64, test_dir_mib: 16, wall_ms: 60000, cpu_ms: 60000 }\n"
      "programs:\n"
      "  hog:\n"
      "  probe:\n"
      "tests:\n";
  for (const char* mode : {"shm", "memfd", "tmp", "devshm"}) {
    yaml += fmt::format(
        "  - name: hog-{0}\n"
        "    description: Holds 256 MiB through {0}\n"
        "    points: 20\n"
        "    steps:\n"
        "      - start: hog\n"
        "        args: [{0}, \"256\"]\n"
        "      - wait_exit: {{ instance: hog, timeout_ms: 30000 }}\n"
        "    checks:\n"
        "      - exit: {{ instance: hog, code: 0 }}\n",
        mode);
  }
  // As root, the student's program sees only its own process in /proc (the reference's hog runs
  // as another user, the cell's init as root); as an ordinary user, all three run as one user.
  const std::string visible = ::geteuid() == 0 ? "1" : "[1-3]";
  // Nothing outside the test folder and the cell's own temporary folders can be written: not
  // the host's /var/tmp or /run/lock, not /etc or /, not the test folder of another test of the
  // same run; the test folder holds 16 MiB at most; only the cell's processes are visible.
  yaml +=
      "  - name: writes\n"
      "    description: Writes only where it may\n"
      "    points: 20\n"
      "    steps:\n"
      "      - start: hog\n"
      "        from: reference\n"
      "        args: [memfd, \"1\"]\n"
      "      - start: probe\n"
      "        args: [\"write:/var/tmp/labgrade-sandbox-escape-probe\",\n"
      "               \"write:/run/lock/labgrade-sandbox-escape-probe\", \"write:/etc/escape\",\n"
      "               \"write:/escape\", \"write:{testdir}/../hog-shm/planted\",\n"
      "               \"write:/tmp/ok\", \"write:/dev/shm/ok\", \"write:{testdir}/ok\",\n"
      "               \"fill:{testdir}/big\", \"procs:/proc\"]\n"
      "      - wait_exit: { instance: probe, timeout_ms: 30000 }\n"
      "    checks:\n"
      "      - exit: { instance: probe, code: 0 }\n"
      "      - stdout: { instance: probe, regex: \"write /var/tmp/labgrade-sandbox-escape-probe: "
      "E\" }\n"
      "      - stdout: { instance: probe, regex: \"write /run/lock/labgrade-sandbox-escape-probe: "
      "E\" }\n"
      "      - stdout: { instance: probe, regex: \"write /etc/escape: E\" }\n"
      "      - stdout: { instance: probe, regex: \"write /escape: E\" }\n"
      "      - stdout: { instance: probe, regex: \"hog-shm/planted: E\" }\n"
      "      - stdout: { instance: probe, regex: \"write /tmp/ok: ok\" }\n"
      "      - stdout: { instance: probe, regex: \"write /dev/shm/ok: ok\" }\n"
      "      - stdout: { instance: probe, regex: \"/ok: ok\\\\nfill\" }\n"
      "      - stdout: { instance: probe, regex: \"big: ([0-9]|1[0-6]) MiB, then ENOSPC\" }\n"
      "      - stdout: { instance: probe, regex: \"procs /proc: " +
      visible + "\\\\n\" }\n";
  std::ofstream(lab / "lab.yaml") << yaml;
  return lab;
}

/// The `exit:` check's account of how the test's one program ended.
std::string HowItEnded(const GradeReport& report, const std::string& test) {
  for (const TestResult& result : report.tests) {
    if (result.name != test) continue;
    for (const CheckResult& check : result.checks)
      if (check.what.find("exits with status") != std::string::npos) return check.actual;
  }
  return "(no such test)";
}

// A program that daemonizes (fork, setsid, fork) and exits 0 passes, and the student is told
// that a background process was left running and stopped, at no cost in points.
TEST_F(HostileSubmissionTest, ADaemonLeftBehindIsToldNotDeducted) {
  if (Namespaces().mode != IsolationMode::kNamespaces)
    GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const fs::path lab = root_ / "daemons";
  fs::create_directories(lab / "reference");
  fs::copy_file(kSourceDir / "tests" / "programs" / "double-fork-daemon.c",
                lab / "reference" / "daemon.c");
  std::ofstream(lab / "lab.yaml") << "name: daemons\n"
                                     "title: Daemons\n"
                                     "reference: reference\n"
                                     "submission: { required: [daemon.c] }\n"
                                     "build: { commands: [\"cc -o daemon daemon.c\"] }\n"
                                     "programs:\n"
                                     "  daemon:\n"
                                     "tests:\n"
                                     "  - name: leaves-a-daemon\n"
                                     "    description: Exits 0 with a daemon left running\n"
                                     "    points: 100\n"
                                     "    steps:\n"
                                     "      - start: daemon\n"
                                     "      - wait_exit: { instance: daemon, timeout_ms: 30000 }\n"
                                     "    checks:\n"
                                     "      - exit: { instance: daemon, code: 0 }\n";
  const GradeReport report = Grade(LoadLabAt(lab), lab / "reference");
  ASSERT_TRUE(report.grader_error.empty()) << report.grader_error;
  ASSERT_EQ(report.tests.size(), 1u);
  EXPECT_EQ(report.tests[0].outcome, Outcome::kPass) << Describe(report);
  EXPECT_EQ(report.score, 100);
  ASSERT_EQ(report.tests[0].cleanup.size(), 1u) << Describe(report);
  EXPECT_EQ(report.tests[0].cleanup[0],
            "1 process was still running after your programs ended (started in the background "
            "and never waited for: a daemon or an orphan), and it was stopped; this costs no "
            "points here");
}

// Attacks 5 and 6: memory that outlives a process's address space (System V segments, a memfd,
// files in the cell's /tmp and /dev/shm) is charged to the program, which is killed at the lab's
// memory_mib and told why; files cannot be written outside the test folder and the cell's own
// temporary folders, and the test folder is bounded.
TEST_F(HostileSubmissionTest, MemoryAndDiskStayWithinTheLabsLimits) {
  if (Namespaces().mode != IsolationMode::kNamespaces)
    GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const fs::path escape = "/var/tmp/labgrade-sandbox-escape-probe";
  fs::remove(escape);
  const fs::path lab_dir = ProbeLab(root_);
  GradeOptions options;
  options.submission_dir = lab_dir / "reference";
  options.jobs = 1;  // in order: the hog tests' folders exist when `writes` runs
  const GradeReport report = GradeSubmission(LoadLabAt(lab_dir), options, Namespaces());
  ASSERT_TRUE(report.grader_error.empty()) << report.grader_error;
  const std::string killed =
      "was killed when it reached its memory limit of 64 MiB (the memory it uses counts, and so "
      "do the System V segments it touched and the files it wrote to /tmp, /dev/shm and the test "
      "folder)";
  if (Namespaces().cgroups) {
    EXPECT_EQ(HowItEnded(report, "hog-shm"), killed) << Describe(report);
    EXPECT_EQ(HowItEnded(report, "hog-memfd"), killed) << Describe(report);
    for (const char* tmpfs : {"hog-tmp", "hog-devshm"}) {
      // The cell's tmpfs is as big as the memory limit: whichever is reached first stops it.
      const std::string ended = HowItEnded(report, tmpfs);
      EXPECT_TRUE(ended == killed || ended == "exited with 3") << tmpfs << ": " << ended;
    }
  }
  EXPECT_FALSE(FailedTests(report).count("writes")) << Describe(report);
  EXPECT_FALSE(fs::exists(escape));
}

/// A labgrade command started in the background, as another user's or another job's run would be.
std::unique_ptr<ProgramRun> StartLabgrade(std::vector<std::string> args) {
  LaunchSpec spec;
  spec.executable = testing::kLabgradeBinary;
  spec.args = std::move(args);
  spec.working_dir = kSourceDir;
  spec.environment = {"PATH=/usr/bin:/bin", "NO_COLOR=1"};
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{600'000, 16 << 20, 1'000});
  if (auto* error = std::get_if<LaunchError>(&started)) {
    ADD_FAILURE() << error->message;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<ProgramRun>>(started));
}

/// The processes below `pid` whose name is `comm`.
std::vector<int> DescendantsNamed(int pid, const std::string& comm) {
  std::vector<int> found;
  const ProcReader reader;
  for (int each : ProcessTree(reader, pid)) {
    std::string name = reader.ReadFile(fmt::format("/proc/{}/comm", each)).value_or("");
    if (!name.empty() && name.back() == '\n') name.pop_back();
    if (each != pid && name == comm) found.push_back(each);
  }
  return found;
}

/// Waits (deadline 120 s) until `condition` holds; false when it never did.
template <typename Condition>
bool WaitUntil(ProgramRun& run, Condition condition) {
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(120);
  for (auto pause = std::chrono::milliseconds(1); !condition();
       pause = std::min(pause * 2, std::chrono::milliseconds(50))) {
    if (Clock::now() >= deadline || run.Exited()) return false;
    run.WaitUntilExited(Clock::now() + pause);
  }
  return true;
}

// Attack 3: a fork bomb in one run does not keep another run on the same machine from starting
// its programs (each run has users of its own, each program a pids cgroup).
TEST_F(HostileSubmissionTest, AForkBombInOneRunLeavesAnotherRunAlone) {
  if (Namespaces().mode != IsolationMode::kNamespaces)
    GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const fs::path programs = kSourceDir / "tests" / "programs";
  const fs::path submission =
      Submission("fork-bomb", {{"reader.c", ReadText(programs / "fork-bomb.c")},
                               {"only-in-a-cell.h", ReadText(programs / "only-in-a-cell.h")},
                               {"writer.c", "int main(void) { return 0; }\n"}});
  auto bomb = StartLabgrade(
      {"check", "labs/shm-xfer", "--submission", submission.string(), "--only", "empty-input"});
  ASSERT_NE(bomb, nullptr);
  ASSERT_TRUE(WaitUntil(*bomb, [&] { return DescendantsNamed(bomb->pid(), "reader").size() >= 8; }))
      << "the fork bomb never ran";
  const testing::CommandResult other =
      RunLabgrade({"selftest", "labs/shm-xfer", "--only",
                   "empty-input,short-text,student-writer-reference-reader"});
  EXPECT_EQ(other.exit_code, 0) << other.out << other.err;
  EXPECT_NE(other.out.find("Score: 24/24"), std::string::npos) << other.out;
  bomb->WaitUntilFinished(Clock::now() + std::chrono::seconds(120));
  EXPECT_TRUE(bomb->end().exited && bomb->end().exit_code == 1) << bomb->end().out.bytes;
}

/// The work folder a running labgrade (or one of its processes) holds the lock of, with a
/// `tests` folder in it: the run is past its builds.
std::optional<fs::path> WorkFolderOf(int pid) {
  const ProcReader reader;
  for (int each : ProcessTree(reader, pid)) {
    std::error_code ec;
    for (const auto& fd : fs::directory_iterator(fmt::format("/proc/{}/fd", each), ec)) {
      const fs::path target = fs::read_symlink(fd.path(), ec);
      if (!ec && target.filename() == ".labgrade.lock" &&
          fs::exists(target.parent_path() / "tests"))
        return target.parent_path();
    }
  }
  return std::nullopt;
}

// Attack 8: SIGINT, SIGTERM and SIGHUP end a run that is in the middle of a test: it exits with
// 128 + the signal, its cell's processes are gone and so is its work folder; a SIGKILLed run's
// folder is removed by the next run. As root and as an ordinary user (whose run waits in a user
// namespace for the grader, and passes the signal on).
TEST_F(HostileSubmissionTest, InterruptedRunsLeaveNothingBehind) {
  // A reader that sleeps in a timed wait: the test stays in its step until the signal comes (a
  // reader blocked for ever, in pause(), would end the test early, before the signal).
  const fs::path submission = Submission(
      "hangs", {{"reader.c", "#include <unistd.h>\nint main(void) { for (;;) sleep(1000); }\n"},
                {"writer.c", "int main(void) { return 0; }\n"}});
  struct Case {
    int signal;
    bool as_nobody;
  };
  for (const Case& each : {Case{SIGINT, false}, Case{SIGTERM, false}, Case{SIGHUP, false},
                           Case{SIGTERM, true}, Case{SIGKILL, false}}) {
    if (each.as_nobody && ::geteuid() != 0) continue;
    std::vector<std::string> args = {"check",  "labs/shm-xfer", "--submission", submission.string(),
                                     "--only", "empty-input"};
    std::unique_ptr<ProgramRun> run;
    if (each.as_nobody) {
      LaunchSpec spec;
      spec.executable = testing::kLabgradeBinary;
      spec.args = args;
      spec.working_dir = kSourceDir;
      spec.environment = {"PATH=/usr/bin:/bin", "NO_COLOR=1"};
      spec.sandbox.uid = kNobody;
      spec.sandbox.gid = kNobody;
      auto started = ProgramRun::Start(spec, nullptr, RunLimits{600'000, 16 << 20, 1'000});
      ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ProgramRun>>(started));
      run = std::move(std::get<std::unique_ptr<ProgramRun>>(started));
    } else {
      run = StartLabgrade(args);
    }
    ASSERT_NE(run, nullptr);
    std::vector<int> cell;
    std::optional<fs::path> work;
    ASSERT_TRUE(WaitUntil(*run,
                          [&] {
                            work = WorkFolderOf(run->pid());
                            cell = DescendantsNamed(run->pid(), "reader");
                            return work && !cell.empty();
                          }))
        << "signal " << each.signal << ": never reached a test\n"
        << run->end().err.bytes;
    const std::vector<int> inits = DescendantsNamed(run->pid(), "labgrade-cell");
    cell.insert(cell.end(), inits.begin(), inits.end());
    ::kill(run->pid(), each.signal);
    ASSERT_TRUE(run->WaitUntilFinished(Clock::now() + std::chrono::seconds(60)));
    EXPECT_FALSE(run->end().exited && each.signal == SIGKILL);
    if (each.signal != SIGKILL) {
      EXPECT_TRUE(run->end().exited) << each.signal;
      EXPECT_EQ(run->end().exit_code, 128 + each.signal) << run->end().err.bytes;
      EXPECT_FALSE(fs::exists(*work)) << each.signal << " left " << *work;
    } else {
      // The next run recognises the dead run's folder and removes it.
      EXPECT_TRUE(fs::exists(*work));
      const testing::CommandResult next =
          RunLabgrade({"selftest", "labs/shm-xfer", "--only", "empty-input"});
      EXPECT_EQ(next.exit_code, 0) << next.out << next.err;
      EXPECT_FALSE(fs::exists(*work)) << "the next run left " << *work;
    }
    for (int pid : cell) {
      if (each.signal == SIGKILL) {
        // Killed with the grader (PR_SET_PDEATHSIG); reaping them is up to the machine's init
        // now, which some containers' never does: not running is what counts.
        const std::optional<ProcStat> stat = ReadProcStat(pid);
        EXPECT_TRUE(!stat || stat->state == 'Z' || pid != cell.front()) << pid;
        continue;
      }
      // Gone, not even a zombie: the kernel has reaped the cell with its init.
      EXPECT_FALSE(fs::exists(fmt::format("/proc/{}", pid)))
          << "signal " << each.signal << ": " << pid;
    }
  }
}

// Attack 9's command-line half: a --work-dir that cannot be made is the command line's problem
// (exit 2), said before anything is built; a work folder under /tmp works now that each cell
// shows the builds and its test folder wherever they are.
TEST_F(HostileSubmissionTest, WorkDirIsCheckedOnTheCommandLine) {
  const testing::CommandResult refused =
      RunLabgrade({"selftest", "labs/shm-xfer", "--work-dir", "/proc/labgrade-work"});
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("--work-dir /proc/labgrade-work: cannot create it"), std::string::npos)
      << refused.err;
  const fs::path under_tmp = "/tmp/labgrade-work-dir-test-" + std::to_string(::getpid());
  const testing::CommandResult worked = RunLabgrade(
      {"selftest", "labs/shm-xfer", "--only", "empty-input", "--work-dir", under_tmp.string()});
  EXPECT_EQ(worked.exit_code, 0) << worked.out << worked.err;
  fs::remove_all(under_tmp);
}

}  // namespace
}  // namespace labgrade
