/* Exits at once, leaving a child that writes a line only after its parent is gone, so output
 * must be read until the pipe closes, not only until the main process exits. The child learns
 * that its parent exited from end-of-file on a pipe only the parent held open for writing. */
#include <unistd.h>

int main(void) {
    int gone[2];
    if (pipe(gone) != 0) return 1;
    pid_t child = fork();
    if (child < 0) return 1;
    if (child == 0) {
        char byte;
        close(gone[1]);
        ssize_t ignored = read(gone[0], &byte, 1);
        ignored = write(1, "written after the parent exited\n", 32);
        (void)ignored;
        _exit(0);
    }
    return 0;
}
