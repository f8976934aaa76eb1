// The `shutdown_write:`, `reset:` and `close:` steps: reading, carrying out and registering
// them (see connection_action.h).
#include "harness/steps/connection_action.h"

#include <string_view>

#include <fmt/format.h>

#include "harness/net/raw_client.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<ConnectionActionStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const ConnectionAction action = read.key == "shutdown_write" ? ConnectionAction::kShutdownWrite
                                  : read.key == "reset"        ? ConnectionAction::kReset
                                                               : ConnectionAction::kClose;
  const TestNames& names = read.names;
  const std::optional<std::string> connection = ReadConnectionName(node, names, kBeforeThisStep);
  if (!connection) return std::nullopt;
  return ConnectionActionStep{*connection, action, node.mark()};
}

bool Execute(TestContext& test, const ConnectionActionStep& step) {
  static constexpr std::string_view kNames[] = {"shutdown_write", "reset", "close"};
  RawConnection* connection =
      test.FindConnection(step.connection, kNames[static_cast<int>(step.action)],
                          step.action == ConnectionAction::kClose);
  if (connection == nullptr) return false;
  ExchangeResult result;
  std::string what;
  switch (step.action) {
    case ConnectionAction::kShutdownWrite:
      what = fmt::format("the test's client half-closes {}", step.connection);
      result = connection->ShutdownWrite();
      break;
    case ConnectionAction::kReset:
      what = fmt::format("the test's client resets {}", step.connection);
      result = connection->Reset();
      break;
    case ConnectionAction::kClose:
      what = fmt::format("the test's client closes {}", step.connection);
      connection->Close();
      break;
  }
  return result.ok || test.ExchangeFailed(what, result);
}

const TypedStepKind<ConnectionActionStep> kKind({.read = Read, .execute = Execute});
const StepKeyRegistration kShutdownWriteKey("shutdown_write", 1600, kKind);
const StepKeyRegistration kResetKey("reset", 1700, kKind);
const StepKeyRegistration kCloseKey("close", 1800, kKind);

}  // namespace
}  // namespace labgrade
