// What the readers of a test's steps and checks know besides the node they read: the lab's
// folder and programs, and the names the test has defined so far (instances, the built-in
// client's connections, descriptor baselines), with the readers that check a name was defined.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/spec/spec_reader.h"

namespace labgrade {

/// What the readers of tests need from the rest of the lab.
struct LabContext {
  std::filesystem::path lab_dir;
  /// Every program declared under `programs:`, even one with errors, so that a broken program
  /// is not reported again by every step that starts it.
  std::vector<std::string> program_names;
};

/// An instance a test has started so far.
struct InstanceRecord {
  int line = 0;
  bool has_stdin = false;
  bool stdin_kept_open = false;  ///< `stdin: { keep_open: true }`: a close_stdin step may close it
  int stdin_closed_line = 0;     ///< the line of the close_stdin step that closed it; 0: none yet
  int group_size = 0;  ///< > 0: a group (start with count:), whose members are NAME-1..NAME-N
};
using InstanceTable = std::map<std::string, InstanceRecord>;

/// The names a test defines as its steps go: instances, the built-in client's connections and
/// descriptor baselines, each with the line that defined it.
struct TestNames {
  InstanceTable instances;
  std::map<std::string, int> connections;
  std::map<std::string, int> baselines;
};

/// What the reader of a step has: the step's mapping, its action key and that key's value, and
/// what the test defined so far, which the reader adds to (the instances it starts, say).
struct StepRead {
  const SpecMap& step;
  const std::string& key;  ///< the action, e.g. "run"
  const SpecNode& body;    ///< the action key's value
  const LabContext& lab;
  TestNames& names;
};

/// What the reader of a check has: its key and that key's value, and what the test defined.
struct CheckRead {
  const std::string& key;  ///< e.g. "stdout"
  const SpecNode& body;    ///< the key's value
  const LabContext& lab;
  const TestNames& names;
};

/// Which names count, in "no instance 'x' was started <when>".
constexpr std::string_view kBeforeThisStep = "before this step";
constexpr std::string_view kInThisTest = "in this test";

/// An instance name, which must be in `instances`; `when` as for ReadInstance.
std::optional<std::string> ReadInstanceName(const SpecNode& node, const InstanceTable& instances,
                                            std::string_view when);

/// The instance `key` names, which must be in `instances`. `when` says which instances count:
/// kBeforeThisStep or kInThisTest.
std::optional<std::string> ReadInstance(const SpecMap& map, std::string_view key,
                                        const InstanceTable& instances, std::string_view when,
                                        Presence presence = Presence::kRequired);

/// The program a start/run step or an imports check names, which must be declared under
/// `programs:`.
std::optional<std::string> ReadProgramName(const SpecNode& node, const LabContext& lab);

/// A connection name of the built-in client, opened by an earlier `connect:`.
std::optional<std::string> ReadConnectionName(const SpecNode& node, const TestNames& names,
                                              std::string_view when);

}  // namespace labgrade
