/* udpcli.c - reference solution of the UDP echo lab: the client.
 *
 * Usage: udpcli HOST PORT < input
 * Sends each line of standard input, without its newline, as one datagram to the echo server at
 * HOST:PORT, and prints each reply on a line of its own, in the order of the input. UDP may lose
 * a datagram or its reply: the client waits up to 1 s for the reply, then sends the line again,
 * up to 3 times. If no reply comes after the last try, it says so on standard error and exits 1.
 *
 * Which reply belongs to which line: a reply counts only if it is byte for byte the line being
 * sent. Anything else is a late reply to an earlier line (its first copy was slow, not lost, and
 * the retransmitted one was answered too) and is thrown away.
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

/* The largest UDP payload over IPv4: 65535 - 8 (UDP header) - 20 (IP header). */
#define MAX_DATAGRAM 65507
#define REPLY_TIMEOUT_MS 1000
#define RETRANSMISSIONS 3

/* Returns a UDP socket connected to host:port, or -1 after reporting why. connect() on a UDP
 * socket sends nothing: it fixes the peer, so that send() needs no address and recv() only
 * returns datagrams from the server. */
static int connect_to(const char* host, const char* port) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    struct addrinfo* addrs;
    int rc = getaddrinfo(host, port, &hints, &addrs);
    if (rc != 0) {
        fprintf(stderr, "udpcli: %s port %s: %s\n", host, port, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    int error = 0;
    for (struct addrinfo* a = addrs; a != NULL; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd == -1) {
            error = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            break;
        }
        error = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(addrs);
    if (fd == -1) {
        fprintf(stderr, "udpcli: cannot use %s port %s: %s\n", host, port, strerror(error));
    }
    return fd;
}

/* Milliseconds on a clock that never jumps. */
static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until `deadline_ms` for the reply that equals line[0..len). Returns 1 when it came, 0
 * when the deadline passed, -1 on an error (reported). */
static int await_reply(int sock, const char* line, size_t len, long long deadline_ms) {
    static char reply[MAX_DATAGRAM + 1]; /* one byte more, to notice a longer reply */
    for (;;) {
        long long left_ms = deadline_ms - now_ms();
        if (left_ms <= 0) {
            return 0;
        }
        struct pollfd pfd = {.fd = sock, .events = POLLIN};
        int ready = poll(&pfd, 1, (int)left_ms);
        if (ready == -1) {
            if (errno == EINTR) {
                continue;
            }
            perror("udpcli: poll");
            return -1;
        }
        if (ready == 0) {
            return 0;
        }
        ssize_t n = recv(sock, reply, sizeof reply, 0);
        if (n == -1) {
            /* ECONNREFUSED: an ICMP "port unreachable" came back for an earlier datagram,
             * i.e. nobody listens there (yet). Like a lost reply: wait, then try again. */
            if (errno == EINTR || errno == ECONNREFUSED) {
                continue;
            }
            perror("udpcli: recv");
            return -1;
        }
        if ((size_t)n == len && memcmp(reply, line, len) == 0) {
            return 1;
        }
        /* A late copy of an earlier reply: not ours, drop it. */
    }
}

/* Sends one line and waits for its echo, retransmitting on a timeout. Returns 1 when the echo
 * came, 0 when every try timed out, -1 on an error (reported). */
static int exchange_line(int sock, const char* line, size_t len) {
    for (int try = 0; try <= RETRANSMISSIONS; try++) {
        if (send(sock, line, len, 0) == -1 && errno != ECONNREFUSED) {
            perror("udpcli: send");
            return -1;
        }
        int got = await_reply(sock, line, len, now_ms() + REPLY_TIMEOUT_MS);
        if (got != 0) {
            return got;
        }
    }
    return 0;
}

int main(int argc, char* argv[]) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 1;
    }
    int sock = connect_to(argv[1], argv[2]);
    if (sock == -1) {
        return 1;
    }

    int status = 0;
    char* line = NULL;
    size_t capacity = 0;
    ssize_t len;
    while ((len = getline(&line, &capacity, stdin)) != -1) {
        if (len > 0 && line[len - 1] == '\n') {
            len--;
        }
        if (len > MAX_DATAGRAM) {
            fprintf(stderr, "udpcli: a line of %zd bytes does not fit in a datagram\n", len);
            status = 1;
            break;
        }
        int got = exchange_line(sock, line, (size_t)len);
        if (got == 0) {
            fprintf(stderr, "udpcli: no reply from %s port %s after %d tries\n", argv[1], argv[2],
                    RETRANSMISSIONS + 1);
        }
        if (got != 1) {
            status = 1;
            break;
        }
        if (fwrite(line, 1, (size_t)len, stdout) != (size_t)len || putchar('\n') == EOF) {
            perror("udpcli: write to standard output");
            status = 1;
            break;
        }
    }
    if (status == 0 && ferror(stdin)) {
        perror("udpcli: read from standard input");
        status = 1;
    }
    free(line);
    if (fflush(stdout) == EOF) {
        perror("udpcli: write to standard output");
        status = 1;
    }
    if (close(sock) == -1) {
        perror("udpcli: close");
        status = 1;
    }
    return status;
}
