// The seccomp filter every student program and every build runs under: it refuses the system
// calls that reach other processes' memory (ptrace, process_vm_readv/writev), change what the
// cell is (mount, namespaces), or open doors the labs never need (BPF, perf events, keyrings,
// io_uring, kernel modules). Everything else is allowed: the filter is a deny list, because
// students' programs may call anything a lab could ask for.
//
// The filter is built in the grader (it allocates) and installed in the child between fork and
// exec (InstallSeccompFilter only makes the one system call), after PR_SET_NO_NEW_PRIVS.
#pragma once

#include <linux/filter.h>

#include <string>
#include <variant>
#include <vector>

namespace labgrade {

/// A classic-BPF seccomp program for the architecture labgrade was built for.
struct SeccompFilter {
  std::vector<sock_filter> instructions;
};

/// The filter for this machine's architecture (x86_64 or aarch64), or why there is none.
std::variant<SeccompFilter, std::string> StudentSeccompFilter();

/// Installs `filter` on the calling thread (and so on what it execs). Async-signal-safe: one
/// prctl(2). Needs PR_SET_NO_NEW_PRIVS first. Returns 0, or -1 with errno set.
int InstallSeccompFilter(const SeccompFilter& filter);

/// The system calls the filter refuses with EPERM, by name, for the README and the tests.
std::vector<std::string> RefusedSystemCalls();

}  // namespace labgrade
