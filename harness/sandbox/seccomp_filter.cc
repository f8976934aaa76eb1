// The deny-list filter in classic BPF (seccomp(2), "Filter programs"). Each refused call is two
// instructions, "is it this one? then EPERM"; clone(2) is refused only with a namespace flag, and
// clone3(2), whose flags sit in memory a filter cannot read, answers ENOSYS so that the C library
// falls back to clone(2), as it does on older kernels (Docker's default profile does the same).
#include "harness/sandbox/seccomp_filter.h"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

namespace labgrade {
namespace {

struct RefusedCall {
  const char* name;
  long number;
};

#define LABGRADE_REFUSED(call) \
  RefusedCall { #call, SYS_##call }

/// What a student's program never needs and could use against other programs or the machine.
constexpr RefusedCall kRefused[] = {
    // Other processes' memory and registers.
    LABGRADE_REFUSED(ptrace),
    LABGRADE_REFUSED(process_vm_readv),
    LABGRADE_REFUSED(process_vm_writev),
    LABGRADE_REFUSED(kcmp),
    // The cell itself: mounts and namespaces.
    LABGRADE_REFUSED(mount),
    LABGRADE_REFUSED(umount2),
    LABGRADE_REFUSED(pivot_root),
    LABGRADE_REFUSED(chroot),
    LABGRADE_REFUSED(setns),
    LABGRADE_REFUSED(unshare),
    LABGRADE_REFUSED(open_tree),
    LABGRADE_REFUSED(move_mount),
    LABGRADE_REFUSED(fsopen),
    LABGRADE_REFUSED(fsconfig),
    LABGRADE_REFUSED(fsmount),
    LABGRADE_REFUSED(fspick),
    LABGRADE_REFUSED(mount_setattr),
    LABGRADE_REFUSED(open_by_handle_at),
    LABGRADE_REFUSED(name_to_handle_at),
    // Kernel interfaces with a history of privilege escalations, and io_uring, whose operations
    // a seccomp filter does not see.
    LABGRADE_REFUSED(bpf),
    LABGRADE_REFUSED(perf_event_open),
    LABGRADE_REFUSED(userfaultfd),
    LABGRADE_REFUSED(keyctl),
    LABGRADE_REFUSED(add_key),
    LABGRADE_REFUSED(request_key),
    LABGRADE_REFUSED(io_uring_setup),
    LABGRADE_REFUSED(io_uring_enter),
    LABGRADE_REFUSED(io_uring_register),
    // The machine: root needs these anyway, so they only make the list complete.
    LABGRADE_REFUSED(kexec_load),
    LABGRADE_REFUSED(kexec_file_load),
    LABGRADE_REFUSED(init_module),
    LABGRADE_REFUSED(finit_module),
    LABGRADE_REFUSED(delete_module),
    LABGRADE_REFUSED(reboot),
    LABGRADE_REFUSED(swapon),
    LABGRADE_REFUSED(swapoff),
    LABGRADE_REFUSED(acct),
    LABGRADE_REFUSED(quotactl),
    LABGRADE_REFUSED(syslog),
    LABGRADE_REFUSED(vhangup),
};

#undef LABGRADE_REFUSED

constexpr std::uint32_t kNamespaceCloneFlags = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS |
                                               CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
                                               CLONE_NEWNET;

#if defined(__x86_64__)
constexpr std::uint32_t kArchitecture = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t kArchitecture = AUDIT_ARCH_AARCH64;
#endif

sock_filter Statement(std::uint16_t code, std::uint32_t k) { return BPF_STMT(code, k); }

sock_filter Jump(std::uint16_t code, std::uint32_t k, std::uint8_t if_true, std::uint8_t if_false) {
  return BPF_JUMP(code, k, if_true, if_false);
}

}  // namespace

std::variant<SeccompFilter, std::string> StudentSeccompFilter() {
#if defined(__x86_64__) || defined(__aarch64__)
  constexpr std::uint32_t kNumber = offsetof(seccomp_data, nr);
  constexpr std::uint32_t kArch = offsetof(seccomp_data, arch);
  // The low 32 bits of the first argument (both architectures are little-endian).
  constexpr std::uint32_t kFirstArgument = offsetof(seccomp_data, args);
  const std::uint32_t refuse = SECCOMP_RET_ERRNO | EPERM;
  SeccompFilter filter;
  auto& code = filter.instructions;
  // A call made through another ABI (32-bit int 0x80 on x86_64) has other numbers: kill.
  code.push_back(Statement(BPF_LD | BPF_W | BPF_ABS, kArch));
  code.push_back(Jump(BPF_JMP | BPF_JEQ | BPF_K, kArchitecture, 1, 0));
  code.push_back(Statement(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
  code.push_back(Statement(BPF_LD | BPF_W | BPF_ABS, kNumber));
#if defined(__x86_64__)
  // x32 calls are numbered from 0x40000000 and would dodge every comparison below.
  code.push_back(Jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 0, 1));
  code.push_back(Statement(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS));
#endif
  for (const RefusedCall& call : kRefused) {
    code.push_back(Jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(call.number), 0, 1));
    code.push_back(Statement(BPF_RET | BPF_K, refuse));
  }
  code.push_back(Jump(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1));
  code.push_back(Statement(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS));
  code.push_back(Jump(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 4));
  code.push_back(Statement(BPF_LD | BPF_W | BPF_ABS, kFirstArgument));
  code.push_back(Jump(BPF_JMP | BPF_JSET | BPF_K, kNamespaceCloneFlags, 0, 1));
  code.push_back(Statement(BPF_RET | BPF_K, refuse));
  code.push_back(Statement(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  code.push_back(Statement(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  return filter;
#else
  return std::string("labgrade has no seccomp filter for this architecture");
#endif
}

int InstallSeccompFilter(const SeccompFilter& filter) {
  sock_fprog program{};
  program.len = static_cast<unsigned short>(filter.instructions.size());
  program.filter = const_cast<sock_filter*>(filter.instructions.data());
  return ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program, 0, 0);
}

std::vector<std::string> RefusedSystemCalls() {
  std::vector<std::string> names;
  for (const RefusedCall& call : kRefused) names.emplace_back(call.name);
  return names;
}

}  // namespace labgrade
