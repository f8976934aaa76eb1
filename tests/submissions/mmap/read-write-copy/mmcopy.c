/* DEFECT read-write-copy: the copy goes through a buffer with read() and write() instead of
 * through memory mappings, so the executable imports read and neither mmap nor munmap. The copies
 * themselves are right. Caught by uses-mmap-not-read only. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Copies the first `size` bytes of src_fd to dst_fd through a buffer, with read() and
 * write(). Returns 0, or -1 after reporting the error on stderr. */
static int copy_buffered(int src_fd, const char* src, int dst_fd, const char* dst,
                         size_t size) {
    char buf[65536];
    while (size > 0) {
        ssize_t got = read(src_fd, buf, sizeof buf);
        if (got == -1 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            fprintf(stderr, "mmcopy: cannot read %s: %s\n", src,
                    got == 0 ? "unexpected end of file" : strerror(errno));
            return -1;
        }
        for (ssize_t done = 0; done < got;) {
            ssize_t put = write(dst_fd, buf + done, (size_t)(got - done));
            if (put == -1 && errno == EINTR) {
                continue;
            }
            if (put == -1) {
                fprintf(stderr, "mmcopy: cannot write %s: %s\n", dst, strerror(errno));
                return -1;
            }
            done += put;
        }
        size -= (size_t)got;
    }
    return 0;
}

int main(int argc, char* argv[]) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s SRC DST\n", argv[0]);
        return 1;
    }
    const char* src = argv[1];
    const char* dst = argv[2];
    int status = 1;
    int dst_fd = -1;
    int created = 1; /* whether DST is a file of our own making */
    struct stat src_st, dst_st;

    int src_fd = open(src, O_RDONLY);
    if (src_fd == -1) {
        fprintf(stderr, "mmcopy: cannot open %s: %s\n", src, strerror(errno));
        return 1;
    }
    if (fstat(src_fd, &src_st) == -1) {
        fprintf(stderr, "mmcopy: cannot stat %s: %s\n", src, strerror(errno));
        goto close_src;
    }
    if (!S_ISREG(src_st.st_mode)) {
        fprintf(stderr, "mmcopy: %s is not a regular file\n", src);
        goto close_src;
    }

    /* O_EXCL tells a DST we create from one that exists: only a new file takes its mode from
     * us; an existing one keeps its own, as with cp (it may belong to another user, whose mode
     * we could not change anyway). No O_TRUNC: if DST is SRC under another name, truncating it
     * would destroy the data before we could notice. ftruncate() below sizes DST instead. */
    dst_fd = open(dst, O_RDWR | O_CREAT | O_EXCL, 0644);
    if (dst_fd == -1 && errno == EEXIST) {
        created = 0;
        dst_fd = open(dst, O_RDWR);
    }
    if (dst_fd == -1) {
        fprintf(stderr, "mmcopy: cannot open %s for writing: %s\n", dst, strerror(errno));
        goto close_src;
    }
    if (fstat(dst_fd, &dst_st) == -1) {
        fprintf(stderr, "mmcopy: cannot stat %s: %s\n", dst, strerror(errno));
        goto close_dst;
    }
    if (dst_st.st_dev == src_st.st_dev && dst_st.st_ino == src_st.st_ino) {
        fprintf(stderr, "mmcopy: %s and %s are the same file\n", src, dst);
        goto close_dst;
    }
    /* open() applies the umask to 0644 (022 leaves it, 077 makes 0600); fchmod() does not. */
    if (created && fchmod(dst_fd, 0644) == -1) {
        fprintf(stderr, "mmcopy: cannot chmod %s: %s\n", dst, strerror(errno));
        goto close_dst;
    }
    /* Exactly SRC's size: a longer DST loses its tail, a new one grows. Storing into a mapped
     * page that lies past the end of the file raises SIGBUS, so this must come first. */
    if (ftruncate(dst_fd, src_st.st_size) == -1) {
        fprintf(stderr, "mmcopy: cannot resize %s: %s\n", dst, strerror(errno));
        goto close_dst;
    }
    if (src_st.st_size == 0 ||
        copy_buffered(src_fd, src, dst_fd, dst, (size_t)src_st.st_size) == 0) {
        status = 0;
    }

close_dst:
    if (close(dst_fd) == -1) {
        fprintf(stderr, "mmcopy: close %s: %s\n", dst, strerror(errno));
        status = 1;
    }
close_src:
    close(src_fd); /* read-only: closing it cannot lose data */
    return status;
}
