// Tests for argv placeholders: {port} and {port:NAME} expand to the test's numbers, the fixed
// numbers of a cell are stable, and a port name without a number is an error, not a guess. In
// build commands, {labdir} becomes one quoted shell word, the shell's own braces are left
// alone, and what looks like a mistaken placeholder is refused.
#include "harness/spec/placeholders.h"

#include <gtest/gtest.h>

namespace labgrade {
namespace {

// {port} and {port:b} become their numbers, inside longer arguments too.
TEST(ExpandPlaceholders, ExpandsPorts) {
  PlaceholderValues values{"/t", "/lab", {{"port", 5000}, {"port:b", 5001}}};
  std::string error;
  EXPECT_EQ(ExpandPlaceholders("{port}", values, &error), "5000");
  EXPECT_EQ(ExpandPlaceholders("127.0.0.1:{port:b}", values, &error), "127.0.0.1:5001");
}

// A port name the test was given no number for is an error naming it.
TEST(ExpandPlaceholders, UnassignedPortIsAnError) {
  PlaceholderValues values{"/t", "/lab", {}};
  std::string error;
  EXPECT_EQ(ExpandPlaceholders("{port:c}", values, &error), std::nullopt);
  EXPECT_EQ(error, "unknown placeholder {port:c} in \"{port:c}\"");
}

// The port names an argument mentions, and nothing else.
TEST(PortsMentioned, ListsPortNames) {
  EXPECT_EQ(PortsMentioned("{port}-{keyfile}-{port:x}"),
            (std::vector<std::string>{"port", "port:x"}));
}

// In a cell, port is 5000 and other names follow in sorted order, whatever order they came in.
TEST(FixedCellPorts, PortFirstThenSortedNames) {
  EXPECT_EQ(FixedCellPorts({"port:b", "port", "port:a", "port:b"}),
            (std::map<std::string, int>{{"port", 5000}, {"port:a", 5001}, {"port:b", 5002}}));
}

// A lab path becomes one shell word whatever it holds: a space, a quote, a command.
TEST(ShellQuoted, QuotesEveryByteAsItIs) {
  EXPECT_EQ(ShellQuoted("/labs/mmap"), "'/labs/mmap'");
  EXPECT_EQ(ShellQuoted("/labs/my lab"), "'/labs/my lab'");
  EXPECT_EQ(ShellQuoted("/labs/it's $(rm -rf /)"), "'/labs/it'\\''s $(rm -rf /)'");
}

// Each {labdir} of a build command becomes the quoted lab folder, inside a longer word too.
TEST(ExpandBuildCommand, ReplacesEachLabFolderWithAQuotedWord) {
  EXPECT_EQ(ExpandBuildCommand("cc -I{labdir}/include -o x x.c {labdir}/lib.c", "/labs/a b"),
            "cc -I'/labs/a b'/include -o x x.c '/labs/a b'/lib.c");
}

// The shell's own braces stay as they are: parameters, awk programs, brace groups.
TEST(ExpandBuildCommand, LeavesTheShellsBracesAlone) {
  const std::string command =
      "awk '{print $1}' f > ${OUT:-x}; { echo ${labdir}; } && cc \\{labdir}";
  EXPECT_EQ(ExpandBuildCommand(command, "/lab"), command);
  EXPECT_FALSE(NamesLabFolder(command));
  EXPECT_EQ(BuildCommandProblem(command), std::nullopt);
}

// {labdir} is told apart from the shell's braces.
TEST(NamesLabFolder, FindsLabFolderOutsideQuotes) {
  EXPECT_TRUE(NamesLabFolder("cc -I{labdir}/include x.c"));
  EXPECT_FALSE(NamesLabFolder("cc -o x x.c"));
  EXPECT_TRUE(AnyNamesLabFolder({"cc -c a.c", "cc -o x a.o {labdir}/lib/b.c"}));
  EXPECT_FALSE(AnyNamesLabFolder({"cc -c a.c", "cc -o x a.o"}));
}

// {labdir} in quotes would put quotes inside quotes: it must stand outside them.
TEST(BuildCommandProblem, RefusesLabFolderInQuotes) {
  const std::string expected =
      "{labdir} stands inside quotes in 'cc \"{labdir}/x.c\"': write it outside them, as it "
      "becomes one word quoted already (-I{labdir}/include, {labdir}/src/util.c)";
  EXPECT_EQ(BuildCommandProblem("cc \"{labdir}/x.c\""), expected);
  EXPECT_NE(BuildCommandProblem("cc '{labdir}/x.c'"), std::nullopt);
}

// A test's placeholders have no value while building.
TEST(BuildCommandProblem, RefusesTestPlaceholders) {
  EXPECT_EQ(BuildCommandProblem("cp x {testdir}/x"),
            "{testdir} has no value in a build command: the build runs before any test; only "
            "{labdir} does");
  EXPECT_NE(BuildCommandProblem("echo {port:b}"), std::nullopt);
  EXPECT_NE(BuildCommandProblem("echo {keyfile}"), std::nullopt);
}

// A near miss of {labdir} is a typo, not shell text.
TEST(BuildCommandProblem, RefusesNearMissesOfLabFolder) {
  EXPECT_EQ(BuildCommandProblem("cc {lab_dir}/x.c"),
            "unknown placeholder '{lab_dir}' (did you mean '{labdir}'?)");
  EXPECT_NE(BuildCommandProblem("cc {LABDIR}/x.c"), std::nullopt);
  EXPECT_NE(BuildCommandProblem("cc {labdri}/x.c"), std::nullopt);
  EXPECT_EQ(BuildCommandProblem("cc {labdir}/x.c"), std::nullopt);
}

}  // namespace
}  // namespace labgrade
