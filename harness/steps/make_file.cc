// The `make_file:` step: reading, carrying out and registering it (see make_file.h).
#include "harness/steps/make_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "harness/probes/test_dir_files.h"
#include "harness/spec/value_readers.h"
#include "harness/steps/step_kind.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

/// The bytes of `content` into `fd`: a lab file is copied, anything else written.
bool FillFile(TestContext& test, int fd, const MakeFileStep& step) {
  if (const auto* file = std::get_if<StdinFile>(&step.content)) {
    const std::filesystem::path from = test.lab().lab_dir / file->path;
    UniqueFd source(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
    if (!source.valid() || !CopyAll(source.get(), fd))
      return test.GraderError(
          fmt::format("cannot copy {} to {}: {}", from.string(), step.path, std::strerror(errno)));
    return true;
  }
  auto bytes = test.StdinBytes(step.content);
  if (!bytes) return false;
  if (*bytes && !WriteAll(fd, **bytes))
    return test.GraderError(fmt::format("cannot write {}: {}", step.path, std::strerror(errno)));
  return true;
}

std::optional<MakeFileStep> Read(const StepRead& read) {
  const SpecNode& node = read.body;
  const LabContext& lab = read.lab;
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"path", "text", "from_lab_file", "random_bytes", "seed", "mode"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  MakeFileStep step;
  step.mark = node.mark();
  if (const std::optional<SpecNode> path = map->Get("path", Presence::kRequired)) {
    step.path = ReadTestDirPath(*path).value_or("");
  }
  step.content = ReadByteSource(*map, "from_lab_file", lab.lab_dir).value_or(StdinNone{});
  ReadModeInto(*map, "mode", step.mode);
  if (!watch.clean()) return std::nullopt;
  return step;
}

bool Execute(TestContext& test, const MakeFileStep& step) {
  auto [parent, name] = OpenParentBeneath(test.files_dir(), step.path);
  if (!parent.fd.valid())
    return test.GraderError(fmt::format("cannot make {}: its folder cannot be opened: {}",
                                        step.path, std::strerror(parent.error)));
  // A program may have left something there already, a symbolic link even: replace it.
  ::unlinkat(parent.fd.get(), name.c_str(), 0);
  UniqueFd file(::openat(parent.fd.get(), name.c_str(),
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!file.valid())
    return test.GraderError(
        fmt::format("cannot create {} in the test folder: {}", step.path, std::strerror(errno)));
  test.state().made_files.insert(step.path);
  return FillFile(test, file.get(), step) && test.GiveToSandbox(file.get(), step.path, step.mode);
}

void AddLabFiles(const MakeFileStep& step, std::vector<std::string>& files) {
  AddLabFileOf(step.content, files);
}

const TypedStepKind<MakeFileStep> kKind({.read = Read,
                                         .execute = Execute,
                                         .add_lab_files = AddLabFiles});
const StepKeyRegistration kMakeFileKey("make_file", 800, kKind);

}  // namespace
}  // namespace labgrade
