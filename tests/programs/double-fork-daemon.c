/* Hostile: daemonizes the classic way (fork, setsid, fork) and lives on forever, keeping the
 * standard output it inherited open (so the grader's pipe stays open while it lives).
 * The daemon writes its pid, as its own PID namespace numbers it, to daemon.pid in the working
 * directory. The process the harness started exits 0 as soon as the daemon is set up: once the
 * middle process has been reaped (so the daemon is an orphan, reparented to PID 1 of its
 * namespace) and the daemon has written its pid file. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    int ready[2];
    if (pipe(ready) != 0) return 1;
    pid_t middle = fork();
    if (middle < 0) return 1;
    if (middle == 0) {
        close(ready[0]);
        setsid();
        pid_t daemon = fork();
        if (daemon != 0) _exit(daemon < 0);
        FILE *pid_file = fopen("daemon.pid", "w");
        if (pid_file == NULL) _exit(1);
        fprintf(pid_file, "%d\n", (int)getpid());
        if (fclose(pid_file) != 0) _exit(1);
        ssize_t ignored = write(1, "daemon\n", 7);
        ignored = write(ready[1], "x", 1);
        (void)ignored;
        close(ready[1]);
        for (;;) pause();
    }
    close(ready[1]);
    int status = 0;
    if (waitpid(middle, &status, 0) != middle || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 1;
    char byte;
    return read(ready[0], &byte, 1) == 1 ? 0 : 1;
}
