// labgrade-cell-init: PID 1 of a test's cell (see cell.h).
//
// It reaps every orphan that reparents to it (a daemonizing program's children end up here)
// and lives exactly as long as the harness holds its standard input open. When the harness
// kills it, the kernel kills every process left in the cell's PID namespace, daemons included.
//
// It carries none of the harness's code on purpose: a small, single-threaded PID 1 has nothing
// that can deadlock or leak into the cell.
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

void ReapAll() {
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

}  // namespace

int main() {
  // Exec'd as /proc/self/fd/N, its comm would be "N": a name an administrator recognises (and
  // the one tests look for as PID 1); its argv[0], labgrade-cell-init, is set by cell.cc.
  ::prctl(PR_SET_NAME, "labgrade-cell");
  sigset_t child;
  sigemptyset(&child);
  sigaddset(&child, SIGCHLD);
  // Blocked first, then read through a signalfd: no SIGCHLD is lost between checks.
  if (::sigprocmask(SIG_BLOCK, &child, nullptr) != 0) return 1;
  int children = ::signalfd(-1, &child, SFD_CLOEXEC);
  if (children < 0) return 1;
  ReapAll();

  for (;;) {
    pollfd fds[2] = {{children, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info;
      while (::read(children, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        if (!::poll(fds, 1, 0)) break;
      }
      ReapAll();
    }
    // The harness closed its end (or died): the cell is over.
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      char byte;
      if (::read(STDIN_FILENO, &byte, 1) <= 0) return 0;
    }
  }
}
