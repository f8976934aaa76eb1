// cgroup v2 (Documentation/admin-guide/cgroup-v2.rst) and v1's memory and pids controllers.
//
// The grader moves itself into its subtree (v2: into `grader/` below it, since a v2 cgroup with
// controllers enabled for its children may hold no process itself), so that a subtree with no
// process left in it is one whose run has ended, however it ended: the next run removes it.
#include "harness/sandbox/cgroup.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace labgrade {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kMiB = 1024 * 1024;

std::string ReadText(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

/// Writes `text` to a cgroup control file; the errno text of the failure, or empty.
std::string WriteControl(const fs::path& path, const std::string& text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd.valid()) return fmt::format("open({}): {}", path.string(), std::strerror(errno));
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return fmt::format("write({}, \"{}\"): {}", path.string(), text, std::strerror(errno));
  return "";
}

/// The number after `key` in a "key value" file (memory.events, pids.events, oom_control).
std::int64_t KeyedValue(const fs::path& path, std::string_view key) {
  std::istringstream lines(ReadText(path));
  for (std::string name, value; lines >> name >> value;) {
    if (name == key) return std::strtoll(value.c_str(), nullptr, 10);
  }
  return 0;
}

bool HasWord(std::string_view list, std::string_view word) {
  std::istringstream words{std::string(list)};
  for (std::string each; words >> each;)
    if (each == word) return true;
  return false;
}

/// Whether `word` is one of the comma-separated names of `list` ("rw,memory").
bool HasListed(std::string_view list, std::string_view word) {
  std::string words(list);
  std::replace(words.begin(), words.end(), ',', ' ');
  return HasWord(words, word);
}

std::vector<pid_t> ProcessesIn(const fs::path& folder) {
  std::vector<pid_t> pids;
  std::istringstream lines(ReadText(folder / "cgroup.procs"));
  for (pid_t pid; lines >> pid;) pids.push_back(pid);
  return pids;
}

/// Whether no process is left anywhere in the subtree at `folder`.
bool SubtreeIsEmpty(const fs::path& folder) {
  if (!ProcessesIn(folder).empty()) return false;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_directory(ec) && !SubtreeIsEmpty(entry.path())) return false;
  }
  return true;
}

/// rmdir of a cgroup subtree, deepest first (cgroup folders are removed with rmdir, never
/// unlinked file by file).
void RemoveSubtree(const fs::path& folder) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_directory(ec)) RemoveSubtree(entry.path());
  }
  ::rmdir(folder.c_str());
}

/// A fresh uniquely named child of `parent`: labgrade-XXXXXX.
std::variant<fs::path, std::string> MakeTreeFolder(const fs::path& parent) {
  std::string pattern = (parent / "labgrade-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    return fmt::format("mkdir under {}: {}", parent.string(), std::strerror(errno));
  return fs::path(pattern);
}

/// The folder's name made safe for a cgroup: letters, digits, '-' and '_'.
std::string SafeName(std::string_view name) {
  std::string safe;
  for (char c : name) safe += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  return safe.empty() ? "program" : safe.substr(0, 64);
}

}  // namespace

std::vector<CgroupMembership> ParseProcCgroup(std::string_view text) {
  std::vector<CgroupMembership> members;
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);) {
    const auto first = line.find(':');
    const auto second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    members.push_back({line.substr(first + 1, second - first - 1), line.substr(second + 1)});
  }
  return members;
}

std::vector<CgroupMount> ParseCgroupMounts(std::string_view mountinfo) {
  std::vector<CgroupMount> mounts;
  std::istringstream lines{std::string(mountinfo)};
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point;
    fields >> id >> parent >> device >> root >> mount_point;
    std::string field;
    while (fields >> field && field != "-") {
    }
    std::string type, source, options;
    fields >> type >> source >> options;
    if (type != "cgroup" && type != "cgroup2") continue;
    mounts.push_back({mount_point, root, type == "cgroup2", options});
  }
  return mounts;
}

std::optional<fs::path> CgroupFolder(const std::vector<CgroupMembership>& members,
                                     const std::vector<CgroupMount>& mounts,
                                     std::string_view controller) {
  const bool v2 = controller.empty();
  for (const CgroupMembership& member : members) {
    // v1 names its controllers, comma-separated ("cpu,cpuacct"); v2's line names none.
    if (v2 ? !member.controllers.empty() : !HasListed(member.controllers, controller)) continue;
    for (const CgroupMount& mount : mounts) {
      if (mount.v2 != v2 || (!v2 && !HasListed(mount.options, controller))) continue;
      std::string path = member.path;
      // A mount of a sub-hierarchy (in a container, say) shows what is below its root.
      if (mount.root != "/") {
        if (path.rfind(mount.root, 0) != 0) continue;
        path = path.substr(mount.root.size());
      }
      const fs::path below = fs::path(path).relative_path();
      return below.empty() ? mount.mount_point : mount.mount_point / below;
    }
  }
  return std::nullopt;
}

std::variant<std::unique_ptr<CgroupTree>, std::string> CgroupTree::Create() {
  const auto members = ParseProcCgroup(ReadText("/proc/self/cgroup"));
  const auto mounts = ParseCgroupMounts(ReadText("/proc/self/mountinfo"));
  std::unique_ptr<CgroupTree> tree(new CgroupTree);
  const std::string self = std::to_string(::getpid());

  std::string v2_problem = "no cgroup v2 hierarchy is mounted";
  if (auto own = CgroupFolder(members, mounts, "")) {
    const std::string controllers = ReadText(*own / "cgroup.controllers");
    if (!HasWord(controllers, "memory") || !HasWord(controllers, "pids")) {
      v2_problem =
          fmt::format("cgroup v2 has no memory and pids controllers for {}", own->string());
    } else {
      auto made = MakeTreeFolder(*own);
      if (auto* error = std::get_if<std::string>(&made)) {
        v2_problem = *error;
      } else {
        const fs::path root = std::get<fs::path>(made);
        std::error_code ec;
        fs::create_directory(root / "grader", ec);
        std::string problem =
            ec ? fmt::format("mkdir {}: {}", (root / "grader").string(), ec.message())
               : WriteControl(root / "grader" / "cgroup.procs", self);
        if (problem.empty())
          problem = WriteControl(*own / "cgroup.subtree_control", "+memory +pids");
        if (problem.empty())
          problem = WriteControl(root / "cgroup.subtree_control", "+memory +pids");
        if (problem.empty()) {
          tree->v2_ = true;
          tree->memory_root_ = root;
          tree->RemoveStaleSiblings();
          return tree;
        }
        // Back where it was: the parent's controllers were not changed if this failed.
        WriteControl(*own / "cgroup.procs", self);
        RemoveSubtree(root);
        v2_problem = problem;
      }
    }
  }

  const auto memory = CgroupFolder(members, mounts, "memory");
  const auto pids = CgroupFolder(members, mounts, "pids");
  if (!memory || !pids) return v2_problem + ", and no cgroup v1 memory and pids hierarchies";
  auto memory_made = MakeTreeFolder(*memory);
  if (auto* error = std::get_if<std::string>(&memory_made)) return *error;
  tree->memory_root_ = std::get<fs::path>(memory_made);
  tree->pids_root_ = *pids / tree->memory_root_.filename();
  std::string problem;
  if (::mkdir(tree->pids_root_.c_str(), 0755) != 0)
    problem = fmt::format("mkdir({}): {}", tree->pids_root_.string(), std::strerror(errno));
  if (problem.empty()) problem = WriteControl(tree->memory_root_ / "cgroup.procs", self);
  if (problem.empty()) problem = WriteControl(tree->pids_root_ / "cgroup.procs", self);
  if (!problem.empty()) {
    WriteControl(*memory / "cgroup.procs", self);
    WriteControl(*pids / "cgroup.procs", self);
    RemoveSubtree(tree->memory_root_);
    RemoveSubtree(tree->pids_root_);
    return problem;
  }
  tree->RemoveStaleSiblings();
  return tree;
}

CgroupTree::~CgroupTree() {
  // The grader itself is inside until it exits, so only its programs' folders can go now; the
  // rest is an empty subtree the next run removes.
  std::error_code ec;
  for (const fs::path& root : {memory_root_, pids_root_}) {
    if (root.empty()) continue;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
      if (entry.is_directory(ec) && entry.path().filename() != "grader")
        RemoveSubtree(entry.path());
    }
  }
}

std::string CgroupTree::Describe() const { return v2_ ? "cgroup v2" : "cgroup v1 (memory, pids)"; }

void CgroupTree::RemoveStaleSiblings() const {
  for (const fs::path& root : {memory_root_, pids_root_}) {
    if (root.empty()) continue;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root.parent_path(), ec)) {
      const std::string name = entry.path().filename().string();
      if (entry.path() == root || name.rfind("labgrade-", 0) != 0 || !entry.is_directory(ec))
        continue;
      // Every live run holds its own grader inside its subtree.
      if (SubtreeIsEmpty(entry.path())) RemoveSubtree(entry.path());
    }
  }
}

std::variant<std::unique_ptr<ProgramCgroup>, std::string> CgroupTree::ForProgram(
    std::string_view name, int memory_mib, int processes) {
  std::unique_ptr<ProgramCgroup> program(new ProgramCgroup);
  program->v2_ = v2_;
  program->memory_mib_ = memory_mib;
  const std::string folder = fmt::format("{}-{}", SafeName(name), next_++);
  const std::string memory_bytes = std::to_string(static_cast<std::int64_t>(memory_mib) * kMiB);
  program->folders_.push_back(memory_root_ / folder);
  if (!v2_) program->folders_.push_back(pids_root_ / folder);
  for (const fs::path& made : program->folders_) {
    if (::mkdir(made.c_str(), 0755) != 0)
      return fmt::format("mkdir({}): {}", made.string(), std::strerror(errno));
  }
  const fs::path& memory = program->folders_.front();
  const fs::path& pids = program->folders_.back();
  std::string problem =
      WriteControl(memory / (v2_ ? "memory.max" : "memory.limit_in_bytes"), memory_bytes);
  if (problem.empty()) problem = WriteControl(pids / "pids.max", std::to_string(processes));
  if (!problem.empty()) return problem;
  if (v2_) {
    // No swap to hide in, and an OOM kill ends the whole program, not one of its children.
    WriteControl(memory / "memory.swap.max", "0");
    WriteControl(memory / "memory.oom.group", "1");
  } else {
    WriteControl(memory / "memory.memsw.limit_in_bytes", memory_bytes);
  }
  for (const fs::path& made : program->folders_) {
    UniqueFd procs(::open((made / "cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC));
    if (!procs.valid())
      return fmt::format("open({}): {}", (made / "cgroup.procs").string(), std::strerror(errno));
    program->procs_.push_back(std::move(procs));
  }
  return program;
}

ProgramCgroup::~ProgramCgroup() {
  procs_.clear();
  if (folders_.empty()) return;
  const fs::path& memory = folders_.front();
  // Normally empty already: the program's cell is gone. Whatever is left is killed first, and
  // the folders go once the kernel has let the last process out.
  if (v2_) WriteControl(memory / "cgroup.kill", "1");
  for (int round = 0; round < 200; ++round) {
    bool empty = true;
    for (const fs::path& folder : folders_) {
      for (pid_t pid : ProcessesIn(folder)) {
        empty = false;
        ::kill(pid, SIGKILL);
      }
    }
    if (empty) break;
    // No event says when a killed process has left: wait on cgroup.events (v2 notifies a change
    // of "populated" with POLLPRI), or a short while on v1.
    UniqueFd events(::open((memory / "cgroup.events").c_str(), O_RDONLY | O_CLOEXEC));
    pollfd watch{events.get(), POLLPRI, 0};
    ::poll(&watch, events.valid() ? 1 : 0, 10);
  }
  for (const fs::path& folder : folders_) ::rmdir(folder.c_str());
}

std::vector<int> ProgramCgroup::join_fds() const {
  std::vector<int> fds;
  for (const UniqueFd& fd : procs_) fds.push_back(fd.get());
  return fds;
}

bool ProgramCgroup::MemoryLimitKilled() const {
  const fs::path& memory = folders_.front();
  return KeyedValue(memory / (v2_ ? "memory.events" : "memory.oom_control"), "oom_kill") > 0;
}

bool ProgramCgroup::ProcessLimitReached() const {
  return KeyedValue(folders_.back() / "pids.events", "max") > 0;
}

}  // namespace labgrade
