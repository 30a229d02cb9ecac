#include "template.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "utf8.h"
#include "util.h"
#include "yml.h"
#include "timing.h"

#define MM(x) ((x) * 72.0 / 25.4)

static const char *const role_names[ROLE_COUNT] = {
    [ROLE_BODY] = "body",
    [ROLE_LEAD] = "lead",
    [ROLE_HEADLINE] = "headline",
    [ROLE_KICKER] = "kicker",
    [ROLE_BYLINE] = "byline",
    [ROLE_CAPTION] = "caption",
    [ROLE_SUBHEAD] = "subhead",
    [ROLE_PULLQUOTE] = "pullquote",
    [ROLE_MASTHEAD] = "masthead",
    [ROLE_MASTHEAD_LABEL] = "masthead-label",
    [ROLE_MASTHEAD_INFO] = "masthead-info",
    [ROLE_FOLIO] = "folio",
    [ROLE_COLOPHON] = "colophon",
    [ROLE_JUMP] = "jump",
    [ROLE_SECTION] = "section",
};

const char *template_role_name(style_role role)
{
    return role_names[role];
}

static style make_style(const char *family, int weight, bool italic, double size, double leading,
                        style_align align)
{
    style s = {0};
    s.family = family;
    s.weight = weight;
    s.italic = italic;
    s.size_pt = size;
    s.leading_pt = leading;
    s.align = align;
    s.cmyk[3] = 1.0; /* black text is 100 % K */
    s.word_space_min_em = 0.18;
    s.word_space_max_em = 0.45;
    s.keep_units = true;
    return s;
}

void template_default(template *t)
{
    memset(t, 0, sizeof *t);
    t->name = "ban-tin";
    t->path = "(built-in)";
    t->page_width_pt = MM(190);
    t->page_height_pt = MM(270);
    t->margin_top_pt = MM(14);
    t->margin_bottom_pt = MM(16);
    t->margin_inside_pt = MM(14);
    t->margin_outside_pt = MM(14);
    t->bleed_pt = MM(3);
    t->columns = 3;
    t->gutter_pt = MM(5);
    t->column_rules = true;
    t->running_header = true;
    t->page_numbers = true;
    t->masthead_height_pt = MM(42);
    t->widows = 2;
    t->orphans = 2;
    t->baseline_grid = true;
    t->photo_span = 1;
    t->photo_max_height = 0.55;
    t->quote_span = 2;
    t->first_page_number = 1;
    t->page_number_style = 'D';
    t->masthead = true;
    t->crop_marks = true;
    t->registration_marks = false;
    t->screen_ppi = 150;

    style *s = t->styles;
    s[ROLE_BODY] = make_style("bulletin-serif", 400, false, 10, 13, ALIGN_JUSTIFY);
    s[ROLE_BODY].indent_pt = MM(4);
    s[ROLE_BODY].letter_spacing_max_em = 0.02;
    s[ROLE_BODY].glyph_scaling_max = 0.02;
    s[ROLE_LEAD] = make_style("bulletin-serif", 700, false, 11, 14.5, ALIGN_JUSTIFY);
    s[ROLE_LEAD].space_after_pt = 9;
    s[ROLE_LEAD].letter_spacing_max_em = 0.02;
    s[ROLE_LEAD].glyph_scaling_max = 0.02;
    s[ROLE_HEADLINE] = make_style("bulletin-sans", 700, false, 20, 24, ALIGN_LEFT);
    s[ROLE_HEADLINE].cmyk[0] = 1.0;
    s[ROLE_HEADLINE].cmyk[1] = 0.75;
    s[ROLE_HEADLINE].cmyk[3] = 0.25;
    s[ROLE_HEADLINE].space_after_pt = 6;
    s[ROLE_KICKER] = make_style("bulletin-sans", 700, false, 9, 12, ALIGN_LEFT);
    s[ROLE_KICKER].cmyk[1] = 1.0;
    s[ROLE_KICKER].cmyk[2] = 1.0;
    s[ROLE_KICKER].cmyk[3] = 0.1;
    s[ROLE_KICKER].uppercase = true;
    s[ROLE_KICKER].space_after_pt = 3;
    s[ROLE_BYLINE] = make_style("bulletin-sans", 400, true, 9, 12, ALIGN_RIGHT);
    s[ROLE_BYLINE].space_after_pt = 6;
    s[ROLE_CAPTION] = make_style("bulletin-sans", 400, true, 8, 10.5, ALIGN_LEFT);
    s[ROLE_CAPTION].space_before_pt = 3;
    s[ROLE_CAPTION].space_after_pt = 5;
    s[ROLE_SUBHEAD] = make_style("bulletin-sans", 700, false, 10.5, 13, ALIGN_LEFT);
    s[ROLE_SUBHEAD].space_before_pt = 9;
    s[ROLE_SUBHEAD].space_after_pt = 4;
    s[ROLE_SUBHEAD].cmyk[0] = 1.0;
    s[ROLE_SUBHEAD].cmyk[1] = 0.75;
    s[ROLE_SUBHEAD].cmyk[3] = 0.25;
    s[ROLE_PULLQUOTE] = make_style("bulletin-serif", 400, true, 10.5, 13.5, ALIGN_LEFT);
    s[ROLE_PULLQUOTE].indent_pt = 0;
    s[ROLE_PULLQUOTE].space_before_pt = 6;
    s[ROLE_PULLQUOTE].space_after_pt = 6;
    s[ROLE_MASTHEAD] = make_style("bulletin-sans", 700, false, 28, 32, ALIGN_CENTER);
    s[ROLE_MASTHEAD].cmyk[0] = 1.0;
    s[ROLE_MASTHEAD].cmyk[1] = 0.75;
    s[ROLE_MASTHEAD].cmyk[3] = 0.25;
    s[ROLE_MASTHEAD].uppercase = true;
    s[ROLE_MASTHEAD_LABEL] = make_style("bulletin-sans", 700, false, 13, 16, ALIGN_CENTER);
    s[ROLE_MASTHEAD_LABEL].cmyk[1] = 1.0;
    s[ROLE_MASTHEAD_LABEL].cmyk[2] = 1.0;
    s[ROLE_MASTHEAD_LABEL].cmyk[3] = 0.1;
    s[ROLE_MASTHEAD_INFO] = make_style("bulletin-sans", 400, false, 9, 12, ALIGN_CENTER);
    s[ROLE_FOLIO] = make_style("bulletin-sans", 400, false, 8, 10, ALIGN_CENTER);
    s[ROLE_COLOPHON] = make_style("bulletin-sans", 400, false, 7.5, 9.5, ALIGN_LEFT);
    s[ROLE_JUMP] = make_style("bulletin-sans", 700, true, 8, 10, ALIGN_LEFT);
    s[ROLE_JUMP].cmyk[0] = 1.0;
    s[ROLE_JUMP].cmyk[1] = 0.75;
    s[ROLE_JUMP].cmyk[3] = 0.25;
    s[ROLE_SECTION] = make_style("bulletin-sans", 700, false, 8, 10, ALIGN_LEFT);
    s[ROLE_SECTION].cmyk[0] = 0;
    s[ROLE_SECTION].cmyk[3] = 0; /* white on the section's colour bar */
    s[ROLE_SECTION].uppercase = true;
}

double template_column_width(const template *t)
{
    double text_width = t->page_width_pt - t->margin_inside_pt - t->margin_outside_pt;
    return (text_width - (t->columns - 1) * t->gutter_pt) / t->columns;
}

bool template_validate(const template *t, src_loc loc, diag *d)
{
    double text_width = t->page_width_pt - t->margin_inside_pt - t->margin_outside_pt;
    double text_height = t->page_height_pt - t->margin_top_pt - t->margin_bottom_pt;
    if (text_width < 72 || text_height < 144) {
        diag_error(d, loc, "the margins leave %.0f x %.0f pt for text; at least 72 x 144 pt "
                   "is needed", text_width, text_height);
        return false;
    }
    double col = template_column_width(t);
    if (col < 54) {
        diag_error(d, loc,
                   "%d columns with a %.1f pt gutter leave %.1f pt per column (at least 54 pt "
                   "is needed); use fewer columns or smaller margins",
                   t->columns, t->gutter_pt, col);
        return false;
    }
    if (t->masthead_height_pt > text_height / 2) {
        diag_error(d, loc, "the masthead (%.0f pt) takes more than half the page", 
                   t->masthead_height_pt);
        return false;
    }
    for (int r = 0; r < ROLE_COUNT; r++) {
        const style *s = &t->styles[r];
        if (s->leading_pt < s->size_pt * 0.9) {
            diag_error(d, loc, "style '%s': leading %.1f pt is smaller than the size %.1f pt "
                       "allows (at least %.1f pt)",
                       role_names[r], s->leading_pt, s->size_pt, s->size_pt * 0.9);
            return false;
        }
    }
    return true;
}

static bool load_weight(const yml *y, yml_node map, int *out, diag *d)
{
    yml_node v = yml_get(y, map, "weight");
    if (!v)
        return true;
    const char *s = yml_scalar(y, v);
    static const struct {
        const char *name;
        int weight;
    } names[] = {{"thin", 100},   {"light", 300},    {"regular", 400}, {"normal", 400},
                 {"medium", 500}, {"semibold", 600}, {"bold", 700},    {"black", 900}};
    for (size_t i = 0; s && i < sizeof names / sizeof *names; i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].weight;
            return true;
        }
    long w = 0;
    if (s && !yml_is_plain(y, v))
        goto bad;
    if (!yml_get_int(y, map, "weight", 100, 900, &w, d))
        return false;
    *out = (int)w;
    return true;
bad:
    diag_error(d, yml_loc(y, v), "'weight' must be regular, bold, ... or 100..900, not '%s'",
               s ? s : yml_kind_name(y, v));
    return false;
}

static bool load_colour(const yml *y, yml_node map, double cmyk[4], diag *d)
{
    yml_node v = yml_get(y, map, "colour");
    if (!v)
        return true;
    if (!yml_is_seq(y, v) || yml_count(y, v) != 4)
        goto bad;
    double c[4];
    for (size_t i = 0; i < 4; i++) {
        const char *s = yml_scalar(y, yml_seq_item(y, v, i));
        if (!s || !parse_decimal(s, &c[i]) || c[i] < 0 || c[i] > 100)
            goto bad;
    }
    for (int i = 0; i < 4; i++)
        cmyk[i] = c[i] / 100.0;
    return true;
bad:
    diag_error(d, yml_loc(y, v),
               "'colour' must be CMYK percentages [C, M, Y, K], each 0..100, e.g. [0, 0, 0, 100]");
    return false;
}

static bool load_style(const yml *y, yml_node map, const char *role, style *s, arena *a,
                       diag *d)
{
    static const char *const keys[] = {"family", "weight", "style", "size", "leading",
                                       "colour", "align", "indent", "space-before",
                                       "space-after", "case", "word-space-min",
                                       "word-space-max", "letter-spacing-max",
                                       "glyph-scaling-max", "keep-units", NULL};
    char what[64];
    snprintf(what, sizeof what, "style '%s'", role);
    if (!yml_check_map(y, map, what, keys, d))
        return false;
    bool ok = true;
    char *family = NULL, *slant = NULL, *align = NULL, *letter_case = NULL;
    ok &= yml_get_text(y, map, "family", a, &family, d);
    if (family)
        s->family = family;
    ok &= load_weight(y, map, &s->weight, d);
    ok &= yml_get_text(y, map, "style", a, &slant, d);
    if (slant) {
        if (strcmp(slant, "italic") == 0 || strcmp(slant, "oblique") == 0)
            s->italic = true;
        else if (strcmp(slant, "normal") == 0 || strcmp(slant, "roman") == 0)
            s->italic = false;
        else {
            diag_error(d, yml_loc(y, yml_get(y, map, "style")),
                       "'style' must be normal or italic, not '%s'", slant);
            ok = false;
        }
    }
    ok &= yml_get_length(y, map, "size", 4, 200, &s->size_pt, d);
    ok &= yml_get_length(y, map, "leading", 4, 300, &s->leading_pt, d);
    ok &= load_colour(y, map, s->cmyk, d);
    ok &= yml_get_text(y, map, "align", a, &align, d);
    if (align) {
        static const char *const aligns[] = {"left", "right", "center", "justify", NULL};
        int found = -1;
        for (int i = 0; aligns[i]; i++)
            if (strcmp(align, aligns[i]) == 0)
                found = i;
        if (found < 0) {
            diag_error(d, yml_loc(y, yml_get(y, map, "align")),
                       "'align' must be left, right, center or justify, not '%s'", align);
            ok = false;
        } else {
            s->align = (style_align)found;
        }
    }
    ok &= yml_get_length(y, map, "indent", 0, 144, &s->indent_pt, d);
    ok &= yml_get_length(y, map, "space-before", 0, 144, &s->space_before_pt, d);
    ok &= yml_get_length(y, map, "space-after", 0, 144, &s->space_after_pt, d);
    ok &= yml_get_em(y, map, "word-space-min", 0, 1, &s->word_space_min_em, d);
    ok &= yml_get_em(y, map, "word-space-max", 0.1, 2, &s->word_space_max_em, d);
    ok &= yml_get_em(y, map, "letter-spacing-max", 0, 0.2, &s->letter_spacing_max_em, d);
    ok &= yml_get_fraction(y, map, "glyph-scaling-max", 0, 0.1, &s->glyph_scaling_max, d);
    if (s->word_space_min_em > s->word_space_max_em) {
        diag_error(d, yml_loc(y, map), "style '%s': word-space-min is larger than word-space-max",
                   role);
        ok = false;
    }
    ok &= yml_get_bool(y, map, "keep-units", &s->keep_units, d);
    ok &= yml_get_text(y, map, "case", a, &letter_case, d);
    if (letter_case) {
        if (strcmp(letter_case, "upper") == 0)
            s->uppercase = true;
        else if (strcmp(letter_case, "none") == 0)
            s->uppercase = false;
        else {
            diag_error(d, yml_loc(y, yml_get(y, map, "case")),
                       "'case' must be upper or none, not '%s'", letter_case);
            ok = false;
        }
    }
    return ok;
}

static bool load_page(const yml *y, yml_node map, template *t, arena *a, diag *d)
{
    static const char *const keys[] = {"size", "width", "height", NULL};
    if (!yml_check_map(y, map, "'page'", keys, d))
        return false;
    char *size = NULL;
    if (!yml_get_text(y, map, "size", a, &size, d))
        return false;
    if (size) {
        static const struct {
            const char *name;
            double w_mm, h_mm;
        } sizes[] = {{"A4", 210, 297}, {"A3", 297, 420}, {"A5", 148, 210},
                     {"tabloid", 279.4, 431.8}, {"ban-tin", 190, 270}};
        bool found = false;
        for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
            if (strcmp(size, sizes[i].name) == 0) {
                t->page_width_pt = MM(sizes[i].w_mm);
                t->page_height_pt = MM(sizes[i].h_mm);
                found = true;
            }
        if (!found && strcmp(size, "custom") != 0) {
            diag_error(d, yml_loc(y, yml_get(y, map, "size")),
                       "unknown page size '%s'; use A4, A3, A5, tabloid, ban-tin or custom "
                       "with width and height",
                       size);
            return false;
        }
    }
    bool ok = yml_get_length(y, map, "width", MM(50), MM(1200), &t->page_width_pt, d);
    ok &= yml_get_length(y, map, "height", MM(50), MM(1200), &t->page_height_pt, d);
    return ok;
}

static bool template_load_untimed(template *t, const char *path, arena *a, diag *d)
{
    size_t len;
    char *text = read_input(path, "layout template", false, &len, d);
    if (!text)
        return false;
    bool ok = template_parse(t, path, text, len, a, d);
    free(text);
    return ok;
}

bool template_load(template *t, const char *path, arena *a, diag *d)
{
    timing_push(STAGE_PARSE);
    bool result = template_load_untimed(t, path, a, d);
    timing_pop();
    return result;
}

bool template_parse(template *t, const char *path, char *text, size_t len, arena *a, diag *d)
{
    const char *file = diag_intern(d, path);
    bool ok = false;
    yml *y = NULL;
    len = utf8_strip_bom(text, len);
    if (!utf8_check_input(file, text, len, d))
        goto done;
    y = yml_parse(file, text, len, 1, d);
    if (!y)
        goto done;
    yml_node root = yml_root(y);
    static const char *const keys[] = {"name", "page", "margins", "bleed", "columns", "gutter",
                                       "column-rules", "running-header", "page-numbers",
                                       "masthead-height", "widows", "orphans", "baseline-grid",
                                       "photo-span", "photo-max-height", "quote-span",
                                       "crop-marks", "registration-marks", "screen-ppi",
                                       "styles", NULL};
    if (!yml_check_map(y, root, "the layout template", keys, d))
        goto done;
    t->path = file;
    ok = true;
    char *name = NULL;
    ok &= yml_get_text(y, root, "name", a, &name, d);
    if (name)
        t->name = name;
    yml_node page = yml_get(y, root, "page");
    if (page)
        ok &= load_page(y, page, t, a, d);
    yml_node margins = yml_get(y, root, "margins");
    if (margins) {
        static const char *const mkeys[] = {"top", "bottom", "inside", "outside", NULL};
        if (yml_check_map(y, margins, "'margins'", mkeys, d)) {
            ok &= yml_get_length(y, margins, "top", 0, MM(200), &t->margin_top_pt, d);
            ok &= yml_get_length(y, margins, "bottom", 0, MM(200), &t->margin_bottom_pt, d);
            ok &= yml_get_length(y, margins, "inside", 0, MM(200), &t->margin_inside_pt, d);
            ok &= yml_get_length(y, margins, "outside", 0, MM(200), &t->margin_outside_pt, d);
        } else {
            ok = false;
        }
    }
    ok &= yml_get_length(y, root, "bleed", 0, MM(20), &t->bleed_pt, d);
    long columns = t->columns;
    ok &= yml_get_int(y, root, "columns", 1, 12, &columns, d);
    t->columns = (int)columns;
    ok &= yml_get_length(y, root, "gutter", 0, MM(50), &t->gutter_pt, d);
    ok &= yml_get_bool(y, root, "column-rules", &t->column_rules, d);
    ok &= yml_get_bool(y, root, "running-header", &t->running_header, d);
    ok &= yml_get_bool(y, root, "page-numbers", &t->page_numbers, d);
    ok &= yml_get_length(y, root, "masthead-height", MM(10), MM(200), &t->masthead_height_pt, d);
    long widows = t->widows, orphans = t->orphans;
    ok &= yml_get_int(y, root, "widows", 1, 5, &widows, d);
    ok &= yml_get_int(y, root, "orphans", 1, 5, &orphans, d);
    t->widows = (int)widows;
    t->orphans = (int)orphans;
    ok &= yml_get_bool(y, root, "baseline-grid", &t->baseline_grid, d);
    long photo_span = t->photo_span, quote_span = t->quote_span;
    ok &= yml_get_int(y, root, "photo-span", 1, 12, &photo_span, d);
    ok &= yml_get_int(y, root, "quote-span", 1, 12, &quote_span, d);
    t->photo_span = (int)photo_span;
    t->quote_span = (int)quote_span;
    ok &= yml_get_fraction(y, root, "photo-max-height", 0.1, 1, &t->photo_max_height, d);
    ok &= yml_get_bool(y, root, "crop-marks", &t->crop_marks, d);
    ok &= yml_get_bool(y, root, "registration-marks", &t->registration_marks, d);
    long ppi = t->screen_ppi;
    ok &= yml_get_int(y, root, "screen-ppi", 36, 1200, &ppi, d);
    t->screen_ppi = (int)ppi;
    yml_node styles = yml_get(y, root, "styles");
    if (styles) {
        const char *allowed[ROLE_COUNT + 1];
        for (int r = 0; r < ROLE_COUNT; r++)
            allowed[r] = role_names[r];
        allowed[ROLE_COUNT] = NULL;
        if (yml_check_map(y, styles, "'styles'", allowed, d)) {
            for (int r = 0; r < ROLE_COUNT; r++) {
                yml_node s = yml_get(y, styles, role_names[r]);
                if (s)
                    ok &= load_style(y, s, role_names[r], &t->styles[r], a, d);
            }
        } else {
            ok = false;
        }
    }
    if (ok)
        ok = template_validate(t, loc_file(file), d);
done:
    yml_free(y);
    return ok;
}
