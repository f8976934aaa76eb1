/* Starts the way a program can start on a loaded machine: 40 short sleeps of 1 ms with a little
 * work between each (a library page read from disk, a lock), each one a moment asleep in a
 * system call. Then it maps a shared anonymous page, forks a child that waits for ever, and
 * waits for it in waitpid. A pause taken during the naps finds no shared mapping yet. */
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    for (int nap = 0; nap < 40; ++nap) {
        struct timespec millisecond = {0, 1000000};
        nanosleep(&millisecond, NULL);
        volatile unsigned long spins = 0;
        for (unsigned long i = 0; i < 100000; ++i) ++spins;
    }
    void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) return 1;
    pid_t child = fork();
    if (child < 0) return 1;
    if (child == 0) {
        for (;;) pause();
    }
    int status;
    waitpid(child, &status, 0);
    return 0;
}
