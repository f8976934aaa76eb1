/* Hostile: tries to kill its parent (the grader), then every process it may signal
 * (kill(-1, SIGKILL): all but PID 1 of its namespace and itself), then exits 0, so an exit
 * status of 0 shows that both attempts were made and returned.
 * Inside a cell its parent lives outside its PID namespace and has no pid there: getppid() is 0,
 * and kill(0) would mean the program's own process group, so there is nothing to name and that
 * attempt is skipped. Runs only inside a cell (see only-in-a-cell.h). */
#include <signal.h>
#include <unistd.h>

#include "only-in-a-cell.h"

int main(void) {
    RefuseOutsideACell("kill-everyone");
    pid_t parent = getppid();
    if (parent > 0) kill(parent, SIGKILL);
    kill(-1, SIGKILL);
    return 0;
}
