/* Burns 300 ms of CPU time, then exits 0. */
#include <time.h>

int main(void) {
    volatile unsigned long spins = 0;
    while (clock() < CLOCKS_PER_SEC * 3 / 10) ++spins;
    return 0;
}
