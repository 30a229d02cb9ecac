#include "arena.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Chunks grow from ARENA_FIRST to ARENA_CHUNK: a volume keeps a small
 * arena per issue (its manifest), which a fixed 256 KB chunk would make
 * 130 MB for 520 issues. */
#define ARENA_FIRST (2 * 1024)
#define ARENA_CHUNK (256 * 1024)

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
} chunk;

struct arena {
    chunk *head;
    size_t total;
    size_t next_chunk; /* size of the next chunk */
};

arena *arena_new(void)
{
    return xcalloc(1, sizeof(arena));
}

void arena_free(arena *a)
{
    if (!a)
        return;
    chunk *c = a->head;
    while (c) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

void *arena_alloc(arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (size == 0)
        size = 16;
    chunk *c = a->head;
    if (!c || c->size - c->used < size) {
        if (a->next_chunk == 0)
            a->next_chunk = ARENA_FIRST;
        size_t cap = size > ARENA_CHUNK / 4 ? size : a->next_chunk;
        if (cap < size)
            cap = size;
        if (size <= ARENA_CHUNK / 4 && a->next_chunk < ARENA_CHUNK)
            a->next_chunk *= 2;
        chunk *n = xmalloc(sizeof(chunk) + cap);
        n->used = 0;
        n->size = cap;
        if (size > ARENA_CHUNK / 4 && c) {
            /* Big blocks go behind the current chunk so its free space stays usable. */
            n->next = c->next;
            c->next = n;
        } else {
            n->next = c;
            a->head = n;
        }
        c = n;
    }
    void *p = c->data + c->used;
    c->used += size;
    a->total += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t len)
{
    char *p = arena_alloc(a, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

void *arena_memdup(arena *a, const void *p, size_t size)
{
    void *q = arena_alloc(a, size);
    if (size)
        memcpy(q, p, size);
    return q;
}

size_t arena_bytes_used(const arena *a)
{
    return a->total;
}
