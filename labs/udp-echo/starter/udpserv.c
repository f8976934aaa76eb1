/* udpserv.c - the server of the UDP echo lab (starter code).
 *
 * Usage: udpserv PORT
 * Binds a UDP socket to PORT on every address and sends each datagram it receives back to its
 * sender, unchanged. Runs until SIGTERM, then exits 0. Prints nothing to standard output. See
 * README.md for the full contract.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

int main(int argc, char* argv[]) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 1;
    }

    /* TODO: a SIGTERM handler (sigaction, no SA_RESTART) that sets a volatile sig_atomic_t
     * flag, so that a blocked recvfrom() returns EINTR. */

    /* TODO: socket(AF_INET, SOCK_DGRAM, 0); bind to INADDR_ANY and the port from argv[1]. */

    /* TODO: loop until the flag is set: recvfrom() a datagram (up to 65507 bytes) and its
     * sender's address; sendto() the same bytes back to that address. */

    /* TODO: close the socket and exit 0. */

    return 0;
}
