/* Reads its standard input to end of file, then prints "N bytes" and exits 0. It ignores
 * SIGTERM, so that only the end of its input (or SIGKILL) ends it: what shows whether the grader
 * closed a standard input it kept open. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    signal(SIGTERM, SIG_IGN);
    char buffer[1 << 16];
    long long total = 0;
    ssize_t got;
    while ((got = read(0, buffer, sizeof buffer)) > 0) total += got;
    if (got < 0) return 1;
    printf("%lld bytes\n", total);
    return 0;
}
