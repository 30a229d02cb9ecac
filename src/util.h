#ifndef BULLETIN_UTIL_H
#define BULLETIN_UTIL_H
/* Support used by every stage: allocation that aborts on exhaustion, a
 * growable byte buffer, whole-file reading and a locale-free number
 * formatter. Owns nothing global. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *items (each item_size bytes) so that it holds at least need items. */
void grow_array(void **items, size_t *cap, size_t need, size_t item_size);
#define ARRAY_PUSH(arr, count, cap) \
    (grow_array((void **)&(arr), &(cap), (count) + 1, sizeof *(arr)), &(arr)[(count)++])

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

void buf_init(buf *b);
void buf_fini(buf *b);
void buf_append(buf *b, const void *data, size_t len);
void buf_puts(buf *b, const char *s);
/* v in upper-case hex, at least four digits (as printf "%04X"). */
void buf_put_hex4(buf *b, uint32_t v);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends v with at most `decimals` decimals, trailing zeros trimmed, '.' as
 * the separator whatever the locale. */
void buf_put_num(buf *b, double v, int decimals);
char *buf_steal(buf *b); /* NUL-terminated; b is reset */

/* Reads a whole file. Returns NULL and sets errno on failure; refuses files
 * larger than max_bytes (errno = EFBIG). */
char *read_file(const char *path, size_t max_bytes, size_t *len_out);

/* A file written in full or not at all: the bytes go to a temporary file
 * beside path, which replaces path (fsync, rename) at commit; on failure,
 * abort or interrupt the temporary is removed and an existing file is
 * left untouched. The temporary has no name until commit where the file
 * system allows (O_TMPFILE), so that even a crash leaves nothing behind.
 * "-" and targets that are not regular files (a pipe, /dev/null) get an
 * unnamed temporary file, copied to them at commit. */
typedef struct atomic_file atomic_file;
/* NULL, with a malloc'd sentence in *error, when no file can be made. */
atomic_file *atomic_file_open(const char *path, char **error);
/* false after a write error, which commit then reports. */
bool atomic_file_write(atomic_file *f, const void *data, size_t len);
bool atomic_file_failed(const atomic_file *f);
/* Puts the file in place and frees f. Returns NULL on success, else a
 * malloc'd sentence saying what failed (the temporary is removed). */
char *atomic_file_commit(atomic_file *f);
/* Removes the temporary file and frees f (NULL is allowed). */
void atomic_file_abort(atomic_file *f);

/* The whole of data as an atomic_file. */
char *write_file_atomic(const char *path, const void *data, size_t len);

/* Directory part of path ("." when none); the result is malloc'd. */
char *path_dirname(const char *path);
/* Joins dir and rel unless rel is absolute. */
char *path_join(const char *dir, const char *rel);
bool path_is_regular_file(const char *path);
/* Whether path, resolved (symbolic links and ".." followed), lies inside
 * the folder root. False when either cannot be resolved. */
bool path_is_inside(const char *path, const char *root);

/* Locale-independent decimal parser: [+-]digits[.digits]. Returns false on
 * anything else. */
bool parse_decimal(const char *s, double *out);

uint64_t hash_fnv1a(uint64_t h, const void *data, size_t len);
#define HASH_FNV_INIT 0xcbf29ce484222325ULL

#endif
