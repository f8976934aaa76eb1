/* writer.c - reference solution of the fixed-key shared-memory transfer lab: the producer side.
 *
 * Usage: writer < input
 * Creates the segment (XFR_SHM_KEY) and the semaphore set (XFR_SEM_KEY), sends standard input
 * through the segment one block at a time to a reader started later, ends with an empty block,
 * waits until the reader has taken it, then removes both objects. It also removes them when
 * stopped by SIGINT or SIGTERM.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
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

/* Without SA_RESTART, so that a semop() blocked in the kernel returns EINTR and the loop gets
 * to look at stop_signal. */
static int install_signal_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGINT, &action, NULL) == -1 || sigaction(SIGTERM, &action, NULL) == -1) {
        return -1;
    }
    return 0;
}

/* Adds `delta` to semaphore `num`, blocking while that would make it negative. Returns 0, or
 * -1 with errno set: EINTR means a stop signal has arrived. A stop and continue (SIGSTOP,
 * SIGCONT) also makes semop() fail with EINTR on Linux (see signal(7)): that is retried. */
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

/* Sends standard input block by block, then the empty block, then waits until the reader has
 * taken that one. Returns 0, also when a stop signal ended it, or 1 on an error (reported). */
static int send_blocks(int semid, struct xfr_block* block) {
    int status = 0;
    for (;;) {
        if (change_semaphore(semid, SEM_WRITE, -1) == -1) {
            break;
        }
        ssize_t n;
        do {
            n = read(STDIN_FILENO, block->data, XFR_BUF);
        } while (n == -1 && errno == EINTR && !stop_signal);
        if (n == -1) {
            if (stop_signal) {
                return 0;
            }
            perror("writer: read from standard input");
            status = 1;
            n = 0;
        }
        block->len = (int)n;
        if (change_semaphore(semid, SEM_READ, +1) == -1) {
            break;
        }
        if (n == 0) {
            /* The reader posts SEM_WRITE once it has taken the empty block. */
            if (change_semaphore(semid, SEM_WRITE, -1) == -1) {
                break;
            }
            return status;
        }
    }
    if (errno == EINTR) {
        return 0;
    }
    perror("writer: semop");
    return 1;
}

/* Says why creating an IPC object failed; a leftover from an earlier run gets its remedy. */
static void report_create_error(const char* what) {
    if (errno == EEXIST) {
        fprintf(stderr,
                "writer: a %s with our key already exists (left over from an earlier run? "
                "list it with ipcs, remove it with ipcrm)\n",
                what);
    } else {
        fprintf(stderr, "writer: cannot create the %s: %s\n", what, strerror(errno));
    }
}

int main(void) {
    /* Before creating anything: a signal arriving later must find the handler in place, or
     * the default action would kill us with the objects still there. */
    if (install_signal_handlers() == -1) {
        perror("writer: sigaction");
        return 1;
    }
    /* The semaphore set is what says "the writer is ready" (a reader, and the grader, look for
     * it), so it is created last. IPC_EXCL makes leftovers from an earlier run an error
     * instead of something we would silently reuse and then remove. */
    int status = 1;
    int semid = -1;
    struct xfr_block* block = NULL;
    int shmid = shmget(XFR_SHM_KEY, sizeof(struct xfr_block), IPC_CREAT | IPC_EXCL | 0600);
    if (shmid == -1) {
        report_create_error("shared memory segment");
        return 1;
    }
    block = shmat(shmid, NULL, 0);
    if (block == (void*)-1) {
        perror("writer: shmat");
        goto remove_segment;
    }
    semid = semget(XFR_SEM_KEY, 2, IPC_CREAT | IPC_EXCL | 0600);
    if (semid == -1) {
        report_create_error("semaphore set");
        goto detach;
    }
    unsigned short initial[2] = {[SEM_WRITE] = 1, [SEM_READ] = 0};
    if (semctl(semid, 0, SETALL, (union semun){.array = initial}) == -1) {
        perror("writer: semctl SETALL");
        goto remove_set;
    }

    status = send_blocks(semid, block);

remove_set:
    if (semctl(semid, 0, IPC_RMID) == -1) {
        perror("writer: semctl IPC_RMID");
        status = 1;
    }
detach:
    if (shmdt(block) == -1) {
        perror("writer: shmdt");
        status = 1;
    }
remove_segment:
    if (shmctl(shmid, IPC_RMID, NULL) == -1) {
        perror("writer: shmctl IPC_RMID");
        status = 1;
    }
    if (stop_signal) {
        /* Die of the signal we were sent, so that our parent sees why we ended. */
        signal(stop_signal, SIG_DFL);
        raise(stop_signal);
    }
    return status;
}
