/* xfr.h - the shared-memory transfer lab's contract between reader and writer.
 *
 * Do not change this file: the grader builds your reader.c and writer.c against its own copy.
 *
 * The reader creates a segment holding one struct xfr_block and a set of two semaphores, both
 * with the key ftok(KEYFILE, XFR_PROJ_ID). SEM_WRITE counts free blocks (starts at 1),
 * SEM_READ counts filled blocks (starts at 0). A block with len 0 marks the end of the input.
 */
#ifndef XFR_H
#define XFR_H

#define XFR_BUF 1024
#define XFR_PROJ_ID 1
struct xfr_block { int len; char data[XFR_BUF]; }; /* len 0 marks the end of input */
enum { SEM_WRITE = 0, SEM_READ = 1 };

#endif /* XFR_H */
