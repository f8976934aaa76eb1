/* Creates one System V object with a fixed key, then waits for SIGTERM and removes it:
 *   sysv-maker sem|shm KEY [setval]
 * KEY in hexadecimal (0x5678). With setval, the semaphore set's first semaphore is set to 1
 * (as a writer that initialises its semaphores does); without it the values stay 0. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig) {
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: sysv-maker sem|shm KEY [setval]\n");
        return 2;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_term;
    sigaction(SIGTERM, &action, NULL);
    key_t key = (key_t)strtoul(argv[2], NULL, 16);
    int semaphores = strcmp(argv[1], "sem") == 0;
    int id = semaphores ? semget(key, 2, IPC_CREAT | IPC_EXCL | 0600)
                        : shmget(key, 1028, IPC_CREAT | IPC_EXCL | 0600);
    if (id < 0) {
        perror("sysv-maker: create");
        return 1;
    }
    if (semaphores && argc > 3 && strcmp(argv[3], "setval") == 0 && semctl(id, 0, SETVAL, 1) < 0) {
        perror("sysv-maker: semctl SETVAL");
        return 1;
    }
    while (!stop) pause();
    if (semaphores) {
        semctl(id, 0, IPC_RMID);
    } else {
        shmctl(id, IPC_RMID, NULL);
    }
    return 0;
}
