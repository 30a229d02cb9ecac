#ifndef BULLETIN_LINES_H
#define BULLETIN_LINES_H
/* Paragraph-wide optimal line breaking (total fit in the manner of Knuth
 * and Plass): every paragraph is broken as a whole, minimising demerits
 * for loose and tight lines, abrupt changes between them and a very short
 * last line, so narrow justified Vietnamese columns get even spacing.
 * Justification stretches word spaces first, then a little letter spacing
 * and glyph scaling within the style's limits; what is still loose is
 * counted, never hidden. Lines live in the caller's arena. */

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "shape.h"
#include "template.h"

typedef struct line {
    size_t first, end;      /* glyphs [first, end), trailing spaces excluded */
    double width_pt;        /* natural width, unscaled */
    double offset_pt;       /* from the frame's left edge: indent or alignment */
    double space_adjust_pt; /* added to each word space (negative = shrink) */
    double letter_adjust_pt;/* added between letters of a word */
    double scale;           /* horizontal glyph scaling, 1 = none */
    int spaces, gaps;       /* word spaces; letter gaps inside words */
    double word_space_em;   /* resulting mean word space, in em */
    bool loose;             /* word space beyond the style's maximum */
    bool last;              /* last line of the paragraph (or before a hard break) */
} line;

typedef struct line_list {
    line *lines;
    size_t count;
    int loose_lines; /* justified lines whose word space exceeds the maximum */
    bool overlong;   /* a word had to be broken inside */
} line_list;

/* Breaks a shaped paragraph into lines of width_pt in style st (size,
 * alignment, justification limits). The first line is shortened by
 * first_indent_pt. Words wider than the line break at URL-like points or,
 * failing that, between grapheme clusters, with a warning at loc. */
line_list lines_break(const glyph_run *run, const style *st, double width_pt,
                      double first_indent_pt, src_loc loc, arena *a, diag *d);

/* The width a placed line takes: glyphs scaled plus all adjustments. */
double lines_set_width(const line *ln);

#endif
