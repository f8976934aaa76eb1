// The `received:` check: reading, evaluating and registering it (see received.h).
#include "harness/checks/received.h"

#include <fmt/format.h>

#include "harness/checks/check_kind.h"
#include "harness/checks/output_match.h"
#include "harness/net/raw_client.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<ReceivedCheck> Read(const CheckRead& read) {
  const SpecNode& node = read.body;
  const TestNames& names = read.names;
  const std::optional<SpecMap> map = SpecMap::Read(
      node, {"connection", "equals", "contains", "same_as_sent", "empty", "not_empty"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ReceivedCheck check;
  check.mark = node.mark();
  if (const std::optional<SpecNode> connection = map->Get("connection", Presence::kRequired)) {
    check.connection = ReadConnectionName(*connection, names, kInThisTest).value_or("");
  }
  const std::optional<std::string> matcher =
      map->OneOf({"equals", "contains", "same_as_sent", "empty", "not_empty"});
  if (!matcher) return std::nullopt;
  const SpecNode value = *map->Get(*matcher);
  if (*matcher == "equals" || *matcher == "contains") {
    check.match = *matcher == "equals" ? MatchKind::kEquals : MatchKind::kContains;
    check.text = value.AsString().value_or("");
  } else {
    check.match = *matcher == "empty"       ? MatchKind::kEmpty
                  : *matcher == "not_empty" ? MatchKind::kNotEmpty
                                            : MatchKind::kEquals;
    check.same_as_sent = *matcher == "same_as_sent";
    if (value.AsBool() == false) value.Error("must be true, got false");
  }
  if (!watch.clean()) return std::nullopt;
  return check;
}

CheckResult Evaluate(TestContext& test, const ReceivedCheck& check) {
  std::string matcher = check.same_as_sent ? "is exactly what it sent"
                        : check.match == MatchKind::kContains
                            ? fmt::format("contains \"{}\"", check.text)
                        : check.match == MatchKind::kEmpty    ? "is empty"
                        : check.match == MatchKind::kNotEmpty ? "is not empty"
                                                              : "is exactly the expected text";
  const std::string what =
      fmt::format("what the test's client received over {} {}", check.connection, matcher);
  auto found = test.state().connections.find(check.connection);
  if (found == test.state().connections.end()) {
    return FailedCheck(what, fmt::format("the connection {} was never opened: an earlier step of "
                                         "this test failed",
                                         check.connection));
  }
  const RawConnection& connection = *found->second;
  const std::string& received = connection.received();
  MatchContext context{what, connection.received_total() > RawConnection::kKeptBytes,
                       connection.received_total()};
  return MatchOutput(check.match, check.same_as_sent ? connection.sent() : check.text, received,
                     context);
}

const TypedCheckKind<ReceivedCheck> kKind({.read = Read, .evaluate = Evaluate});
const CheckKeyRegistration kReceivedKey("received", 900, kKind);

}  // namespace
}  // namespace labgrade
