/* echoserv.c - reference solution of the TCP echo lab: a concurrent echo server.
 *
 * Usage: echoserv PORT
 * Listens on PORT on every address (SO_REUSEADDR, so that a restart right after a stop does not
 * fail on connections still in TIME_WAIT), and serves each client in a child process of its
 * own: every byte a client sends comes back, until the client closes its side; then the child
 * closes the connection and exits. The parent reaps its children as they end (SIGCHLD), ignores
 * SIGPIPE (a client that vanishes makes write() fail with EPIPE instead of killing us), and on
 * SIGTERM or SIGINT stops accepting, closes the listening socket and exits 0. It prints nothing
 * to standard output.
 *
 * The signals it handles are blocked except while it waits in pselect(), which unblocks them
 * and waits in one step: a SIGTERM can then never land between the test of the stop flag and
 * the wait, where a blocking accept() would miss it until the next client came.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define BACKLOG 64
#define BUF_SIZE 65536

/* Set by the SIGTERM/SIGINT handler, read by the accept loop. */
static volatile sig_atomic_t stop_requested = 0;

/* The signal mask the server started with: what pselect() waits with, and what a child
 * serves its client with. Outside pselect() the parent also blocks SIGTERM, SIGINT, SIGCHLD. */
static sigset_t mask_when_waiting;

static void on_stop_signal(int signo) {
    (void)signo;
    stop_requested = 1;
}

/* Reaps every child that has ended. Several may end before the handler runs, and signals do
 * not queue, so loop until none is left; waitpid() may change errno, which the interrupted
 * code may be about to look at. */
static void on_child_exit(int signo) {
    (void)signo;
    int saved_errno = errno;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    errno = saved_errno;
}

/* Blocks SIGTERM, SIGINT and SIGCHLD (they are let in only inside pselect()), then installs
 * their handlers. SIGPIPE ignored: a write to a reset connection then fails with EPIPE. */
static int install_signal_handlers(void) {
    sigset_t handled;
    sigemptyset(&handled);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGCHLD);
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
    action.sa_handler = on_child_exit;
    action.sa_flags = SA_NOCLDSTOP;
    if (sigaction(SIGCHLD, &action, NULL) == -1) {
        return -1;
    }
    action.sa_handler = SIG_IGN;
    action.sa_flags = 0;
    return sigaction(SIGPIPE, &action, NULL);
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

/* Returns a socket listening on `port` on every IPv4 address, or -1 after reporting why. */
static int open_listener(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("echoserv: socket");
        return -1;
    }
    /* Without it, bind() fails with EADDRINUSE while connections of an earlier server on this
     * port are still in TIME_WAIT (up to a minute after it stopped). */
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
    /* Non-blocking, so that accept() never waits: a client that gave up between pselect() and
     * accept() leaves nothing to accept (EAGAIN), and the loop waits in pselect() again. The
     * connections it returns are blocking all the same (accept() does not pass the flag on). */
    if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1) {
        perror("echoserv: fcntl O_NONBLOCK");
        goto fail;
    }
    return fd;
fail:
    close(fd);
    return -1;
}

/* Writes all `len` bytes; a socket may take fewer than asked. Returns 0, or -1 with errno set. */
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

/* Echoes everything the client sends until it closes its side. Returns 0 at end of input, 1
 * on an error (reported: a client that resets shows up here as ECONNRESET or EPIPE). */
static int echo(int conn) {
    char buf[BUF_SIZE];
    for (;;) {
        ssize_t n = read(conn, buf, sizeof buf);
        if (n == 0) {
            return 0;
        }
        if (n == -1) {
            if (errno == EINTR) {
                continue;
            }
            perror("echoserv: read");
            return 1;
        }
        if (write_all(conn, buf, (size_t)n) == -1) {
            perror("echoserv: write");
            return 1;
        }
    }
}

/* The child's whole life: serve one connection, close it, exit. */
static void serve_client(int listener, int conn) {
    /* The listening socket belongs to the parent. The stop signal is the parent's business
     * too: a child simply dies of it (the default action), which closes its connection. */
    close(listener);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    sigprocmask(SIG_SETMASK, &mask_when_waiting, NULL);
    int status = echo(conn);
    if (close(conn) == -1) {
        perror("echoserv: close");
        status = 1;
    }
    _exit(status);
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

    int status = 0;
    while (!stop_requested) {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(listener, &readable);
        /* The only place the handled signals get in: EINTR then, and the loop condition
         * decides (a SIGCHLD only reaped children). */
        if (pselect(listener + 1, &readable, NULL, NULL, NULL, &mask_when_waiting) == -1) {
            if (errno == EINTR) {
                continue;
            }
            perror("echoserv: pselect");
            status = 1;
            break;
        }
        int conn = accept(listener, NULL, NULL);
        if (conn == -1) {
            /* EAGAIN, ECONNABORTED: the client gave up before we got to it. Not the server's
             * problem. */
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED) {
                continue;
            }
            perror("echoserv: accept");
            status = 1;
            break;
        }
        pid_t pid = fork();
        if (pid == 0) {
            serve_client(listener, conn);
        }
        if (pid == -1) {
            perror("echoserv: fork"); /* this client loses; the others go on */
        }
        /* The child has its own copy: without this close the connection would never end,
         * because the parent would still hold it open. */
        if (close(conn) == -1) {
            perror("echoserv: close");
        }
    }

    if (close(listener) == -1) {
        perror("echoserv: close");
        status = 1;
    }
    return status;
}
