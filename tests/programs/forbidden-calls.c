/* Tries the system calls the seccomp filter refuses (harness/sandbox/seccomp_filter.h) and the
 * ones it must let through, and prints one line each: "ptrace: EPERM", "fork: ok". Harmless
 * without the filter too: it traces only its own child, mounts on a path that does not exist,
 * and gives the other calls arguments they refuse. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

static void Report(const char* name, long result) {
    if (result >= 0)
        printf("%s: ok\n", name);
    else
        printf("%s: %s\n", name, errno == EPERM ? "EPERM" : errno == ENOSYS ? "ENOSYS" : strerrorname_np(errno));
}

static void* Nothing(void* unused) { return unused; }

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    pid_t target = fork();
    if (target == 0) {
        pause();
        _exit(0);
    }
    long traced = ptrace(PTRACE_ATTACH, target, NULL, NULL);
    int saved = errno;
    if (target > 0) {
        kill(target, SIGKILL);
        waitpid(target, NULL, 0);
    }
    errno = saved;
    Report("ptrace", target < 0 ? -1 : traced);
    char buffer[8];
    struct iovec local = {buffer, sizeof buffer};
    struct iovec remote = {(void*)&buffer, sizeof buffer};
    Report("process_vm_readv", process_vm_readv(getpid(), &local, 1, &remote, 1, 0));
    Report("unshare", unshare(CLONE_NEWUSER));
    Report("mount", mount("none", "/nonexistent-labgrade-mount-point", "tmpfs", 0, NULL));
    Report("bpf", syscall(SYS_bpf, BPF_PROG_LOAD, NULL, 0));
    Report("io_uring_setup", syscall(SYS_io_uring_setup, 1, NULL));
    Report("clone3", syscall(SYS_clone3, NULL, 0));
    /* A new network namespace through clone(): the child would exit at once. */
    long cloned = syscall(SYS_clone, CLONE_NEWNET | SIGCHLD, NULL, NULL, NULL, NULL);
    if (cloned == 0) _exit(0);
    if (cloned > 0) waitpid((pid_t)cloned, NULL, 0);
    Report("clone(CLONE_NEWNET)", cloned);
    /* What every program needs still works: fork, threads, spawning a program. */
    pid_t child = fork();
    if (child == 0) _exit(0);
    if (child > 0) waitpid(child, NULL, 0);
    Report("fork", child);
    pthread_t thread;
    int created = pthread_create(&thread, NULL, Nothing, NULL);
    if (created == 0) pthread_join(thread, NULL);
    errno = created;
    Report("pthread_create", created == 0 ? 0 : -1);
    pid_t spawned;
    char* argv[] = {"true", NULL};
    int status = posix_spawn(&spawned, "/bin/true", NULL, NULL, argv, environ);
    if (status == 0) waitpid(spawned, NULL, 0);
    errno = status;
    Report("posix_spawn", status == 0 ? 0 : -1);
    return 0;
}
