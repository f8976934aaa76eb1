/* Dereferences a null pointer: the kernel kills it with SIGSEGV (no core: RLIMIT_CORE). */
#include <stddef.h>

int main(void) {
    volatile int *nowhere = NULL;
    *nowhere = 1;
    return 0;
}
