#include "util.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void out_of_memory(size_t size)
{
    fprintf(stderr, "bulletin: fatal: out of memory (requesting %zu bytes)\n", size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        out_of_memory(size);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t len)
{
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    char *p = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void grow_array(void **items, size_t *cap, size_t need, size_t item_size)
{
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            out_of_memory(SIZE_MAX);
        n *= 2;
    }
    if (n > SIZE_MAX / item_size)
        out_of_memory(SIZE_MAX);
    *items = xrealloc(*items, n * item_size);
    *cap = n;
}

void buf_init(buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void buf_fini(buf *b)
{
    free(b->data);
    buf_init(b);
}

void buf_append(buf *b, const void *data, size_t len)
{
    grow_array((void **)&b->data, &b->cap, b->len + len + 1, 1);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void buf_puts(buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    grow_array((void **)&b->data, &b->cap, b->len + (size_t)n + 1, 1);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_put_num(buf *b, double v, int decimals)
{
    /* Integer arithmetic only, so the C locale never decides the separator. */
    static const long long scale_of[] = {1, 10, 100, 1000, 10000, 100000};
    if (decimals < 0)
        decimals = 0;
    if (decimals > 5)
        decimals = 5;
    long long scale = scale_of[decimals];
    double r = round(v * (double)scale);
    if (!isfinite(r) || fabs(r) > 9e17)
        r = 0;
    long long n = (long long)r;
    char tmp[48];
    int pos = 0;
    bool neg = n < 0;
    unsigned long long u = neg ? (unsigned long long)(-n) : (unsigned long long)n;
    unsigned long long ip = u / (unsigned long long)scale, fp = u % (unsigned long long)scale;
    if (neg && u != 0)
        tmp[pos++] = '-';
    char digits[24];
    int nd = 0;
    do {
        digits[nd++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (nd)
        tmp[pos++] = digits[--nd];
    if (fp) {
        char frac[8];
        for (int k = decimals - 1; k >= 0; k--, fp /= 10)
            frac[k] = (char)('0' + fp % 10);
        int fl = decimals;
        while (fl > 0 && frac[fl - 1] == '0')
            fl--;
        tmp[pos++] = '.';
        memcpy(tmp + pos, frac, (size_t)fl);
        pos += fl;
    }
    buf_append(b, tmp, (size_t)pos);
}

void buf_put_hex4(buf *b, uint32_t v)
{
    static const char hex[] = "0123456789ABCDEF";
    char out[8];
    int n = 0;
    for (int shift = v > 0xFFFF ? (v > 0xFFFFF ? 20 : 16) : 12; shift >= 0; shift -= 4)
        out[n++] = hex[(v >> shift) & 0xF];
    buf_append(b, out, (size_t)n);
}

char *buf_steal(buf *b)
{
    if (!b->data)
        buf_append(b, "", 0);
    char *p = b->data;
    buf_init(b);
    return p;
}

char *read_file(const char *path, size_t max_bytes, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        fclose(f);
        errno = EISDIR;
        return NULL;
    }
    buf b;
    buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > max_bytes) {
            buf_fini(&b);
            fclose(f);
            errno = EFBIG;
            return NULL;
        }
        buf_append(&b, chunk, n);
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        buf_fini(&b);
        errno = EIO;
        return NULL;
    }
    *len_out = b.len;
    return buf_steal(&b);
}

char *path_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

char *path_join(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !dir[0] || strcmp(dir, ".") == 0)
        return xstrdup(rel);
    return xasprintf("%s/%s", dir, rel);
}

bool path_is_regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool path_is_inside(const char *path, const char *root)
{
    char *p = realpath(path, NULL), *r = realpath(root, NULL);
    bool inside = false;
    if (p && r) {
        size_t n = strlen(r);
        inside = strncmp(p, r, n) == 0 && (p[n] == '/' || p[n] == '\0' || (n == 1 && r[0] == '/'));
    }
    free(p);
    free(r);
    return inside;
}

bool parse_decimal(const char *s, double *out)
{
    const char *p = s;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    double v = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (*p++ - '0');
        digits++;
    }
    if (*p == '.') {
        p++;
        double scale = 0.1;
        while (*p >= '0' && *p <= '9') {
            v += (*p++ - '0') * scale;
            scale /= 10;
            digits++;
        }
    }
    if (!digits || *p)
        return false;
    *out = neg ? -v : v;
    return true;
}

uint64_t hash_fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static bool write_all(int fd, const unsigned char *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* errno's message, or a plain one when the failure set none (a library
 * that reports its own errors). */
static const char *write_failure(void)
{
    return errno ? strerror(errno) : "the write failed";
}

/* The temporary file being written, removed if the program is
 * interrupted (SIGINT, SIGTERM, SIGHUP) so that no .bulletin-* is left
 * behind; one at a time. */
static char interrupted_tmp[4096];
static volatile sig_atomic_t have_interrupted_tmp;

static void remove_tmp_and_die(int sig)
{
    if (have_interrupted_tmp)
        unlink(interrupted_tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void watch_tmp(const char *path)
{
    if (!path || strlen(path) >= sizeof interrupted_tmp || have_interrupted_tmp)
        return;
    strcpy(interrupted_tmp, path);
    have_interrupted_tmp = 1;
    struct sigaction sa = {0};
    sa.sa_handler = remove_tmp_and_die;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old;
        /* Leave alone a signal the caller ignores (nohup). */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
}

static void unwatch_tmp(const char *path)
{
    if (have_interrupted_tmp && path && strcmp(path, interrupted_tmp) == 0)
        have_interrupted_tmp = 0;
}

struct atomic_file {
    char *path;
    bool direct;  /* not a regular file: an unnamed copy in tmpdir, copied at commit */
    char *tmpdir;
    char *dir;    /* path's folder */
    bool unnamed; /* O_TMPFILE in dir: no name until commit */
    char *tmp;    /* its name beside path, once it has one */
    int fd;
    bool failed;
    int saved_errno;
};

/* An unnamed file in dir (O_TMPFILE), else a named one (mkstemp), watched
 * so that an interrupt removes it. */
static int create_beside(atomic_file *f)
{
#ifdef O_TMPFILE
    /* A crash or SIGKILL then leaves nothing behind at all. */
    int fd = open(f->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) {
        f->unnamed = true;
        return fd;
    }
#endif
    f->tmp = xasprintf("%s/.bulletin-XXXXXX", f->dir);
    int named = mkstemp(f->tmp);
    if (named < 0) {
        free(f->tmp);
        f->tmp = NULL;
    } else {
        watch_tmp(f->tmp);
    }
    return named;
}

atomic_file *atomic_file_open(const char *path, char **error)
{
    atomic_file *f = xcalloc(1, sizeof *f);
    f->path = xstrdup(path);
    struct stat st;
    f->direct = strcmp(path, "-") == 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode));
    if (f->direct) {
        const char *tmpdir = getenv("TMPDIR");
        f->tmpdir = xstrdup(tmpdir && *tmpdir ? tmpdir : "/tmp");
        char *name = xasprintf("%s/.bulletin-XXXXXX", f->tmpdir);
        f->fd = mkstemp(name);
        if (f->fd >= 0)
            unlink(name);
        else
            *error = xasprintf("cannot create a temporary file for '%s': %s", path,
                               strerror(errno));
        free(name);
    } else {
        f->dir = path_dirname(path);
        f->fd = create_beside(f);
        if (f->fd < 0)
            *error = xasprintf("cannot create a file in '%s': %s", f->dir, strerror(errno));
    }
    if (f->fd < 0) {
        free(f->tmpdir);
        free(f->dir);
        free(f->path);
        free(f);
        return NULL;
    }
    return f;
}

bool atomic_file_failed(const atomic_file *f)
{
    return f->failed;
}

bool atomic_file_write(atomic_file *f, const void *data, size_t len)
{
    if (f->failed)
        return false;
    errno = 0;
    if (write_all(f->fd, data, len))
        return true;
    f->failed = true;
    f->saved_errno = errno;
    return false;
}

void atomic_file_abort(atomic_file *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd); /* an unnamed file goes with it */
    if (f->tmp)
        unlink(f->tmp);
    unwatch_tmp(f->tmp);
    free(f->tmp);
    free(f->tmpdir);
    free(f->dir);
    free(f->path);
    free(f);
}

/* Copies what was written to fd `from` (from its start) into fd `to`. */
static bool copy_fd(int from, int to)
{
    if (lseek(from, 0, SEEK_SET) != 0)
        return false;
    unsigned char chunk[65536];
    for (;;) {
        ssize_t n = read(from, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n == 0;
        if (!write_all(to, chunk, (size_t)n))
            return false;
    }
}

/* Copies the unnamed file to a target that is not a regular file. */
static bool copy_out(int from, const char *path)
{
    bool to_stdout = strcmp(path, "-") == 0;
    int fd = to_stdout ? STDOUT_FILENO : open(path, O_WRONLY);
    if (fd < 0)
        return false;
    bool ok = copy_fd(from, fd);
    if (!to_stdout && close(fd) != 0)
        ok = false;
    return ok;
}

/* A name beside the target for the unnamed file, just before the rename:
 * a link to it, or (without /proc) a named copy. */
static bool name_unnamed(atomic_file *f)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", f->fd);
    for (int attempt = 0; attempt < 100; attempt++) {
        char *name = xasprintf("%s/.bulletin-%ld-%d", f->dir, (long)getpid(), attempt);
        watch_tmp(name);
        if (linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0) {
            f->tmp = name;
            return true;
        }
        int e = errno;
        unwatch_tmp(name);
        free(name);
        if (e != EEXIST)
            break;
    }
    f->tmp = xasprintf("%s/.bulletin-XXXXXX", f->dir);
    int fd = mkstemp(f->tmp);
    if (fd < 0) {
        free(f->tmp);
        f->tmp = NULL;
        return false;
    }
    watch_tmp(f->tmp);
    bool ok = copy_fd(f->fd, fd) && fsync(fd) == 0 && fchmod(fd, 0644) == 0;
    close(f->fd);
    f->fd = fd;
    return ok;
}

char *atomic_file_commit(atomic_file *f)
{
    char *error = NULL;
    if (f->failed && f->direct) {
        errno = f->saved_errno;
        error = xasprintf("cannot write '%s': the temporary copy in '%s' failed: %s", f->path,
                          f->tmpdir, write_failure());
    } else if (f->failed) {
        errno = f->saved_errno;
        error = xasprintf("cannot write '%s': %s", f->path, write_failure());
    } else if (f->direct) {
        errno = 0;
        if (!copy_out(f->fd, f->path))
            error = xasprintf("cannot write '%s': %s", f->path, write_failure());
    } else if (fsync(f->fd) != 0 || fchmod(f->fd, 0644) != 0 ||
               (f->unnamed && !name_unnamed(f))) {
        error = xasprintf("cannot write '%s': %s", f->path, strerror(errno));
    } else {
        int fd = f->fd;
        f->fd = -1;
        if (close(fd) != 0)
            error = xasprintf("cannot write '%s': %s", f->path, strerror(errno));
        else if (rename(f->tmp, f->path) != 0)
            error = xasprintf("cannot replace '%s': %s", f->path, strerror(errno));
        else {
            /* Make the rename itself durable. */
            int dfd = open(f->dir, O_RDONLY | O_DIRECTORY);
            if (dfd >= 0) {
                fsync(dfd);
                close(dfd);
            }
            unwatch_tmp(f->tmp); /* an interrupt before this unlinks nothing */
            free(f->tmp);
            f->tmp = NULL; /* renamed: nothing to remove */
        }
    }
    atomic_file_abort(f);
    return error;
}

char *write_file_atomic(const char *path, const void *data, size_t len)
{
    char *error = NULL;
    atomic_file *f = atomic_file_open(path, &error);
    if (!f)
        return error;
    atomic_file_write(f, data, len); /* a failure is reported by commit */
    return atomic_file_commit(f);
}
