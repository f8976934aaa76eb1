/* mmcount.c - a counter in an anonymous mapping, shared with a child process or copied into it
 * (starter code).
 *
 * Usage: mmcount [-p] N
 * Maps an anonymous region holding a counter (MAP_SHARED, or MAP_PRIVATE with -p), forks; the
 * child adds 1 to the counter N times and exits; the parent waits for it and prints
 * "counter=V". See README.md for the full contract.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

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
    if (optind != argc - 1) {
        fprintf(stderr, "usage: %s [-p] N\n", argv[0]);
        return 1;
    }
    (void)sharing; /* TODO: remove this line once you use `sharing` below */

    /* TODO: N = strtoul(argv[optind], ...); reject anything that is not a whole number. */

    /* TODO: map one counter: mmap(NULL, size, PROT_READ | PROT_WRITE, sharing | MAP_ANONYMOUS,
     * -1, 0). It starts at 0. Use a `volatile` pointer, so that the compiler really does N
     * loads and stores instead of folding the loop into one addition. */

    /* TODO: fork(). The child adds 1 to the counter N times and leaves with _exit(0). */

    /* TODO: the parent waits for the child with waitpid() (this also reaps it: no zombie),
     * then prints "counter=V\n" and munmap()s the counter. */

    return 0;
}
