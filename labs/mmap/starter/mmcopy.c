/* mmcopy.c - a file copy through memory mappings (starter code).
 *
 * Usage: mmcopy SRC DST
 * Maps SRC read-only, creates or truncates DST with mode 0644, gives it SRC's size with
 * ftruncate, maps it shared and copies through the mappings. No read(), fread(), fgetc(),
 * getc() or fgets(): the grader checks. See README.md for the full contract.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char* argv[]) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s SRC DST\n", argv[0]);
        return 1;
    }

    /* TODO: open SRC read-only and fstat() it to learn its size. If it cannot be opened, print
     * an error naming the file on stderr (strerror(errno) says why) and exit 1. */

    /* TODO: create or open DST for reading and writing (a shared writable mapping needs
     * O_RDWR) with mode 0644. The umask may take bits away from 0644: fchmod() puts them back.
     * If DST cannot be created, print an error naming it and exit 1. */

    /* TODO: give DST exactly SRC's size with ftruncate(). Storing into a mapped page that lies
     * past the end of the file raises SIGBUS. A longer DST must lose its tail. */

    /* TODO: if SRC is empty, you are done: mmap() of length 0 fails with EINVAL. Otherwise map
     * SRC with PROT_READ and DST with PROT_READ | PROT_WRITE and MAP_SHARED (mmap returns
     * MAP_FAILED, not NULL), copy with memcpy(), and munmap() both. */

    /* TODO: close both files, on every way out; exit 0 only if everything worked. */

    return 0;
}
