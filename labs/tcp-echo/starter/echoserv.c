/* echoserv.c - the server of the TCP echo lab (starter code).
 *
 * Usage: echoserv PORT
 * Listens on PORT on every address and serves clients concurrently: every byte a client sends
 * comes back to it, until the client closes its side; then the server closes the connection.
 * Runs until SIGTERM, then exits 0. Prints nothing to standard output. See README.md for the
 * full contract.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char* argv[]) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 1;
    }

    /* TODO: install signal handlers with sigaction(): SIGTERM sets a volatile sig_atomic_t
     * flag (no SA_RESTART, so that accept() returns EINTR); SIGCHLD reaps every ended child
     * with waitpid(-1, NULL, WNOHANG) in a loop (no SA_RESTART either: see the handout);
     * SIGPIPE is ignored. */

    /* TODO: socket(AF_INET, SOCK_STREAM, 0); setsockopt SO_REUSEADDR; bind to INADDR_ANY and
     * the port from argv[1] (htons!); listen(). Report any failure on stderr and exit 1. */

    /* TODO: loop until the flag is set: accept(); fork(); in the child restore SIGTERM to
     * SIG_DFL, close the listening socket, echo (read, then write everything read, until read
     * returns 0), close the connection and _exit; in the parent close the connected socket. */

    /* TODO: close the listening socket and exit 0. */

    return 0;
}
