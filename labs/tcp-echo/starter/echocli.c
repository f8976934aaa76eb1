/* echocli.c - the client of the TCP echo lab (starter code).
 *
 * Usage: echocli HOST PORT < input
 * Connects to the echo server at HOST:PORT, sends all of standard input, and prints exactly the
 * bytes that come back. At the end of the input it shuts down its writing side and keeps
 * reading until the server closes the connection. If it cannot connect it says so on stderr
 * and exits 1. See README.md for the full contract.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

int main(int argc, char* argv[]) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 1;
    }

    /* TODO: getaddrinfo(argv[1], argv[2], ...) with SOCK_STREAM; try socket() and connect()
     * on each address until one works. If none does, print why on stderr and exit 1. */

    /* TODO: loop with poll() on standard input and the socket, so that sending and receiving
     * go on at the same time (a client that sends everything before it reads deadlocks on a
     * large input):
     *   - socket readable: read(); 0 means the server closed: stop; else write the bytes to
     *     standard output (all of them: loop on short writes).
     *   - standard input readable: read(); 0 means the end of the input: shutdown(sock,
     *     SHUT_WR) and stop watching standard input; else send the bytes to the socket. */

    /* TODO: close the socket and exit 0 (1 after an error). */

    return 0;
}
