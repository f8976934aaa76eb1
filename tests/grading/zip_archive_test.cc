// Tests for the zip writer: the checksum's standard check value, the archive's structure, and
// Info-ZIP's unzip reading back every file with its bytes and permissions.
#include "grading/zip_archive.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "harness/process/program_run.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

// The CRC-32 check value of "123456789" (every CRC catalogue lists it).
TEST(Crc32, MatchesTheCheckValue) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32(""), 0u);
}

// An empty archive is only its end record: 22 bytes, starting "PK\5\6".
TEST(ZipArchive, EmptyArchiveIsTheEndRecord) {
  const std::string bytes = ZipArchive().Bytes();
  ASSERT_EQ(bytes.size(), 22u);
  EXPECT_EQ(bytes.substr(0, 4), std::string("PK\x05\x06", 4));
}

// A file too large for a zip without Zip64 is refused by name, and nothing is added.
TEST(ZipArchive, RefusesNamesLongerThanTheFormatHolds) {
  ZipArchive archive;
  EXPECT_TRUE(archive.Add(std::string(70'000, 'a'), "x").has_value());
  EXPECT_EQ(archive.Bytes().size(), 22u);
}

/// Runs unzip (Info-ZIP) with `args`; its output, or nullopt when it is not installed.
std::optional<std::string> Unzip(const std::vector<std::string>& args) {
  if (!fs::exists("/usr/bin/unzip")) return std::nullopt;
  LaunchSpec spec;
  spec.executable = "/usr/bin/unzip";
  spec.args = args;
  spec.working_dir = "/";
  spec.environment = {"PATH=/usr/bin:/bin", "LC_ALL=C"};
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{30'000, 1 << 20, 1'000});
  if (std::holds_alternative<LaunchError>(started)) return std::nullopt;
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  run->WaitUntilFinished(Clock::time_point::max());
  EXPECT_TRUE(run->end().exited && run->end().exit_code == 0) << run->end().err.bytes;
  return run->end().out.bytes;
}

// unzip reads back each file's bytes (binary ones too), finds no CRC error, and lists an
// executable script as -rwxr-xr-x, as Gradescope needs run_autograder.
TEST(ZipArchive, UnzipReadsFilesAndPermissions) {
  std::string pattern = (fs::temp_directory_path() / "labgrade_zip.XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const fs::path dir = pattern;
  std::string binary;
  for (int i = 0; i < 100'000; ++i) binary += static_cast<char>(i * 7 % 256);
  ZipArchive archive;
  ASSERT_FALSE(archive.Add("run_autograder", "#!/bin/sh\necho graded\n", 0755));
  ASSERT_FALSE(archive.Add("data/blob.bin", binary));
  const fs::path zip = dir / "autograder.zip";
  ASSERT_EQ(archive.WriteTo(zip), std::nullopt);
  EXPECT_FALSE(fs::exists(zip.string() + ".partial"));

  const std::optional<std::string> test = Unzip({"-t", zip.string()});
  if (!test)
    GTEST_SKIP() << "unzip (Info-ZIP) is not installed: scripts/install-deps.sh installs it";
  EXPECT_NE(test->find("No errors detected"), std::string::npos) << *test;
  EXPECT_EQ(Unzip({"-p", zip.string(), "run_autograder"}), "#!/bin/sh\necho graded\n");
  EXPECT_EQ(Unzip({"-p", zip.string(), "data/blob.bin"}), binary);
  const std::string listing = Unzip({"-Z", zip.string()}).value_or("");
  EXPECT_NE(listing.find("-rwxr-xr-x"), std::string::npos) << listing;
  EXPECT_NE(listing.find("-rw-r--r--"), std::string::npos) << listing;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace labgrade
