/* Forks a child; both then block forever, both holding the standard output they inherited.
 * Once the child exists it writes "ready\n" to the FIFO named by argv[1], so a test knows that
 * a signal sent from then on has two processes to reach. */
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    pid_t child = fork();
    if (child < 0) return 1;
    if (child == 0) {
        int fifo = open(argv[1], O_WRONLY);
        if (fifo < 0) _exit(1);
        ssize_t ignored = write(fifo, "ready\n", 6);
        (void)ignored;
        close(fifo);
    }
    for (;;) pause();
}
