#ifndef BULLETIN_SHAPE_H
#define BULLETIN_SHAPE_H
/* Shaping with HarfBuzz (script Latin, language vi, kerning and ligatures
 * on): a paragraph's styled spans become one glyph run, with the face of
 * each grapheme cluster chosen by fonts_match_cluster. Positions are kept
 * in 1/1000 em so a run can be scaled to any size without drift. The
 * shaper owns one reusable hb_buffer; glyph runs live in the caller's arena. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "doc.h"
#include "fonts.h"

enum glyph_flags {
    GLYPH_SPACE = 1,         /* a word space: stretches when justifying */
    GLYPH_CLUSTER_START = 2, /* first glyph of its cluster */
    GLYPH_HARD_BREAK = 4,    /* a forced line break precedes this glyph */
    GLYPH_NOTDEF = 8,        /* no font had the character */
};

typedef struct glyph {
    uint32_t gid;
    uint16_t face_id;
    uint16_t flags;       /* glyph_flags */
    uint32_t cluster;     /* byte offset of the cluster in the run's text */
    uint32_t cluster_len; /* bytes of text the cluster covers */
    float advance;        /* 1/1000 em, as shaped (kerning included) */
    float x_offset, y_offset;
} glyph;

typedef struct glyph_run {
    const char *text; /* NFC; borrowed from the model */
    size_t text_len;
    glyph *glyphs;
    size_t count;
} glyph_run;

typedef struct shaper shaper;

shaper *shape_new(font_set *fonts);
void shape_free(shaper *s);

/* Shapes text (spans give bold/italic; NULL spans = one plain span) with
 * chains[flags & 3] as the font chain of each span: [0] regular, [1] bold,
 * [2] italic, [3] bold italic. Characters no face has are reported once
 * per run at loc as warnings and drawn as .notdef. */
glyph_run *shape_text(shaper *s, const char *text, size_t len, const span *spans,
                      size_t span_count, const int chains[4], src_loc loc, arena *a, diag *d);

/* Width of glyphs [first, end) in 1/1000 em. */
double shape_width(const glyph_run *run, size_t first, size_t end);

#endif
