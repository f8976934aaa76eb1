/* Hostile: forks without end; every child forks too. The sandbox must contain it (process
 * limit, cell) and the harness must survive and kill every copy. */
#include <unistd.h>

int main(void) {
    for (;;) fork();
}
