// Cells: per-thread namespaces (unshare/setns), the cell's init, and coming back to the host.
#include "harness/process/cell.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "harness/process/program_launcher.h"

namespace labgrade {
namespace {

std::string ErrnoText(const std::string& call) {
  return fmt::format("{}: {}", call, std::strerror(errno));
}

std::variant<UniqueFd, std::string> OpenNamespace(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoText(fmt::format("open({})", path));
  return UniqueFd(fd);
}

/// Brings up "lo" in the calling thread's network namespace (a new one has it down).
std::optional<std::string> BringLoopbackUp() {
  UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock.valid()) return ErrnoText("socket(AF_INET, SOCK_DGRAM)");
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(sock.get(), SIOCGIFFLAGS, &request) != 0) return ErrnoText("ioctl(lo, SIOCGIFFLAGS)");
  request.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (::ioctl(sock.get(), SIOCSIFFLAGS, &request) != 0) return ErrnoText("ioctl(lo, SIOCSIFFLAGS)");
  return std::nullopt;
}

bool WriteProcFile(const std::string& path, const std::string& text) {
  std::ofstream file(path);
  file << text;
  file.flush();
  return static_cast<bool>(file);
}

/// Writes the calling thread's IPC namespace's System V limits (ipc sysctls are per namespace
/// and /proc/sys/kernel reads the writer's own); the reason when one cannot be set, else empty.
std::string SetSysvLimits(const SysvLimits& limits) {
  for (auto [name, value] :
       {std::pair{"shmmax", limits.max_segment_bytes}, std::pair{"shmall", limits.max_total_pages},
        std::pair{"shmmni", static_cast<std::int64_t>(limits.max_segments)}}) {
    const std::string path = fmt::format("/proc/sys/kernel/{}", name);
    if (!WriteProcFile(path, std::to_string(value)))
      return ErrnoText(fmt::format("write({}, {})", path, value));
  }
  return "";
}

}  // namespace

std::variant<HostNamespaces, std::string> HostNamespaces::Open() {
  HostNamespaces host;
  struct Entry {
    const char* name;
    UniqueFd* fd;
  };
  for (Entry entry : {Entry{"ipc", &host.ipc}, Entry{"net", &host.net}, Entry{"uts", &host.uts},
                      Entry{"pid", &host.pid}}) {
    auto opened = OpenNamespace(fmt::format("/proc/thread-self/ns/{}", entry.name));
    if (auto* error = std::get_if<std::string>(&opened)) return *error;
    *entry.fd = std::move(std::get<UniqueFd>(opened));
  }
  return host;
}

std::variant<std::unique_ptr<Cell>, std::string> Cell::Enter(
    const HostNamespaces& host, const std::filesystem::path& init_executable,
    const CellSetup& setup) {
  // Decided before anything changes: the init builds it between fork and exec.
  auto plan = CellFilesystemPlan::Prepare(setup.filesystem);
  if (auto* error = std::get_if<std::string>(&plan)) return *error;
  std::unique_ptr<Cell> cell(new Cell(host));
  // From here on, the destructor brings the thread back whatever fails.
  if (::unshare(CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS) != 0) {
    std::string error = ErrnoText("unshare(CLONE_NEWIPC|CLONE_NEWNET|CLONE_NEWUTS)");
    // Nothing was entered, so nothing to leave: where namespaces are refused (a container
    // without CAP_SYS_ADMIN, such as Gradescope's), setns back would be refused too.
    cell->killed_ = true;
    cell->left_ = true;
    return error;
  }
  if (auto error = BringLoopbackUp()) {
    cell->killed_ = true;
    cell->Leave();
    return *error;
  }
  if (setup.sysv) cell->sysv_limits_problem_ = SetSysvLimits(*setup.sysv);
  if (::unshare(CLONE_NEWPID) != 0) {
    std::string error = ErrnoText("unshare(CLONE_NEWPID)");
    cell->killed_ = true;
    cell->Leave();
    return error;
  }
  int control[2];
  if (::pipe2(control, O_CLOEXEC) != 0) {
    std::string error = ErrnoText("pipe2");
    cell->killed_ = true;
    cell->Leave();
    return error;
  }
  UniqueFd control_read(control[0]);
  cell->init_control_.Reset(control[1]);

  // Exec'd through a descriptor: the init moves into the cell's own root before exec, where the
  // init_executable's folder is not.
  UniqueFd init_file(::open(init_executable.c_str(), O_RDONLY | O_CLOEXEC));
  if (!init_file.valid()) {
    std::string error = ErrnoText(fmt::format("open({})", init_executable.string()));
    cell->killed_ = true;
    cell->Leave();
    return error;
  }
  LaunchSpec init;
  init.executable = fmt::format("/proc/self/fd/{}", init_file.get());
  // ps would show "/proc/self/fd/N": the name an administrator can look up (the init sets its
  // 15-character comm to "labgrade-cell" as well).
  init.argv0 = "labgrade-cell-init";
  init.sandbox.keep_until_exec_fd = init_file.get();
  init.working_dir = "/";
  init.stdin_fd = control_read.get();
  init.sandbox.cell_filesystem = &std::get<CellFilesystemPlan>(plan);
  // The first child after unshare(CLONE_NEWPID) becomes PID 1 of the new namespace.
  LaunchOutcome launched = LaunchProgram(init);
  if (auto* failure = std::get_if<LaunchError>(&launched)) {
    cell->killed_ = true;
    cell->Leave();
    return fmt::format("starting the cell's init: {}", failure->message);
  }
  cell->init_pid_ = std::get<LaunchedProcess>(launched).pid;
  // Children of this thread are born in its own PID namespace again, so that it can start
  // threads; each later launch into the cell names the cell's PID namespace instead.
  if (::setns(host.pid.get(), CLONE_NEWPID) != 0) {
    std::string error = ErrnoText("setns(host PID namespace)");
    cell.reset();
    return error;
  }
  for (auto [name, fd] :
       {std::pair{"mnt", &cell->mount_namespace_}, std::pair{"pid", &cell->pid_namespace_}}) {
    auto opened = OpenNamespace(fmt::format("/proc/{}/ns/{}", cell->init_pid_, name));
    if (auto* error = std::get_if<std::string>(&opened)) {
      std::string message = *error;
      cell.reset();
      return message;
    }
    *fd = std::move(std::get<UniqueFd>(opened));
  }
  auto root = OpenNamespace(fmt::format("/proc/{}/root", cell->init_pid_));
  if (auto* error = std::get_if<std::string>(&root)) {
    std::string message = *error;
    cell.reset();
    return message;
  }
  cell->root_ = std::move(std::get<UniqueFd>(root));
  return cell;
}

std::variant<UniqueFd, std::string> Cell::OpenFolder(const std::filesystem::path& path) const {
  const std::string relative = path.relative_path().string();
  int fd = ::openat(root_.get(), relative.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoText(fmt::format("open({} in the cell)", path.string()));
  return UniqueFd(fd);
}

Cell::~Cell() {
  KillAll();
  Leave();
}

void Cell::KillAll() {
  if (killed_) return;
  killed_ = true;
  if (init_pid_ > 0) {
    ::kill(init_pid_, SIGKILL);
    init_control_.Reset();
    while (::waitpid(init_pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

void Cell::Leave() {
  if (left_) return;
  left_ = true;
  mount_namespace_.Reset();
  pid_namespace_.Reset();
  root_.Reset();
  // Back to where the thread came from; these cannot fail for namespaces we were in, and a
  // thread left in a cell would put the next test's programs in the wrong place, so check.
  bool ok =
      ::setns(host_.pid.get(), CLONE_NEWPID) == 0 && ::setns(host_.ipc.get(), CLONE_NEWIPC) == 0 &&
      ::setns(host_.net.get(), CLONE_NEWNET) == 0 && ::setns(host_.uts.get(), CLONE_NEWUTS) == 0;
  if (!ok) {
    fmt::print(stderr, "labgrade: internal error: {}\n", ErrnoText("setns back to the host"));
    std::abort();
  }
}

namespace {

/// The unprivileged sequence: a user namespace mapped to an inner non-root id, then namespaces
/// of its own (owned by that user namespace) for the harness to come back to from its cells:
/// setns() into the real host's namespaces needs privileges there that it does not have.
std::optional<std::string> MoveIntoOwnNamespaces(uid_t uid, gid_t gid) {
  if (::unshare(CLONE_NEWUSER) != 0) return ErrnoText("unshare(CLONE_NEWUSER)");
  // setgroups must be denied before an unprivileged process may write gid_map.
  constexpr unsigned kInnerId = 1000;
  if (!WriteProcFile("/proc/self/setgroups", "deny"))
    return ErrnoText("write(/proc/self/setgroups, deny)");
  if (!WriteProcFile("/proc/self/uid_map", fmt::format("{} {} 1\n", kInnerId, uid)))
    return ErrnoText("write(/proc/self/uid_map)");
  if (!WriteProcFile("/proc/self/gid_map", fmt::format("{} {} 1\n", kInnerId, gid)))
    return ErrnoText("write(/proc/self/gid_map)");
  if (::unshare(CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWNS) != 0)
    return ErrnoText("unshare(CLONE_NEWPID|CLONE_NEWIPC|CLONE_NEWNET|CLONE_NEWUTS|CLONE_NEWNS)");
  return std::nullopt;
}

/// In the first child of the new PID namespace: a /proc that shows that namespace, so that
/// /proc/PID names the processes the harness started (pids are the new namespace's now).
std::optional<std::string> MountOwnProc() {
  if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return ErrnoText("mount(/, MS_REC|MS_PRIVATE)");
  if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
    return ErrnoText("mount(proc on /proc)");
  return std::nullopt;
}

/// Waits for the harness child and leaves with its status. A termination request is passed on
/// (the harness, PID 1 of its namespace, takes it with sigwait and cleans up: see
/// grading/interruption.h); a second one becomes SIGKILL.
[[noreturn]] void WaitForHarnessAndExit(pid_t harness) {
  sigset_t requests;
  sigemptyset(&requests);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&requests, sig);
  ::sigprocmask(SIG_BLOCK, &requests, nullptr);
  int requests_passed_on = 0;
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(harness, &status, WNOHANG);
    if (done == harness) {
      if (WIFEXITED(status)) ::_exit(WEXITSTATUS(status));
      ::_exit(128 + WTERMSIG(status));
    }
    int sig = 0;
    ::sigwait(&requests, &sig);
    if (sig == SIGCHLD) continue;
    ::kill(harness, requests_passed_on++ == 0 ? sig : SIGKILL);
  }
}

}  // namespace

std::optional<std::string> EnterOwnUserNamespace() {
  uid_t uid = ::geteuid();
  gid_t gid = ::getegid();
  if (uid == 0) return std::nullopt;
  // Half-entered user namespaces cannot be left, so a child tries first; only when the whole
  // sequence works there does the process itself move.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) return ErrnoText("pipe2");
  pid_t probe = ::fork();
  if (probe < 0) return ErrnoText("fork");
  if (probe == 0) {
    auto error = MoveIntoOwnNamespaces(uid, gid);
    if (!error) {
      // The /proc mount can only be tried from inside the new PID namespace.
      pid_t inside = ::fork();
      if (inside == 0) ::_exit(MountOwnProc() ? 1 : 0);
      int inside_status = 0;
      ::waitpid(inside, &inside_status, 0);
      if (!WIFEXITED(inside_status) || WEXITSTATUS(inside_status) != 0)
        error = "mount(proc on /proc) in a new PID namespace: not permitted";
    }
    if (error) {
      ssize_t ignored = ::write(report[1], error->data(), error->size());
      (void)ignored;
    }
    ::_exit(error ? 1 : 0);
  }
  ::close(report[1]);
  std::string message(512, '\0');
  ssize_t got = ::read(report[0], message.data(), message.size());
  ::close(report[0]);
  int status = 0;
  while (::waitpid(probe, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return got > 0 ? message.substr(0, static_cast<std::size_t>(got))
                   : "user namespace probe failed";
  if (auto error = MoveIntoOwnNamespaces(uid, gid)) return error;
  // unshare(CLONE_NEWPID) applies to children: the harness goes on in a child, PID 1 of the
  // new namespace, and this process only waits for it.
  pid_t harness = ::fork();
  if (harness < 0) return ErrnoText("fork");
  if (harness > 0) WaitForHarnessAndExit(harness);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  return MountOwnProc();
}

std::optional<std::string> ProbeCellSupport(const HostNamespaces& host,
                                            const std::filesystem::path& init_executable,
                                            const std::filesystem::path& scratch) {
  CellSetup setup;
  setup.filesystem.root_mount_point = scratch;
  auto entered = Cell::Enter(host, init_executable, setup);
  if (auto* error = std::get_if<std::string>(&entered)) {
    std::string advice;
    if (std::ifstream("/proc/sys/kernel/apparmor_restrict_unprivileged_userns").good())
      advice =
          " (AppArmor restricts unprivileged user namespaces here; "
          "`sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` lifts it)";
    else if (::geteuid() != 0)
      advice =
          " (unprivileged user namespaces may be disabled: see "
          "`sysctl kernel.unprivileged_userns_clone` and `user.max_user_namespaces`)";
    return fmt::format("cannot create a test cell: {}{}", *error, advice);
  }
  return std::nullopt;
}

}  // namespace labgrade
