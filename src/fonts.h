#ifndef BULLETIN_FONTS_H
#define BULLETIN_FONTS_H
/* Font resolution and faces: fontconfig maps a style's family, weight and
 * slant to a file (a "chain": the matched face, then fallbacks in
 * fontconfig's order); FreeType reads metrics; each file is opened once and
 * shared as a HarfBuzz face. Fallback is chosen per grapheme cluster so a
 * letter and its marks stay in one face. Owns every face; faces stay valid
 * until fonts_free. */

#include <hb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

typedef struct face {
    int id;
    const char *path;
    int index;            /* face index within the file */
    const char *ps_name;  /* PostScript name, sanitised for PDF names */
    const char *family;
    const char *style_name;
    hb_face_t *hb_face;
    hb_font_t *hb_font;   /* scale = upem: positions come out in font units */
    unsigned upem;
    unsigned glyph_count;
    /* Metrics in font units, from OS/2, hhea, head, post. */
    int ascender, descender, cap_height, x_height;
    int bbox[4];
    double italic_angle;
    int weight_class;
    bool serif, fixed_pitch, italic;
    unsigned fs_type; /* OS/2 embedding bits */
    bool truetype_outlines;
} face;

typedef struct font_set font_set;

/* Opens fontconfig with the system configuration plus conf_file (the
 * project's role aliases); conf_file may be NULL. */
font_set *fonts_open(const char *conf_file, diag *d);
void fonts_free(font_set *fs);

/* Resolves family/weight/slant to a chain id (>= 0), or -1 after recording
 * an error at loc (unknown family, font not usable). Same request, same id. */
int fonts_chain(font_set *fs, const char *family, int weight, bool italic, src_loc loc,
                diag *d);
face *fonts_chain_primary(font_set *fs, int chain);
/* The face of the chain that has glyphs for all code points of a cluster;
 * the primary face when none has (then *covered is false). */
face *fonts_match_cluster(font_set *fs, int chain, const uint32_t *cps, size_t n,
                          bool *covered);

face *fonts_face(font_set *fs, int face_id);
size_t fonts_face_count(const font_set *fs);
bool fonts_face_has(const face *f, uint32_t cp);

/* Vietnamese letters (all vowels with every tone, both cases, Đ/đ and the
 * consonants) missing from a face: fills missing[] (up to max) and returns
 * how many are missing in total. */
size_t fonts_vietnamese_missing(const face *f, uint32_t *missing, size_t max);

#endif
