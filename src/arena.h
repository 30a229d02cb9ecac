#ifndef BULLETIN_ARENA_H
#define BULLETIN_ARENA_H
/* Bump allocator for everything that lives exactly one build: document
 * nodes, glyph runs, lines, placed boxes. Freed all at once. */

#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
void arena_free(arena *a);
void *arena_alloc(arena *a, size_t size);  /* zeroed, 16-byte aligned */
char *arena_strndup(arena *a, const char *s, size_t len);
char *arena_strdup(arena *a, const char *s);
/* Copies count items of size bytes into the arena. */
void *arena_memdup(arena *a, const void *p, size_t size);
size_t arena_bytes_used(const arena *a);

#endif
