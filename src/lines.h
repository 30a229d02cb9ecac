#ifndef BULLETIN_LINES_H
#define BULLETIN_LINES_H
/* Paragraph-wide optimal line breaking (total fit in the manner of Knuth
 * and Plass): every paragraph is broken as a whole, minimising demerits
 * for loose and tight lines, so narrow justified Vietnamese columns get
 * even spacing. Lines live in the caller's arena. */

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "shape.h"
#include "template.h"

typedef struct line {
    size_t first, end;  /* glyphs [first, end), trailing spaces excluded */
    double width_pt;    /* natural width */
    double offset_pt;   /* from the frame's left edge: indent or alignment */
    double space_adjust_pt; /* added to each word space (negative = shrink) */
    int spaces;
    bool last;          /* last line of the paragraph (or before a hard break) */
} line;

typedef struct line_list {
    line *lines;
    size_t count;
    int loose_lines; /* lines stretched beyond the comfortable limit */
    bool overlong;   /* a word had to be broken inside */
} line_list;

/* Breaks a shaped paragraph into lines of width_pt at size_pt. The first
 * line is shortened by first_indent_pt. Words wider than the line are
 * broken between grapheme clusters, with a warning at loc. */
line_list lines_break(const glyph_run *run, double size_pt, double width_pt,
                      double first_indent_pt, style_align align, src_loc loc, arena *a,
                      diag *d);

#endif
