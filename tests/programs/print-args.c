/* Prints its arguments, argv[0] included, one per line and each in brackets, so that empty
 * arguments and spaces show: print-args "a b" "" prints "[.../print-args]\n[a b]\n[]\n". */
#include <stdio.h>

int main(int argc, char **argv) {
    for (int i = 0; i < argc; ++i) printf("[%s]\n", argv[i]);
    return 0;
}
