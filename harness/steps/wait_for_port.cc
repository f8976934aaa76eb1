// The `wait_for_port:` step: reading, carrying out and registering it (see wait_for_port.h).
#include "harness/steps/wait_for_port.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "harness/probes/proc_stat.h"
#include "harness/probes/socket_owner.h"
#include "harness/probes/socket_probes.h"
#include "harness/probes/socket_table.h"
#include "harness/report_words.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/stall_watch.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<SocketProtocol> ReadProtocol(const SpecMap& map) {
  const std::optional<SpecNode> node = map.Get("protocol");
  if (!node) return SocketProtocol::kTcp;
  return node->AsChoice<SocketProtocol>(
      {{"tcp", SocketProtocol::kTcp}, {"udp", SocketProtocol::kUdp}});
}

std::optional<WaitForPortStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const InstanceTable& instances = read.names.instances;
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"instance", "protocol", "port", "timeout_ms"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  WaitForPortStep step;
  step.mark = node.mark();
  step.instance = ReadInstance(*map, "instance", instances, kBeforeThisStep).value_or("");
  step.protocol = ReadProtocol(*map).value_or(step.protocol);
  step.port = ReadPortName(*map).value_or(step.port);
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const WaitForPortStep& step) {
  ProgramRun* run = test.FindRun(step.instance);
  if (run == nullptr)
    return test.GraderError(
        fmt::format("wait_for_port names {}, which was not started", step.instance));
  const int port = test.state().ports.at(step.port);
  const bool tcp = step.protocol == SocketProtocol::kTcp;
  const std::string what = tcp ? fmt::format("{} listens on TCP port {} within {}", step.instance,
                                             port, Seconds(step.timeout_ms))
                               : fmt::format("{} binds UDP port {} within {}", step.instance, port,
                                             Seconds(step.timeout_ms));
  const ProcReader reader;
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + std::chrono::milliseconds(step.timeout_ms);
  StallWatch stall(test, deadline);
  Clock::duration pause{};
  for (;;) {
    // Read before the sockets: a server that exits after this look still gets its last
    // chance to be found listening.
    const bool exited = run->Exited();
    const std::set<std::uint64_t> owned = SocketInodesOf(reader, ProcessTree(reader, run->pid()));
    std::string error;
    const auto table = ReadSocketTables(reader, ThreadNetDir(), step.protocol, &error);
    if (!table) return test.GraderError(error);
    const ServerSocketSearch search =
        FindServerSocket(*table, owned, step.protocol, port, step.instance);
    if (search.found) return true;
    if (exited)
      return test.StepFailed(what, fmt::format("{} ended before it was ready: it {}", step.instance,
                                               test.EndedWords(step.instance)));
    if (Clock::now() >= deadline) return test.StepFailed(what, search.problem);
    if (const std::optional<std::string> why = stall.Stalled())
      return test.StepFailed(what,
                             fmt::format("{} ({})", search.problem, EndedEarlyWords(start, *why)));
    pause = TestContext::NextPollPause(pause);
    test.PollPause(run, std::min(deadline, Clock::now() + pause));
  }
}

void AddPlaceholderNames(const WaitForPortStep& step, const LabSpec&, PlaceholderNames& names) {
  names.ports.insert(step.port);
}

const TypedStepKind<WaitForPortStep> kKind({.read = Read,
                                            .execute = Execute,
                                            .add_placeholder_names = AddPlaceholderNames});
const StepKeyRegistration kWaitForPortKey("wait_for_port", 1300, kKind);

}  // namespace
}  // namespace labgrade
