/* mmcount.c - reference solution of the mmap lab: a counter in an anonymous mapping, shared
 * with a child process or copied into it.
 *
 * Usage: mmcount [-p] N
 * Maps an anonymous region holding a counter (MAP_SHARED, or MAP_PRIVATE with -p), forks; the
 * child adds 1 to the counter N times and exits; the parent waits for it and prints
 * "counter=V". Shared, the parent sees the child's N increments; private, the child's stores go
 * to its own copy of the page (copy-on-write) and the parent still sees 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reads N, a decimal count in 0..ULONG_MAX. Returns 0, or -1 if `text` is not one. */
static int parse_count(const char* text, unsigned long* count) {
    char* end;
    if (text[0] < '0' || text[0] > '9') { /* strtoul() would accept "-1" and " 5" */
        return -1;
    }
    errno = 0;
    *count = strtoul(text, &end, 10);
    return errno != 0 || *end != '\0' ? -1 : 0;
}

/* Waits for `pid`, retrying when a signal interrupts the wait. Returns 0 if it exited with
 * status 0, or -1 after reporting how it ended. */
static int wait_for_child(pid_t pid) {
    int wstatus;
    while (waitpid(pid, &wstatus, 0) == -1) {
        if (errno != EINTR) {
            perror("mmcount: waitpid");
            return -1;
        }
    }
    if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
        return 0;
    }
    if (WIFSIGNALED(wstatus)) {
        fprintf(stderr, "mmcount: the child was killed by signal %d\n", WTERMSIG(wstatus));
    } else {
        fprintf(stderr, "mmcount: the child exited with status %d\n", WEXITSTATUS(wstatus));
    }
    return -1;
}

int main(int argc, char* argv[]) {
    int sharing = MAP_SHARED;
    int opt;
    while ((opt = getopt(argc, argv, "p")) != -1) {
        if (opt != 'p') {
            fprintf(stderr, "usage: %s [-p] N\n", argv[0]);
            return 1;
        }
        sharing = MAP_PRIVATE;
    }
    unsigned long n;
    if (optind != argc - 1 || parse_count(argv[optind], &n) == -1) {
        fprintf(stderr, "usage: %s [-p] N\n", argv[0]);
        return 1;
    }

    /* volatile: every increment is a real load and store in the mapped page. Without it the
     * compiler may turn the child's loop into a single `*counter += n`. An anonymous mapping
     * starts zero-filled, so the counter starts at 0. */
    volatile unsigned long* counter =
        mmap(NULL, sizeof *counter, PROT_READ | PROT_WRITE, sharing | MAP_ANONYMOUS, -1, 0);
    if (counter == MAP_FAILED) {
        perror("mmcount: mmap");
        return 1;
    }

    int status = 1;
    pid_t pid = fork();
    if (pid == -1) {
        perror("mmcount: fork");
        goto unmap;
    }
    if (pid == 0) {
        for (unsigned long i = 0; i < n; i++) {
            ++*counter;
        }
        _exit(0); /* not exit(): the parent's stdio buffers are its own to flush */
    }

    /* The child's increments are all in place only once it has exited; waiting also reaps it,
     * so that no zombie is left. */
    if (wait_for_child(pid) == 0) {
        printf("counter=%lu\n", *counter);
        if (fflush(stdout) == EOF) {
            perror("mmcount: stdout");
        } else {
            status = 0;
        }
    }

unmap:
    if (munmap((void*)counter, sizeof *counter) == -1) {
        perror("mmcount: munmap");
        status = 1;
    }
    return status;
}
