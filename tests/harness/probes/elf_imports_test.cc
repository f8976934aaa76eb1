// Tests for reading an executable's imports from `nm -D --undefined-only` output, canned from
// binutils 2.40 on Debian 12.
#include "harness/probes/elf_imports.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace labgrade {
namespace {

constexpr std::string_view kNmOutput =
    "                 w _ITM_deregisterTMCloneTable\n"
    "                 w __cxa_finalize@GLIBC_2.2.5\n"
    "                 w __gmon_start__\n"
    "                 U __libc_start_main@GLIBC_2.34\n"
    "                 U mmap@GLIBC_2.2.5\n"
    "                 U munmap@GLIBC_2.2.5\n"
    "                 U read@GLIBC_2.2.5\n";

// Undefined and weak symbols are read, sorted, versions dropped.
TEST(ParseNmUndefinedSymbols, ReadsNamesWithoutVersions) {
  EXPECT_EQ(
      ParseNmUndefinedSymbols(kNmOutput),
      (std::vector<std::string>{"_ITM_deregisterTMCloneTable", "__cxa_finalize", "__gmon_start__",
                                "__libc_start_main", "mmap", "munmap", "read"}));
}

// A default version ("@@") is dropped as well.
TEST(ParseNmUndefinedSymbols, DropsDefaultVersions) {
  EXPECT_EQ(ParseNmUndefinedSymbols("                 U fstat@@GLIBC_2.33\n"),
            std::vector<std::string>{"fstat"});
}

// A symbol imported under two versions is listed once.
TEST(ParseNmUndefinedSymbols, ListsEachNameOnce) {
  EXPECT_EQ(ParseNmUndefinedSymbols("  U memcpy@GLIBC_2.14\n  U memcpy@GLIBC_2.2.5\n"),
            std::vector<std::string>{"memcpy"});
}

// Older binutils print no versions, and no trailing newline is needed.
TEST(ParseNmUndefinedSymbols, ReadsUnversionedNames) {
  EXPECT_EQ(ParseNmUndefinedSymbols("                 U open"), std::vector<std::string>{"open"});
}

// nm's notes and defined symbols are not imports.
TEST(ParseNmUndefinedSymbols, SkipsOtherLines) {
  EXPECT_TRUE(ParseNmUndefinedSymbols("nm: mmcopy: no symbols\n"
                                      "0000000000004010 B stdout@GLIBC_2.2.5\n"
                                      "\n")
                  .empty());
}

}  // namespace
}  // namespace labgrade
