/* Exits with the status given as its only argument: exit-with 3 exits 3. */
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 2) return 255;
    return atoi(argv[1]);
}
