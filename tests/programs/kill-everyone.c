/* Hostile: signals its parent, then every process it may signal (kill(-1)). Run it only inside a
 * cell: as root outside a PID namespace this kills every process on the machine. */
#include <signal.h>
#include <unistd.h>

int main(void) {
    kill(getppid(), SIGKILL);
    kill(-1, SIGKILL);
    return 0;
}
