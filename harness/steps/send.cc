// The `send:` step: reading, carrying out and registering it (see send.h).
#include "harness/steps/send.h"

#include <string_view>

#include <fmt/format.h>

#include "harness/net/raw_client.h"
#include "harness/report_words.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<SendStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const LabContext& lab = read.lab;
  const TestNames& names = read.names;
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"connection", "text", "file", "random_bytes", "seed", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  SendStep step;
  step.mark = node.mark();
  if (const std::optional<SpecNode> connection = map->Get("connection", Presence::kRequired)) {
    step.connection = ReadConnectionName(*connection, names, kBeforeThisStep).value_or("");
  }
  step.bytes = ReadByteSource(*map, "file", lab.lab_dir).value_or(StdinNone{});
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const SendStep& step) {
  RawConnection* connection = test.FindConnection(step.connection, "send");
  if (connection == nullptr) return false;
  auto bytes = test.StdinBytes(step.bytes);
  if (!bytes) return false;
  const std::string_view data = *bytes ? std::string_view(**bytes) : std::string_view();
  const std::string what =
      fmt::format("the test's client sends {} over {}",
                  Bytes(static_cast<std::int64_t>(data.size())), step.connection);
  ExchangeResult result =
      connection->Send(data, Clock::now() + std::chrono::milliseconds(step.timeout_ms));
  if (!result.ok && !result.system_error && !connection->peer_closed())
    result.problem += fmt::format(" within {}", Seconds(step.timeout_ms));
  return result.ok || test.ExchangeFailed(what, result);
}

void AddLabFiles(const SendStep& step, std::vector<std::string>& files) {
  AddLabFileOf(step.bytes, files);
}

const TypedStepKind<SendStep> kKind({.read = Read,
                                     .execute = Execute,
                                     .add_lab_files = AddLabFiles});
const StepKeyRegistration kSendKey("send", 1500, kKind);

}  // namespace
}  // namespace labgrade
