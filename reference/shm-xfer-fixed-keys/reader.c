/* reader.c - reference solution of the fixed-key shared-memory transfer lab: the consumer side.
 *
 * Usage: reader
 * Opens the segment (XFR_SHM_KEY) and the semaphore set (XFR_SEM_KEY) a running writer created,
 * copies every block to standard output until the empty block, and posts SEM_WRITE after each
 * one, the empty block included, so that the writer knows when it may remove the objects. It
 * never creates or removes them: they belong to the writer.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "xfr.h"

/* Adds `delta` to semaphore `num`, blocking while that would make it negative. Returns 0, or
 * -1 with errno set (EIDRM or EINVAL: the writer removed the set). A stop and continue
 * (SIGSTOP, SIGCONT) makes semop() fail with EINTR on Linux (see signal(7)): that is retried. */
static int change_semaphore(int semid, unsigned short num, short delta) {
    struct sembuf op = {.sem_num = num, .sem_op = delta, .sem_flg = 0};
    while (semop(semid, &op, 1) == -1) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return 0;
}

/* Writes all `len` bytes: a write to a pipe may take only part of them. Returns 0 or -1. */
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

/* Copies blocks to standard output until the empty block. Returns 0, or 1 on an error. */
static int copy_blocks(int semid, const struct xfr_block* block) {
    for (;;) {
        if (change_semaphore(semid, SEM_READ, -1) == -1) {
            perror("reader: waiting for a block");
            return 1;
        }
        int len = block->len;
        if (len < 0 || len > XFR_BUF) {
            fprintf(stderr, "reader: bad block length %d\n", len);
            return 1;
        }
        if (len > 0 && write_all(STDOUT_FILENO, block->data, (size_t)len) == -1) {
            perror("reader: write to standard output");
            return 1;
        }
        if (change_semaphore(semid, SEM_WRITE, +1) == -1) {
            perror("reader: handing the block back");
            return 1;
        }
        if (len == 0) {
            return 0;
        }
    }
}

int main(void) {
    /* No IPC_CREAT: the objects must already be there. The writer creates the semaphore set
     * last, so once it exists the segment does too. */
    int semid = semget(XFR_SEM_KEY, 2, 0);
    if (semid == -1) {
        if (errno == ENOENT) {
            fprintf(stderr, "reader: no writer is running (start the writer first)\n");
        } else {
            perror("reader: semget");
        }
        return 1;
    }
    int shmid = shmget(XFR_SHM_KEY, sizeof(struct xfr_block), 0);
    if (shmid == -1) {
        perror("reader: shmget");
        return 1;
    }
    struct xfr_block* block = shmat(shmid, NULL, SHM_RDONLY);
    if (block == (void*)-1) {
        perror("reader: shmat");
        return 1;
    }
    int status = copy_blocks(semid, block);
    if (shmdt(block) == -1) {
        perror("reader: shmdt");
        status = 1;
    }
    return status;
}
