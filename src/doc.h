#ifndef BULLETIN_DOC_H
#define BULLETIN_DOC_H
/* The document model: issue -> articles -> blocks -> styled spans. Plain
 * structs, all allocated in the build's arena and freed with it. Text is
 * NFC UTF-8; every node carries the src_loc it came from. */

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* Named styles of a layout template. */
typedef enum style_role {
    ROLE_BODY,
    ROLE_LEAD,
    ROLE_HEADLINE,
    ROLE_KICKER,
    ROLE_BYLINE,
    ROLE_CAPTION,
    ROLE_SUBHEAD,
    ROLE_PULLQUOTE,
    ROLE_MASTHEAD,       /* bulletin name on page 1 */
    ROLE_MASTHEAD_LABEL, /* the words "BẢN TIN" */
    ROLE_MASTHEAD_INFO,  /* organisation, number, date under the name */
    ROLE_FOLIO,          /* running header and page numbers */
    ROLE_COLOPHON,
    ROLE_JUMP,           /* "Xem tiếp trang 5" / "Tiếp theo trang 1" */
    ROLE_SECTION,        /* section tag above a headline */
    ROLE_COUNT
} style_role;

enum span_flags { SPAN_BOLD = 1, SPAN_ITALIC = 2 };

/* A stretch of a block's text set in one variant of the block's style. */
typedef struct span {
    size_t offset, len; /* bytes into block text */
    unsigned flags;     /* SPAN_* */
} span;

typedef enum block_kind {
    BLOCK_PARAGRAPH,
    BLOCK_SUBHEAD,
    BLOCK_QUOTE,
    BLOCK_LIST_ITEM,
    BLOCK_FIGURE,
} block_kind;

typedef struct figure {
    const char *path;    /* resolved path of the image file */
    const char *caption; /* NFC text, may be NULL */
    const char *credit;  /* photographer, may be NULL */
    int span_columns;    /* 0 = the template's default */
    double focus;        /* 0 top .. 1 bottom: what a crop keeps; 0.5 = centre */
    int pixel_width, pixel_height;
    src_loc loc;
} figure;

/* Text of a paragraph-like block. '\n' marks a hard line break. */
typedef struct block {
    block_kind kind;
    const char *text;
    size_t len;
    span *spans;
    size_t span_count;
    figure *fig; /* BLOCK_FIGURE only */
    src_loc loc;
} block;

typedef struct article {
    const char *path;
    const char *title;
    const char *kicker;
    const char *section; /* section tag, e.g. "Kinh tế" */
    const char *byline;
    const char *lead;
    int year, month, day; /* 0 when not given */
    figure *figures;      /* from front matter `images:` */
    size_t figure_count;
    block *blocks;
    size_t block_count;
    src_loc loc, title_loc;
    /* Placement hints from the manifest. */
    int hint_page;
    bool hint_new_page, hint_lead;
    int hint_columns;
} article;

typedef struct colophon {
    const char *licence, *printer, *periodicity, *responsible, *address;
    long print_run;
} colophon;

typedef struct issue {
    const char *path; /* manifest file */
    const char *dir;  /* folder paths are relative to */
    const char *title;
    const char *organisation;
    const char *layout; /* name or file, may be NULL */
    src_loc layout_loc;
    const char *profile;
    const char *kind;
    long number;
    int year, month, day;
    colophon colo;
    article *articles;
    size_t article_count;
    src_loc loc;
} issue;

#endif
