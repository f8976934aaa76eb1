/* A guard for the hostile programs that could take the machine down (fork-bomb,
 * kill-everyone): they refuse to run unless they are in a PID namespace nested below the one
 * /proc was mounted for, which a cell gives them. Started on the host by mistake, as root,
 * kill(-1) would kill every process on the machine and a fork bomb would meet no limit. */
#ifndef LABGRADE_TESTS_PROGRAMS_ONLY_IN_A_CELL_H
#define LABGRADE_TESTS_PROGRAMS_ONLY_IN_A_CELL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exits 2 with a message unless /proc/self/status lists this process's pid in at least two
 * PID namespaces ("NSpid:\t4711\t3"). */
static void RefuseOutsideACell(const char* program) {
  char line[256];
  int levels = 0;
  FILE* status = fopen("/proc/self/status", "r");
  if (status != NULL) {
    while (fgets(line, sizeof line, status) != NULL) {
      if (strncmp(line, "NSpid:", 6) != 0) continue;
      for (char* field = strtok(line + 6, " \t\n"); field != NULL; field = strtok(NULL, " \t\n"))
        ++levels;
    }
    fclose(status);
  }
  if (levels < 2) {
    fprintf(stderr, "%s: refusing to run outside a cell (a nested PID namespace)\n", program);
    exit(2);
  }
}

#endif
