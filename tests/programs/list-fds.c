/* Prints the descriptors it was started with, one per line (not the one used to list them). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    DIR *fds = opendir("/proc/self/fd");
    if (fds == NULL) return 1;
    struct dirent *entry;
    while ((entry = readdir(fds)) != NULL) {
        if (entry->d_name[0] == '.') continue;
        int fd = atoi(entry->d_name);
        if (fd != dirfd(fds)) printf("%d\n", fd);
    }
    closedir(fds);
    return 0;
}
