/* reader.c - the consumer side of the shared-memory transfer lab (starter code).
 *
 * Usage: reader KEYFILE > output
 * Creates the shared memory segment and the semaphore set for ftok(KEYFILE, XFR_PROJ_ID),
 * writes every block the writer sends to standard output until the block with len 0, then
 * removes both objects. See README.md for the full contract.
 */
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

int main(int argc, char* argv[]) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s KEYFILE\n", argv[0]);
        return 1;
    }

    /* TODO: key = ftok(argv[1], XFR_PROJ_ID); check for -1. */

    /* TODO: install a handler for SIGINT and SIGTERM with sigaction(), without SA_RESTART,
     * that only sets a volatile sig_atomic_t flag. Do it before creating anything. */

    /* TODO: create the segment (sizeof(struct xfr_block)) and the set of two semaphores, both
     * with IPC_CREAT | IPC_EXCL | 0600, and attach the segment with shmat(). If an object
     * already exists (EEXIST), say so on stderr, remove only what you created, and exit 1.
     * Think about the order: a writer may start as soon as the semaphore set exists. */

    /* TODO: set SEM_WRITE to 1 and SEM_READ to 0 (semctl SETALL or SETVAL). */

    /* TODO: loop: wait on SEM_READ; stop if len is 0; write the len bytes to standard output
     * (write() may write fewer bytes than asked); post SEM_WRITE. When semop() fails with
     * EINTR, look at your signal flag. */

    /* TODO: shmdt(), then remove the segment (shmctl IPC_RMID) and the semaphore set
     * (semctl IPC_RMID), on every way out: after the end block, after a signal, after an
     * error. */

    return 0;
}
