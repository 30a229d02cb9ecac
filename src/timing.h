/* Per-stage wall-clock accounting for `--timings` and `make bench`.
 * Stages nest (shaping calls font fallback, layout calls shaping); each
 * nanosecond is charged to the innermost open stage only, so the stage
 * times add up to the measured total. Off unless timing_enable() is called:
 * then every push/pop costs one clock read. */
#ifndef BULLETIN_TIMING_H
#define BULLETIN_TIMING_H

#include <stdbool.h>

typedef enum stage {
    STAGE_OTHER,      /* start-up, argument parsing, anything unclaimed */
    STAGE_PARSE,      /* manifest, layout, Markdown, images probed */
    STAGE_FONTS,      /* fontconfig, FreeType faces, per-cluster fallback */
    STAGE_SHAPING,    /* HarfBuzz */
    STAGE_BREAKING,   /* break opportunities and paragraph line breaking */
    STAGE_LAYOUT,     /* columns, floats, pages */
    STAGE_PDF_WRITE,  /* page content, images, document structure */
    STAGE_SUBSETTING, /* hb-subset and font programs */
    STAGE_SAVE,       /* libharu serialisation: stream compression and file output */
    STAGE_COUNT
} stage;

void timing_enable(void);
/* A helper thread's accounting starts (its stages add to the totals, so
 * with threads the stages can sum to more than the wall-clock total). */
void timing_thread_begin(void);
bool timing_enabled(void);
/* STAGE_COUNT: time not charged to any stage (a thread waiting). */
void timing_push(stage s);
void timing_pop(void);
/* Writes {"stages": {...seconds...}, "total": s} to path; false on I/O error. */
bool timing_write_json(const char *path);
const char *timing_stage_name(stage s);

#endif
