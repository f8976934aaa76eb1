// Tests for the parts of a lab bundle that are plain functions: the spec's reference rewritten
// to the prebuilt folder (every other line in place), the lab files a bundle carries, and the
// manifest. Writing and grading whole bundles: tests/integration/lab_bundle_test.cc.
#include "grading/lab_bundle.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/harness/spec/throwaway_lab.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

// A one-line reference is replaced on its line; the lines around it stay where they were.
TEST(WithPrebuiltReference, ReplacesTheReferenceLine) {
  EXPECT_EQ(WithPrebuiltReference("name: demo\nreference: ../../reference/demo  # ours\ntitle: "
                                  "Demo\n",
                                  "reference"),
            "name: demo\nreference: { prebuilt: reference }  # the reference's programs, built\n"
            "title: Demo\n");
}

// A value written below its key is emptied line by line, so that later lines keep their
// numbers (spec errors point at the lab's own lines).
TEST(WithPrebuiltReference, EmptiesTheLinesOfAValueBelowItsKey) {
  EXPECT_EQ(WithPrebuiltReference("name: demo\nreference:\n  prebuilt: bin\ntitle: Demo\n", "ref"),
            "name: demo\nreference: { prebuilt: ref }  # the reference's programs, built\n\n"
            "title: Demo\n");
}

// Without `reference:` (the default folder), one is added at the end; a key merely starting
// with "reference" is not it.
TEST(WithPrebuiltReference, AddsAReferenceWhenThereIsNone) {
  EXPECT_EQ(WithPrebuiltReference("name: demo\nreferences_note: x\ntitle: Demo", "reference"),
            "name: demo\nreferences_note: x\ntitle: Demo\n"
            "reference: { prebuilt: reference }  # the reference's programs, built\n");
}

// The manifest reads back as written.
TEST(BundleManifest, RoundTrips) {
  const fs::path dir =
      fs::temp_directory_path() / ("labgrade_manifest_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  BundleManifest manifest{1,
                          "shm-xfer",
                          "labgrade 0.1.0",
                          "x86_64",
                          "Debian GNU/Linux 12 (bookworm)",
                          "2.36",
                          "2.34",
                          std::string(kBundleOverlayFile),
                          {"reader", "writer"}};
  std::ofstream(dir / kBundleManifestFile) << BundleManifestJson(manifest);
  auto read = ReadBundleManifest(dir);
  ASSERT_TRUE(std::holds_alternative<std::optional<BundleManifest>>(read))
      << std::get<std::string>(read);
  const std::optional<BundleManifest>& back = std::get<std::optional<BundleManifest>>(read);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->lab, "shm-xfer");
  EXPECT_EQ(back->glibc_needed, "2.34");
  EXPECT_EQ(back->overlay, kBundleOverlayFile);
  EXPECT_EQ(back->reference_executables, (std::vector<std::string>{"reader", "writer"}));
  EXPECT_EQ(BundlePlatformWords(*back), "x86_64, Debian GNU/Linux 12 (bookworm), glibc 2.36");
  fs::remove_all(dir);
}

// A plain lab folder has no manifest; one of a newer format says which labgrade made it.
TEST(BundleManifest, NoneOrNewerFormat) {
  const fs::path dir =
      fs::temp_directory_path() / ("labgrade_manifest2_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto none = ReadBundleManifest(dir);
  ASSERT_TRUE(std::holds_alternative<std::optional<BundleManifest>>(none));
  EXPECT_FALSE(std::get<std::optional<BundleManifest>>(none));
  std::ofstream(dir / kBundleManifestFile) << R"({"format": 9, "made_by": "labgrade 9.0.0"})";
  auto newer = ReadBundleManifest(dir);
  ASSERT_TRUE(std::holds_alternative<std::string>(newer));
  EXPECT_EQ(std::get<std::string>(newer),
            (dir / kBundleManifestFile).string() +
                " is of bundle format 9, newer than this labgrade reads (1): it was made by "
                "labgrade 9.0.0; install that version of labgrade");
  fs::remove_all(dir);
}

class LabFilesToBundleTest : public testing::ThrowawayLabTest {};

// The spec, the handout, starter/ and data/, the provided files and every lab file a test
// reads; nothing else of the lab folder (an instructor's notes, an overlay kept there).
TEST_F(LabFilesToBundleTest, CarriesWhatGradingAndStudentsNeed) {
  WriteFile(lab_dir_ / "README.md", "# Demo\n");
  WriteFile(lab_dir_ / "starter" / "xfr.h", "#pragma once\n");
  WriteFile(lab_dir_ / "data" / "in.txt", "hello\n");
  fs::create_directories(lab_dir_ / "expected");
  WriteFile(lab_dir_ / "expected" / "out.txt", "hello\n");
  WriteFile(lab_dir_ / "expected" / "made.bin", "x");
  WriteFile(lab_dir_ / "notes.md", "answers\n");
  WriteFile(lab_dir_ / "hidden.yaml", "lab: demo\n");
  const SpecLoad load = LoadLab(R"(name: demo
title: Demo lab
submission:
  required: [writer.c]
  provided: [starter/xfr.h]
build:
  commands: ["cc -o writer writer.c"]
programs:
  writer: {}
tests:
  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - make_file: { path: src, from_lab_file: expected/made.bin }
      - run: writer
        stdin: { file: data/in.txt }
    checks:
      - stdout: { instance: writer, same_as_file: expected/out.txt }
)");
  ASSERT_TRUE(load.spec) << (load.errors.empty() ? "" : load.errors[0].Format());
  EXPECT_EQ(LabFilesToBundle(*load.spec),
            (std::vector<fs::path>{"README.md", "data/in.txt", "expected/made.bin",
                                   "expected/out.txt", "lab.yaml", "starter/xfr.h"}));
}

}  // namespace
}  // namespace labgrade
