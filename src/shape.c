#include "shape.h"

#include <hb.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "utf8.h"
#include "util.h"
#include "timing.h"

struct shaper {
    font_set *fonts;
    hb_buffer_t *buf;
    hb_language_t vi;
    glyph *tmp;
    size_t tmp_count, tmp_cap;
};

shaper *shape_new(font_set *fonts)
{
    shaper *s = xcalloc(1, sizeof *s);
    s->fonts = fonts;
    s->buf = hb_buffer_create();
    s->vi = hb_language_from_string("vi", -1);
    return s;
}

void shape_free(shaper *s)
{
    if (!s)
        return;
    hb_buffer_destroy(s->buf);
    free(s->tmp);
    free(s);
}

static bool is_word_space(uint32_t cp)
{
    return cp == 0x20 || cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A && cp != 0x2007) ||
           cp == 0x202F || cp == 0x3000;
}

/* Shapes text[off, off+len) in one face, appending glyphs to s->tmp. */
static void shape_item(shaper *s, const char *text, size_t text_len, size_t off, size_t len,
                       face *f, bool notdef)
{
    hb_buffer_clear_contents(s->buf);
    hb_buffer_set_direction(s->buf, HB_DIRECTION_LTR);
    hb_buffer_set_script(s->buf, HB_SCRIPT_LATIN);
    hb_buffer_set_language(s->buf, s->vi);
    hb_buffer_set_flags(s->buf, HB_BUFFER_FLAG_BOT | HB_BUFFER_FLAG_EOT |
                                    HB_BUFFER_FLAG_REMOVE_DEFAULT_IGNORABLES);
    hb_buffer_set_cluster_level(s->buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_GRAPHEMES);
    hb_buffer_add_utf8(s->buf, text, (int)text_len, (unsigned)off, (int)len);
    hb_shape(f->hb_font, s->buf, NULL, 0);
    unsigned n;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(s->buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(s->buf, &n);
    double to_em = 1000.0 / f->upem;
    size_t first = s->tmp_count;
    for (unsigned i = 0; i < n; i++) {
        glyph *g = ARRAY_PUSH(s->tmp, s->tmp_count, s->tmp_cap);
        memset(g, 0, sizeof *g);
        g->gid = info[i].codepoint;
        g->face_id = (uint16_t)f->id;
        g->cluster = info[i].cluster;
        g->advance = (float)(pos[i].x_advance * to_em);
        g->x_offset = (float)(pos[i].x_offset * to_em);
        g->y_offset = (float)(pos[i].y_offset * to_em);
        if (notdef)
            g->flags |= GLYPH_NOTDEF;
    }
    /* Cluster extents: clusters ascend in LTR text. */
    for (size_t i = first; i < s->tmp_count; i++) {
        glyph *g = &s->tmp[i];
        if (i == first || s->tmp[i - 1].cluster != g->cluster)
            g->flags |= GLYPH_CLUSTER_START;
        size_t j = i;
        while (j < s->tmp_count && s->tmp[j].cluster == g->cluster)
            j++;
        uint32_t end = j < s->tmp_count ? s->tmp[j].cluster : (uint32_t)(off + len);
        g->cluster_len = end > g->cluster ? end - g->cluster : 0;
        uint32_t cp;
        if (g->cluster_len && utf8_decode(text + g->cluster, g->cluster_len, &cp) &&
            is_word_space(cp))
            g->flags |= GLYPH_SPACE;
    }
}

/* Shapes one segment (no hard breaks inside) of one span, choosing faces
 * per grapheme cluster. */
static void shape_segment(shaper *s, const char *text, size_t text_len, size_t off, size_t len,
                          int chain, src_loc loc, diag *d, bool *warned)
{
    size_t item_start = off;
    face *item_face = NULL;
    bool item_notdef = false;
    utf8proc_int32_t state = 0;
    uint32_t cps[32];
    size_t ncp = 0;
    size_t cluster_start = off;
    int32_t prev = -1;
    for (size_t i = off; i <= off + len;) {
        uint32_t cp = 0;
        size_t k = 0;
        bool boundary = true;
        if (i < off + len) {
            k = utf8_decode(text + i, off + len - i, &cp);
            if (!k)
                k = 1;
            boundary = prev < 0 || utf8proc_grapheme_break_stateful(
                                       prev, (utf8proc_int32_t)cp, &state);
        }
        if (boundary && ncp) {
            bool covered;
            face *f = fonts_match_cluster(s->fonts, chain, cps, ncp, &covered);
            if (!covered && !*warned) {
                int line = loc.line, col = loc.col;
                diag_warning(d, (src_loc){loc.file, line, col},
                             "no installed font has the character U+%04X; it prints as a box",
                             cps[0] == ' ' && ncp > 1 ? cps[1] : cps[0]);
                *warned = true;
            }
            if (item_face && (f != item_face || !covered != item_notdef)) {
                shape_item(s, text, text_len, item_start, cluster_start - item_start, item_face,
                           item_notdef);
                item_start = cluster_start;
            }
            item_face = f;
            item_notdef = !covered;
            ncp = 0;
            cluster_start = i;
        }
        if (i == off + len)
            break;
        if (ncp < sizeof cps / sizeof *cps)
            cps[ncp++] = cp;
        prev = (int32_t)cp;
        i += k;
    }
    if (item_face && off + len > item_start)
        shape_item(s, text, text_len, item_start, off + len - item_start, item_face,
                   item_notdef);
}

static glyph_run *shape_text_untimed(shaper *s, const char *text, size_t len, const span *spans,
                                     size_t span_count, const int chains[4], src_loc loc, arena *a,
                                     diag *d)
{
    s->tmp_count = 0;
    span whole = {0, len, 0};
    if (!spans || !span_count) {
        spans = &whole;
        span_count = 1;
    }
    bool warned = false;
    bool hard_break_pending = false;
    for (size_t si = 0; si < span_count; si++) {
        const span *sp = &spans[si];
        int chain = chains[sp->flags & 3];
        size_t seg = sp->offset, end = sp->offset + sp->len;
        for (size_t i = sp->offset; i <= end; i++) {
            if (i == end || text[i] == '\n') {
                if (i > seg) {
                    size_t before = s->tmp_count;
                    shape_segment(s, text, len, seg, i - seg, chain, loc, d, &warned);
                    if (hard_break_pending && s->tmp_count > before) {
                        s->tmp[before].flags |= GLYPH_HARD_BREAK;
                        hard_break_pending = false;
                    }
                }
                if (i < end)
                    hard_break_pending = true;
                seg = i + 1;
            }
        }
    }
    glyph_run *run = arena_alloc(a, sizeof *run);
    run->text = text;
    run->text_len = len;
    run->count = s->tmp_count;
    run->glyphs = arena_memdup(a, s->tmp, s->tmp_count * sizeof(glyph));
    return run;
}

glyph_run *shape_text(shaper *s, const char *text, size_t len, const span *spans,
                      size_t span_count, const int chains[4], src_loc loc, arena *a, diag *d)
{
    timing_push(STAGE_SHAPING);
    glyph_run *result = shape_text_untimed(s, text, len, spans, span_count, chains, loc, a, d);
    timing_pop();
    return result;
}

double shape_width(const glyph_run *run, size_t first, size_t end)
{
    double w = 0;
    for (size_t i = first; i < end; i++)
        w += run->glyphs[i].advance;
    return w;
}
