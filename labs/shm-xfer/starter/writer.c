/* writer.c - the producer side of the shared-memory transfer lab (starter code).
 *
 * Usage: writer KEYFILE < input
 * Opens the segment and the semaphore set a running reader created for ftok(KEYFILE,
 * XFR_PROJ_ID) and sends standard input through the segment one block at a time, ending with a
 * block of len 0. See README.md for the full contract.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "xfr.h"

int main(int argc, char* argv[]) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s KEYFILE\n", argv[0]);
        return 1;
    }

    /* TODO: key = ftok(argv[1], XFR_PROJ_ID); check for -1. */

    /* TODO: open the existing semaphore set and segment WITHOUT IPC_CREAT. If they do not
     * exist (ENOENT), no reader is running: say so on stderr and exit 1. Attach with shmat(). */

    /* TODO: loop: wait on SEM_WRITE; read() up to XFR_BUF bytes from standard input into
     * block->data; set block->len to the count (0 at the end of the input); post SEM_READ;
     * stop after sending the block with len 0. */

    /* TODO: shmdt() and exit 0. Never remove the objects: they belong to the reader. */

    return 0;
}
