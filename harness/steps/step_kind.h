// How a step kind's file pair becomes a StepKind (spec/kind_registry.h): its typed spec's reader
// and executor, written as plain functions, wrapped once. A step that names a group of instances
// (`start:` with `count:`) by its `instance` is carried out for each member in turn.
//
//   const TypedStepKind<WaitExitStep> kKind({.read = Read, .execute = Execute});
//   const StepKeyRegistration kKey("wait_exit", 400, kKind);
#pragma once

#include <cassert>
#include <optional>
#include <string>

#include "harness/spec/kind_registry.h"
#include "harness/spec/lab_spec.h"
#include "harness/test_context.h"

namespace labgrade {

template <typename Spec>
class TypedStepKind final : public StepKind {
 public:
  struct Functions {
    std::optional<Spec> (*read)(const StepRead& read) = nullptr;
    /// False when the test cannot go on.
    bool (*execute)(TestContext& test, const Spec& step) = nullptr;
    /// The placeholders the step names; null for none.
    void (*add_placeholder_names)(const Spec& step, const LabSpec& lab,
                                  PlaceholderNames& names) = nullptr;
    /// The lab files the step reads; null for none.
    void (*add_lab_files)(const Spec& step, std::vector<std::string>& files) = nullptr;
    /// Whether a step that names a group by `instance` is carried out for each member; false
    /// for the step that makes the group.
    bool for_each_member = true;
  };

  explicit TypedStepKind(Functions functions) : functions_(functions) {}

  std::optional<Step> Read(const StepRead& read) const override {
    std::optional<Spec> spec = functions_.read(read);
    if (!spec) return std::nullopt;
    return Step(*this, std::move(*spec));
  }

  bool Execute(TestContext& test, const Step& step) const override {
    const Spec& spec = SpecOf(step);
    if constexpr (requires { spec.instance; }) {
      if (functions_.for_each_member && test.IsGroup(spec.instance)) {
        for (const std::string& member : test.Members(spec.instance)) {
          Spec copy = spec;
          copy.instance = member;
          if (!functions_.execute(test, copy)) return false;
        }
        return true;
      }
    }
    return functions_.execute(test, spec);
  }

  void AddPlaceholderNames(const Step& step, const LabSpec& lab,
                           PlaceholderNames& names) const override {
    if (functions_.add_placeholder_names)
      functions_.add_placeholder_names(SpecOf(step), lab, names);
  }

  void AddLabFiles(const Step& step, std::vector<std::string>& files) const override {
    if (functions_.add_lab_files) functions_.add_lab_files(SpecOf(step), files);
  }

 private:
  static const Spec& SpecOf(const Step& step) {
    const Spec* spec = step.As<Spec>();
    assert(spec != nullptr && "a step is carried out by the kind that read it");
    return *spec;
  }

  Functions functions_;
};

}  // namespace labgrade
