/* Copies standard input to standard output, byte for byte. With an argument, reads and writes at
 * most that many bytes at a time (echo-stdin 1000), as a program relaying blocks does. */
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    static char buffer[1 << 16];
    size_t block = sizeof buffer;
    if (argc > 1) {
        long wanted = atol(argv[1]);
        if (wanted <= 0 || wanted > (long)sizeof buffer) return 2;
        block = (size_t)wanted;
    }
    ssize_t got;
    while ((got = read(0, buffer, block)) > 0) {
        for (ssize_t done = 0; done < got;) {
            ssize_t put = write(1, buffer + done, (size_t)(got - done));
            if (put <= 0) return 1;
            done += put;
        }
    }
    return got < 0;
}
