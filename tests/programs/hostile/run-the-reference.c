/* A hostile submission that does no work of its own: copied in as each program of a lab
 * (reader.c, writer.c, echoserv.c, ...), it looks for the lab's reference program of the same
 * name wherever a test's program might reach it and runs that in its own place, arguments and
 * all. Against a grader that leaves the reference within reach, it scores what the reference
 * scores. Exits 99 when it found nothing it could run. */
#define _GNU_SOURCE
#include <dirent.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void TryToRun(const char* path, char** argv) {
    execv(path, argv);
    fprintf(stderr, "run-the-reference: cannot run %s\n", path);
}

int main(int argc, char** argv) {
    (void)argc;
    char own[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", own, sizeof own - 1);
    own[length > 0 ? length : 0] = '\0';
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", argv[0]);
    const char* name = basename(copy);
    char path[PATH_MAX + 64];

    /* The work folder's layout: the test's folder is <work>/tests/<test>, the builds beside. */
    snprintf(path, sizeof path, "../../reference/%s", name);
    TryToRun(path, argv);
    if (own[0] != '\0') {
        char work[PATH_MAX];
        snprintf(work, sizeof work, "%s", own);
        snprintf(path, sizeof path, "%s/../reference/%s", dirname(work), name);
        TryToRun(path, argv);
    }
    /* A reference program running beside it, through /proc. */
    DIR* proc = opendir("/proc");
    for (struct dirent* entry; proc != NULL && (entry = readdir(proc)) != NULL;) {
        char exe[PATH_MAX];
        snprintf(path, sizeof path, "/proc/%s/exe", entry->d_name);
        ssize_t n = readlink(path, exe, sizeof exe - 1);
        if (n <= 0) continue;
        exe[n] = '\0';
        if (strcmp(exe, own) == 0 || strcmp(basename(exe), name) != 0) continue;
        TryToRun(path, argv);
    }
    /* Other runs' work folders. */
    glob_t found;
    snprintf(path, sizeof path, "/var/tmp/labgrade-*/reference/%s", name);
    if (glob(path, 0, NULL, &found) == 0) {
        for (size_t i = 0; i < found.gl_pathc; ++i) TryToRun(found.gl_pathv[i], argv);
    }
    fprintf(stderr, "run-the-reference: found no %s to run\n", name);
    return 99;
}
