/* Hostile: writes 1 GiB to standard output as fast as it can, then exits 0. */
#include <string.h>
#include <unistd.h>

int main(void) {
    static char block[1 << 16];
    memset(block, 'x', sizeof block);
    for (long long left = 1LL << 30; left > 0;) {
        ssize_t put = write(1, block, sizeof block);
        if (put <= 0) return 1;
        left -= put;
    }
    return 0;
}
