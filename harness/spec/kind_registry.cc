#include "harness/spec/kind_registry.h"

#include <algorithm>
#include <cassert>

#include "harness/spec/placeholders.h"

namespace labgrade {
namespace {

/// Inserts `entry` into `entries`, kept in rank order.
template <typename Entry>
void InsertByRank(std::vector<Entry>& entries, Entry entry) {
  assert(std::none_of(entries.begin(), entries.end(), [&](const Entry& known) {
    return known.key == entry.key || known.rank == entry.rank;
  }));
  const auto at = std::upper_bound(entries.begin(), entries.end(), entry.rank,
                                   [](int rank, const Entry& known) { return rank < known.rank; });
  entries.insert(at, std::move(entry));
}

template <typename Entry>
const Entry* FindKey(const std::vector<Entry>& entries, std::string_view key) {
  const auto found = std::find_if(entries.begin(), entries.end(),
                                  [&](const Entry& entry) { return entry.key == key; });
  return found == entries.end() ? nullptr : &*found;
}

}  // namespace

KindRegistry& KindRegistry::Mutable() {
  // Constructed on first use, so registrations from any file's static initializers find it.
  static KindRegistry registry;
  return registry;
}

const KindRegistry& Kinds() { return KindRegistry::Mutable(); }

PlaceholderNames PlaceholdersOfTest(const TestSpec& test, const LabSpec& lab) {
  PlaceholderNames names;
  names.key_files.insert("keyfile");
  for (const Step& step : test.steps) step.kind().AddPlaceholderNames(step, lab, names);
  for (const std::string& port : names.ports) {
    if (IsFixedPort(port)) names.fixed_names.push_back("port " + port);
  }
  return names;
}

std::vector<StreamRead> StreamsReadByTest(const TestSpec& test) {
  std::vector<StreamRead> reads;
  for (const Check& check : test.checks) check.kind().AddStreamsRead(check, reads);
  return reads;
}

const StepKey* KindRegistry::FindStep(std::string_view key) const { return FindKey(steps_, key); }

const CheckKey* KindRegistry::FindCheck(std::string_view key) const {
  return FindKey(checks_, key);
}

std::vector<std::string_view> KindRegistry::StepActions() const {
  std::vector<std::string_view> keys;
  for (const StepKey& step : steps_) keys.push_back(step.key);
  return keys;
}

std::vector<std::string_view> KindRegistry::StepSiblingKeys() const {
  std::vector<std::string_view> keys;
  for (const StepKey& step : steps_) {
    for (std::string_view key : step.sibling_keys) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
  }
  return keys;
}

std::vector<std::string_view> KindRegistry::ActionsAllowing(std::string_view sibling_key) const {
  std::vector<std::string_view> actions;
  for (const StepKey& step : steps_) {
    const auto& siblings = step.sibling_keys;
    if (std::find(siblings.begin(), siblings.end(), sibling_key) != siblings.end()) {
      actions.push_back(step.key);
    }
  }
  return actions;
}

std::vector<std::string_view> KindRegistry::CheckKeys() const {
  std::vector<std::string_view> keys;
  for (const CheckKey& check : checks_) keys.push_back(check.key);
  return keys;
}

StepKeyRegistration::StepKeyRegistration(std::string_view key, int rank, const StepKind& kind,
                                         std::vector<std::string_view> sibling_keys) {
  InsertByRank(KindRegistry::Mutable().steps_, StepKey{key, rank, &kind, std::move(sibling_keys)});
}

CheckKeyRegistration::CheckKeyRegistration(std::string_view key, int rank, const CheckKind& kind) {
  InsertByRank(KindRegistry::Mutable().checks_, CheckKey{key, rank, &kind});
}

}  // namespace labgrade
