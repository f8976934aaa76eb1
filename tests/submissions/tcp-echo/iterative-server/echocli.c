/* echocli.c - reference solution of the TCP echo lab: the client.
 *
 * Usage: echocli HOST PORT < input
 * Connects to the echo server at HOST:PORT, sends all of standard input, and prints exactly the
 * bytes that come back. At the end of the input it shuts down its writing side (the server sees
 * the end of the stream) and keeps reading until the server closes the connection.
 *
 * Reading and writing are interleaved with poll(): a client that first wrote everything and only
 * then read would deadlock on a large input, since the server stops reading when it cannot
 * write its echo back to a client that is not reading. The socket is non-blocking so that a
 * write never waits for more room than poll() promised.
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

#define BUF_SIZE 65536

/* Returns a socket connected to host:port, or -1 after reporting why. */
static int connect_to(const char* host, const char* port) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    struct addrinfo* addrs;
    int rc = getaddrinfo(host, port, &hints, &addrs);
    if (rc != 0) {
        fprintf(stderr, "echocli: %s port %s: %s\n", host, port, gai_strerror(rc));
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
        fprintf(stderr, "echocli: cannot connect to %s port %s: %s\n", host, port,
                strerror(error));
    }
    return fd;
}

/* Writes all `len` bytes to a blocking descriptor. Returns 0, or -1 with errno set. */
static int write_all(int fd, const char* buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n == -1) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Sends standard input to `sock` and copies what comes back to standard output, until the
 * server closes the connection. Returns 0, or 1 after reporting an error. */
static int exchange(int sock) {
    char out[BUF_SIZE]; /* read from stdin, not yet sent */
    size_t out_len = 0, out_sent = 0;
    char in[BUF_SIZE];
    int input_done = 0; /* stdin has ended and the socket's writing side is shut down */

    for (;;) {
        /* Read stdin only when the last chunk is all sent: the buffer is the only backlog. */
        struct pollfd fds[2] = {
            {.fd = sock, .events = POLLIN | (out_sent < out_len ? POLLOUT : 0)},
            {.fd = input_done || out_sent < out_len ? -1 : STDIN_FILENO, .events = POLLIN},
        };
        if (poll(fds, 2, -1) == -1) {
            if (errno == EINTR) {
                continue;
            }
            perror("echocli: poll");
            return 1;
        }

        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(sock, in, sizeof in);
            if (n == 0) {
                if (!input_done) {
                    fprintf(stderr, "echocli: the server closed the connection early\n");
                    return 1;
                }
                return 0;
            }
            if (n == -1 && errno != EAGAIN && errno != EINTR) {
                perror("echocli: read from the server");
                return 1;
            }
            if (n > 0 && write_all(STDOUT_FILENO, in, (size_t)n) == -1) {
                perror("echocli: write to standard output");
                return 1;
            }
        }

        if (fds[0].revents & POLLOUT) {
            ssize_t n = write(sock, out + out_sent, out_len - out_sent);
            if (n == -1 && errno != EAGAIN && errno != EINTR) {
                perror("echocli: write to the server");
                return 1;
            }
            if (n > 0) {
                out_sent += (size_t)n;
            }
        }

        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(STDIN_FILENO, out, sizeof out);
            if (n == -1 && errno != EINTR) {
                perror("echocli: read from standard input");
                return 1;
            }
            if (n == 0) {
                /* End of input: tell the server, but keep reading what it still sends. */
                if (shutdown(sock, SHUT_WR) == -1) {
                    perror("echocli: shutdown");
                    return 1;
                }
                input_done = 1;
            }
            if (n > 0) {
                out_len = (size_t)n;
                out_sent = 0;
            }
        }
    }
}

int main(int argc, char* argv[]) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 1;
    }
    /* A server that resets the connection must make write() fail with EPIPE, which we report,
     * rather than kill us silently with SIGPIPE. */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
        perror("echocli: signal");
        return 1;
    }
    int sock = connect_to(argv[1], argv[2]);
    if (sock == -1) {
        return 1;
    }
    int status = 1;
    int flags = fcntl(sock, F_GETFL);
    if (flags == -1 || fcntl(sock, F_SETFL, flags | O_NONBLOCK) == -1) {
        perror("echocli: fcntl O_NONBLOCK");
    } else {
        status = exchange(sock);
    }
    if (close(sock) == -1) {
        perror("echocli: close");
        status = 1;
    }
    return status;
}
