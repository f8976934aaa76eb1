/* DEFECT no-wait: the parent prints the counter right after fork() without waiting for the
 * child, so it sees the count before the child has finished (usually 0), and the child is never
 * reaped by it. Private mode prints 0 either way. Caught by shared-counter (the child needs a
 * third of a second for N = 1000000000) and shared-mapping-while-counting (the parent never
 * blocks). */
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

    printf("counter=%lu\n", *counter);
    if (fflush(stdout) == EOF) {
        perror("mmcount: stdout");
    } else {
        status = 0;
    }

unmap:
    if (munmap((void*)counter, sizeof *counter) == -1) {
        perror("mmcount: munmap");
        status = 1;
    }
    return status;
}
