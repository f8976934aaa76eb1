// The one table of step and check kinds. Each kind is a file pair of harness/steps/ or
// harness/checks/ holding its typed spec, its reader, what it does and its words for the report;
// it registers itself here under its YAML key (or keys). The loader finds a step's or a check's
// kind by key, the lists of keys in its messages come from this table, the scenario asks a
// step's or a check's kind to carry it out, and a test checks that labs/README.md documents
// every key, in the same order.
//
// Kinds register from the static initializers of their own .cc files (StepKeyRegistration,
// CheckKeyRegistration), so that adding one touches no list elsewhere; CMake links every object
// of the library (an OBJECT library) so that none is dropped. The table is filled before main()
// and only read afterwards.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;  // harness/test_context.h: the running test that steps and checks act on

/// The port and key-file placeholders a test's steps name, made ready before its steps run.
struct PlaceholderNames {
  std::set<std::string> ports;      ///< "port", "port:NAME"
  std::set<std::string> key_files;  ///< "keyfile", "keyfile:NAME"
  bool lab_folder = false;          ///< {labdir}: the cell then shows the lab's folder
  /// What the steps fix that host mode would share with the whole machine, in words ("the
  /// System V key 0x00001234", "port 9877"): such a test runs only in its own namespaces.
  std::vector<std::string> fixed_names;
};

/// The placeholders `test`'s steps name ("keyfile" always), and what they fix (fixed keys and
/// ports, in fixed_names): what the scenario makes ready, and what keeps a test out of host mode.
PlaceholderNames PlaceholdersOfTest(const TestSpec& test, const LabSpec& lab);

/// A kind of step: how one is read from YAML and carried out.
class StepKind {
 public:
  virtual ~StepKind() = default;
  /// Reads the step whose action is `read.key`, reporting every problem to the node's sink and
  /// adding what it defines to `read.names`; std::nullopt when it had a problem.
  virtual std::optional<Step> Read(const StepRead& read) const = 0;
  /// Carries out `step`, which is of this kind; false when the test cannot go on.
  virtual bool Execute(TestContext& test, const Step& step) const = 0;
  /// Adds the placeholders `step` names to `names`.
  virtual void AddPlaceholderNames(const Step& step, const LabSpec& lab,
                                   PlaceholderNames& names) const = 0;
  /// Adds the lab files `step` reads (relative to the lab folder) to `files`: what a lab bundle
  /// must carry (grading/lab_bundle.h).
  virtual void AddLabFiles(const Step& step, std::vector<std::string>& files) const = 0;
};

/// A kind of check: how one is read from YAML and evaluated.
class CheckKind {
 public:
  virtual ~CheckKind() = default;
  /// Reads the check whose key is `read.key`, reporting every problem to the node's sink;
  /// std::nullopt when it had a problem.
  virtual std::optional<Check> Read(const CheckRead& read) const = 0;
  /// Evaluates `check`, which is of this kind, once the test's programs have ended, adding its
  /// result (or, for a check that names a group, its members' results) to the test's.
  virtual void Evaluate(TestContext& test, const Check& check) const = 0;
  /// Adds the lab files `check` reads (relative to the lab folder) to `files`.
  virtual void AddLabFiles(const Check& check, std::vector<std::string>& files) const = 0;
  /// Adds the programs' output streams `check` reads to `reads`.
  virtual void AddStreamsRead(const Check& check, std::vector<StreamRead>& reads) const = 0;
};

/// The output streams `test`'s checks read.
std::vector<StreamRead> StreamsReadByTest(const TestSpec& test);

/// A YAML key of a step kind: the step's action.
struct StepKey {
  std::string_view key;
  /// Where the key stands in lists of keys (messages, labs/README.md's table of steps): lower
  /// first. The kinds of today are 100 apart, so that a new one fits between two.
  int rank = 0;
  const StepKind* kind = nullptr;
  /// The keys a step with this action may have beside it (`as:` of `start:`), in order.
  std::vector<std::string_view> sibling_keys;
};

/// A YAML key of a check kind.
struct CheckKey {
  std::string_view key;
  int rank = 0;  ///< as StepKey::rank, for labs/README.md's table of checks
  const CheckKind* kind = nullptr;
};

class KindRegistry;
/// The registered kinds. Complete once main() runs.
const KindRegistry& Kinds();

/// Every registered key, in rank order.
class KindRegistry {
 public:
  const std::vector<StepKey>& steps() const { return steps_; }
  const std::vector<CheckKey>& checks() const { return checks_; }
  /// The kind registered under `key`; null for none.
  const StepKey* FindStep(std::string_view key) const;
  const CheckKey* FindCheck(std::string_view key) const;
  /// The actions a step may have, one of which it must.
  std::vector<std::string_view> StepActions() const;
  /// The keys some action allows beside it, each once, in the order of the first action that
  /// allows it.
  std::vector<std::string_view> StepSiblingKeys() const;
  /// The actions that allow `sibling_key` beside them.
  std::vector<std::string_view> ActionsAllowing(std::string_view sibling_key) const;
  std::vector<std::string_view> CheckKeys() const;

 private:
  friend class StepKeyRegistration;
  friend class CheckKeyRegistration;
  friend const KindRegistry& Kinds();
  static KindRegistry& Mutable();

  std::vector<StepKey> steps_;
  std::vector<CheckKey> checks_;
};

/// Registers `kind` under the step action `key`: one object at namespace scope in the kind's
/// .cc file for each of its keys. A key or a rank given twice is a programming error (and the
/// documentation test fails).
class StepKeyRegistration {
 public:
  StepKeyRegistration(std::string_view key, int rank, const StepKind& kind,
                      std::vector<std::string_view> sibling_keys = {});
};

/// Registers `kind` under the check key `key`, as StepKeyRegistration does for steps.
class CheckKeyRegistration {
 public:
  CheckKeyRegistration(std::string_view key, int rank, const CheckKind& kind);
};

}  // namespace labgrade
