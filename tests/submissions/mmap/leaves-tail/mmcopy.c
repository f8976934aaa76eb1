/* DEFECT leaves-tail: DST is only ever grown with ftruncate (when it is shorter than SRC), never
 * cut, and it is not opened with O_TRUNC either, so a DST that was longer than SRC keeps its old
 * bytes after SRC's. Caught by longer-dst only. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Copies the first `size` bytes of src_fd to dst_fd, which must already be `size` bytes long.
 * `size` must not be 0: mmap() rejects a zero length with EINVAL. Returns 0, or -1 after
 * reporting the error on stderr. */
static int copy_mapped(int src_fd, const char* src, int dst_fd, const char* dst, size_t size) {
    int status = -1;
    /* Read-only and private: we never write to SRC, and nobody else sees this mapping. */
    const char* from = mmap(NULL, size, PROT_READ, MAP_PRIVATE, src_fd, 0);
    if (from == MAP_FAILED) {
        fprintf(stderr, "mmcopy: cannot map %s: %s\n", src, strerror(errno));
        return -1;
    }
    /* Shared: only a shared mapping carries our stores into the file. It needs DST open
     * O_RDWR, even though we only write (see mmap(2), EACCES). */
    char* to = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dst_fd, 0);
    if (to == MAP_FAILED) {
        fprintf(stderr, "mmcopy: cannot map %s: %s\n", dst, strerror(errno));
        goto unmap_from;
    }

    memcpy(to, from, size);
    status = 0;

    /* No msync(): after munmap() the pages stay in the page cache, and every later read of
     * DST sees them. MS_SYNC would only add waiting for the disk. */
    if (munmap(to, size) == -1) {
        fprintf(stderr, "mmcopy: munmap %s: %s\n", dst, strerror(errno));
        status = -1;
    }
unmap_from:
    if (munmap((void*)from, size) == -1) {
        fprintf(stderr, "mmcopy: munmap %s: %s\n", src, strerror(errno));
        status = -1;
    }
    return status;
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
    /* Make room for SRC's bytes. Storing into a mapped page that lies past the end of the
     * file raises SIGBUS, so this must come first. */
    if (dst_st.st_size < src_st.st_size && ftruncate(dst_fd, src_st.st_size) == -1) {
        fprintf(stderr, "mmcopy: cannot resize %s: %s\n", dst, strerror(errno));
        goto close_dst;
    }
    if (src_st.st_size == 0 ||
        copy_mapped(src_fd, src, dst_fd, dst, (size_t)src_st.st_size) == 0) {
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
