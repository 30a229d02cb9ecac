#ifndef BULLETIN_DIAG_H
#define BULLETIN_DIAG_H
/* Diagnostics with source locations, in GNU format:
 *   file:line:col: error: message
 * A diag collects messages; only main.c prints them. Owns copies of every
 * string it is given. */

#include <stdbool.h>
#include <stdio.h>

typedef struct src_loc {
    const char *file; /* borrowed; must outlive the diag (interned by callers) */
    int line;         /* 1-based; 0 = whole file */
    int col;          /* 1-based, in characters; 0 = unknown */
} src_loc;

typedef enum diag_level { DIAG_WARNING, DIAG_ERROR } diag_level;

/* What kind of failure an error is: decides the exit status. */
typedef enum diag_kind {
    DIAG_INPUT = 1,    /* bad input: exit 1 */
    DIAG_USAGE = 2,    /* bad command line: exit 2 */
    DIAG_INTERNAL = 3, /* a library failed unexplained by the input: exit 3 */
} diag_kind;

typedef struct diag diag;

diag *diag_new(void);
void diag_free(diag *d);
/* A diag whose messages are kept apart until merged into parent (in an
 * order of the caller's choosing, whatever thread reported first); its
 * file names are interned in the parent. */
diag *diag_new_child(diag *parent);
/* Moves child's messages and counts to the end of d's. */
void diag_merge(diag *d, diag *child);

void diag_error(diag *d, src_loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_warning(diag *d, src_loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_usage(diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_internal(diag *d, src_loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int diag_error_count(const diag *d);
int diag_warning_count(const diag *d);
/* Exit status the recorded errors call for: 0 when there are none. */
int diag_exit_status(const diag *d);
void diag_print(const diag *d, FILE *out);
/* Used by tests: the n-th message as printed (without newline), or NULL. */
const char *diag_message(const diag *d, int n);
diag_level diag_message_level(const diag *d, int n);

/* Interns a file name so src_locs can point at it for the diag's lifetime. */
const char *diag_intern(diag *d, const char *file);

static inline src_loc loc_file(const char *file)
{
    return (src_loc){file, 0, 0};
}

#endif
