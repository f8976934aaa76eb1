/* lossyserv.c - a UDP echo server that behaves like a bad network, for testing udpcli.
 * Provided by the lab: do not change it (the grader builds its own copy).
 *
 * Usage: lossyserv PORT lose|duplicate
 *   lose       ignores every odd-numbered datagram it receives (the 1st, the 3rd, ...), as if
 *              it had been lost, and echoes the others: each line needs one retransmission.
 *   duplicate  echoes every datagram twice, as if the network had duplicated the reply: the
 *              second copy arrives while the client waits for the reply to its next line.
 * On SIGTERM or SIGINT it exits 0.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested = 0;

static void on_stop_signal(int signo) {
    (void)signo;
    stop_requested = 1;
}

int main(int argc, char* argv[]) {
    int port = argc == 3 ? atoi(argv[1]) : 0;
    int lose = argc == 3 && strcmp(argv[2], "lose") == 0;
    int duplicate = argc == 3 && strcmp(argv[2], "duplicate") == 0;
    if (port < 1 || port > 65535 || (!lose && !duplicate)) {
        fprintf(stderr, "usage: %s PORT lose|duplicate\n", argv[0]);
        return 1;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_stop_signal; /* no SA_RESTART: recvfrom() returns EINTR */
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGTERM, &action, NULL) == -1 || sigaction(SIGINT, &action, NULL) == -1) {
        perror("lossyserv: sigaction");
        return 1;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd == -1) {
        perror("lossyserv: socket");
        return 1;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons((unsigned short)port);
    if (bind(fd, (struct sockaddr*)&addr, sizeof addr) == -1) {
        perror("lossyserv: bind");
        close(fd);
        return 1;
    }

    static char buf[65536];
    unsigned long received = 0;
    int status = 0;
    while (!stop_requested) {
        struct sockaddr_storage from;
        socklen_t from_len = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr*)&from, &from_len);
        if (n == -1) {
            if (errno == EINTR) {
                continue;
            }
            perror("lossyserv: recvfrom");
            status = 1;
            break;
        }
        received++;
        if (lose && received % 2 == 1) {
            continue;
        }
        for (int copy = 0; copy < (duplicate ? 2 : 1); copy++) {
            if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr*)&from, from_len) == -1) {
                perror("lossyserv: sendto");
            }
        }
    }
    close(fd);
    return status;
}
