/* DEFECT segment-leak: the reader removes its semaphore set and detaches from the segment but never
 * removes the segment (no shmctl IPC_RMID), so every run leaves a shared memory segment in `ipcs
 * -m`. Caught by no_sysv_left in every test that runs the student reader: empty-input, short-text,
 * exactly-one-block, binary-8mib, throughput-64mib, student-reader-reference-writer,
 * cleanup-after-transfer, cleanup-after-sigterm, two-transfers-at-once,
 * reader-blocks-while-waiting. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "xfr.h"

/* The caller of semctl() must define this union (see semctl(2)). */
union semun {
    int val;
    struct semid_ds* buf;
    unsigned short* array;
};

/* The signal that asked us to stop, or 0. Set by the handler, read by the loops. */
static volatile sig_atomic_t stop_signal = 0;

static void on_stop_signal(int signo) { stop_signal = signo; }

/* Installs the SIGINT/SIGTERM handler without SA_RESTART, so that a semop() blocked in the
 * kernel returns EINTR and the loop gets to look at stop_signal. SIGPIPE is ignored so that a
 * closed standard output shows up as an EPIPE error we can clean up after. */
static int install_signal_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    if (sigaction(SIGINT, &action, NULL) == -1 || sigaction(SIGTERM, &action, NULL) == -1) {
        return -1;
    }
    action.sa_handler = SIG_IGN;
    return sigaction(SIGPIPE, &action, NULL);
}

/* Adds `delta` to semaphore `num`, blocking while that would make it negative. Returns 0, or
 * -1 with errno set: EINTR means a stop signal has arrived. A stop and continue (SIGSTOP,
 * SIGCONT) also makes semop() fail with EINTR on Linux (see signal(7)): that is retried.
 *
 * A signal landing between the test of stop_signal and the start of semop() is only noticed
 * at the next semaphore operation; closing that window of a few instructions would take
 * semtimedop() with a timeout, which this lab does not need. */
static int change_semaphore(int semid, unsigned short num, short delta) {
    struct sembuf op = {.sem_num = num, .sem_op = delta, .sem_flg = 0};
    for (;;) {
        if (stop_signal) {
            errno = EINTR;
            return -1;
        }
        if (semop(semid, &op, 1) == 0) {
            return 0;
        }
        if (errno != EINTR) {
            return -1;
        }
    }
}

/* Writes all `len` bytes: a write to a pipe may take only part of them. Returns 0, or -1 with
 * errno set: EINTR means a stop signal has arrived. */
static int write_all(int fd, const char* buf, size_t len) {
    while (len > 0) {
        if (stop_signal) {
            errno = EINTR;
            return -1;
        }
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

/* Copies blocks to standard output until the empty block or a stop signal.
 * Returns 0 when it stopped for either, 1 on an error (already reported). */
static int copy_blocks(int semid, const struct xfr_block* block) {
    while (change_semaphore(semid, SEM_READ, -1) == 0) {
        if (block->len == 0) {
            return 0;
        }
        if (block->len < 0 || block->len > XFR_BUF) {
            fprintf(stderr, "reader: bad block length %d\n", block->len);
            return 1;
        }
        if (write_all(STDOUT_FILENO, block->data, (size_t)block->len) == -1) {
            if (errno == EINTR) {
                return 0;
            }
            perror("reader: write to standard output");
            return 1;
        }
        if (change_semaphore(semid, SEM_WRITE, +1) == -1) {
            break;
        }
    }
    if (errno == EINTR) {
        return 0;
    }
    perror("reader: semop");
    return 1;
}

/* Says why creating an IPC object failed; a leftover from an earlier run gets its remedy. */
static void report_create_error(const char* what, const char* keyfile) {
    if (errno == EEXIST) {
        fprintf(stderr,
                "reader: IPC objects for %s already exist (left over from an earlier run? "
                "list them with ipcs, remove them with ipcrm)\n",
                keyfile);
    } else {
        fprintf(stderr, "reader: cannot create the %s for %s: %s\n", what, keyfile,
                strerror(errno));
    }
}

int main(int argc, char* argv[]) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s KEYFILE\n", argv[0]);
        return 1;
    }
    key_t key = ftok(argv[1], XFR_PROJ_ID);
    if (key == -1) {
        fprintf(stderr, "reader: ftok %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    /* Before creating anything: a signal arriving later must find the handler in place, or
     * the default action would kill us with the objects still there. */
    if (install_signal_handlers() == -1) {
        perror("reader: sigaction");
        return 1;
    }

    /* Creation order. The semaphore set is what says "the reader is ready" (a writer, and the
     * grader, wait for it), so it is created last: when it exists the segment already does,
     * and a writer that opens both cannot fail on a missing segment. Between semget() and
     * semctl(SETALL) both semaphores are 0 (Linux zeroes a new set), so a writer arriving then
     * blocks on SEM_WRITE until SETALL gives it the first block. IPC_EXCL makes leftovers from
     * an earlier run an error instead of something we would silently reuse and then remove. */
    int status = 1;
    int semid = -1;
    struct xfr_block* block = NULL;
    int shmid = shmget(key, sizeof(struct xfr_block), IPC_CREAT | IPC_EXCL | 0600);
    if (shmid == -1) {
        report_create_error("shared memory segment", argv[1]);
        return 1;
    }
    block = shmat(shmid, NULL, 0);
    if (block == (void*)-1) {
        perror("reader: shmat");
        return 1;
    }
    semid = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);
    if (semid == -1) {
        report_create_error("semaphore set", argv[1]);
        goto detach;
    }
    unsigned short initial[2] = {[SEM_WRITE] = 1, [SEM_READ] = 0};
    if (semctl(semid, 0, SETALL, (union semun){.array = initial}) == -1) {
        perror("reader: semctl SETALL");
        goto remove_set;
    }

    status = copy_blocks(semid, block);

remove_set:
    if (semctl(semid, 0, IPC_RMID) == -1) {
        perror("reader: semctl IPC_RMID");
        status = 1;
    }
detach:
    if (shmdt(block) == -1) {
        perror("reader: shmdt");
        status = 1;
    }
    if (stop_signal) {
        /* Die of the signal we were sent, so that our parent sees why we ended. */
        signal(stop_signal, SIG_DFL);
        raise(stop_signal);
    }
    return status;
}
