/* writer.c of the defective submission "semaphore-leak": this file is correct (the reference); the
 * defect is in reader.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "xfr.h"

/* Adds `delta` to semaphore `num`, blocking while that would make it negative. Returns 0, or
 * -1 with errno set (EIDRM or EINVAL: the reader removed the set). A stop and continue
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

/* Says why a semaphore operation failed; a reader that removed the set gets plain words. */
static void report_semop_error(const char* doing) {
    if (errno == EIDRM || errno == EINVAL) {
        fprintf(stderr, "writer: the reader went away while %s\n", doing);
    } else {
        fprintf(stderr, "writer: %s: %s\n", doing, strerror(errno));
    }
}

/* Sends standard input block by block, then the empty block. A short read (a pipe hands over
 * what it has) is sent as a short block. A read error ends the transfer too, so that the
 * reader does not wait forever. Returns 0, or 1 on an error (already reported). */
static int send_blocks(int semid, struct xfr_block* block) {
    int status = 0;
    for (;;) {
        if (change_semaphore(semid, SEM_WRITE, -1) == -1) {
            report_semop_error("waiting for a free block");
            return 1;
        }
        ssize_t n;
        do {
            n = read(STDIN_FILENO, block->data, XFR_BUF);
        } while (n == -1 && errno == EINTR);
        if (n == -1) {
            perror("writer: read from standard input");
            status = 1;
            n = 0;
        }
        block->len = (int)n;
        if (change_semaphore(semid, SEM_READ, +1) == -1) {
            report_semop_error("handing a block to the reader");
            return 1;
        }
        if (n == 0) {
            return status;
        }
    }
}

/* Says why opening an IPC object failed; a missing reader gets its remedy. */
static void report_open_error(const char* what, const char* keyfile) {
    if (errno == ENOENT) {
        fprintf(stderr, "writer: no reader is waiting on %s (start the reader first)\n", keyfile);
    } else {
        fprintf(stderr, "writer: cannot open the %s for %s: %s\n", what, keyfile, strerror(errno));
    }
}

int main(int argc, char* argv[]) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s KEYFILE\n", argv[0]);
        return 1;
    }
    key_t key = ftok(argv[1], XFR_PROJ_ID);
    if (key == -1) {
        fprintf(stderr, "writer: ftok %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    /* No IPC_CREAT: the objects must already be there. The reader creates the semaphore set
     * last, so once it exists the segment does too. */
    int semid = semget(key, 2, 0);
    if (semid == -1) {
        report_open_error("semaphore set", argv[1]);
        return 1;
    }
    int shmid = shmget(key, sizeof(struct xfr_block), 0);
    if (shmid == -1) {
        report_open_error("shared memory segment", argv[1]);
        return 1;
    }
    struct xfr_block* block = shmat(shmid, NULL, 0);
    if (block == (void*)-1) {
        perror("writer: shmat");
        return 1;
    }

    int status = send_blocks(semid, block);

    if (shmdt(block) == -1) {
        perror("writer: shmdt");
        status = 1;
    }
    return status;
}
