/* Hostile: forks without end; every child forks too. The sandbox must contain it (RLIMIT_NPROC,
 * the cell) and the harness must survive and kill every copy. Each copy says once on standard
 * output that a fork failed and why, so a test can tell that the process limit was reached.
 * Runs only inside a cell (see only-in-a-cell.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "only-in-a-cell.h"

int main(void) {
    RefuseOutsideACell("fork-bomb");
    int reported = 0;
    for (;;) {
        if (fork() < 0 && !reported) {
            char line[128];
            int length = snprintf(line, sizeof line, "fork failed: %s\n", strerror(errno));
            ssize_t ignored = write(1, line, (size_t)length);
            (void)ignored;
            reported = 1;
        }
    }
}
