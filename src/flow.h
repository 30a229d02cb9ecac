#ifndef BULLETIN_FLOW_H
#define BULLETIN_FLOW_H
/* Page layout: sets every article (shaping and line breaking through shape
 * and lines) and places it on pages: masthead on page 1, a headline band
 * across the columns, body text flowing column to column and page to page,
 * photos with their captions at column width, columns balanced at the end
 * of each article, running head and page numbers. The result is a list of
 * placed pages in PDF coordinates (points, origin bottom left), allocated
 * in the build's arena. */

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "doc.h"
#include "fonts.h"
#include "shape.h"
#include "template.h"

typedef enum placed_kind { PLACED_TEXT, PLACED_IMAGE, PLACED_RULE, PLACED_BOX } placed_kind;

typedef struct placed_text {
    const glyph_run *run;
    size_t first, end;      /* glyphs of the run on this line */
    double x_pt, y_pt;      /* start of the baseline */
    double size_pt;
    double space_adjust_pt; /* added after each word space */
    double letter_adjust_pt;/* added between letters inside words */
    double scale;           /* horizontal glyph scaling (Tz), 1 = none */
    double cmyk[4];
    /* Line box and real ink (glyph extents) of the line, for checks. */
    double top_pt, bottom_pt, width_pt;
    double ink_top_pt, ink_bottom_pt;
    style_role role;
} placed_text;

typedef struct placed_image {
    const char *path;
    double x_pt, y_pt, width_pt, height_pt;  /* where the whole image is drawn */
    double clip_x_pt, clip_y_pt, clip_width_pt, clip_height_pt; /* visible part */
    int pixel_width, pixel_height;
    src_loc loc; /* where the photo is referenced */
} placed_image;

typedef struct placed_rule {
    double x0_pt, y0_pt, x1_pt, y1_pt, width_pt;
    double cmyk[4];
} placed_rule;

/* A filled rectangle (section tags). */
typedef struct placed_box {
    double x_pt, y_pt, width_pt, height_pt; /* lower left corner and size */
    double cmyk[4];
} placed_box;

typedef struct placed {
    placed_kind kind;
    union {
        placed_text text;
        placed_image image;
        placed_rule rule;
        placed_box box;
    } u;
} placed;

typedef struct placed_page {
    placed *items;
    size_t count, cap;
} placed_page;

typedef struct bookmark {
    const char *title;
    size_t page;
    double y_pt;
} bookmark;

/* What the build report says of an article. */
typedef struct article_stats {
    const char *title, *path;
    size_t first_page, last_page;  /* 0-based */
    int lines;                     /* lines of the article set on pages */
    int justified_lines;           /* justified lines other than paragraph ends */
    int loose_lines;               /* ... whose word space exceeds the style's maximum */
    int widows;                    /* a paragraph's last line alone at a column top */
    int orphans;                   /* a paragraph's first line alone at a column bottom */
    int overset_lines;             /* lines that found no place */
    double worst_word_space_em;    /* the loosest justified line */
    const char *worst_text;
    size_t worst_page;
    int end_columns;               /* columns used where the article ends */
    double end_top_pt;             /* where that last region starts, from the page top */
    double end_depths_pt[12];      /* their depths, for balance */
    double body_leading_pt;
} article_stats;

typedef struct page_list {
    double width_pt, height_pt;
    placed_page *pages;
    size_t count, cap;
    bookmark *marks;
    size_t mark_count, mark_cap;
    int loose_lines;
    article_stats *stats; /* one per article, in manifest order */
    size_t stats_count;
} page_list;

/* Lays out the whole issue. Returns NULL after recording an error. */
page_list *flow_issue(const issue *is, const template *t, font_set *fonts, shaper *sh,
                      arena *a, diag *d);

/* Releases the page arrays (the arena holds the rest). */
void flow_free(page_list *pl);

/* One line or paragraph of a plain text page (a volume's cover, contents
 * or index). */
typedef struct flow_entry {
    style_role role;
    const char *text;
    const char *right;     /* set flush right on the entry's last line, or NULL */
    double space_before_pt;
    double top_pt;         /* at least this far below the text-area top */
    double indent_pt;
    bool new_page;         /* start on a new page */
    bool centre;
} flow_entry;

/* Takes each page of flow_entries as soon as it is set: pl holds that one
 * page and is valid during the call only. false stops the layout. */
typedef bool flow_page_sink(void *ctx, const page_list *pl);
/* Sets entries on as many pages as they need, in t's page format and
 * styles, with folio_title as the running head and t's page numbering,
 * handing the pages to sink one by one (a volume's contents and index:
 * memory stays that of a page however long they are). false after
 * recording an error, or when the sink said stop. */
bool flow_entries(const template *t, font_set *fonts, shaper *sh, const char *folio_title,
                  const flow_entry *entries, size_t count, flow_page_sink *sink, void *ctx,
                  diag *d);

/* Lower-case roman numeral (malloc'd). */
char *flow_roman(long n);

/* "Thứ Năm, ngày 22 tháng 4 năm 2021" (malloc'd). */
char *flow_vietnamese_date(int year, int month, int day);

#endif
