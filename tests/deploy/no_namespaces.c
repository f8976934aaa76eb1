// no-namespaces COMMAND [ARG...]: runs COMMAND under a seccomp filter that refuses what Docker's
// default profile refuses a container without CAP_SYS_ADMIN, such as Gradescope's: creating or
// joining namespaces (unshare, setns, clone with a CLONE_NEW* flag; clone3, whose flags a filter
// cannot read, answers ENOSYS so that the C library falls back to clone, as under Docker) and
// mounting. The filter holds for every process COMMAND starts. For tests/deploy only.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: no-namespaces COMMAND [ARG...]\n");
    return 2;
  }
  scmp_filter_ctx filter = seccomp_init(SCMP_ACT_ALLOW);
  if (filter == NULL) {
    fprintf(stderr, "no-namespaces: seccomp_init failed\n");
    return 1;
  }
  const unsigned long namespace_flags[] = {CLONE_NEWNS,  CLONE_NEWCGROUP, CLONE_NEWUTS,
                                           CLONE_NEWIPC, CLONE_NEWUSER,   CLONE_NEWPID,
                                           CLONE_NEWNET, CLONE_NEWTIME};
  int failed = 0;
  failed |= seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 0);
  failed |= seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setns), 0);
  failed |= seccomp_rule_add(filter, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
  failed |= seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mount), 0);
  failed |= seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(umount2), 0);
  failed |= seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(pivot_root), 0);
  // clone's first argument holds its flags (x86_64, aarch64): one rule per namespace flag.
  for (size_t i = 0; i < sizeof namespace_flags / sizeof namespace_flags[0]; ++i) {
    failed |= seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                               SCMP_A0(SCMP_CMP_MASKED_EQ, namespace_flags[i], namespace_flags[i]));
  }
  if (failed != 0) {
    fprintf(stderr, "no-namespaces: seccomp_rule_add failed: %s\n", strerror(-failed));
    seccomp_release(filter);
    return 1;
  }
  const int loaded = seccomp_load(filter);
  seccomp_release(filter);
  if (loaded != 0) {
    fprintf(stderr, "no-namespaces: seccomp_load failed: %s\n", strerror(-loaded));
    return 1;
  }
  execvp(argv[1], argv + 1);
  fprintf(stderr, "no-namespaces: execvp(%s): %s\n", argv[1], strerror(errno));
  return 127;
}
