#ifndef BULLETIN_TEMPLATE_H
#define BULLETIN_TEMPLATE_H
/* Layout templates (layouts/NAME.yaml): page geometry, columns and named
 * styles. Anything a template leaves out falls back to the built-in
 * default, so a bare issue still builds. Plain values, no ownership beyond
 * strings in the caller's arena. */

#include <stdbool.h>

#include "arena.h"
#include "diag.h"
#include "doc.h"

typedef enum style_align { ALIGN_LEFT, ALIGN_RIGHT, ALIGN_CENTER, ALIGN_JUSTIFY } style_align;

typedef struct style {
    const char *family; /* fontconfig family name or role alias */
    int weight;         /* CSS-like: 400 regular, 700 bold */
    bool italic;
    double size_pt, leading_pt;
    double cmyk[4]; /* 0..1 */
    style_align align;
    double indent_pt, space_before_pt, space_after_pt;
    bool uppercase;
    /* Justification limits. A word space may shrink to word_space_min_em
     * and stretch to word_space_max_em (em of the style's size); past that
     * a line counts as loose and is reported. Letter spacing and glyph
     * scaling (both ways, per line) absorb what word spaces cannot. */
    double word_space_min_em, word_space_max_em;
    double letter_spacing_max_em;
    double glyph_scaling_max; /* fraction: 0.02 = 2 % */
    bool keep_units;          /* never break between a number and its unit */
} style;

typedef struct template {
    const char *name;
    const char *path; /* file it came from, or "(built-in)" */
    double page_width_pt, page_height_pt;
    double margin_top_pt, margin_bottom_pt, margin_inside_pt, margin_outside_pt;
    double bleed_pt;
    int columns;
    double gutter_pt;
    bool column_rules;
    bool running_header, page_numbers;
    double masthead_height_pt; /* reserved on page 1 */
    int widows, orphans;       /* lines a paragraph keeps at a column top / bottom */
    bool baseline_grid;        /* body lines of all columns on one grid */
    int photo_span;            /* columns a photo spans unless it says */
    double photo_max_height;   /* share of the column height a photo may take */
    int quote_span;            /* columns a pull quote spans */
    bool crop_marks, registration_marks; /* print profile */
    int screen_ppi;            /* screen profile: photo resolution */
    style styles[ROLE_COUNT];
    /* Set by the program, not by template files: numbering of pages within
     * a volume and whether page 1 carries the masthead. */
    int first_page_number;
    char page_number_style; /* 'D' decimal, 'r' lower-case roman */
    bool masthead;
} template;

/* The built-in default: the ban-tin format (190 x 270 mm, 3 columns). */
void template_default(template *t);
/* Loads a template file over the built-in default. Returns false after
 * recording errors (file:line:col) for syntax errors, unknown keys, wrong
 * types and geometry that does not fit the page. */
bool template_load(template *t, const char *path, arena *a, diag *d);
/* The same from text in memory (tests, fuzzing); path names it. */
bool template_parse(template *t, const char *path, char *text, size_t len, arena *a, diag *d);
/* Checks that the geometry works (columns fit the page, sizes positive). */
bool template_validate(const template *t, src_loc loc, diag *d);
const char *template_role_name(style_role role);
double template_column_width(const template *t);

#endif
