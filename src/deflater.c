/* One worker thread and a queue of jobs under one mutex: the jobs are
 * page content streams of a few kilobytes, so a finer scheme buys nothing. */
#include "deflater.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "util.h"

typedef struct job {
    unsigned char *raw, *packed;
    size_t raw_len, packed_len;
    bool ok;
} job;

struct deflater {
    int level;
    job **jobs; /* pointers: the worker holds one while the array grows */
    size_t count, cap;
    size_t next; /* first job not yet taken by the worker */
    bool stopping, threaded;
    pthread_t worker;
    pthread_mutex_t lock;
    pthread_cond_t work, idle;
};

static void run_job(job *j, int level)
{
    uLongf n = compressBound(j->raw_len);
    j->packed = xmalloc(n ? n : 1);
    j->ok = compress2(j->packed, &n, j->raw, j->raw_len, level) == Z_OK;
    j->packed_len = n;
    free(j->raw);
    j->raw = NULL;
}

static void *worker_main(void *arg)
{
    deflater *z = arg;
    pthread_mutex_lock(&z->lock);
    for (;;) {
        while (z->next == z->count && !z->stopping)
            pthread_cond_wait(&z->work, &z->lock);
        if (z->next == z->count)
            break;
        job *j = z->jobs[z->next];
        pthread_mutex_unlock(&z->lock);
        run_job(j, z->level);
        pthread_mutex_lock(&z->lock);
        z->next++;
        pthread_cond_broadcast(&z->idle);
    }
    pthread_mutex_unlock(&z->lock);
    return NULL;
}

deflater *deflater_new(int level)
{
    deflater *z = xcalloc(1, sizeof *z);
    z->level = level;
    pthread_mutex_init(&z->lock, NULL);
    pthread_cond_init(&z->work, NULL);
    pthread_cond_init(&z->idle, NULL);
    z->threaded = sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
                  pthread_create(&z->worker, NULL, worker_main, z) == 0;
    return z;
}

size_t deflater_submit(deflater *z, unsigned char *raw, size_t len)
{
    job *j = xcalloc(1, sizeof *j);
    j->raw = raw;
    j->raw_len = len;
    pthread_mutex_lock(&z->lock);
    size_t ticket = z->count;
    *ARRAY_PUSH(z->jobs, z->count, z->cap) = j;
    if (z->threaded)
        pthread_cond_signal(&z->work);
    pthread_mutex_unlock(&z->lock);
    if (!z->threaded) {
        run_job(j, z->level);
        z->next = z->count;
    }
    return ticket;
}

bool deflater_finish(deflater *z)
{
    pthread_mutex_lock(&z->lock);
    while (z->next < z->count)
        pthread_cond_wait(&z->idle, &z->lock);
    bool ok = true;
    for (size_t i = 0; i < z->count; i++)
        ok &= z->jobs[i]->ok;
    pthread_mutex_unlock(&z->lock);
    return ok;
}

size_t deflater_done(deflater *z)
{
    pthread_mutex_lock(&z->lock);
    size_t done = z->next;
    pthread_mutex_unlock(&z->lock);
    return done;
}

unsigned char *deflater_take(deflater *z, size_t ticket, size_t *len)
{
    job *j = z->jobs[ticket];
    unsigned char *packed = j->ok ? j->packed : NULL;
    if (!j->ok)
        free(j->packed);
    j->packed = NULL;
    *len = j->packed_len;
    return packed;
}

void deflater_free(deflater *z)
{
    if (!z)
        return;
    if (z->threaded) {
        pthread_mutex_lock(&z->lock);
        z->stopping = true;
        pthread_cond_signal(&z->work);
        pthread_mutex_unlock(&z->lock);
        pthread_join(z->worker, NULL);
    }
    for (size_t i = 0; i < z->count; i++) {
        free(z->jobs[i]->raw);
        free(z->jobs[i]->packed);
        free(z->jobs[i]);
    }
    free(z->jobs);
    pthread_mutex_destroy(&z->lock);
    pthread_cond_destroy(&z->work);
    pthread_cond_destroy(&z->idle);
    free(z);
}
