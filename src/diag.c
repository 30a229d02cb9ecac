#include "diag.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Parsers go on after an error to report a few more; past this the rest
 * are noise. */
#define DIAG_MAX_MESSAGES 50

struct diag {
    char **messages;
    diag_level *levels;
    size_t level_cap;
    size_t count, cap;
    char **names;
    size_t name_count, name_cap;
    size_t *name_slots; /* open addressing: index + 1 into names, 0 = empty */
    size_t slot_count;
    int errors, warnings;
    int worst_kind;
    int suppressed;
    /* The layout thread of a volume reports while the PDF thread does. */
    pthread_mutex_t lock;
    diag *parent; /* a child interns file names in its parent */
};

static void lock(const diag *d)
{
    pthread_mutex_lock((pthread_mutex_t *)&d->lock);
}

static void unlock(const diag *d)
{
    pthread_mutex_unlock((pthread_mutex_t *)&d->lock);
}

diag *diag_new(void)
{
    diag *d = xcalloc(1, sizeof(diag));
    pthread_mutex_init(&d->lock, NULL);
    return d;
}

static void raise_kind(diag *d, int kind);

diag *diag_new_child(diag *parent)
{
    diag *d = diag_new();
    d->parent = parent;
    return d;
}

void diag_merge(diag *d, diag *child)
{
    lock(d);
    lock(child);
    for (size_t i = 0; i < child->count; i++) {
        if (d->count >= DIAG_MAX_MESSAGES) {
            d->suppressed++;
            continue;
        }
        size_t index = d->count;
        grow_array((void **)&d->levels, &d->level_cap, index + 1, sizeof *d->levels);
        d->levels[index] = child->levels[i];
        *ARRAY_PUSH(d->messages, d->count, d->cap) = child->messages[i];
    }
    d->suppressed += child->suppressed;
    d->errors += child->errors;
    d->warnings += child->warnings;
    raise_kind(d, child->worst_kind);
    child->count = 0; /* the messages moved */
    child->errors = child->warnings = child->suppressed = 0;
    unlock(child);
    unlock(d);
}

void diag_free(diag *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++)
        free(d->messages[i]);
    for (size_t i = 0; i < d->name_count; i++)
        free(d->names[i]);
    free(d->messages);
    free(d->levels);
    free(d->names);
    free(d->name_slots);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

static size_t name_slot(const diag *d, const char *file)
{
    size_t mask = d->slot_count - 1;
    size_t j = hash_fnv1a(HASH_FNV_INIT, file, strlen(file)) & mask;
    while (d->name_slots[j] && strcmp(d->names[d->name_slots[j] - 1], file) != 0)
        j = (j + 1) & mask;
    return j;
}

static const char *intern_locked(diag *d, const char *file);

/* A volume names thousands of files: a hash set, not a list walk. */
const char *diag_intern(diag *d, const char *file)
{
    while (d->parent) /* names outlive a child: they sit in src_locs */
        d = d->parent;
    lock(d);
    const char *name = intern_locked(d, file);
    unlock(d);
    return name;
}

static const char *intern_locked(diag *d, const char *file)
{
    if ((d->name_count + 1) * 2 > d->slot_count) {
        free(d->name_slots);
        d->slot_count = d->slot_count ? d->slot_count * 2 : 64;
        d->name_slots = xcalloc(d->slot_count, sizeof *d->name_slots);
        for (size_t i = 0; i < d->name_count; i++)
            d->name_slots[name_slot(d, d->names[i])] = i + 1;
    }
    size_t j = name_slot(d, file);
    if (d->name_slots[j])
        return d->names[d->name_slots[j] - 1];
    char **slot = ARRAY_PUSH(d->names, d->name_count, d->name_cap);
    *slot = xstrdup(file);
    d->name_slots[j] = d->name_count;
    return *slot;
}

static void record(diag *d, diag_level level, src_loc loc, const char *fmt, va_list ap)
{
    if (level == DIAG_ERROR)
        d->errors++;
    else
        d->warnings++;
    if (d->count >= DIAG_MAX_MESSAGES) {
        d->suppressed++;
        return;
    }
    buf b;
    buf_init(&b);
    if (loc.file) {
        buf_puts(&b, loc.file);
        if (loc.line > 0) {
            buf_printf(&b, ":%d", loc.line);
            if (loc.col > 0)
                buf_printf(&b, ":%d", loc.col);
        }
        buf_puts(&b, ": ");
    } else {
        buf_puts(&b, "bulletin: ");
    }
    buf_puts(&b, level == DIAG_ERROR ? "error: " : "warning: ");
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n > 0) {
        char *msg = xmalloc((size_t)n + 1);
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
        buf_append(&b, msg, (size_t)n);
        free(msg);
    }
    size_t index = d->count;
    grow_array((void **)&d->levels, &d->level_cap, index + 1, sizeof *d->levels);
    d->levels[index] = level;
    char **slot = ARRAY_PUSH(d->messages, d->count, d->cap);
    *slot = buf_steal(&b);
}

static void raise_kind(diag *d, int kind)
{
    if (kind > d->worst_kind)
        d->worst_kind = kind;
}

void diag_error(diag *d, src_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lock(d);
    record(d, DIAG_ERROR, loc, fmt, ap);
    if (d->worst_kind < DIAG_INPUT)
        d->worst_kind = DIAG_INPUT;
    unlock(d);
    va_end(ap);
}

void diag_warning(diag *d, src_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lock(d);
    record(d, DIAG_WARNING, loc, fmt, ap);
    unlock(d);
    va_end(ap);
}

void diag_usage(diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lock(d);
    record(d, DIAG_ERROR, (src_loc){0}, fmt, ap);
    /* Usage beats input: the input was never looked at. */
    d->worst_kind = d->worst_kind == DIAG_INTERNAL ? DIAG_INTERNAL : DIAG_USAGE;
    unlock(d);
    va_end(ap);
}

void diag_internal(diag *d, src_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lock(d);
    record(d, DIAG_ERROR, loc, fmt, ap);
    raise_kind(d, DIAG_INTERNAL);
    unlock(d);
    va_end(ap);
}

int diag_error_count(const diag *d)
{
    lock(d);
    int n = d->errors;
    unlock(d);
    return n;
}

int diag_warning_count(const diag *d)
{
    lock(d);
    int n = d->warnings;
    unlock(d);
    return n;
}

int diag_exit_status(const diag *d)
{
    lock(d);
    int status = d->errors ? d->worst_kind : 0;
    unlock(d);
    return status;
}

void diag_print(const diag *d, FILE *out)
{
    /* after the threads are done: not locked */
    for (size_t i = 0; i < d->count; i++)
        fprintf(out, "%s\n", d->messages[i]);
    if (d->suppressed)
        fprintf(out, "bulletin: note: %d more messages not shown\n", d->suppressed);
}

const char *diag_message(const diag *d, int n)
{
    return n >= 0 && (size_t)n < d->count ? d->messages[n] : NULL;
}

diag_level diag_message_level(const diag *d, int n)
{
    return n >= 0 && (size_t)n < d->count ? d->levels[n] : DIAG_WARNING;
}
