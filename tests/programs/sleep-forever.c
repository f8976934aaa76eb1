/* Blocks forever without using CPU (pause); only a signal ends it. */
#include <unistd.h>

int main(void) {
    for (;;) pause();
}
