// Tests for reading the `imports:` check: each mistake an instructor can make with it is reported
// with its exact file:line:col, line and caret.
#include "harness/checks/imports.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::MmapSpecTest;
using testing::OneTest;
using testing::SpecLoaderTest;

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

}  // namespace
}  // namespace labgrade
