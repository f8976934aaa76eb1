/* echoserv.c - a defective submission of the TCP echo lab: a single-process server that does
 * not handle SIGPIPE.
 *
 * Unlike the reference (a child per client), this server serves all clients from one process
 * with poll(), which is what makes SIGPIPE matter: a child killed by it takes only its own
 * client along, this process takes the whole service. Apart from the defect it does everything
 * the contract asks: SO_REUSEADDR, concurrent clients, closing each connection at end of file,
 * exit 0 on SIGTERM, no busy-waiting.
 *
 * DEFECT: SIGPIPE keeps its default action, and writes use write() without MSG_NOSIGNAL, so
 * echoing to a client that has reset its connection kills the server.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#define BACKLOG 64
#define BUF_SIZE 65536
#define MAX_CLIENTS 32

static volatile sig_atomic_t stop_requested = 0;

static void on_stop_signal(int signo) {
    (void)signo;
    stop_requested = 1;
}

static int install_signal_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = on_stop_signal;
    action.sa_flags = 0; /* no SA_RESTART: poll() returns EINTR */
    if (sigaction(SIGTERM, &action, NULL) == -1 || sigaction(SIGINT, &action, NULL) == -1) {
        return -1;
    }
    return 0;
}

static int parse_port(const char* text) {
    char* end;
    errno = 0;
    long port = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || port < 1 || port > 65535) {
        return -1;
    }
    return (int)port;
}

static int open_listener(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("echoserv: socket");
        return -1;
    }
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1) {
        perror("echoserv: setsockopt SO_REUSEADDR");
        goto fail;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons((unsigned short)port);
    if (bind(fd, (struct sockaddr*)&addr, sizeof addr) == -1) {
        fprintf(stderr, "echoserv: bind port %d: %s\n", port, strerror(errno));
        goto fail;
    }
    if (listen(fd, BACKLOG) == -1) {
        perror("echoserv: listen");
        goto fail;
    }
    return fd;
fail:
    close(fd);
    return -1;
}

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

/* Serves one readable connection. Returns 0 while it stays open, -1 once it is to be closed. */
static int serve_readable(int conn) {
    static char buf[BUF_SIZE];
    ssize_t n = read(conn, buf, sizeof buf);
    if (n == 0) {
        return -1;
    }
    if (n == -1) {
        if (errno == EINTR) {
            return 0;
        }
        perror("echoserv: read");
        return -1;
    }
    if (write_all(conn, buf, (size_t)n) == -1) {
        perror("echoserv: write");
        return -1;
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
        fprintf(stderr, "echoserv: bad port '%s'\n", argv[1]);
        return 1;
    }
    if (install_signal_handlers() == -1) {
        perror("echoserv: sigaction");
        return 1;
    }
    int listener = open_listener(port);
    if (listener == -1) {
        return 1;
    }

    /* fds[0] is the listener; fds[1..count] the connections. */
    struct pollfd fds[1 + MAX_CLIENTS];
    int count = 0;
    fds[0] = (struct pollfd){.fd = listener, .events = POLLIN};
    int status = 0;
    while (!stop_requested) {
        if (poll(fds, (nfds_t)(1 + count), -1) == -1) {
            if (errno == EINTR) {
                continue;
            }
            perror("echoserv: poll");
            status = 1;
            break;
        }
        for (int i = count; i >= 1; i--) {
            if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) && serve_readable(fds[i].fd) == -1) {
                close(fds[i].fd);
                fds[i] = fds[count--]; /* the last one takes its place */
            }
        }
        if (fds[0].revents & POLLIN) {
            int conn = accept(listener, NULL, NULL);
            if (conn == -1) {
                if (errno != EINTR && errno != ECONNABORTED) {
                    perror("echoserv: accept");
                }
            } else if (count == MAX_CLIENTS) {
                fprintf(stderr, "echoserv: too many clients\n");
                close(conn);
            } else {
                fds[++count] = (struct pollfd){.fd = conn, .events = POLLIN};
            }
        }
    }

    for (int i = 1; i <= count; i++) {
        close(fds[i].fd);
    }
    if (close(listener) == -1) {
        perror("echoserv: close");
        status = 1;
    }
    return status;
}
