// The socket steps and probes through the real scenario runner, in cells and in host mode, on
// tiny servers from tests/programs: each probe passes for a correct server and catches the
// defect it exists for (a server on the wrong port, one that never closes its sockets, one that
// never reaps its children, one that dies), with the words a student reads.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "grading/grader.h"
#include "harness/scenario.h"
#include "harness/spec/spec_loader.h"
#include "tests/integration/scenario_fixture.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

// The lab around each test: the servers and client of tests/programs.
constexpr std::string_view kLab = R"(name: sockets
title: Socket probes
reference: .
submission: { required: [x.c] }
build: { commands: ["true"] }
limits: { wall_ms: 30000 }
programs:
  server: { executable: tcp-server, argv: ["{port}", "echo"] }
  client: { executable: tcp-client, argv: ["{port}"] }
  udp: { executable: udp-echo, argv: ["{port}"] }
  fixed-server: { executable: tcp-server, argv: ["9877", "echo"] }
tests:
)";

using testing::Namespaces;

class SocketScenario : public testing::ScenarioFixture {
 protected:
  SocketScenario() : ScenarioFixture(kLab) {}
};

// A correct server passes every probe: 5 clients at once, an idle connection, no CLOSE_WAIT,
// no zombies, no leaked descriptor, still alive.
constexpr std::string_view kGoodServerTest = R"(  - name: good
    description: A correct echo server
    points: 100
    steps:
      - start: server
      - wait_for_port: { instance: server, protocol: tcp, port: port }
      - record_fds: { instance: server, as: start }
      - start: client
        count: 5
        stdin: { random_bytes: 3000, seed: 4 }
      - wait_exit: { instance: client, timeout_ms: 20000 }
      - connect: { as: idle }
      - send: { connection: idle, text: "hello" }
      - receive: { connection: idle, bytes: 5 }
      - shutdown_write: idle
      - receive: { connection: idle, until_closed: true }
      - close: idle
      - expect_sockets: { instance: server, state: CLOSE_WAIT, max: 0, timeout_ms: 5000 }
      - expect_sockets: { instance: server, state: LISTEN, min: 1, max: 1 }
      - expect_no_zombies: { instance: server, timeout_ms: 5000 }
      - expect_fds: { instance: server, baseline: start, max_extra: 0, timeout_ms: 5000 }
      - expect_alive: server
      - signal: { instance: server, signal: SIGTERM }
      - wait_exit: { instance: server, timeout_ms: 5000 }
    checks:
      - exit: { instance: client, code: 0 }
      - stdout: { instance: client, same_as_stdin_of: client }
      - received: { connection: idle, same_as_sent: true }
      - exit: { instance: server, code: 0 }
)";

TEST_F(SocketScenario, CorrectServerPassesEveryProbe) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(kGoodServerTest);
  EXPECT_EQ(result.outcome, Outcome::kPass) << Describe(result);
  // A group check is one line for all its members.
  bool found = false;
  for (const CheckResult& check : result.checks)
    found |= check.what == "client exits with status 0 (each of the 5 instances)";
  EXPECT_TRUE(found);
}

// Host mode picks a free port for {port}, and the same test passes there.
TEST_F(SocketScenario, HostModePicksAFreePort) {
  const TestResult result = Run(kGoodServerTest, /*host=*/true);
  EXPECT_EQ(result.outcome, Outcome::kPass) << Describe(result);
}

// A server that listens on another port fails the wait, told where it listens; once it waits
// for a client that will never come, the wait ends early.
TEST_F(SocketScenario, WrongPortIsNamed) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(R"(  - name: wrong-port
    description: The server listens on its port
    points: 100
    steps:
      - start: server
        args: ["{port}", "wrong-port"]
      - wait_for_port: { instance: server, timeout_ms: 1000 }
)");
  const std::vector<std::string> failures = Failures(result);
  ASSERT_EQ(failures.size(), 1U);
  EXPECT_TRUE(
      failures[0].starts_with("server listens on TCP port 5000 within 1 s: server is "
                              "listening on port 5001, not 5000 (ended early, after "))
      << failures[0];
  EXPECT_TRUE(failures[0].ends_with(": server is blocked in accept and nothing else is running)"))
      << failures[0];
}

// A server that dies before listening ends the wait at once, saying how it ended.
TEST_F(SocketScenario, ServerThatExitsEndsTheWait) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(R"(  - name: exits
    description: The server starts
    points: 100
    steps:
      - start: server
        args: ["{port}", "exit"]
      - wait_for_port: { instance: server, timeout_ms: 20000 }
)");
  EXPECT_EQ(Failures(result),
            (std::vector<std::string>{"server listens on TCP port 5000 within 20 s: server ended "
                                      "before it was ready: it exited with 3"}));
  EXPECT_LT(result.duration_ms, 15'000);
}

// A server that never closes finished connections leaves CLOSE_WAIT and leaks descriptors.
TEST_F(SocketScenario, CloseWaitAndDescriptorLeakAreCaught) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(R"(  - name: no-close
    description: The server closes finished connections
    points: 100
    steps:
      - start: server
        args: ["{port}", "no-close"]
      - wait_for_port: { instance: server }
      - record_fds: { instance: server, as: start }
      - connect: { as: a }
      - send: { connection: a, text: "abc" }
      - receive: { connection: a, bytes: 3 }
      - close: a
      - expect_sockets: { instance: server, state: CLOSE_WAIT, max: 0, timeout_ms: 500 }
      - expect_fds: { instance: server, baseline: start, timeout_ms: 500 }
      - expect_alive: server
)");
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(Failures(result),
            (std::vector<std::string>{
                "server has at most 0 TCP socket(s) in CLOSE_WAIT: server still has 1 "
                "connection in CLOSE_WAIT: it never closed the sockets of clients that had "
                "finished",
                "server has at most 0 more open descriptors than at start: server has 5 open "
                "file descriptors, 1 more than the 4 it had at start: it keeps a descriptor open "
                "for each connection or file it has finished with (a missing close())"}));
}

// A server that never waits for its children leaves zombies.
TEST_F(SocketScenario, ZombiesAreCaught) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(R"(  - name: no-reap
    description: The server reaps its children
    points: 100
    steps:
      - start: server
        args: ["{port}", "no-reap"]
      - wait_for_port: { instance: server }
      - connect: { as: a }
      - shutdown_write: a
      - receive: { connection: a, until_closed: true }
      - connect: { as: b }
      - shutdown_write: b
      - receive: { connection: b, until_closed: true }
      - expect_idle: { instance: server, window_ms: 300 }
      - expect_no_zombies: { instance: server, timeout_ms: 500 }
)");
  EXPECT_EQ(Failures(result),
            (std::vector<std::string>{
                "server leaves no zombie children: server has 2 child processes that ended but "
                "were never waited for (zombies): it must reap its children with wait() or "
                "waitpid(), e.g. in a SIGCHLD handler"}));
}

// A UDP server is awaited on its port; one bound elsewhere is told where.
TEST_F(SocketScenario, UdpPortWait) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  EXPECT_EQ(Run(R"(  - name: udp
    description: The server binds its port
    points: 100
    steps:
      - start: udp
      - wait_for_port: { instance: udp, protocol: udp }
      - expect_alive: udp
)")
                .outcome,
            Outcome::kPass);
  const TestResult wrong = Run(R"(  - name: udp
    description: The server binds its port
    points: 100
    steps:
      - start: udp
        args: ["{port}", "wrong-port"]
      - wait_for_port: { instance: udp, protocol: udp, timeout_ms: 1000 }
)");
  const std::vector<std::string> failures = Failures(wrong);
  ASSERT_EQ(failures.size(), 1U);
  EXPECT_TRUE(
      failures[0].starts_with("udp binds UDP port 5000 within 1 s: udp has a UDP socket "
                              "bound to port 5001, not 5000 (ended early, after "))
      << failures[0];
}

// Packet loss runs where netem exists; elsewhere the test is skipped with the reason.
TEST_F(SocketScenario, PacketLossRunsOrIsSkippedWithTheReason) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(R"(  - name: lossy
    description: The server survives a lossy network
    points: 100
    network: { loss_percent: 10 }
    steps:
      - start: udp
      - wait_for_port: { instance: udp, protocol: udp }
)");
  if (result.outcome == Outcome::kPass) return;
  ASSERT_EQ(result.outcome, Outcome::kSkipped) << Describe(result);
  EXPECT_EQ(result.points, 0);
  ASSERT_EQ(result.checks.size(), 1u);
  EXPECT_EQ(result.checks[0].what, "the test's loopback loses 10% of packets");
  EXPECT_NE(result.checks[0].rationale.find("netem"), std::string::npos)
      << result.checks[0].rationale;
}

// In host mode packet loss would change the machine's loopback: skipped, never applied.
TEST_F(SocketScenario, PacketLossIsSkippedInHostMode) {
  const TestResult result = Run(R"(  - name: lossy
    description: The server survives a lossy network
    points: 100
    network: { loss_percent: 10 }
    steps:
      - start: udp
)",
                                /*host=*/true);
  ASSERT_EQ(result.outcome, Outcome::kSkipped) << Describe(result);
  EXPECT_EQ(result.checks.at(0).rationale,
            "packet loss needs the test's own network namespace, and this run is in host mode "
            "(it would change the whole machine's loopback)");
}

// A failing member of a group is named, and the group's other members pass.
TEST_F(SocketScenario, GroupFailureNamesTheMember) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(R"(  - name: group
    description: Clients get their own data back
    points: 100
    steps:
      - start: server
      - wait_for_port: { instance: server }
      - start: client
        count: 3
        stdin: { text: "same" }
      - wait_exit: { instance: client }
    checks:
      - stdout: { instance: client, equals: "same" }
      - stdout: { instance: client-2, equals: "other" }
)");
  ASSERT_EQ(Failures(result).size(), 1u) << Describe(result);
  EXPECT_TRUE(Failures(result)[0].starts_with("client-2's standard output")) << Failures(result)[0];
}

// The side that closes first keeps TIME_WAIT: the namespace-wide count sees it for a server
// that closes its end, and says what it saw for one that never does.
TEST_F(SocketScenario, TimeWaitIsCountedInTheNamespace) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  constexpr std::string_view kTest = R"(  - name: time-wait
    description: The connection ends on both sides
    points: 100
    steps:
      - start: server
        args: ["{port}", "MODE"]
      - wait_for_port: { instance: server }
      - connect: { as: a }
      - close: a
      - expect_sockets: { state: TIME_WAIT, min: 1, port: port, timeout_ms: 1000 }
)";
  std::string good(kTest);
  good.replace(good.find("MODE"), 4, "echo");
  EXPECT_EQ(Run(good).outcome, Outcome::kPass);
  std::string never_closes(kTest);
  never_closes.replace(never_closes.find("MODE"), 4, "no-close");
  EXPECT_EQ(Failures(Run(never_closes)),
            (std::vector<std::string>{
                "the test's programs have at least 1 TCP socket(s) in TIME_WAIT on port 5000: "
                "the test's network has 0 TCP sockets in TIME_WAIT on port 5000, expected at "
                "least 1"}));
}

// When many members of a group fail, three are shown and one line names the rest.
TEST_F(SocketScenario, ManyFailingMembersAreSummed) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(R"(  - name: group
    description: Clients get their own data back
    points: 100
    steps:
      - start: server
      - wait_for_port: { instance: server }
      - start: client
        count: 5
        stdin: { text: "same" }
      - wait_exit: { instance: client }
    checks:
      - stdout: { instance: client, equals: "other" }
)");
  const std::vector<std::string> failures = Failures(result);
  ASSERT_EQ(failures.size(), 4u) << Describe(result);
  EXPECT_TRUE(failures[0].starts_with("client-1's standard output")) << failures[0];
  EXPECT_TRUE(failures[2].starts_with("client-3's standard output")) << failures[2];
  EXPECT_EQ(failures[3],
            "client's standard output is exactly the expected text (each of the 5 instances): 2 "
            "more of the 5 instances of client fail this check too: client-4, client-5");
}

// A server that hard-wires its port is waited for, reached by the built-in client and probed
// at that port, in the test's own network namespace.
constexpr std::string_view kFixedPortTest = R"(  - name: fixed
    description: A server on a fixed port
    points: 100
    steps:
      - start: fixed-server
      - wait_for_port: { instance: fixed-server, port: 9877 }
      - connect: { as: c, port: 9877 }
      - send: { connection: c, text: "hello" }
      - receive: { connection: c, bytes: 5 }
      - expect_sockets: { instance: fixed-server, state: LISTEN, min: 1, port: 9877 }
      - close: c
    checks:
      - received: { connection: c, same_as_sent: true }
)";

TEST_F(SocketScenario, FixedPortIsReachedInACell) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(kFixedPortTest);
  EXPECT_EQ(result.outcome, Outcome::kPass) << Describe(result);
}

// In host mode port 9877 is the machine's: the test is skipped with the reason, never run.
TEST_F(SocketScenario, HostModeSkipsAFixedPort) {
  const TestResult result = Run(kFixedPortTest, /*host=*/true);
  EXPECT_EQ(result.outcome, Outcome::kSkipped) << Describe(result);
  ASSERT_FALSE(result.checks.empty());
  EXPECT_EQ(result.checks[0].what, "the test uses port 9877");
  EXPECT_TRUE(result.programs.empty());
}

}  // namespace
}  // namespace labgrade
