#include "preflight.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "util.h"

#define PT_PER_MM (72.0 / 25.4)

/* In a build, preflight errors are reported as warnings: the PDF is still
 * written (bulletin check and --strict make them fail). */
static bool errors_as_warnings;

static void finding(diag *d, src_loc loc, bool *ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void finding(diag *d, src_loc loc, bool *ok, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (errors_as_warnings) {
        diag_warning(d, loc, "%s", msg);
    } else {
        diag_error(d, loc, "%s", msg);
        *ok = false;
    }
}

typedef struct photo_use {
    const char *path;
    double min_ppi;
    src_loc loc;
    bool rgb;
} photo_use;

static void check_photos(const template *t, const page_list *pl, preflight_profile profile,
                         diag *d, bool *ok)
{
    photo_use *uses = NULL;
    size_t n = 0, cap = 0;
    double b = t->bleed_pt;
    for (size_t p = 0; p < pl->count; p++)
        for (size_t i = 0; i < pl->pages[p].count; i++) {
            const placed *it = &pl->pages[p].items[i];
            if (it->kind != PLACED_IMAGE)
                continue;
            const placed_image *im = &it->u.image;
            if (im->clip_x_pt < -b - 0.01 || im->clip_y_pt < -b - 0.01 ||
                im->clip_x_pt + im->clip_width_pt > pl->width_pt + b + 0.01 ||
                im->clip_y_pt + im->clip_height_pt > pl->height_pt + b + 0.01) {
                finding(d, im->loc, ok, "photo '%s' on page %zu reaches outside the bleed",
                           im->path, p + 1);
            }
            double ppi = im->width_pt > 0 ? im->pixel_width / (im->width_pt / 72.0) : 0;
            size_t k = 0;
            while (k < n && strcmp(uses[k].path, im->path) != 0)
                k++;
            if (k == n) {
                photo_use *u = ARRAY_PUSH(uses, n, cap);
                u->path = im->path;
                u->min_ppi = ppi;
                u->loc = im->loc;
                image_info info;
                diag *quiet = diag_new();
                u->rgb = image_probe(im->path, im->loc, &info, quiet) && info.components == 3;
                diag_free(quiet);
            } else if (ppi < uses[k].min_ppi) {
                uses[k].min_ppi = ppi;
            }
        }
    if (profile == PREFLIGHT_PRINT)
        for (size_t k = 0; k < n; k++) {
            if (uses[k].min_ppi < PRINT_MIN_PPI)
                diag_warning(d, uses[k].loc,
                             "photo '%s' is %.0f ppi at its placed size; print needs %.0f "
                             "(use a larger original or place it smaller)",
                             uses[k].path, uses[k].min_ppi, PRINT_MIN_PPI);
            if (uses[k].rgb)
                diag_warning(d, uses[k].loc,
                             "photo '%s' is RGB; the print shop will convert it to CMYK",
                             uses[k].path);
        }
    free(uses);
}

static void check_fonts(font_set *fonts, diag *d, bool *ok)
{
    for (size_t i = 0; i < fonts_face_count(fonts); i++) {
        const face *f = fonts_face(fonts, (int)i);
        /* OS/2 fsType: 0x0002 restricted licence, 0x0200 bitmap only. */
        if ((f->fs_type & 0x000F) == 0x0002 || (f->fs_type & 0x0200)) {
            finding(d, loc_file(f->path), ok,
                       "font '%s' does not allow embedding (OS/2 fsType 0x%04X); choose another "
                       "family",
                       f->ps_name, f->fs_type);
        }
    }
}

static void check_layout(const page_list *pl, diag *d, bool *ok)
{
    for (size_t i = 0; i < pl->stats_count; i++) {
        const article_stats *s = &pl->stats[i];
        src_loc at = loc_file(s->path ? s->path : "");
        if (s->overset_lines) {
            finding(d, at, ok, "%d lines of the article found no place (overset)",
                       s->overset_lines);
        }
        if (s->widows || s->orphans)
            diag_warning(d, at, "%d widow%s and %d orphan%s that the layout could not avoid",
                         s->widows, s->widows == 1 ? "" : "s", s->orphans,
                         s->orphans == 1 ? "" : "s");
    }
}

/* The Press Law's format for a licensed bulletin (bản tin). */
static void check_ban_tin(const issue *is, const template *t, const page_list *pl, diag *d,
                          bool *ok)
{
    src_loc at = loc_file(is->path);
    double w_mm = t->page_width_pt / PT_PER_MM, h_mm = t->page_height_pt / PT_PER_MM;
    if (w_mm > BAN_TIN_MAX_WIDTH_MM + 0.05 || h_mm > BAN_TIN_MAX_HEIGHT_MM + 0.05) {
        finding(d, loc_file(t->path), ok,
                   "a bản tin may be at most %.0f x %.0f mm; this layout is %.0f x %.0f mm",
                   BAN_TIN_MAX_WIDTH_MM, BAN_TIN_MAX_HEIGHT_MM, w_mm, h_mm);
    }
    if (pl->count > BAN_TIN_MAX_PAGES) {
        finding(d, at, ok, "a bản tin may have at most %d pages; this issue has %zu",
                   BAN_TIN_MAX_PAGES, pl->count);
    }
    struct {
        const char *what;
        bool present;
    } masthead[] = {{"'title' (the bulletin's name)", is->title != NULL},
                    {"'organisation' (the issuing body)", is->organisation != NULL},
                    {"'date'", is->year != 0}};
    for (size_t i = 0; i < sizeof masthead / sizeof *masthead; i++)
        if (!masthead[i].present) {
            finding(d, at, ok, "a bản tin's masthead needs %s; add it to the manifest",
                       masthead[i].what);
        }
    const colophon *c = &is->colo;
    struct {
        const char *key;
        bool present;
    } colo[] = {{"licence", c->licence != NULL},       {"printer", c->printer != NULL},
                {"print_run", c->print_run > 0},       {"periodicity", c->periodicity != NULL},
                {"responsible", c->responsible != NULL}};
    for (size_t i = 0; i < sizeof colo / sizeof *colo; i++)
        if (!colo[i].present) {
            finding(d, at, ok,
                       "a bản tin's colophon needs '%s' (licence number and date, printing "
                       "place, print run, periodicity, person responsible); add it under "
                       "'colophon:'",
                       colo[i].key);
        }
}

bool preflight_run(const issue *is, const template *t, const page_list *pl, font_set *fonts,
                   preflight_profile profile, bool as_warnings, diag *d)
{
    bool ok = true;
    errors_as_warnings = as_warnings;
    check_photos(t, pl, profile, d, &ok);
    check_fonts(fonts, d, &ok);
    check_layout(pl, d, &ok);
    if (is->kind && strcmp(is->kind, "ban-tin") == 0)
        check_ban_tin(is, t, pl, d, &ok);
    return ok;
}
