// The command line's version and help: `labgrade --version` and `labgrade version` print the
// version (grading/version.h), `labgrade help` the commands, and a command that does not exist
// is named with the ones that do.
#include <string>

#include <gtest/gtest.h>

#include "grading/version.h"
#include "tests/integration/labgrade_command.h"

namespace labgrade {
namespace {

using testing::CommandResult;
using testing::RunLabgrade;

// Both spellings print the project's version and git's description of the tree, exit 0.
TEST(VersionCommand, PrintsTheVersion) {
  for (const char* spelling : {"--version", "version"}) {
    const CommandResult result = RunLabgrade({spelling});
    EXPECT_EQ(result.exit_code, 0) << spelling << ": " << result.err;
    EXPECT_EQ(result.out, VersionText() + "\n") << spelling;
  }
}

// help lists the commands; so does the message for one that does not exist (exit 2).
TEST(VersionCommand, HelpAndUnknownCommandsNameTheCommands) {
  const CommandResult help = RunLabgrade({"help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"check", "selftest", "grade", "bundle", "gradescope", "version"})
    EXPECT_NE(help.out.find(command), std::string::npos) << command << " in\n" << help.out;
  const CommandResult unknown = RunLabgrade({"nosuchcmd"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err,
            "labgrade: no command 'nosuchcmd'; the commands are: check, selftest, validate, grade, "
            "merge, bundle, gradescope, version, help (labgrade --help says more)\n");
}

}  // namespace
}  // namespace labgrade
