/* udpserv.c - reference solution of the UDP echo lab: the server.
 *
 * Usage: udpserv PORT
 * Binds a UDP socket to PORT on every address and sends each datagram it receives straight back
 * to the address it came from, unchanged. One socket serves every client: UDP has no
 * connections, and each datagram says who sent it. On SIGTERM or SIGINT it closes the socket and
 * exits 0. It prints nothing to standard output.
 *
 * The stop signals are blocked except while it waits in pselect(), which unblocks them and
 * waits in one step: a SIGTERM can then never land between the test of the stop flag and the
 * wait, where a blocking recvfrom() would miss it until the next datagram came.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

/* The largest UDP payload over IPv4: 65535 - 8 (UDP header) - 20 (IP header). */
#define MAX_DATAGRAM 65507

/* Set by the SIGTERM/SIGINT handler, read by the receive loop. */
static volatile sig_atomic_t stop_requested = 0;

/* The signal mask the server started with, which pselect() waits with; outside pselect() the
 * server also blocks SIGTERM and SIGINT. */
static sigset_t mask_when_waiting;

static void on_stop_signal(int signo) {
    (void)signo;
    stop_requested = 1;
}

/* Blocks SIGTERM and SIGINT (they are let in only inside pselect()), then installs their
 * handler. */
static int install_signal_handlers(void) {
    sigset_t handled;
    sigemptyset(&handled);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGINT);
    if (sigprocmask(SIG_BLOCK, &handled, &mask_when_waiting) == -1) {
        return -1;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = on_stop_signal;
    action.sa_flags = 0;
    if (sigaction(SIGTERM, &action, NULL) == -1 || sigaction(SIGINT, &action, NULL) == -1) {
        return -1;
    }
    return 0;
}

/* Parses a port number 1..65535; returns it, or -1. */
static int parse_port(const char* text) {
    char* end;
    errno = 0;
    long port = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || port < 1 || port > 65535) {
        return -1;
    }
    return (int)port;
}

/* Returns a UDP socket bound to `port` on every IPv4 address, or -1 after reporting why. */
static int open_socket(int port) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd == -1) {
        perror("udpserv: socket");
        return -1;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons((unsigned short)port);
    if (bind(fd, (struct sockaddr*)&addr, sizeof addr) == -1) {
        fprintf(stderr, "udpserv: bind port %d: %s\n", port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Echoes datagrams until a stop signal. Returns 0 then, or 1 on an error (reported). */
static int echo_datagrams(int fd) {
    static char buf[MAX_DATAGRAM];
    while (!stop_requested) {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(fd, &readable);
        /* The only place the stop signals get in: EINTR then, and the loop condition decides. */
        if (pselect(fd + 1, &readable, NULL, NULL, NULL, &mask_when_waiting) == -1) {
            if (errno == EINTR) {
                continue;
            }
            perror("udpserv: pselect");
            return 1;
        }
        struct sockaddr_storage from;
        socklen_t from_len = sizeof from;
        /* MSG_DONTWAIT: a datagram said to be ready may still be dropped (a bad checksum);
         * then there is nothing to read (EAGAIN), and the loop waits in pselect() again. */
        ssize_t n =
            recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr*)&from, &from_len);
        if (n == -1) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                continue;
            }
            perror("udpserv: recvfrom");
            return 1;
        }
        /* A reply that cannot be sent (the client's buffer is full, say) is lost like any
         * datagram: the client retransmits. It must not stop the server. */
        if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr*)&from, from_len) == -1) {
            perror("udpserv: sendto");
        }
    }
    return 0;
}

int main(int argc, char* argv[]) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 1;
    }
    int port = parse_port(argv[1]);
    if (port == -1) {
        fprintf(stderr, "udpserv: bad port '%s'\n", argv[1]);
        return 1;
    }
    if (install_signal_handlers() == -1) {
        perror("udpserv: sigaction");
        return 1;
    }
    int fd = open_socket(port);
    if (fd == -1) {
        return 1;
    }
    int status = echo_datagrams(fd);
    if (close(fd) == -1) {
        perror("udpserv: close");
        status = 1;
    }
    return status;
}
