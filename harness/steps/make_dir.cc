// The `make_dir:` step: reading, carrying out and registering it (see make_dir.h).
#include "harness/steps/make_dir.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "harness/probes/test_dir_files.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

std::optional<MakeDirStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const std::optional<SpecMap> map = SpecMap::Read(node, {"path", "mode"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  MakeDirStep step;
  step.mark = node.mark();
  if (const std::optional<SpecNode> path = map->Get("path", Presence::kRequired)) {
    step.path = ReadTestDirPath(*path).value_or("");
  }
  ReadModeInto(*map, "mode", step.mode);
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const MakeDirStep& step) {
  auto [parent, name] = OpenParentBeneath(test.files_dir(), step.path);
  if (!parent.fd.valid() || ::mkdirat(parent.fd.get(), name.c_str(), 0700) != 0)
    return test.GraderError(fmt::format("cannot make the folder {} in the test folder: {}",
                                        step.path,
                                        std::strerror(parent.fd.valid() ? errno : parent.error)));
  UniqueFd folder(
      ::openat(parent.fd.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!folder.valid())
    return test.GraderError(fmt::format("cannot open {}: {}", step.path, std::strerror(errno)));
  return test.GiveToSandbox(folder.get(), step.path, step.mode);
}

const TypedStepKind<MakeDirStep> kKind({.read = Read, .execute = Execute});
const StepKeyRegistration kMakeDirKey("make_dir", 900, kKind);

}  // namespace
}  // namespace labgrade
