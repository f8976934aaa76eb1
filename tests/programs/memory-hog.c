/* Holds MIB mebibytes of memory in the way its first argument says, then says so and waits to be
 * killed: each way outlives a process's own address space limit (RLIMIT_AS) unless a memory
 * cgroup charges it.
 *   shm      a System V segment of MIB MiB, attached and touched, detached (it stays)
 *   tmp      a file of MIB MiB in /tmp (a tmpfs), written
 *   devshm   the same in /dev/shm
 *   memfd    a memfd of MIB MiB, written, its descriptor kept
 * Prints "held N MiB" after each MiB it holds, so a test sees how far it got; exits 3 when the
 * system refuses more (ENOSPC from a full tmpfs, a refused segment). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: memory-hog shm|tmp|devshm|memfd MIB\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    const long mib = atol(argv[2]);
    static char block[1 << 20];
    memset(block, 0x5a, sizeof block);
    if (strcmp(argv[1], "shm") == 0) {
        /* One segment per MiB: kernel.shmmax may refuse a big one, and each counts on its own. */
        for (long i = 0; i < mib; ++i) {
            int id = shmget(IPC_PRIVATE, sizeof block, IPC_CREAT | 0600);
            if (id < 0) { perror("shmget"); return 3; }
            char* at = shmat(id, NULL, 0);
            if (at == (void*)-1) { perror("shmat"); return 3; }
            memcpy(at, block, sizeof block);
            shmdt(at);
            printf("held %ld MiB\n", i + 1);
        }
    } else {
        int fd = strcmp(argv[1], "memfd") == 0 ? memfd_create("hog", 0)
                 : strcmp(argv[1], "tmp") == 0 ? open("/tmp/hog", O_WRONLY | O_CREAT | O_TRUNC, 0600)
                                               : open("/dev/shm/hog", O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0) { perror("open"); return 1; }
        for (long i = 0; i < mib; ++i) {
            if (write(fd, block, sizeof block) != (ssize_t)sizeof block) { perror("write"); return 3; }
            printf("held %ld MiB\n", i + 1);
        }
    }
    printf("done\n");
    for (;;) pause();
}
