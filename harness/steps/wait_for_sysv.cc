// The `wait_for_sysv:` step: reading, carrying out and registering it (see wait_for_sysv.h).
#include "harness/steps/wait_for_sysv.h"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "harness/probes/ipcs_probe.h"
#include "harness/probes/proc_stat.h"
#include "harness/probes/sysv_objects.h"
#include "harness/probes/sysv_table.h"
#include "harness/report_words.h"
#include "harness/spec/placeholders.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/stall_watch.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<WaitForSysvStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const InstanceTable& instances = read.names.instances;
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"kind", "key_file", "proj_id", "key", "timeout_ms", "created_by"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  WaitForSysvStep step;
  step.mark = node.mark();
  const bool keyed = ReadSysvObject(*map, step);
  ReadNumberInto(*map, "timeout_ms", 1, step.timeout_ms);
  step.instance = ReadInstance(*map, "created_by", instances, kBeforeThisStep, Presence::kOptional)
                      .value_or("");
  step.any_key = !keyed && map->Has("created_by");
  if (!watch.clean()) return std::nullopt;
  return step;
}

/// Who runs `instance`'s programs: its role's sandbox uid, or the grader's own.
uid_t UidOf(TestContext& test, const std::string& instance) {
  const Instance* found = test.FindInstance(instance);
  const Role role = found != nullptr ? found->role : Role::kStudent;
  return test.Identity(role).uid.value_or(::geteuid());
}

/// The live processes of `instance`: it and its descendants; none once it has exited.
std::vector<int> TreeOf(TestContext& test, const std::string& instance) {
  ProgramRun* run = test.FindRun(instance);
  if (run == nullptr || run->Exited()) return {};
  return ProcessTree(ProcReader(), run->pid());
}

bool Contains(const std::vector<int>& pids, int pid) {
  return pid > 0 && std::find(pids.begin(), pids.end(), pid) != pids.end();
}

/// The instances that may have created `row`, best evidence first: for a segment, the instance
/// whose processes include its creator's pid (shm_cpid); for a semaphore set, one whose
/// processes last operated on one of its semaphores (semctl GETPID, set by semop and SETVAL);
/// otherwise, in a cell, the running instances whose uid created it (cuid): one when the
/// creator's uid is unique among them. The kernel keeps no creator pid for semaphore sets and
/// queues.
std::vector<std::string> PossibleCreators(TestContext& test, const SysvTableRow& row) {
  std::map<std::string, std::vector<int>> trees;
  for (const std::string& name : test.start_order()) trees[name] = TreeOf(test, name);
  std::vector<int> last_pids;
  if (row.kind == SysvKind::kSharedMemory) last_pids = {row.cpid};
  if (row.kind == SysvKind::kSemaphoreSet) last_pids = SemaphoreLastPids(row.id, row.nsems);
  std::vector<std::string> found;
  for (const auto& [name, tree] : trees) {
    for (int pid : last_pids) {
      if (Contains(tree, pid)) {
        found.push_back(name);
        break;
      }
    }
  }
  // The uid is evidence only in the test's own IPC namespace: on the shared host any process of
  // that uid (another grader's run, say) may have made the object.
  if (!found.empty() || row.kind == SysvKind::kSharedMemory || test.cell() == nullptr) return found;
  for (const auto& [name, tree] : trees) {
    if (!tree.empty() && UidOf(test, name) == row.cuid) found.push_back(name);
  }
  return found;
}

bool MadeByTheHarness(TestContext& test, const SysvTableRow& row) {
  return test.state().harness_created.count({row.kind, row.key}) > 0;
}

/// Whether an object of the step's kind that `step.instance` created exists. False after a
/// grader error.
bool CreatedObjectExists(TestContext& test, const WaitForSysvStep& step) {
  std::string error;
  const auto rows = ReadSysvTable(step.kind, &error);
  if (!rows) return test.GraderError(error);
  for (const SysvTableRow& row : *rows) {
    if (MadeByTheHarness(test, row)) continue;
    const std::vector<std::string> creators = PossibleCreators(test, row);
    if (creators.size() == 1 && creators.front() == step.instance) return true;
  }
  return false;
}

/// "; the test has a shared memory segment with key 0x00001234 (created by writer)": the
/// objects that exist, for a wait that timed out. On the host only the sandbox users' objects,
/// never another user's.
std::string ExistingObjectsWords(TestContext& test) {
  std::set<uid_t> ours;
  for (Role role : {Role::kStudent, Role::kReference}) {
    if (test.Identity(role).uid) ours.insert(*test.Identity(role).uid);
  }
  if (test.cell() == nullptr && ours.empty()) return "";
  std::vector<std::string> objects;
  for (SysvKind kind :
       {SysvKind::kSharedMemory, SysvKind::kSemaphoreSet, SysvKind::kMessageQueue}) {
    const auto rows = ReadSysvTable(kind, nullptr);
    if (!rows) continue;
    for (const SysvTableRow& row : *rows) {
      if (test.cell() == nullptr && !ours.count(row.cuid)) continue;
      const std::vector<std::string> creators = PossibleCreators(test, row);
      std::string by = MadeByTheHarness(test, row) ? " (made by the test's create_sysv)"
                       : creators.size() == 1      ? fmt::format(" (created by {})", creators[0])
                       : creators.empty()
                           ? ""
                           : fmt::format(" (created by one of {})", fmt::join(creators, ", "));
      objects.push_back(fmt::format("a {} with key 0x{:08x}{}", SysvKindWords(kind), row.key, by));
    }
  }
  if (objects.empty()) return "; there is no System V object at all";
  constexpr std::size_t kMostNamed = 5;
  const std::size_t more = objects.size() > kMostNamed ? objects.size() - kMostNamed : 0;
  objects.resize(objects.size() - more);
  return fmt::format("; there is {}{}", fmt::join(objects, ", "),
                     more > 0 ? fmt::format(" and {} more", more) : "");
}

bool Execute(TestContext& test, const WaitForSysvStep& step) {
  std::optional<std::uint32_t> key;
  if (!step.any_key) {
    key = SysvKeyOf(test.files_dir(), step.fixed_key, step.key_file, step.proj_id);
    if (!key) return test.GraderError(fmt::format("cannot compute the key of {}", step.key_file));
  }
  std::string creator = step.instance.empty() ? "the program" : step.instance;
  std::string what =
      key ? fmt::format("{} creates a {} for key 0x{:08x}", creator, SysvKindWords(step.kind), *key)
          : fmt::format("{} creates a {}", creator, SysvKindWords(step.kind));
  ProgramRun* run = test.FindRun(step.instance);
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + std::chrono::milliseconds(step.timeout_ms);
  StallWatch stall(test, deadline);
  Clock::duration pause{};
  for (;;) {
    if (key ? SysvObjectExists(step.kind, *key) : CreatedObjectExists(test, step)) return true;
    if (!test.grader_error().empty()) return false;
    if (run != nullptr && run->Exited()) {
      return test.StepFailed(what, fmt::format("{} ended before creating it: it {}", creator,
                                               test.instances()[step.instance].EndWords()));
    }
    // "no semaphore set with key ... appeared within 5 s", or "... appeared (ended early ...)".
    const auto missing = [&](const std::string& when) {
      return (key ? fmt::format("no {} with {} appeared {}", SysvKindWords(step.kind),
                                SysvKeyWords(step.fixed_key, step.key_file, step.proj_id, *key),
                                when)
                  : fmt::format("no {} created by {} appeared {}", SysvKindWords(step.kind),
                                creator, when)) +
             ExistingObjectsWords(test);
    };
    if (Clock::now() >= deadline)
      return test.StepFailed(what, missing(fmt::format("within {}", Seconds(step.timeout_ms))));
    if (const std::optional<std::string> why = stall.Stalled())
      return test.StepFailed(what, missing(fmt::format("({})", EndedEarlyWords(start, *why))));
    // There is no notification for a new IPC object: look again soon, but wake at once if
    // the creator exits meanwhile.
    pause = TestContext::NextPollPause(pause);
    test.PollPause(run, std::min(deadline, Clock::now() + pause));
  }
}

void AddPlaceholderNames(const WaitForSysvStep& step, const LabSpec&, PlaceholderNames& names) {
  if (step.fixed_key) {
    names.fixed_names.push_back(fmt::format("the System V key 0x{:08x}", *step.fixed_key));
  } else if (!step.any_key) {
    names.key_files.insert(step.key_file);
  }
}

const TypedStepKind<WaitForSysvStep> kKind({.read = Read,
                                            .execute = Execute,
                                            .add_placeholder_names = AddPlaceholderNames});
const StepKeyRegistration kWaitForSysvKey("wait_for_sysv", 300, kKind);

}  // namespace
}  // namespace labgrade
