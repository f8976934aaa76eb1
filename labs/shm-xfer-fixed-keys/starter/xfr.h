/* xfr.h - the fixed-key shared-memory transfer lab's contract between writer and reader.
 *
 * Do not change this file: the grader builds your writer.c and reader.c against its own copy.
 *
 * The writer creates a segment holding one struct xfr_block under the key XFR_SHM_KEY and a set
 * of two semaphores under XFR_SEM_KEY. SEM_WRITE counts free blocks (starts at 1), SEM_READ
 * counts filled blocks (starts at 0). A block with len 0 marks the end of the input; the reader
 * posts SEM_WRITE after it too, so the writer knows it may remove the objects.
 */
#ifndef XFR_H
#define XFR_H

#define XFR_BUF 1024
#define XFR_SHM_KEY 0x1234
#define XFR_SEM_KEY 0x5678
struct xfr_block { int len; char data[XFR_BUF]; }; /* len 0 marks the end of input */
enum { SEM_WRITE = 0, SEM_READ = 1 };

#endif /* XFR_H */
