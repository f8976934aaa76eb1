/* Tries what it is asked on each path and prints one line each, "read /etc/hostname: ok" or
 * "write /var/tmp/x: EROFS":
 *   read:PATH    open for reading and read a byte       list:PATH   open a folder and list it
 *   write:PATH   create (or truncate) and write a byte  exec:PATH   run it (fork and execve)
 *   fill:PATH    write 1 MiB blocks until it fails; says how many MiB went in, then removes it
 *   procs:PATH   counts the processes it can see in the /proc at PATH ("procs /proc: 2")
 * For the sandbox tests: what a confined program can and cannot reach. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void Outcome(const char* what, const char* path, int ok) {
    printf("%s %s: %s\n", what, path, ok ? "ok" : strerrorname_np(errno));
}

int main(int argc, char** argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    static char block[1 << 20];
    for (int i = 1; i < argc; ++i) {
        char* colon = strchr(argv[i], ':');
        if (colon == NULL) continue;
        *colon = '\0';
        const char* what = argv[i];
        const char* path = colon + 1;
        if (strcmp(what, "read") == 0) {
            int fd = open(path, O_RDONLY | O_NONBLOCK);
            char byte;
            Outcome(what, path, fd >= 0 && read(fd, &byte, 1) >= 0);
            if (fd >= 0) close(fd);
        } else if (strcmp(what, "write") == 0) {
            int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            Outcome(what, path, fd >= 0 && write(fd, "x", 1) == 1);
            if (fd >= 0) close(fd);
        } else if (strcmp(what, "list") == 0) {
            DIR* dir = opendir(path);
            Outcome(what, path, dir != NULL && (errno = 0, readdir(dir), errno == 0));
            if (dir != NULL) closedir(dir);
        } else if (strcmp(what, "exec") == 0) {
            int report[2];
            if (pipe2(report, O_CLOEXEC) != 0) return 1;
            pid_t child = fork();
            if (child == 0) {
                char* args[] = {(char*)path, NULL};
                execv(path, args);
                int error = errno;
                write(report[1], &error, sizeof error);
                _exit(127);
            }
            close(report[1]);
            int error = 0;
            ssize_t got = read(report[0], &error, sizeof error);
            close(report[0]);
            waitpid(child, NULL, 0);
            errno = error;
            Outcome(what, path, got == 0);
        } else if (strcmp(what, "procs") == 0) {
            DIR* dir = opendir(path);
            int count = 0;
            for (struct dirent* entry; dir != NULL && (entry = readdir(dir)) != NULL;)
                count += entry->d_name[0] >= '0' && entry->d_name[0] <= '9';
            if (dir != NULL) closedir(dir);
            printf("procs %s: %d\n", path, count);
        } else if (strcmp(what, "fill") == 0) {
            int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            long mib = 0;
            if (fd >= 0) {
                /* Until write itself fails: a short write only says the end is near. */
                for (ssize_t wrote; (wrote = write(fd, block, sizeof block)) >= 0;)
                    mib += wrote == (ssize_t)sizeof block;
                int error = errno;
                close(fd);
                unlink(path);
                errno = error;
            }
            printf("fill %s: %ld MiB, then %s\n", path, mib, strerrorname_np(errno));
        }
    }
    return 0;
}
