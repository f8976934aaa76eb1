// The `connect:` step: reading, carrying out and registering it (see connect.h).
#include "harness/steps/connect.h"

#include <fmt/format.h>

#include "harness/net/raw_client.h"
#include "harness/report_words.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<ConnectStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  TestNames& names = read.names;
  const std::optional<SpecMap> map = SpecMap::Read(node, {"as", "port", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ConnectStep step;
  step.mark = node.mark();
  if (const std::optional<SpecNode> as = map->Get("as", Presence::kRequired)) {
    const std::optional<std::string> name = as->AsString();
    if (name && !IsSlug(*name)) {
      as->Error(fmt::format("'{}' must use only a-z, 0-9 and '-'", *name));
    } else if (name) {
      step.connection = *name;
      const auto [known, added] = names.connections.emplace(*name, step.mark.line);
      if (!added) {
        as->Error(
            fmt::format("connection '{}' was already opened on line {}", *name, known->second));
      }
    }
  }
  step.port = ReadPortName(*map).value_or(step.port);
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const ConnectStep& step) {
  const int port = test.state().ports.at(step.port);
  const std::string what =
      fmt::format("the test's client connects to port {} (as {})", port, step.connection);
  ExchangeResult result;
  std::unique_ptr<RawConnection> connection = RawConnection::Connect(
      port, Clock::now() + std::chrono::milliseconds(step.timeout_ms), &result);
  if (!connection) {
    if (!result.system_error) result.problem += fmt::format(" within {}", Seconds(step.timeout_ms));
    return test.ExchangeFailed(what, result);
  }
  test.state().connections[step.connection] = std::move(connection);
  return true;
}

void AddPlaceholderNames(const ConnectStep& step, const LabSpec&, PlaceholderNames& names) {
  names.ports.insert(step.port);
}

const TypedStepKind<ConnectStep> kKind({.read = Read,
                                        .execute = Execute,
                                        .add_placeholder_names = AddPlaceholderNames});
const StepKeyRegistration kConnectKey("connect", 1400, kKind);

}  // namespace
}  // namespace labgrade
