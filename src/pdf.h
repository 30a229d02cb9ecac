#ifndef BULLETIN_PDF_H
#define BULLETIN_PDF_H
/* PDF output through libharu: placed pages become PDF pages with text as
 * HarfBuzz glyphs (through pdf_font.c), photos, rules, bookmarks, page
 * labels, document metadata and compression, in one of three profiles:
 * print (trim + bleed + marks, TrimBox/BleedBox, CMYK), screen (trim only,
 * RGB, links, photos downsampled) and archive (PDF/A-1b). The file is
 * written atomically. The home module of libharu and hb-subset. */

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "flow.h"
#include "fonts.h"

typedef enum pdf_profile { PDF_PRINT, PDF_SCREEN, PDF_ARCHIVE } pdf_profile;

typedef struct pdf_meta {
    const char *title, *author, *subject, *keywords, *creator;
    const char *language; /* BCP 47, e.g. "vi-VN" */
    int year, month, day; /* document date; 0 = none */
} pdf_meta;

typedef struct pdf_options {
    pdf_meta meta;
    pdf_profile profile;
    double bleed_pt;         /* print: bleed around the trim */
    bool crop_marks;         /* print */
    bool registration_marks; /* print */
    int screen_ppi;          /* screen: photos downsampled to this (0 = keep) */
} pdf_options;

/* Parses "print", "screen" or "archive". */
bool pdf_profile_parse(const char *name, pdf_profile *out);
const char *pdf_profile_name(pdf_profile p);

typedef struct pdf_writer pdf_writer;

/* Pages are written to out_path ("-" = standard output) as they are
 * added; the file appears, complete, only at commit. NULL (reported)
 * when no file can be made there. */
pdf_writer *pdf_writer_new(const pdf_options *opt, font_set *fonts, const char *out_path,
                           diag *d);
/* Draws the pages of pl now. Their bookmarks go under a new top-level item
 * `section` (when not NULL) or at the top level. label_style 'r' (roman),
 * 'D' (decimal) or 0 (no page label) starts a page-label range numbered
 * from label_first. */
bool pdf_writer_add(pdf_writer *w, const page_list *pl, const char *section, char label_style,
                    int label_first);
/* Like pdf_writer_add, but the pages go before every page added so far
 * with pdf_writer_add (a volume's cover and contents, known only once the
 * issues are set), after those already put in front; a section bookmark
 * becomes the first under the root. */
bool pdf_writer_add_front(pdf_writer *w, const page_list *pl, const char *section,
                          char label_style, int label_first);
size_t pdf_writer_page_count(const pdf_writer *w);
/* A volume: one top-level bookmark (created with the next pages added)
 * under which every section's bookmarks go. */
void pdf_writer_set_root(pdf_writer *w, const char *title);
/* Finishes fonts and metadata and puts the file in place. */
bool pdf_writer_commit(pdf_writer *w);
void pdf_writer_free(pdf_writer *w);

/* One page list, one file. */
bool pdf_write(const page_list *pl, const pdf_options *opt, font_set *fonts,
               const char *out_path, diag *d);

#endif
