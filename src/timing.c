#include "timing.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define MAX_DEPTH 16

static bool enabled;
static double charged[STAGE_COUNT];
static pthread_mutex_t charged_lock = PTHREAD_MUTEX_INITIALIZER;
static double started;
/* Each thread has its own stack of open stages; a helper thread's bottom
 * is STAGE_COUNT, time not charged (it waits for work). */
static _Thread_local stage stack[MAX_DEPTH];
static _Thread_local int depth; /* stack[0..depth-1]; the bottom is STAGE_OTHER */
static _Thread_local int overflow; /* pushes beyond MAX_DEPTH, charged to the top */
static _Thread_local double last;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void timing_enable(void)
{
    enabled = true;
    depth = 1;
    stack[0] = STAGE_OTHER;
    started = last = now();
}

bool timing_enabled(void)
{
    return enabled;
}

void timing_thread_begin(void)
{
    if (!enabled)
        return;
    depth = 1;
    stack[0] = STAGE_COUNT;
    last = now();
}

/* Charges the time since the last event to the stage now on top. */
static void charge(void)
{
    double t = now();
    if (stack[depth - 1] != STAGE_COUNT) {
        pthread_mutex_lock(&charged_lock);
        charged[stack[depth - 1]] += t - last;
        pthread_mutex_unlock(&charged_lock);
    }
    last = t;
}

void timing_push(stage s)
{
    if (!enabled)
        return;
    if (depth == MAX_DEPTH) {
        overflow++;
        return;
    }
    charge();
    stack[depth++] = s;
}

void timing_pop(void)
{
    if (!enabled)
        return;
    if (overflow) {
        overflow--;
        return;
    }
    if (depth > 1) {
        charge();
        depth--;
    }
}

const char *timing_stage_name(stage s)
{
    static const char *const names[STAGE_COUNT] = {
        "other", "parse", "fonts", "shaping", "line_breaking",
        "layout", "pdf_write", "font_subsetting", "compression_and_save"};
    return s < STAGE_COUNT ? names[s] : "?";
}

bool timing_write_json(const char *path)
{
    charge();
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fprintf(f, "{\"stages\": {");
    for (int s = 0; s < STAGE_COUNT; s++)
        fprintf(f, "%s\"%s\": %.6f", s ? ", " : "", timing_stage_name((stage)s), charged[s]);
    fprintf(f, "}, \"total\": %.6f}\n", last - started);
    return fclose(f) == 0;
}
