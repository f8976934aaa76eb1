/* udpcli.c - the client of the UDP echo lab (starter code).
 *
 * Usage: udpcli HOST PORT < input
 * Sends each line of standard input, without its newline, as one datagram to HOST:PORT and
 * prints each reply on a line of its own, in order. Waits up to 1 s for a reply and sends the
 * line again, up to 3 times; if no reply comes, says so on stderr and exits 1. See README.md for
 * the full contract, including which reply counts.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char* argv[]) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 1;
    }

    /* TODO: getaddrinfo(argv[1], argv[2], ...) with SOCK_DGRAM; socket(); connect() (on a UDP
     * socket it only fixes the peer: send() then needs no address, and recv() only returns
     * datagrams from the server). */

    /* TODO: for each line (getline), strip the newline, then up to 4 times (the first try and
     * 3 retransmissions): send() the line; wait for a reply for at most 1 s in all (poll()
     * with the time that is left); a reply counts only if it equals the line byte for byte:
     * drop any other datagram and keep waiting. Print the line and a newline when it came. */

    /* TODO: no reply after the last try: print an error on stderr and exit 1. */

    return 0;
}
