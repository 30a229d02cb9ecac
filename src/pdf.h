#ifndef BULLETIN_PDF_H
#define BULLETIN_PDF_H
/* PDF output through libharu: placed pages become PDF pages with text as
 * HarfBuzz glyphs (through pdf_font.c), photos, rules, bookmarks, document
 * metadata and compression. The file is written atomically: a temporary
 * file beside the target, fsync, rename; a failed write leaves the old
 * file untouched. The home module of libharu and hb-subset. */

#include <stdbool.h>

#include "diag.h"
#include "flow.h"
#include "fonts.h"

typedef struct pdf_meta {
    const char *title, *author, *subject, *keywords, *creator;
    const char *language; /* BCP 47, e.g. "vi-VN" */
    int year, month, day; /* document date; 0 = none */
} pdf_meta;

/* Writes the PDF to out_path ("-" = standard output). */
bool pdf_write(const page_list *pl, const pdf_meta *meta, font_set *fonts,
               const char *out_path, diag *d);

#endif
