// The `create_sysv:` step: reading, carrying out and registering it (see create_sysv.h).
#include "harness/steps/create_sysv.h"

#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "harness/probes/ipcs_probe.h"
#include "harness/report_words.h"
#include "harness/spec/placeholders.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<CreateSysvStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"kind", "key_file", "proj_id", "key", "size"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  CreateSysvStep step;
  step.mark = node.mark();
  ReadSysvObject(*map, step);
  ReadNumberInto(*map, "size", 1, step.size);
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const CreateSysvStep& step) {
  auto key = SysvKeyOf(test.files_dir(), step.fixed_key, step.key_file, step.proj_id);
  if (!key) return test.GraderError(fmt::format("cannot compute the key of {}", step.key_file));
  key_t k = static_cast<key_t>(*key);
  const int flags = IPC_CREAT | IPC_EXCL | 0600;
  int id = -1;
  bool owned = false;
  // Owned by the sandbox user, as if an earlier run of the student's program left it.
  uid_t uid = test.Identity(Role::kStudent).uid.value_or(::geteuid());
  gid_t gid = test.Identity(Role::kStudent).gid.value_or(::getegid());
  switch (step.kind) {
    case SysvKind::kSemaphoreSet: {
      id = ::semget(k, step.size, flags);
      semid_ds ds{};
      ds.sem_perm.uid = uid;
      ds.sem_perm.gid = gid;
      ds.sem_perm.mode = 0600;
      owned = id >= 0 && ::semctl(id, 0, IPC_SET, &ds) == 0;
      break;
    }
    case SysvKind::kSharedMemory: {
      id = ::shmget(k, static_cast<size_t>(step.size), flags);
      shmid_ds ds{};
      ds.shm_perm.uid = uid;
      ds.shm_perm.gid = gid;
      ds.shm_perm.mode = 0600;
      owned = id >= 0 && ::shmctl(id, IPC_SET, &ds) == 0;
      break;
    }
    case SysvKind::kMessageQueue: {
      id = ::msgget(k, flags);
      msqid_ds ds{};
      owned = id >= 0 && ::msgctl(id, IPC_STAT, &ds) == 0;
      ds.msg_perm.uid = uid;
      ds.msg_perm.gid = gid;
      owned = owned && ::msgctl(id, IPC_SET, &ds) == 0;
      break;
    }
  }
  if (id < 0 || !owned)
    return test.GraderError(fmt::format("cannot create a stale {} for key 0x{:08x}: {}",
                                        SysvKindWords(step.kind), *key, std::strerror(errno)));
  test.state().harness_created.insert({step.kind, *key});
  return true;
}

void AddPlaceholderNames(const CreateSysvStep& step, const LabSpec&, PlaceholderNames& names) {
  if (step.fixed_key) {
    names.fixed_names.push_back(fmt::format("the System V key 0x{:08x}", *step.fixed_key));
  } else {
    names.key_files.insert(step.key_file);
  }
}

const TypedStepKind<CreateSysvStep> kKind({.read = Read,
                                           .execute = Execute,
                                           .add_placeholder_names = AddPlaceholderNames});
const StepKeyRegistration kCreateSysvKey("create_sysv", 600, kKind);

}  // namespace
}  // namespace labgrade
