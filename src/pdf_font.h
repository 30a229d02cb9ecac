#ifndef BULLETIN_PDF_FONT_H
#define BULLETIN_PDF_FONT_H
/* Private to the pdf module: each face drawn becomes a Type0 font with
 * encoding Identity-H over a CIDFontType2 subset (hb-subset, retain-gids,
 * so CID = glyph id), with /W widths, a FontDescriptor, a hash-based
 * subset tag and a ToUnicode CMap built from the HarfBuzz clusters the
 * glyphs rendered. The objects are registered with libharu at first use
 * and filled in by pdf_fonts_finalize right before saving. */

#include <hpdf.h>
#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "fonts.h"
#include "util.h"

typedef struct pdf_fonts pdf_fonts;

pdf_fonts *pdf_fonts_new(HPDF_Doc doc, font_set *fonts);
void pdf_fonts_free(pdf_fonts *pf);

/* The Type0 dict for a face, created on first use; NULL on a libharu error. */
HPDF_Dict pdf_fonts_get(pdf_fonts *pf, const face *f);

/* Width of a glyph as written in /W, in 1/1000 em (rounded to 0.01). */
double pdf_fonts_width(const face *f, uint32_t gid);

/* Records that gid was drawn for the given (NFC) text. Returns false when
 * the glyph already stands for other text, so the caller must wrap it in
 * ActualText. */
bool pdf_fonts_use(pdf_fonts *pf, const face *f, uint32_t gid, const char *text, size_t len);

/* Appends text (UTF-8) as UTF-16BE hex digits, surrogates included. */
void pdf_put_utf16_hex(buf *b, const char *text, size_t len);

/* Subsets and writes every used font (with a CIDSet for PDF/A-1 when
 * cidset is true). Records an error and returns false on failure. */
bool pdf_fonts_finalize(pdf_fonts *pf, bool cidset, diag *d);

#endif
