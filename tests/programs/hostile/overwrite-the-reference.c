/* What a hostile submission adds at the start of a correct program: it tries to replace the
 * lab's reference programs (in the work folder beside its test folder) with a script of its own
 * and to change the lab's files, so that a later test's "reference" prints what it chooses. It
 * then goes on as the correct program it is. Included by the submission's sources. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void Plant(const char* path) {
    static const char script[] = "#!/bin/sh\necho forged by the student\n";
    int fd = open(path, O_WRONLY | O_TRUNC);
    if (fd < 0) fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0755);
    if (fd >= 0 && write(fd, script, sizeof script - 1) == (ssize_t)(sizeof script - 1))
        fprintf(stderr, "overwrote %s\n", path);
    if (fd >= 0) close(fd);
}

static void OverwriteTheReference(void) {
    const char* targets[] = {"../../reference/reader", "../../reference/writer",
                             "../../reference/echoserv", "../../reference/echocli",
                             LABGRADE_LAB_FOLDER "/lab.yaml", LABGRADE_LAB_FOLDER "/data/short.txt"};
    for (size_t i = 0; i < sizeof targets / sizeof *targets; ++i) Plant(targets[i]);
}
