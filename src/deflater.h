#ifndef BULLETIN_DEFLATER_H
#define BULLETIN_DEFLATER_H
/* Deflates buffers on a second core while the caller goes on laying out
 * and drawing pages: submit hands a buffer over, finish waits for all and
 * the results are read back in any order. The output is what compress2
 * gives, so files stay byte-identical. Without a second core, or when the
 * thread cannot start, submit deflates at once. */

#include <stdbool.h>
#include <stddef.h>

typedef struct deflater deflater;

deflater *deflater_new(int level);
/* Takes ownership of raw (malloc'd, len bytes); returns a ticket. */
size_t deflater_submit(deflater *z, unsigned char *raw, size_t len);
/* Waits until every submitted buffer is deflated; false if one failed. */
bool deflater_finish(deflater *z);
/* How many of the first tickets are deflated (they finish in order). */
size_t deflater_done(deflater *z);
/* The deflated bytes of a finished ticket, handed to the caller (malloc'd;
 * NULL if deflating failed); each ticket is taken once. */
unsigned char *deflater_take(deflater *z, size_t ticket, size_t *len);
void deflater_free(deflater *z);

#endif
