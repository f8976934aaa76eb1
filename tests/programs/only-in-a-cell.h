/* A guard for the hostile programs that could take the machine down (fork-bomb,
 * kill-everyone): they refuse to run unless their root file system is a cell's (a tmpfs named
 * "labgrade-cell", see harness/sandbox/cell_filesystem.h). Started on the host by mistake, as
 * root, kill(-1) would kill every process on the machine and a fork bomb would meet no limit. */
#ifndef LABGRADE_TESTS_PROGRAMS_ONLY_IN_A_CELL_H
#define LABGRADE_TESTS_PROGRAMS_ONLY_IN_A_CELL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exits 2 with a message unless /proc/self/mountinfo shows "/" mounted from "labgrade-cell". */
static void RefuseOutsideACell(const char* program) {
  char line[1024];
  int in_a_cell = 0;
  FILE* mounts = fopen("/proc/self/mountinfo", "r");
  if (mounts != NULL) {
    while (fgets(line, sizeof line, mounts) != NULL) {
      char mount_point[256];
      const char* after = strstr(line, " - ");
      if (sscanf(line, "%*s %*s %*s %*s %255s", mount_point) != 1 || after == NULL) continue;
      if (strcmp(mount_point, "/") == 0 && strncmp(after, " - tmpfs labgrade-cell ", 23) == 0)
        in_a_cell = 1;
    }
    fclose(mounts);
  }
  if (!in_a_cell) {
    fprintf(stderr, "%s: refusing to run outside a cell (its root is not a cell's)\n", program);
    exit(2);
  }
}

#endif
