// The `receive:` step: reading, carrying out and registering it (see receive.h).
#include "harness/steps/receive.h"

#include <limits>

#include <fmt/format.h>

#include "harness/net/raw_client.h"
#include "harness/report_words.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<ReceiveStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const TestNames& names = read.names;
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"connection", "bytes", "until_closed", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ReceiveStep step;
  step.mark = node.mark();
  if (const std::optional<SpecNode> connection = map->Get("connection", Presence::kRequired)) {
    step.connection = ReadConnectionName(*connection, names, kBeforeThisStep).value_or("");
  }
  const std::optional<std::string> how = map->OneOf({"bytes", "until_closed"});
  if (how == "bytes") {
    step.bytes = map->Integer("bytes", 1, std::numeric_limits<std::int64_t>::max()).value_or(0);
  } else if (how == "until_closed") {
    const std::optional<bool> flag = map->Bool("until_closed");
    if (flag == false) map->Get("until_closed")->Error("must be true, got false");
    step.until_closed = true;
  }
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const ReceiveStep& step) {
  RawConnection* connection = test.FindConnection(step.connection, "receive");
  if (connection == nullptr) return false;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(step.timeout_ms);
  const std::string what =
      step.until_closed
          ? fmt::format("the server closes {} within {}", step.connection, Seconds(step.timeout_ms))
          : fmt::format("{} comes back over {} within {}", Bytes(step.bytes), step.connection,
                        Seconds(step.timeout_ms));
  ExchangeResult result = step.until_closed ? connection->ReceiveUntilClosed(deadline)
                                            : connection->Receive(step.bytes, deadline);
  return result.ok || test.ExchangeFailed(what, result);
}

const TypedStepKind<ReceiveStep> kKind({.read = Read, .execute = Execute});
const StepKeyRegistration kReceiveKey("receive", 1900, kKind);

}  // namespace
}  // namespace labgrade
