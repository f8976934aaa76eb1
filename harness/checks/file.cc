// The `file:` check: reading, evaluating and registering it (see file.h).
#include "harness/checks/file.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <variant>

#include <fmt/format.h>

#include "harness/checks/check_kind.h"
#include "harness/probes/test_dir_files.h"
#include "harness/report_words.h"
#include "harness/spec/value_readers.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

/// The property a file check asserts, into `check`.
void ReadFileProperty(const SpecMap& map, const LabContext& lab, FileCheck& check) {
  const std::optional<std::string> which =
      map.OneOf({"same_as_file", "same_as_lab_file", "size", "mode", "exists"});
  if (!which) return;
  const SpecNode value = *map.Get(*which);
  if (*which == "same_as_file") {
    check.property = FileProperty::kSameAsFile;
    check.other = ReadTestDirPath(value).value_or("");
  } else if (*which == "same_as_lab_file") {
    check.property = FileProperty::kSameAsLabFile;
    check.other = ReadLabFile(value, lab.lab_dir).value_or("");
  } else if (*which == "size") {
    check.property = FileProperty::kSize;
    check.size_bytes = value.AsInteger(0, std::numeric_limits<std::int64_t>::max()).value_or(0);
  } else if (*which == "mode") {
    check.property = FileProperty::kMode;
    check.mode = ReadMode(value).value_or(0);
  } else {
    check.property = FileProperty::kExists;
    check.exists = value.AsBool().value_or(true);
  }
}

std::string FileCheckWords(const FileCheck& check) {
  switch (check.property) {
    case FileProperty::kSameAsFile:
    case FileProperty::kSameAsLabFile:
      return fmt::format("{} has the same bytes as {}", check.path, check.other);
    case FileProperty::kSize:
      return fmt::format("{} is {} long", check.path, Bytes(check.size_bytes));
    case FileProperty::kMode:
      return fmt::format("{} has permissions {:04o}", check.path, check.mode);
    case FileProperty::kExists:
      return check.exists ? fmt::format("{} exists", check.path)
                          : fmt::format("there is no {}", check.path);
  }
  return "";
}

/// Opens a regular file of the test directory for reading, or says why it cannot be checked.
std::variant<UniqueFd, CheckResult> OpenTestFile(TestContext& test, const std::string& what,
                                                 const std::string& path) {
  // O_NONBLOCK: a FIFO left where a file should be must not hang the grader.
  OpenedFile file = OpenBeneath(test.files_dir(), path, O_RDONLY | O_NONBLOCK);
  struct stat st {};
  if (!file.fd.valid() && file.error == ENOENT)
    return FailedCheck(what, fmt::format("there is no file {} in the test folder", path));
  if (!file.fd.valid() && (file.error == ELOOP || file.error == EXDEV))
    return FailedCheck(what, fmt::format("{} is a symbolic link, not a file", path));
  if (!file.fd.valid())
    return ErrorCheck(what, fmt::format("cannot open {}: {}", path, std::strerror(file.error)));
  if (::fstat(file.fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return FailedCheck(what, fmt::format("{} is not a regular file", path));
  return std::move(file.fd);
}

/// The verdict of a comparison of check.path (a) with check.other (b).
CheckResult SameBytesResult(TestContext& test, const std::string& what, const FileCheck& check,
                            const FileComparison& c) {
  CheckResult result;
  result.what = what;
  if (c.equal()) return result;
  const std::string& path = check.path;
  const std::string& other = check.other;
  if (c.first_difference >= 0) {
    result = FailedCheck(
        what, fmt::format("{} differs from {} at byte {} ({} has 0x{:02x}, {} has "
                          "0x{:02x})",
                          path, other, c.first_difference, other, c.byte_b, path, c.byte_a));
  } else if (c.size_a > c.size_b && test.state().made_files.count(path)) {
    result = FailedCheck(
        what, fmt::format("{} is {} long but {} is {}: the first {} match, the old "
                          "tail was left — truncate {} (O_TRUNC or ftruncate)",
                          path, Bytes(c.size_a), other, c.size_b, Bytes(c.size_b), path));
  } else if (c.size_a > c.size_b) {
    result = FailedCheck(
        what, fmt::format("{} is {} long but {} is {}: the first {} match, then "
                          "{} goes on",
                          path, Bytes(c.size_a), other, c.size_b, Bytes(c.size_b), path));
  } else if (c.size_a == 0) {
    result =
        FailedCheck(what, fmt::format("{} is empty but {} is {}", path, other, Bytes(c.size_b)));
  } else {
    result = FailedCheck(
        what, fmt::format("{} is only {} long but {} is {}: the first {} match, "
                          "then {} stops",
                          path, Bytes(c.size_a), other, c.size_b, Bytes(c.size_a), path));
  }
  if (c.size_a != c.size_b) {
    result.expected = Bytes(c.size_b);
    result.actual = Bytes(c.size_a);
  }
  result.difference =
      Difference{true, c.first_difference >= 0 ? c.first_difference : std::min(c.size_a, c.size_b),
                 c.size_b, c.size_a, ""};
  return result;
}

CheckResult EvaluateSameBytes(TestContext& test, const std::string& what, const FileCheck& check,
                              int fd) {
  UniqueFd other;
  if (check.property == FileProperty::kSameAsLabFile) {
    const std::filesystem::path path = test.lab().lab_dir / check.other;
    other.Reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!other.valid())
      return ErrorCheck(what, fmt::format("cannot read the lab's file {}", check.other));
  } else {
    auto opened = OpenTestFile(test, what, check.other);
    if (auto* result = std::get_if<CheckResult>(&opened)) return std::move(*result);
    other = std::move(std::get<UniqueFd>(opened));
  }
  const std::optional<FileComparison> compared = CompareFiles(fd, other.get());
  if (!compared)
    return ErrorCheck(what, fmt::format("cannot compare {} with {}: {}", check.path, check.other,
                                        std::strerror(errno)));
  return SameBytesResult(test, what, check, *compared);
}

CheckResult EvaluateExists(TestContext& test, const std::string& what, const FileCheck& check) {
  OpenedFile file = OpenBeneath(test.files_dir(), check.path, O_PATH);
  const bool exists = file.fd.valid() || file.error == ELOOP;  // a symbolic link is something
  CheckResult result;
  result.what = what;
  if (exists != check.exists) {
    result = FailedCheck(what, check.exists
                                   ? fmt::format("there is no {} in the test folder", check.path)
                                   : fmt::format("{} exists, but should not", check.path));
  }
  return result;
}

std::optional<FileCheck> Read(const CheckRead& read) {
  const SpecNode& node = read.body;
  const LabContext& lab = read.lab;
  const std::optional<SpecMap> map =
      SpecMap::Read(node, {"path", "same_as_file", "same_as_lab_file", "size", "mode", "exists"});
  if (!map) return std::nullopt;
  ErrorWatch watch(node.sink());
  FileCheck check;
  check.mark = node.mark();
  if (const std::optional<SpecNode> path = map->Get("path", Presence::kRequired)) {
    check.path = ReadTestDirPath(*path).value_or("");
  }
  ReadFileProperty(*map, lab, check);
  if (!watch.clean()) return std::nullopt;
  return check;
}

CheckResult Evaluate(TestContext& test, const FileCheck& check) {
  const std::string what = FileCheckWords(check);
  if (check.property == FileProperty::kExists) return EvaluateExists(test, what, check);
  auto opened = OpenTestFile(test, what, check.path);
  if (auto* result = std::get_if<CheckResult>(&opened)) return std::move(*result);
  const UniqueFd& fd = std::get<UniqueFd>(opened);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return ErrorCheck(what, fmt::format("fstat({}): {}", check.path, std::strerror(errno)));
  if (check.property == FileProperty::kSize && st.st_size != check.size_bytes)
    return FailedCheck(what, fmt::format("{} is {} long", check.path, Bytes(st.st_size)),
                       Bytes(check.size_bytes), Bytes(st.st_size));
  const unsigned mode = st.st_mode & 07777;
  if (check.property == FileProperty::kMode && mode != check.mode)
    return FailedCheck(what, fmt::format("{} has permissions {:04o}", check.path, mode),
                       fmt::format("{:04o}", check.mode), fmt::format("{:04o}", mode));
  if (check.property == FileProperty::kSameAsFile || check.property == FileProperty::kSameAsLabFile)
    return EvaluateSameBytes(test, what, check, fd.get());
  CheckResult passed;
  passed.what = what;
  return passed;
}

void AddLabFiles(const FileCheck& check, std::vector<std::string>& files) {
  if (check.property == FileProperty::kSameAsLabFile) files.push_back(check.other);
}

const TypedCheckKind<FileCheck> kKind({.read = Read,
                                       .evaluate = Evaluate,
                                       .add_lab_files = AddLabFiles});
const CheckKeyRegistration kFileKey("file", 700, kKind);

}  // namespace
}  // namespace labgrade
