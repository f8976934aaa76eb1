// Tests for signal names: what a lab spec may write, and what a student reads.
#include "harness/spec/signal_names.h"

#include <csignal>

#include <gtest/gtest.h>

namespace labgrade {
namespace {

// A spec names a signal the way kill(1) prints it.
TEST(SignalFromNameTest, AcceptsFullName) {
  EXPECT_EQ(SignalFromName("SIGTERM"), SIGTERM);
  EXPECT_EQ(SignalFromName("SIGUSR2"), SIGUSR2);
}

// A spec may leave out the SIG prefix.
TEST(SignalFromNameTest, AcceptsNameWithoutPrefix) {
  EXPECT_EQ(SignalFromName("TERM"), SIGTERM);
  EXPECT_EQ(SignalFromName("SEGV"), SIGSEGV);
}

// Names are upper case only, as in <signal.h>.
TEST(SignalFromNameTest, RejectsLowerCase) {
  EXPECT_EQ(SignalFromName("sigterm"), std::nullopt);
  EXPECT_EQ(SignalFromName("SigTerm"), std::nullopt);
  EXPECT_EQ(SignalFromName("term"), std::nullopt);
}

// A decimal number in 1..64 is taken as is.
TEST(SignalFromNameTest, AcceptsNumbersInRange) {
  EXPECT_EQ(SignalFromName("1"), 1);
  EXPECT_EQ(SignalFromName("15"), 15);
  EXPECT_EQ(SignalFromName("64"), 64);
}

// Zero, too large, signed, padded or partly numeric text is not a signal.
TEST(SignalFromNameTest, RejectsMalformedNumbers) {
  EXPECT_EQ(SignalFromName("0"), std::nullopt);
  EXPECT_EQ(SignalFromName("65"), std::nullopt);
  EXPECT_EQ(SignalFromName("-9"), std::nullopt);
  EXPECT_EQ(SignalFromName("+9"), std::nullopt);
  EXPECT_EQ(SignalFromName("09"), std::nullopt);
  EXPECT_EQ(SignalFromName("9x"), std::nullopt);
  EXPECT_EQ(SignalFromName(" 9"), std::nullopt);
}

// Empty text, the bare prefix and made-up names are rejected.
TEST(SignalFromNameTest, RejectsUnknownNames) {
  EXPECT_EQ(SignalFromName(""), std::nullopt);
  EXPECT_EQ(SignalFromName("SIG"), std::nullopt);
  EXPECT_EQ(SignalFromName("SIGFOO"), std::nullopt);
  EXPECT_EQ(SignalFromName("SIGSIGTERM"), std::nullopt);
  EXPECT_EQ(SignalFromName("SIGTERM "), std::nullopt);
}

// A report names a known signal with its SIG prefix.
TEST(SignalNameTest, NamesKnownSignals) {
  EXPECT_EQ(SignalName(SIGSEGV), "SIGSEGV");
  EXPECT_EQ(SignalName(SIGKILL), "SIGKILL");
  EXPECT_EQ(SignalName(SIGXCPU), "SIGXCPU");
}

// A number Linux has no name for is shown as a number.
TEST(SignalNameTest, NumbersUnknownSignals) {
  EXPECT_EQ(SignalName(42), "signal 42");
  EXPECT_EQ(SignalName(0), "signal 0");
}

// Every name the table gives reads back to the same number.
TEST(SignalNameTest, RoundTripsThroughSignalFromName) {
  for (int signal = 1; signal <= 31; ++signal) {
    const std::string name = SignalName(signal);
    ASSERT_EQ(name.rfind("SIG", 0), 0u) << "signal " << signal << " has no name";
    EXPECT_EQ(SignalFromName(name), signal) << name;
  }
}

// A student reads plain words for the signals their programs usually die of.
TEST(SignalDescriptionTest, DescribesCommonSignalsInPlainWords) {
  EXPECT_EQ(SignalDescription(SIGSEGV), "segmentation fault");
  EXPECT_EQ(SignalDescription(SIGBUS), "bus error");
  EXPECT_EQ(SignalDescription(SIGABRT), "aborted");
  EXPECT_EQ(SignalDescription(SIGKILL), "killed");
  EXPECT_EQ(SignalDescription(SIGTERM), "terminated");
  EXPECT_EQ(SignalDescription(SIGINT), "interrupted");
  EXPECT_EQ(SignalDescription(SIGPIPE), "broken pipe");
  EXPECT_EQ(SignalDescription(SIGFPE), "arithmetic error");
  EXPECT_EQ(SignalDescription(SIGXCPU), "CPU time limit exceeded");
  EXPECT_EQ(SignalDescription(SIGXFSZ), "file size limit exceeded");
  EXPECT_EQ(SignalDescription(SIGILL), "illegal instruction");
  EXPECT_EQ(SignalDescription(SIGHUP), "hangup");
  EXPECT_EQ(SignalDescription(SIGALRM), "alarm clock");
}

// Job-control and user signals have descriptions too.
TEST(SignalDescriptionTest, DescribesOtherNamedSignals) {
  EXPECT_EQ(SignalDescription(SIGUSR1), "user signal 1");
  EXPECT_EQ(SignalDescription(SIGUSR2), "user signal 2");
  EXPECT_EQ(SignalDescription(SIGSTOP), "stopped");
  EXPECT_EQ(SignalDescription(SIGCONT), "continued");
  EXPECT_EQ(SignalDescription(SIGCHLD), "child stopped or exited");
}

// Signals without a name are real-time ones in 32..64, and unknown beyond.
TEST(SignalDescriptionTest, DescribesUnnamedSignals) {
  EXPECT_EQ(SignalDescription(42), "real-time signal");
  EXPECT_EQ(SignalDescription(64), "real-time signal");
  EXPECT_EQ(SignalDescription(65), "unknown signal");
  EXPECT_EQ(SignalDescription(0), "unknown signal");
}

}  // namespace
}  // namespace labgrade
