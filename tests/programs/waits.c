/* Waits in the way argv[1] names, for the tests of ending a test early (stall_watch.h):
 *   semop          blocks on a semaphore nobody will raise: stuck for ever
 *   pause          pause() with no timer: stuck for ever
 *   spin           uses the CPU for ever
 *   alarm          alarm(1) with a handler, pause(), then exits 0: a timer wakes it
 *   sleep          sleeps 1 s, then exits 0
 *   poll           poll() with a 1 s timeout and nothing to watch, then exits 0
 *   recv-timeout   recv() on a UDP socket with SO_RCVTIMEO of 1 s, then exits 0
 *   cond-timeout   pthread_cond_timedwait() for 1 s in a second thread, joined, then exits 0
 *   pipe-pair      forks; the parent reads a pipe the child never writes, the child waits in
 *                  pause(): stuck for ever, in two processes
 * Anything else exits 2. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void on_alarm(int signal) { (void)signal; }

static void *timed_wait(void *unused) {
    (void)unused;
    pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t never = PTHREAD_COND_INITIALIZER;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    pthread_mutex_lock(&mutex);
    while (pthread_cond_timedwait(&never, &mutex, &until) != ETIMEDOUT) {
    }
    pthread_mutex_unlock(&mutex);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    const char *how = argv[1];
    if (strcmp(how, "semop") == 0) {
        int set = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
        struct sembuf down = {0, -1, 0};
        semop(set, &down, 1);
        return 1;
    }
    if (strcmp(how, "pause") == 0) {
        for (;;) pause();
    }
    if (strcmp(how, "spin") == 0) {
        volatile unsigned long spins = 0;
        for (;;) ++spins;
    }
    if (strcmp(how, "alarm") == 0) {
        signal(SIGALRM, on_alarm);
        alarm(1);
        pause();
        return 0;
    }
    if (strcmp(how, "sleep") == 0) {
        sleep(1);
        return 0;
    }
    if (strcmp(how, "poll") == 0) {
        poll(NULL, 0, 1000);
        return 0;
    }
    if (strcmp(how, "recv-timeout") == 0) {
        int udp = socket(AF_INET, SOCK_DGRAM, 0);
        struct timeval second = {1, 0};
        setsockopt(udp, SOL_SOCKET, SO_RCVTIMEO, &second, sizeof second);
        char byte;
        return recv(udp, &byte, 1, 0) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : 1;
    }
    if (strcmp(how, "cond-timeout") == 0) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, timed_wait, NULL) != 0) return 1;
        pthread_join(thread, NULL);
        return 0;
    }
    if (strcmp(how, "pipe-pair") == 0) {
        int ends[2];
        if (pipe(ends) != 0) return 1;
        if (fork() == 0) {
            for (;;) pause();
        }
        char byte;
        return read(ends[0], &byte, 1) == 1 ? 0 : 1;
    }
    return 2;
}
