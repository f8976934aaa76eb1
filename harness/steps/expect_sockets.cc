// The `expect_sockets:` step: reading, carrying out and registering it (see expect_sockets.h).
#include "harness/steps/expect_sockets.h"

#include <optional>
#include <set>

#include <fmt/format.h>

#include "harness/probes/proc_stat.h"
#include "harness/probes/socket_owner.h"
#include "harness/probes/socket_probes.h"
#include "harness/probes/socket_table.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<ExpectSocketsStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const InstanceTable& instances = read.names.instances;
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"instance", "state", "min", "max", "port", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  ExpectSocketsStep step;
  step.mark = node.mark();
  step.instance =
      ReadInstance(*map, "instance", instances, kBeforeThisStep, Presence::kOptional).value_or("");
  if (const std::optional<SpecNode> state = map->Get("state", Presence::kRequired)) {
    step.state = state
                     ->AsChoice<SocketState>({{"LISTEN", SocketState::kListen},
                                              {"ESTABLISHED", SocketState::kEstablished},
                                              {"CLOSE_WAIT", SocketState::kCloseWait},
                                              {"TIME_WAIT", SocketState::kTimeWait},
                                              {"FIN_WAIT1", SocketState::kFinWait1},
                                              {"FIN_WAIT2", SocketState::kFinWait2},
                                              {"LAST_ACK", SocketState::kLastAck},
                                              {"CLOSING", SocketState::kClosing},
                                              {"SYN_SENT", SocketState::kSynSent},
                                              {"SYN_RECV", SocketState::kSynRecv}})
                     .value_or(step.state);
    if (step.state == SocketState::kTimeWait && map->Has("instance")) {
      state->Error(
          "a socket in TIME_WAIT belongs to no process any more (the kernel keeps it after "
          "close); leave out 'instance' to count those of the whole test");
    }
  }
  const std::optional<std::int64_t> min = map->Integer("min", 0, kNoUpperBound);
  const std::optional<std::int64_t> max = map->Integer("max", 0, kNoUpperBound);
  if (min) step.min = static_cast<int>(*min);
  if (max) step.max = static_cast<int>(*max);
  if (!map->Has("min") && !map->Has("max")) node.Error("needs 'min' or 'max' (or both)");
  if (min && max && *min > *max) {
    node.ErrorAt(map->KeyMark("max"), fmt::format("max ({}) is less than min ({})", *max, *min));
  }
  if (map->Has("port")) step.port = ReadPortName(*map).value_or("");
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const ExpectSocketsStep& step) {
  const std::string_view state = SocketStateName(step.state);
  const std::optional<int> port =
      step.port.empty() ? std::nullopt : std::optional<int>(test.state().ports.at(step.port));
  const std::string on_port = port ? fmt::format(" on port {}", *port) : "";
  const std::string who = step.instance.empty() ? "the test's programs" : step.instance;
  const std::string what =
      fmt::format("{} {} {} TCP socket(s) in {}{}", who, step.instance.empty() ? "have" : "has",
                  CountRange(step.min, step.max), state, on_port);
  ProgramRun* run = nullptr;
  if (!step.instance.empty()) {
    run = test.RunningForProbe(step.instance, what);
    if (run == nullptr) return test.grader_error().empty();
  }
  const ProcReader reader;
  test.ProbeUntil(run, step.timeout_ms, what, [&](std::string* expected, std::string* actual) {
    std::optional<std::set<std::uint64_t>> owned;
    if (run != nullptr) owned = SocketInodesOf(reader, ProcessTree(reader, run->pid()));
    std::string error;
    const auto table = ReadSocketTables(reader, ThreadNetDir(), SocketProtocol::kTcp, &error);
    if (!table) {
      test.GraderError(error);
      return error;
    }
    const int count = CountSockets(*table, owned, step.state, port);
    if ((!step.min || count >= *step.min) && (!step.max || count <= *step.max))
      return std::string();
    *expected = fmt::format("{} in {}", CountRange(step.min, step.max), state);
    *actual = fmt::format("{} in {}", count, state);
    return SocketCountProblem(step.instance, step.state, count, step.min, step.max, port);
  });
  return test.grader_error().empty();
}

void AddPlaceholderNames(const ExpectSocketsStep& step, const LabSpec&, PlaceholderNames& names) {
  if (!step.port.empty()) names.ports.insert(step.port);
}

const TypedStepKind<ExpectSocketsStep> kKind({.read = Read,
                                              .execute = Execute,
                                              .add_placeholder_names = AddPlaceholderNames});
const StepKeyRegistration kExpectSocketsKey("expect_sockets", 2000, kKind);

}  // namespace
}  // namespace labgrade
