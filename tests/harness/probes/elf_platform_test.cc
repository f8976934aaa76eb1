// Tests for reading what an executable needs from its ELF headers and telling whether this
// machine offers it: the test binary itself, and copies of /bin/true altered as if built
// elsewhere.
#include "harness/probes/elf_platform.h"

#include <elf.h>
#include <stdlib.h>

#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace labgrade {
namespace {

namespace fs = std::filesystem;

class ElfPlatformTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "labgrade_elf.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << "mkdtemp(" << pattern << ")";
    dir_ = pattern;
    // A small executable of this machine, to alter copies of.
    std::ifstream self("/bin/true", std::ios::binary);
    self_bytes_.assign(std::istreambuf_iterator<char>(self), std::istreambuf_iterator<char>());
    ASSERT_GT(self_bytes_.size(), sizeof(Elf64_Ehdr));
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  /// `bytes` as a file of the test's folder.
  fs::path Write(const std::string& name, const std::string& bytes) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  ElfNeeds NeedsOf(const fs::path& path) {
    auto read = ReadElfNeeds(path);
    if (auto* error = std::get_if<std::string>(&read)) {
      ADD_FAILURE() << *error;
      return {};
    }
    return std::get<ElfNeeds>(read);
  }

  fs::path dir_;
  std::string self_bytes_;
};

// A program this build made runs here: same processor, its interpreter exists, the C library
// is recent enough; and it does name the GLIBC versions it was linked against. (One of the
// tests' own C programs: the sanitized test binary itself is larger than a lab's executable
// may be.)
TEST_F(ElfPlatformTest, ThisProgramRunsHere) {
  const ElfNeeds needs = NeedsOf(fs::path(LABGRADE_TEST_PROGRAMS_DIR) / "waits");
  EXPECT_FALSE(needs.interpreter.empty());
  EXPECT_FALSE(needs.glibc_versions.empty());
  EXPECT_EQ(WhyItCannotRun(needs, ThisMachine()), std::nullopt);
}

// An executable for another processor is refused with both processors named.
TEST_F(ElfPlatformTest, AnotherProcessorIsRefused) {
  std::string bytes = self_bytes_;
  const MachineOffer here = ThisMachine();
  const bool on_arm = here.machine == "aarch64";
  const std::uint16_t other = on_arm ? EM_X86_64 : EM_AARCH64;
  std::memcpy(bytes.data() + offsetof(Elf64_Ehdr, e_machine), &other, sizeof other);
  const ElfNeeds needs = NeedsOf(Write("other-cpu", bytes));
  EXPECT_EQ(needs.machine, on_arm ? "x86_64" : "aarch64");
  EXPECT_EQ(WhyItCannotRun(needs, here),
            fmt::format("was built for {}, and this machine is {}", needs.machine, here.machine));
}

// An executable linked against a newer C library (its GLIBC_ references rewritten to 9.x) says
// which version it needs and which this machine has.
TEST_F(ElfPlatformTest, NewerCLibraryIsRefused) {
  std::string bytes = self_bytes_;
  for (auto at = bytes.find("GLIBC_2."); at != std::string::npos; at = bytes.find("GLIBC_2.", at))
    bytes[at + 6] = '9';
  const ElfNeeds needs = NeedsOf(Write("newer-libc", bytes));
  ASSERT_FALSE(needs.glibc_versions.empty());
  EXPECT_EQ(needs.glibc_versions.back().front(), '9');
  MachineOffer offer = ThisMachine();
  offer.glibc_version = "2.36";
  EXPECT_EQ(WhyItCannotRun(needs, offer),
            "needs the GNU C library " + needs.glibc_versions.back() +
                " or later, and this machine has 2.36 (it was built on a newer distribution)");
}

// A machine without the executable's program interpreter (another C library, say musl) cannot
// run it.
TEST_F(ElfPlatformTest, MissingInterpreterIsRefused) {
  const ElfNeeds needs = NeedsOf("/bin/true");
  MachineOffer offer = ThisMachine();
  offer.root = dir_;  // an empty root: no /lib64/ld-linux-x86-64.so.2 there
  EXPECT_EQ(WhyItCannotRun(needs, offer),
            "needs the program interpreter " + needs.interpreter +
                ", which this machine does not have (it was built for another C library or "
                "distribution)");
}

// A 32-bit x86 executable runs on an i686 machine: uname's i686 is the i386 family.
TEST(WhyItCannotRun, KnowsProcessorFamilies) {
  ElfNeeds needs;
  needs.machine = "i386";
  needs.word_bits = 32;
  EXPECT_EQ(WhyItCannotRun(needs, {"i686", "2.36", "/"}), std::nullopt);
  needs.machine = "arm";
  EXPECT_EQ(WhyItCannotRun(needs, {"armv7l", "2.36", "/"}), std::nullopt);
}

// A file that is not ELF, and one cut short, are named with what is wrong.
TEST_F(ElfPlatformTest, NamesFilesThatAreNotExecutables) {
  const fs::path script = Write("script", "#!/bin/sh\necho hello\n");
  EXPECT_EQ(std::get<std::string>(ReadElfNeeds(script)),
            script.string() + " is not an ELF executable");
  const fs::path cut = Write("cut", self_bytes_.substr(0, sizeof(Elf64_Ehdr) + 8));
  EXPECT_EQ(std::get<std::string>(ReadElfNeeds(cut)), cut.string() + ": truncated program headers");
  EXPECT_NE(std::get<std::string>(ReadElfNeeds(dir_ / "missing")).find("cannot read"),
            std::string::npos);
}

// Versions compare by number, not as text.
TEST(IsOlderVersion, ComparesNumbers) {
  EXPECT_TRUE(IsOlderVersion("2.9", "2.34"));
  EXPECT_TRUE(IsOlderVersion("2.2.5", "2.3"));
  EXPECT_FALSE(IsOlderVersion("2.34", "2.34"));
  EXPECT_FALSE(IsOlderVersion("2.36", "2.34"));
  EXPECT_EQ(HighestGlibcVersion({"2.2.5", "2.34", "2.4"}), "2.34");
  EXPECT_EQ(HighestGlibcVersion({}), "");
}

}  // namespace
}  // namespace labgrade
