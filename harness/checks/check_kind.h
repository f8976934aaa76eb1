// How a check kind's file pair becomes a CheckKind (spec/kind_registry.h): its typed spec's
// reader and evaluator, written as plain functions, wrapped once. A check that names a group of
// instances by its `instance` is evaluated for each member, and the members' results are summed
// up (AddGroupResults).
//
//   const TypedCheckKind<ExitCheck> kKind({.read = Read, .evaluate = Evaluate});
//   const CheckKeyRegistration kKey("exit", 100, kKind);
#pragma once

#include <cassert>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "harness/spec/kind_registry.h"
#include "harness/spec/lab_spec.h"
#include "harness/test_context.h"
#include "harness/verdict.h"

namespace labgrade {

/// Adds the results of a check that named `group`, one per member in order: one result, in the
/// group's words, when all passed; else the first three failures, and a fourth naming the rest.
void AddGroupResults(TestContext& test, const std::string& group,
                     const std::vector<std::string>& members, std::vector<CheckResult> results);

template <typename Spec>
class TypedCheckKind final : public CheckKind {
 public:
  struct Functions {
    std::optional<Spec> (*read)(const CheckRead& read) = nullptr;
    CheckResult (*evaluate)(TestContext& test, const Spec& check) = nullptr;
    /// For a check that names a group: finishes member `index`'s copy of `check`, whose
    /// instance is the member already. Null: nothing more to do.
    void (*pair_member)(const Spec& check, std::size_t index, const TestContext& test,
                        Spec& copy) = nullptr;
    /// The lab files the check reads; null for none.
    void (*add_lab_files)(const Spec& check, std::vector<std::string>& files) = nullptr;
    /// The programs' output streams the check reads; null for none.
    void (*add_streams_read)(const Spec& check, std::vector<StreamRead>& reads) = nullptr;
  };

  explicit TypedCheckKind(Functions functions) : functions_(functions) {}

  std::optional<Check> Read(const CheckRead& read) const override {
    std::optional<Spec> spec = functions_.read(read);
    if (!spec) return std::nullopt;
    return Check(*this, std::move(*spec));
  }

  void Evaluate(TestContext& test, const Check& check) const override {
    const Spec& spec = SpecOf(check);
    if constexpr (requires { spec.instance; }) {
      if (test.IsGroup(spec.instance)) {
        const std::vector<std::string> members = test.Members(spec.instance);
        std::vector<CheckResult> results;
        for (std::size_t i = 0; i < members.size(); ++i) {
          Spec copy = spec;
          copy.instance = members[i];
          if (functions_.pair_member) functions_.pair_member(spec, i, test, copy);
          results.push_back(functions_.evaluate(test, copy));
        }
        AddGroupResults(test, spec.instance, members, std::move(results));
        return;
      }
    }
    test.AddCheck(functions_.evaluate(test, spec));
  }

  void AddLabFiles(const Check& check, std::vector<std::string>& files) const override {
    if (functions_.add_lab_files) functions_.add_lab_files(SpecOf(check), files);
  }

  void AddStreamsRead(const Check& check, std::vector<StreamRead>& reads) const override {
    if (functions_.add_streams_read) functions_.add_streams_read(SpecOf(check), reads);
  }

 private:
  static const Spec& SpecOf(const Check& check) {
    const Spec* spec = check.As<Spec>();
    assert(spec != nullptr && "a check is evaluated by the kind that read it");
    return *spec;
  }

  Functions functions_;
};

}  // namespace labgrade
