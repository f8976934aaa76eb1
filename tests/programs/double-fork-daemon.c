/* Hostile: daemonizes the classic way (fork, setsid, fork) and lives on forever, keeping the
 * standard output it inherited open. The process the harness started exits 0 as soon as the
 * daemon has announced itself, so its exit means the daemon exists. */
#include <unistd.h>

int main(void) {
    int ready[2];
    if (pipe(ready) != 0) return 1;
    if (fork() != 0) {
        char byte;
        close(ready[1]);
        return read(ready[0], &byte, 1) == 1 ? 0 : 1;
    }
    setsid();
    if (fork() != 0) _exit(0);
    (void)write(1, "daemon\n", 7);
    (void)write(ready[1], "x", 1);
    for (;;) pause();
}
