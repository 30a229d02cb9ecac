#include "flow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "lines.h"
#include "utf8.h"
#include "util.h"
#include "timing.h"

/* A photo takes at most this share of a column's height; taller photos
 * are cropped around their centre. */
#define FIGURE_MAX_SHARE 0.55
#define ARTICLE_GAP_PT 14.0
/* An article starts only where at least this many body lines fit under
 * its headline band. */
#define MIN_BODY_LINES 3
#define LEAD_HEADLINE_SCALE 1.3
/* Largest piece of a paragraph shaped and broken at once. */
#define PARAGRAPH_PIECE_BYTES (48 * 1024)

typedef enum item_kind { ITEM_LINE, ITEM_GAP, ITEM_FIGURE } item_kind;

typedef struct item {
    item_kind kind;
    double height;
    double ascent; /* baseline below the item's top (lines) */
    double descent;
    style_role role;
    const glyph_run *run;
    const line *ln;
    bool keep_with_next;
    double ink_top, ink_bottom; /* real glyph extents above / below the baseline */
    double size_pt;             /* type size the line was set in */
    int para_line, para_lines;  /* position of a line in its paragraph */
    const figure *fig;   /* photo; NULL for a pull quote (a float of text) */
    int span;            /* columns a float spans */
    double image_height; /* visible height of the photo */
    struct item *caption;
    size_t caption_count;
} item;

typedef struct item_list {
    item *items;
    size_t count, cap;
} item_list;

typedef struct flow_ctx {
    const issue *is;
    template *t; /* the ctx's own copy: the masthead may be scaled to fit */
    font_set *fonts;
    shaper *sh;
    arena *a;
    diag *d;
    page_list *pl;
    int chains[ROLE_COUNT][4];
    double col_width, text_width, text_left, text_top, text_bottom;
    double page_top; /* where columns start on the current page */
    int mod_first, mod_cols; /* the columns the current article uses */
    /* Filling a page: when grow_span > 0, photos that do not say otherwise
     * span that many columns and may take grow_share of the column height. */
    int grow_span;
    double grow_share;
    bool *placed;            /* per article: started on a page */
    const article *next_article; /* the one placed after the current, if any */
    size_t next_index;
    struct job *suspended[16]; /* articles waiting to continue after a reserved page */
    int suspended_count;
    /* Spans of the column rules that a float across columns covers: the
     * rule left of column `col` stops between y0 and y1. */
    struct rule_skip {
        int col;
        double y0, y1;
    } skips[64];
    int skip_count;
    double col_free[12];     /* where each column of the page is free */
    article_stats *stats; /* of the article being placed, NULL otherwise */
    /* The rest of the article ends on this page: pull quotes that close it
     * go to the foot of its last columns first, and the text flows above. */
    bool closing_region;
    /* A float of foot_list that would otherwise be left alone for the next
     * page: at the foot of the region's last columns, text flowing above
     * (NULL: none). */
    const item_list *foot_list;
    size_t foot_float;
    struct set_cache *set_cache; /* paragraphs already set, see set_paragraph */
} flow_ctx;

/* ---- Setting text ------------------------------------------------------ */

static bool resolve_chains(flow_ctx *c)
{
    bool ok = true;
    src_loc loc = loc_file(c->t->path);
    for (int r = 0; r < ROLE_COUNT; r++) {
        const style *s = &c->t->styles[r];
        int bold = s->weight >= 600 ? s->weight : 700;
        c->chains[r][0] = fonts_chain(c->fonts, s->family, s->weight, s->italic, loc, c->d);
        c->chains[r][SPAN_BOLD] = fonts_chain(c->fonts, s->family, bold, s->italic, loc, c->d);
        c->chains[r][SPAN_ITALIC] = fonts_chain(c->fonts, s->family, s->weight, true, loc, c->d);
        c->chains[r][SPAN_BOLD | SPAN_ITALIC] =
            fonts_chain(c->fonts, s->family, bold, true, loc, c->d);
        for (int k = 0; k < 4; k++)
            if (c->chains[r][k] < 0)
                ok = false;
        if (!ok)
            break;
    }
    return ok;
}

typedef struct setting {
    const glyph_run *run;
    line_list lines;
} setting;

static setting set_text(flow_ctx *c, style_role role, const char *text, size_t len,
                        const span *spans, size_t span_count, double width, double indent,
                        src_loc loc)
{
    const style *s = &c->t->styles[role];
    char *upper = NULL;
    if (s->uppercase) {
        size_t ul;
        char *u = utf8_upper(text, len, &ul);
        upper = arena_strndup(c->a, u, ul);
        free(u);
        if (ul != len)
            spans = NULL; /* case mapping changed byte lengths */
        text = upper;
        len = ul;
    }
    setting out;
    out.run = shape_text(c->sh, text, len, spans, span_count, c->chains[role], loc, c->a, c->d);
    out.lines = lines_break(out.run, s, width, indent, loc, c->a, c->d);
    c->pl->loose_lines += out.lines.loose_lines;
    return out;
}

/* Paragraphs already shaped and broken, by content and measure. Placing
 * an article again (page filling tries a dozen photo sizes) sets the same
 * paragraphs at the same widths; this returns the earlier result. Entries
 * live in the flow's arena; a setting that produced a diagnostic is never
 * kept, so the final placement reports it again. */
typedef struct set_entry {
    uint64_t hash; /* 0 = empty */
    style_role role;
    double width, indent, size_pt;
    const char *text; /* arena copy, compared in full */
    size_t len;
    const span *spans;
    size_t span_count;
    setting result;
} set_entry;

typedef struct set_cache {
    set_entry *slots;
    size_t slot_count, used;
} set_cache;

static uint64_t set_key(style_role role, double width, double indent, double size_pt,
                        const char *text, size_t len, const span *spans, size_t span_count)
{
    double nums[3] = {width, indent, size_pt};
    uint64_t h = hash_fnv1a(HASH_FNV_INIT, &role, sizeof role);
    h = hash_fnv1a(h, nums, sizeof nums);
    h = hash_fnv1a(h, text, len);
    /* Field by field: a span's padding bytes are not initialised. */
    for (size_t i = 0; i < span_count; i++) {
        uint64_t f[3] = {spans[i].offset, spans[i].len, spans[i].flags};
        h = hash_fnv1a(h, f, sizeof f);
    }
    return h ? h : 1;
}

static bool same_spans(const span *a, const span *b, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (a[i].offset != b[i].offset || a[i].len != b[i].len || a[i].flags != b[i].flags)
            return false;
    return true;
}

static set_entry *set_find(set_cache *sc, uint64_t h, style_role role, double width,
                           double indent, double size_pt, const char *text, size_t len,
                           const span *spans, size_t span_count)
{
    size_t mask = sc->slot_count - 1;
    for (size_t j = h & mask;; j = (j + 1) & mask) {
        set_entry *e = &sc->slots[j];
        if (!e->hash ||
            (e->hash == h && e->role == role && e->width == width && e->indent == indent &&
             e->size_pt == size_pt && e->len == len && e->span_count == span_count &&
             memcmp(e->text, text, len) == 0 &&
             same_spans(e->spans, spans, span_count)))
            return e;
    }
}

static setting set_paragraph(flow_ctx *c, style_role role, const char *text, size_t len,
                             const span *spans, size_t span_count, double width,
                             double indent, src_loc loc)
{
    if (!c->set_cache)
        c->set_cache = arena_alloc(c->a, sizeof *c->set_cache);
    set_cache *sc = c->set_cache;
    if ((sc->used + 1) * 2 > sc->slot_count) {
        set_entry *old = sc->slots;
        size_t old_count = sc->slot_count;
        sc->slot_count = old_count ? old_count * 2 : 256;
        sc->slots = arena_alloc(c->a, sc->slot_count * sizeof *sc->slots);
        for (size_t i = 0; i < old_count; i++)
            if (old[i].hash)
                *set_find(sc, old[i].hash, old[i].role, old[i].width, old[i].indent,
                          old[i].size_pt, old[i].text, old[i].len, old[i].spans,
                          old[i].span_count) = old[i];
    }
    double size_pt = c->t->styles[role].size_pt;
    uint64_t h = set_key(role, width, indent, size_pt, text, len, spans, span_count);
    set_entry *e = set_find(sc, h, role, width, indent, size_pt, text, len, spans, span_count);
    if (e->hash) {
        /* The glyphs are shared; the run points at this text (or keeps its
         * own upper-cased copy), and the lines are copied because drawing
         * may align them in place. */
        setting out = e->result;
        glyph_run *run = arena_memdup(c->a, out.run, sizeof *out.run);
        if (!c->t->styles[role].uppercase)
            run->text = text;
        out.run = run;
        out.lines.lines = arena_memdup(c->a, out.lines.lines, out.lines.count * sizeof(line));
        c->pl->loose_lines += out.lines.loose_lines;
        return out;
    }
    int messages = diag_warning_count(c->d) + diag_error_count(c->d);
    setting out = set_text(c, role, text, len, spans, span_count, width, indent, loc);
    if (diag_warning_count(c->d) + diag_error_count(c->d) != messages || !out.run)
        return out;
    *e = (set_entry){h, role, width, indent, size_pt, arena_strndup(c->a, text, len), len,
                     span_count ? arena_memdup(c->a, spans, span_count * sizeof *spans) : NULL,
                     span_count, out};
    e->result.lines.lines =
        arena_memdup(c->a, out.lines.lines, out.lines.count * sizeof(line));
    sc->used++;
    return out;
}

/* Real ink extents of a line in points, above and below the baseline
 * (FreeType/HarfBuzz glyph extents, marks included). */
static void line_ink(flow_ctx *c, style_role role, const glyph_run *run, const line *ln,
                     double *top, double *bottom)
{
    const style *s = &c->t->styles[role];
    *top = 0;
    *bottom = 0;
    for (size_t i = ln->first; i < ln->end; i++) {
        const glyph *g = &run->glyphs[i];
        face *f = fonts_face(c->fonts, g->face_id);
        hb_glyph_extents_t ext;
        if (!hb_font_get_glyph_extents(f->hb_font, g->gid, &ext))
            continue;
        double scale = s->size_pt / f->upem;
        double rise = g->y_offset * s->size_pt / 1000.0;
        double gt = ext.y_bearing * scale + rise;
        double gb = -(ext.y_bearing + ext.height) * scale - rise;
        if (gt > *top)
            *top = gt;
        if (gb > *bottom)
            *bottom = gb;
    }
}

/* Nominal ascent and descent of a style's face, in points. */
static void nominal_extent(flow_ctx *c, style_role role, double *ascent, double *descent)
{
    const style *s = &c->t->styles[role];
    face *primary = fonts_chain_primary(c->fonts, c->chains[role][0]);
    *ascent = (double)primary->ascender * s->size_pt / primary->upem;
    *descent = -(double)primary->descender * s->size_pt / primary->upem;
}

/* Body text sits on the baseline grid: fixed leading, fixed baseline. */
static bool on_grid(const flow_ctx *c, style_role role)
{
    return c->t->baseline_grid && role == ROLE_BODY;
}

static double span_width(const flow_ctx *c, int cols)
{
    return cols * c->col_width + (cols - 1) * c->t->gutter_pt;
}

static double col_x(const flow_ctx *c, int col)
{
    return c->text_left + col * (c->col_width + c->t->gutter_pt);
}

static item *push_item(item_list *l, item_kind kind)
{
    item *it = ARRAY_PUSH(l->items, l->count, l->cap);
    memset(it, 0, sizeof *it);
    it->kind = kind;
    return it;
}

static void push_gap(item_list *l, double height)
{
    if (height <= 0)
        return;
    push_item(l, ITEM_GAP)->height = height;
}

/* Appends the lines of a set paragraph. Widow and orphan control: the
 * first `orphans` and the last `widows` lines of a paragraph stay together.
 * Lines off the grid take the height their real ink needs, so stacked
 * capitals (Ấ, Ở, Ữ) never touch the line above. */
static void push_lines(flow_ctx *c, item_list *l, style_role role, setting st, bool keep_all)
{
    size_t n = st.lines.count;
    const style *s = &c->t->styles[role];
    double nasc, ndesc;
    nominal_extent(c, role, &nasc, &ndesc);
    for (size_t i = 0; i < n; i++) {
        item *it = push_item(l, ITEM_LINE);
        it->role = role;
        it->run = st.run;
        it->ln = &st.lines.lines[i];
        it->para_line = (int)i;
        it->para_lines = (int)n;
        it->size_pt = s->size_pt;
        line_ink(c, role, st.run, it->ln, &it->ink_top, &it->ink_bottom);
        double asc = nasc, desc = ndesc;
        if (!on_grid(c, role)) {
            if (it->ink_top > asc)
                asc = it->ink_top;
            if (it->ink_bottom > desc)
                desc = it->ink_bottom;
        }
        double need = asc + desc + 0.06 * s->size_pt;
        it->height = on_grid(c, role) || need < s->leading_pt ? s->leading_pt : need;
        /* Centre the ink in the extra leading so lines keep an even colour. */
        it->ascent = asc + (it->height - asc - desc) / 2;
        it->descent = it->height - it->ascent;
        bool orphan_zone = (int)i < c->t->orphans - 1;
        bool widow_zone = (int)i >= (int)n - c->t->widows && i + 1 < n;
        it->keep_with_next = keep_all || (n >= 2 && (orphan_zone || widow_zone));
    }
}

static void push_paragraph(flow_ctx *c, item_list *l, style_role role, const char *text,
                           size_t len, const span *spans, size_t span_count, double width,
                           double indent, src_loc loc, bool keep_all)
{
    const style *s = &c->t->styles[role];
    push_gap(l, s->space_before_pt);
    /* A huge paragraph (a pasted database dump, 10 MB without a break) is
     * set in pieces cut at spaces, so shaping and line breaking work on
     * bounded amounts at a time. Each piece ends on a full line. */
    size_t start = 0;
    while (start < len) {
        size_t end = len;
        if (len - start > PARAGRAPH_PIECE_BYTES) {
            end = start + PARAGRAPH_PIECE_BYTES;
            while (end > start + PARAGRAPH_PIECE_BYTES / 2 && text[end] != ' ')
                end--;
            if (text[end] != ' ') /* no space at all: cut between characters */
                while (end > start && ((unsigned char)text[end] & 0xC0) == 0x80)
                    end--;
        }
        /* The spans of this piece, shifted to its start. */
        span *piece = NULL;
        size_t pc = 0;
        if (spans) {
            piece = xmalloc((span_count ? span_count : 1) * sizeof *piece);
            for (size_t i = 0; i < span_count; i++) {
                size_t a = spans[i].offset, b = spans[i].offset + spans[i].len;
                if (b <= start || a >= end)
                    continue;
                a = a < start ? start : a;
                b = b > end ? end : b;
                piece[pc++] = (span){a - start, b - a, spans[i].flags};
            }
        }
        setting st = set_paragraph(c, role, text + start, end - start, piece, pc, width,
                                   start ? 0 : indent, loc);
        free(piece);
        push_lines(c, l, role, st, keep_all);
        start = end;
        while (start < len && text[start] == ' ')
            start++;
    }
    if (keep_all && l->count)
        l->items[l->count - 1].keep_with_next = true;
    push_gap(l, s->space_after_pt);
}

static char *caption_text(const figure *fig, size_t *len)
{
    buf b;
    buf_init(&b);
    if (fig->caption)
        buf_puts(&b, fig->caption);
    if (fig->credit) {
        if (b.len)
            buf_puts(&b, " ");
        buf_printf(&b, "(\xE1\xBA\xA2nh: %s)", fig->credit); /* "Ảnh" */
    }
    *len = b.len;
    return buf_steal(&b);
}

static void push_figure(flow_ctx *c, item_list *l, const figure *fig)
{
    item *it = push_item(l, ITEM_FIGURE);
    it->fig = fig;
    int cols = fig->span_columns ? fig->span_columns : c->t->photo_span;
    double max_share = c->t->photo_max_height;
    /* Filling a page: larger photos instead of white. */
    if (c->grow_span > 0) {
        if (c->grow_span > cols)
            cols = c->grow_span;
        max_share = c->grow_share;
    }
    it->span = cols > c->mod_cols ? c->mod_cols : cols;
    double w = span_width(c, it->span);
    double h = fig->pixel_width > 0 ? w * fig->pixel_height / fig->pixel_width : w * 2 / 3;
    double col_h = c->text_bottom - c->text_top;
    if (h > col_h * max_share)
        h = col_h * max_share;
    it->image_height = h;
    it->height = h;
    size_t len;
    char *text = caption_text(fig, &len);
    if (len) {
        item_list caps = {0};
        char *stored = arena_strndup(c->a, text, len);
        push_paragraph(c, &caps, ROLE_CAPTION, stored, len, NULL, 0, w, 0, fig->loc, true);
        it->caption = arena_memdup(c->a, caps.items, caps.count * sizeof(item));
        it->caption_count = caps.count;
        for (size_t i = 0; i < caps.count; i++)
            it->height += caps.items[i].height;
        free(caps.items);
    } else {
        it->height += c->t->styles[ROLE_CAPTION].space_after_pt;
    }
    free(text);
}

/* A pull quote: a float of text across quote_span columns, between rules. */
#define QUOTE_RULE_GAP 6.0
static void push_quote(flow_ctx *c, item_list *l, const block *b)
{
    item *it = push_item(l, ITEM_FIGURE);
    it->span = c->t->quote_span > c->mod_cols ? c->mod_cols : c->t->quote_span;
    double w = span_width(c, it->span);
    item_list lines = {0};
    setting st = set_text(c, ROLE_PULLQUOTE, b->text, b->len, b->spans, b->span_count,
                          w - 2 * QUOTE_RULE_GAP, 0, b->loc);
    push_lines(c, &lines, ROLE_PULLQUOTE, st, true);
    it->caption = arena_memdup(c->a, lines.items, lines.count * sizeof(item));
    it->caption_count = lines.count;
    it->height = 2 * QUOTE_RULE_GAP + c->t->styles[ROLE_PULLQUOTE].space_after_pt;
    for (size_t i = 0; i < lines.count; i++)
        it->height += lines.items[i].height;
    free(lines.items);
}

/* The body of an article as a list of column items. */
static void build_body(flow_ctx *c, const article *art, item_list *l)
{
    for (size_t i = 0; i < art->figure_count; i++)
        push_figure(c, l, &art->figures[i]);
    bool after_heading = true;
    for (size_t i = 0; i < art->block_count; i++) {
        const block *b = &art->blocks[i];
        const style *body = &c->t->styles[ROLE_BODY];
        switch (b->kind) {
        case BLOCK_FIGURE:
            push_figure(c, l, b->fig);
            break;
        case BLOCK_SUBHEAD:
            push_paragraph(c, l, ROLE_SUBHEAD, b->text, b->len, b->spans, b->span_count,
                           c->col_width, 0, b->loc, true);
            after_heading = true;
            break;
        case BLOCK_QUOTE:
            push_quote(c, l, b);
            break;
        case BLOCK_LIST_ITEM:
        case BLOCK_PARAGRAPH:
            push_paragraph(c, l, ROLE_BODY, b->text, b->len, b->spans, b->span_count,
                           c->col_width,
                           after_heading || b->kind == BLOCK_LIST_ITEM ? 0 : body->indent_pt,
                           b->loc, false);
            after_heading = false;
            break;
        }
    }
    if (art->byline) {
        /* The byline closes the article and never stands alone in a column. */
        for (size_t i = l->count; i > 0; i--)
            if (l->items[i - 1].kind != ITEM_FIGURE) {
                l->items[i - 1].keep_with_next = true;
                if (l->items[i - 1].kind == ITEM_LINE)
                    break;
            }
        size_t floats_at = l->count; /* photos or quotes after the last text */
        while (floats_at > 0 && (l->items[floats_at - 1].kind == ITEM_FIGURE ||
                                 l->items[floats_at - 1].kind == ITEM_GAP))
            floats_at--;
        size_t before = l->count;
        push_paragraph(c, l, ROLE_BYLINE, art->byline, strlen(art->byline), NULL, 0,
                       c->col_width, 0, art->loc, false);
        /* The byline follows the text, not a float that ends the article:
         * a quote set at the columns' foot would otherwise push it alone
         * into the next column. */
        size_t n_byline = l->count - before, n_floats = before - floats_at;
        if (n_floats && n_byline) {
            item *moved = xmalloc(n_byline * sizeof *moved);
            memcpy(moved, &l->items[before], n_byline * sizeof *moved);
            memmove(&l->items[floats_at + n_byline], &l->items[floats_at],
                    n_floats * sizeof *moved);
            memcpy(&l->items[floats_at], moved, n_byline * sizeof *moved);
            free(moved);
        }
    }
    /* Space after the last block is not needed at the article's end. */
    while (l->count && l->items[l->count - 1].kind == ITEM_GAP)
        l->count--;
}

/* ---- Emitting placed items ------------------------------------------- */

static placed *emit(flow_ctx *c, size_t page, placed_kind kind)
{
    placed_page *p = &c->pl->pages[page];
    placed *it = ARRAY_PUSH(p->items, p->count, p->cap);
    memset(it, 0, sizeof *it);
    it->kind = kind;
    return it;
}

static double pdf_y(flow_ctx *c, double y_from_top)
{
    return c->pl->height_pt - y_from_top;
}

static void emit_line(flow_ctx *c, size_t page, const item *it, double x, double top)
{
    placed *p = emit(c, page, PLACED_TEXT);
    const style *s = &c->t->styles[it->role];
    placed_text *pt = &p->u.text;
    pt->run = it->run;
    pt->first = it->ln->first;
    pt->end = it->ln->end;
    pt->x_pt = x + it->ln->offset_pt;
    pt->y_pt = pdf_y(c, top + it->ascent);
    pt->size_pt = it->size_pt;
    pt->space_adjust_pt = it->ln->space_adjust_pt;
    pt->letter_adjust_pt = it->ln->letter_adjust_pt;
    pt->scale = it->ln->scale;
    memcpy(pt->cmyk, s->cmyk, sizeof pt->cmyk);
    pt->top_pt = pdf_y(c, top);
    pt->ink_top_pt = pt->y_pt + it->ink_top;
    pt->ink_bottom_pt = pt->y_pt - it->ink_bottom;
    pt->role = it->role;
    article_stats *as = c->stats;
    if (as) {
        as->lines++;
        const line *ln = it->ln;
        bool measured = s->align == ALIGN_JUSTIFY && !ln->last && ln->spaces > 0;
        if (measured) {
            as->justified_lines++;
            if (ln->loose)
                as->loose_lines++;
            if (ln->word_space_em > as->worst_word_space_em) {
                as->worst_word_space_em = ln->word_space_em;
                size_t from = it->run->glyphs[ln->first].cluster;
                const glyph *lastg = &it->run->glyphs[ln->end - 1];
                size_t to = lastg->cluster + lastg->cluster_len;
                as->worst_text = arena_strndup(c->a, it->run->text + from, to - from);
                as->worst_page = page;
            }
        }
        if (page > as->last_page)
            as->last_page = page;
    }
    pt->bottom_pt = pdf_y(c, top + it->height);
    pt->width_pt = lines_set_width(it->ln);
}

static void emit_rule(flow_ctx *c, size_t page, double x0, double y0_top, double x1,
                      double y1_top, double width, const double cmyk[4])
{
    placed *p = emit(c, page, PLACED_RULE);
    p->u.rule = (placed_rule){x0, pdf_y(c, y0_top), x1, pdf_y(c, y1_top), width, {0}};
    memcpy(p->u.rule.cmyk, cmyk, sizeof p->u.rule.cmyk);
}

static void emit_float(flow_ctx *c, size_t page, const item *it, double x, double top)
{
    double w = span_width(c, it->span);
    const figure *fig = it->fig;
    if (!fig) {
        /* Pull quote: rule, lines, rule. */
        const double quote_colour[4] = {0, 0, 0, 1};
        emit_rule(c, page, x, top + 1, x + w, top + 1, 1.0, quote_colour);
        double y = top + QUOTE_RULE_GAP;
        for (size_t i = 0; i < it->caption_count; i++) {
            const item *li = &it->caption[i];
            line *ln = (line *)li->ln;
            ln->offset_pt = (w - lines_set_width(ln)) / 2;
            emit_line(c, page, li, x, y);
            y += li->height;
        }
        y += QUOTE_RULE_GAP - 1;
        emit_rule(c, page, x, y, x + w, y, 1.0, quote_colour);
        return;
    }
    double natural_h =
        fig->pixel_width > 0 ? w * fig->pixel_height / fig->pixel_width : it->image_height;
    placed *p = emit(c, page, PLACED_IMAGE);
    placed_image *im = &p->u.image;
    im->path = fig->path;
    im->pixel_width = fig->pixel_width;
    im->pixel_height = fig->pixel_height;
    im->loc = fig->loc;
    im->clip_x_pt = x;
    im->clip_width_pt = w;
    im->clip_height_pt = it->image_height;
    im->clip_y_pt = pdf_y(c, top + it->image_height);
    im->x_pt = x;
    im->width_pt = w;
    im->height_pt = natural_h;
    /* A cropped photo keeps the part around its focal point. */
    double cut = natural_h - it->image_height;
    im->y_pt = im->clip_y_pt + it->image_height + fig->focus * cut - natural_h;
    double y = top + it->image_height;
    for (size_t i = 0; i < it->caption_count; i++) {
        const item *ci = &it->caption[i];
        if (ci->kind == ITEM_LINE)
            emit_line(c, page, ci, x, y);
        y += ci->height;
    }
}

/* ---- Filling columns ------------------------------------------------- */

#define MAX_PENDING 64

typedef struct fill_state {
    size_t next;
    size_t pending[MAX_PENDING];
    size_t pending_count;
} fill_state;

/* Where a keep-with-next chain starting at item k ends when placed from y,
 * body lines snapped to the grid as fill_region would. */
static double chain_end(const flow_ctx *c, const item_list *l, size_t k, double y)
{
    double lead = c->t->styles[ROLE_BODY].leading_pt;
    for (size_t i = k; i < l->count; i++) {
        const item *it = &l->items[i];
        if (it->kind == ITEM_FIGURE)
            break;
        if (it->kind == ITEM_LINE && on_grid(c, it->role))
            y = c->text_top + ceil((y - c->text_top) / lead - 1e-6) * lead;
        y += it->height;
        if (!it->keep_with_next && it->kind != ITEM_GAP)
            break;
    }
    return y;
}

/* The tallest run of items kept together from item `from` on. */
static double tallest_chain(const flow_ctx *c, const item_list *l, size_t from, double top)
{
    double best = 0;
    for (size_t k = from; k < l->count;) {
        /* Measured from the region top: grid snapping counts. */
        double h = chain_end(c, l, k, top) - top;
        if (h > best)
            best = h;
        size_t j = k;
        while (j < l->count && (l->items[j].keep_with_next || l->items[j].kind == ITEM_GAP))
            j++;
        k = j + 1;
    }
    return best;
}

/* A block of off-grid lines (a subhead, a quote) followed by body text:
 * the white the grid adds goes above the block, not between it and the
 * text it introduces. Returns how far to move the block down. */
static double grid_slack_before(const flow_ctx *c, const item_list *l, size_t k, double y)
{
    double lead = c->t->styles[ROLE_BODY].leading_pt;
    double h = 0;
    for (size_t i = k; i < l->count; i++) {
        const item *it = &l->items[i];
        if (it->kind == ITEM_FIGURE)
            return 0;
        if (it->kind == ITEM_LINE && on_grid(c, it->role)) {
            double end = y + h;
            double snapped = c->text_top + ceil((end - c->text_top) / lead - 1e-6) * lead;
            return snapped - end;
        }
        h += it->height;
    }
    return 0;
}

/* The highest of the bottoms of columns [col, col + cols). */
static double foot_room(const double *bot, int col, int cols)
{
    double m = bot[col];
    for (int k = col + 1; k < col + cols; k++)
        m = bot[k] < m ? bot[k] : m;
    return m;
}

static void skip_rules(flow_ctx *c, int first_col, int cols, double y0, double y1)
{
    for (int k = first_col + 1; k < first_col + cols && c->skip_count < 64; k++)
        c->skips[c->skip_count++] = (struct rule_skip){k, y0, y1};
}

/* The lowest content of columns first..last-1 (those already filled). */
static double max_filled(const double *filled, int first, int last)
{
    double m = 0;
    for (int k = first; k < last; k++)
        m = filled[k] > m ? filled[k] : m;
    return m;
}

/* Fills the article's columns from top down to bottoms[] (distances from
 * the page top), starting at st. Emits onto `page` unless it is SIZE_MAX (a
 * trial). Photos and pull quotes are floats: one reached at a column's top
 * stays there (across its span); a one-column photo reached lower down goes
 * to the column's foot if it fits there; anything else waits for the next
 * column top where it fits, text flowing on meanwhile. Returns the depth of
 * the deepest column; depths[] gets each column's. */
static double fill_columns(flow_ctx *c, const item_list *l, fill_state *st, double top,
                           const double *bottoms, size_t page, double *depths)
{
    const double eps = 0.01;
    int ncols = c->mod_cols;
    double col_top[12], bot[12]; /* bot: bottoms, raised by floats at the foot */
    double filled[12];            /* lowest content of each column done */
    for (int i = 0; i < ncols; i++) {
        col_top[i] = top;
        bot[i] = bottoms[i];
        filled[i] = top;
    }
    /* Closing pull quotes across the last columns, at their foot. */
    size_t tail = l->count;
    while (c->closing_region && tail > st->next &&
           ((l->items[tail - 1].kind == ITEM_FIGURE && !l->items[tail - 1].fig &&
             l->items[tail - 1].span > 1 && l->items[tail - 1].span <= ncols) ||
            l->items[tail - 1].kind == ITEM_GAP))
        tail--;
    double foot[12]; /* bottom of a closing quote in each column, else top */
    for (int k = 0; k < ncols; k++)
        foot[k] = top;
    double trial_bot[12];
    memcpy(trial_bot, bot, ncols * sizeof *bot);
    bool fits = true;
    for (size_t i = tail; i < l->count && fits; i++) {
        const item *it = &l->items[i];
        if (it->kind != ITEM_FIGURE)
            continue;
        int first = ncols - it->span;
        double ytop = foot_room(trial_bot, first, it->span) - it->height;
        fits = ytop >= top;
        for (int k = first; k < ncols; k++) {
            if (foot[k] < ytop + it->height)
                foot[k] = ytop + it->height;
            trial_bot[k] = ytop;
        }
    }
    if (!fits) { /* no room at the foot: placed as any float */
        tail = l->count;
        for (int k = 0; k < ncols; k++)
            foot[k] = top;
    }
    for (size_t i = tail; i < l->count; i++) {
        const item *it = &l->items[i];
        if (it->kind != ITEM_FIGURE)
            continue;
        int first = ncols - it->span;
        double ytop = foot_room(bot, first, it->span) - it->height;
        if (page != SIZE_MAX) {
            emit_float(c, page, it, col_x(c, c->mod_first + first), ytop);
            skip_rules(c, c->mod_first + first, it->span, ytop, ytop + it->height);
        }
        for (int k = first; k < ncols; k++)
            bot[k] = ytop;
    }
    /* The float kept with its article's last lines (see float_to_foot),
     * unless it closes the article and went to the foot above already. */
    bool foot_placed = false;
    if (c->foot_list == l && c->foot_float < tail) {
        const item *it = &l->items[c->foot_float];
        size_t waiting = SIZE_MAX; /* its place in pending */
        for (size_t i = 0; i < st->pending_count; i++)
            if (st->pending[i] == c->foot_float)
                waiting = i;
        int first = ncols - it->span;
        double ytop = foot_room(bot, first, it->span) - it->height;
        if ((waiting != SIZE_MAX || c->foot_float >= st->next) && first >= 0 && ytop >= top) {
            if (waiting != SIZE_MAX)
                memmove(&st->pending[waiting], &st->pending[waiting + 1],
                        (--st->pending_count - waiting) * sizeof *st->pending);
            if (page != SIZE_MAX) {
                emit_float(c, page, it, col_x(c, c->mod_first + first), ytop);
                skip_rules(c, c->mod_first + first, it->span, ytop, ytop + it->height);
            }
            for (int k = first; k < ncols; k++) {
                if (foot[k] < ytop + it->height)
                    foot[k] = ytop + it->height;
                bot[k] = ytop;
            }
            foot_placed = waiting == SIZE_MAX;
        }
    }
    size_t tail_end = tail; /* items from here on are placed already */
    double deepest = 0;
    for (int col = 0; col < ncols; col++) {
        double x = col_x(c, c->mod_first + col);
        double y = col_top[col];
        double bottom = bot[col];
        double extent = foot[col] > y ? foot[col] : y; /* floats at the foot included */
        bool full_column = top <= c->page_top + eps && bottom >= c->text_bottom - eps;
        bool at_top = y <= top + eps;
        const item *prev = NULL; /* last line placed in this column */
        double prev_baseline = 0;
        if (depths)
            depths[col] = 0;

        /* Floats waiting from earlier columns go to this column's top, in
         * order; the first that cannot go here keeps the rest waiting. */
        size_t kept = 0;
        bool blocked = false;
        for (size_t i = 0; i < st->pending_count; i++) {
            const item *it = &l->items[st->pending[i]];
            bool placed_here = false;
            if (!blocked && col + it->span <= ncols) {
                double ytop = y, floor = bottom;
                for (int k = col; k < col + it->span; k++) {
                    ytop = col_top[k] > ytop ? col_top[k] : ytop;
                    floor = bot[k] < floor ? bot[k] : floor;
                }
                if (ytop + it->height <= floor + eps || (at_top && full_column)) {
                    if (page != SIZE_MAX) {
                        emit_float(c, page, it, x, ytop);
                        skip_rules(c, c->mod_first + col, it->span, ytop, ytop + it->height);
                    }
                    for (int k = col; k < col + it->span; k++)
                        col_top[k] = ytop + it->height;
                    y = extent = col_top[col];
                    at_top = false;
                    placed_here = true;
                }
            }
            if (!placed_here) {
                st->pending[kept++] = st->pending[i];
                blocked = true;
            }
        }
        st->pending_count = kept;

        while (st->next < tail_end) {
            const item *it = &l->items[st->next];
            if (foot_placed && st->next == c->foot_float) {
                st->next++;
                continue;
            }
            if (it->kind == ITEM_GAP) {
                if (!at_top) {
                    if (y + it->height > bottom + eps)
                        break;
                    y += it->height;
                }
                st->next++;
                continue;
            }
            if (it->kind == ITEM_FIGURE) {
                bool fits_here = y + it->height <= bottom + eps;
                if (it->span == 1 && at_top && (fits_here || full_column)) {
                    if (page != SIZE_MAX)
                        emit_float(c, page, it, x, y);
                    y += it->height;
                    at_top = false;
                    prev = NULL;
                } else if (it->span == 1 && !at_top && fits_here && it->fig) {
                    /* To the column's foot; text goes on above it. */
                    if (page != SIZE_MAX)
                        emit_float(c, page, it, x, bottom - it->height);
                    if (bottom > extent)
                        extent = bottom;
                    bottom -= it->height;
                    bot[col] = bottom;
                } else if (it->span > 1 && at_top && col + it->span <= ncols && fits_here) {
                    if (page != SIZE_MAX) {
                        emit_float(c, page, it, x, y);
                        skip_rules(c, c->mod_first + col, it->span, y, y + it->height);
                    }
                    for (int k = col; k < col + it->span; k++)
                        col_top[k] = y + it->height;
                    y = col_top[col];
                    at_top = false;
                    prev = NULL;
                } else if (it->span > 1 && !at_top && col + it->span <= ncols &&
                           foot_room(bot, col, it->span) - it->height >= y - eps) {
                    /* Across this column and the next ones, at their foot. */
                    double ytop = foot_room(bot, col, it->span) - it->height;
                    if (page != SIZE_MAX) {
                        emit_float(c, page, it, x, ytop);
                        skip_rules(c, c->mod_first + col, it->span, ytop, ytop + it->height);
                    }
                    if (bottom > extent)
                        extent = bottom;
                    for (int k = col; k < col + it->span; k++)
                        bot[k] = ytop;
                    bottom = ytop;
                } else if (it->span > 1 && !at_top && col + it->span > ncols &&
                           col + 1 >= it->span &&
                           foot_room(bot, col + 1 - it->span, it->span) - it->height >= y - eps &&
                           foot_room(bot, col + 1 - it->span, it->span) - it->height >=
                               max_filled(filled, col + 1 - it->span, col) - eps) {
                    /* Reached in a last column: across it and the columns
                     * before, at their foot, below what they hold. */
                    int first = col + 1 - it->span;
                    double ytop = foot_room(bot, first, it->span) - it->height;
                    if (page != SIZE_MAX) {
                        emit_float(c, page, it, col_x(c, c->mod_first + first), ytop);
                        skip_rules(c, c->mod_first + first, it->span, ytop, ytop + it->height);
                    }
                    if (bottom > extent)
                        extent = bottom;
                    for (int k = first; k <= col; k++) {
                        bot[k] = ytop;
                        if (k < col && depths && ytop + it->height - top > depths[k])
                            depths[k] = ytop + it->height - top;
                    }
                    bottom = ytop;
                } else if (st->pending_count < MAX_PENDING) {
                    st->pending[st->pending_count++] = st->next;
                } else {
                    break;
                }
                st->next++;
                continue;
            }
            /* Body lines snap to the baseline grid; one whose real ink would
             * touch the line above moves down a further grid step. */
            double ly = y;
            if (c->t->baseline_grid && !on_grid(c, it->role) && !at_top &&
                (!prev || on_grid(c, prev->role)))
                ly = y + grid_slack_before(c, l, st->next, y);
            if (on_grid(c, it->role)) {
                double lead = c->t->styles[ROLE_BODY].leading_pt;
                ly = c->text_top + ceil((y - c->text_top) / lead - 1e-6) * lead;
                while (prev && ly + it->ascent - it->ink_top < prev_baseline + prev->ink_bottom)
                    ly += lead;
            }
            if (ly + it->height > bottom + eps)
                break;
            double chain = chain_end(c, l, st->next, y);
            if (!at_top && chain > bottom + eps && chain - y <= bottom - top)
                break;
            if (page != SIZE_MAX) {
                emit_line(c, page, it, x, ly);
                if (c->stats && at_top && it->para_lines > 1 &&
                    it->para_line == it->para_lines - 1)
                    c->stats->widows++;
            }
            y = ly + it->height;
            prev = it;
            prev_baseline = ly + it->ascent;
            at_top = false;
            st->next++;
        }
        /* A paragraph's first line left alone at the column's foot. */
        if (page != SIZE_MAX && c->stats && prev && prev->para_line == 0 &&
            prev->para_lines > 1 && st->next < l->count)
            c->stats->orphans++;
        if (y > extent)
            extent = y;
        filled[col] = y;
        if (depths)
            depths[col] = extent - top;
        if (extent - top > deepest)
            deepest = extent - top;
    }
    if (st->next >= tail_end)
        st->next = l->count;
    return deepest;
}

/* fill_columns with every column ending at the same depth. */
static double fill_region(flow_ctx *c, const item_list *l, fill_state *st, double top,
                          double bottom, size_t page, double *depths)
{
    double bottoms[12];
    for (int col = 0; col < c->mod_cols && col < 12; col++)
        bottoms[col] = bottom;
    return fill_columns(c, l, st, top, bottoms, page, depths);
}

static bool region_done(const item_list *l, const fill_state *st)
{
    return st->next >= l->count && st->pending_count == 0;
}

/* When all that the rest of an article would leave for the next page is
 * one photo or quote, it would stand alone there, above the next article.
 * Instead it goes to the foot of the region's last columns and the text
 * flows above it (its last lines over to the next page if need be).
 * trial is what filling the page without it left; on success it and depth
 * become what filling with it leaves. Returns whether the article then
 * ends on this page. */
static bool float_to_foot(flow_ctx *c, const item_list *l, const fill_state *from, double y,
                          fill_state *trial, double *depth)
{
    size_t floats = trial->pending_count, idx = floats ? trial->pending[0] : SIZE_MAX;
    for (size_t i = trial->next; i < l->count; i++) {
        if (l->items[i].kind == ITEM_LINE)
            return false;
        if (l->items[i].kind == ITEM_FIGURE) {
            floats++;
            idx = i;
        }
    }
    if (floats != 1)
        return false;
    c->foot_list = l;
    c->foot_float = idx;
    fill_state t = *from;
    double d = fill_region(c, l, &t, y, c->text_bottom, SIZE_MAX, NULL);
    bool at_foot = t.next > idx;
    for (size_t i = 0; i < t.pending_count; i++)
        at_foot = at_foot && t.pending[i] != idx;
    if (!at_foot) {
        c->foot_list = NULL;
        return false;
    }
    *trial = t;
    *depth = d;
    return region_done(l, &t);
}

/* ---- Pages ----------------------------------------------------------- */

/* Sets a short text on one or more lines and places it; returns the new top. */
static double place_text(flow_ctx *c, size_t page, style_role role, const char *text,
                         double x, double width, double top, style_align align)
{
    /* Glyph runs borrow their text: keep it for the build's lifetime. */
    text = arena_strdup(c->a, text);
    setting st = set_text(c, role, text, strlen(text), NULL, 0, width, 0, loc_file(c->t->path));
    item_list l = {0};
    push_lines(c, &l, role, st, false);
    double y = top;
    for (size_t i = 0; i < l.count; i++) {
        line *ln = (line *)l.items[i].ln;
        if (align == ALIGN_CENTER)
            ln->offset_pt = (width - ln->width_pt) / 2;
        else if (align == ALIGN_RIGHT)
            ln->offset_pt = width - ln->width_pt;
        else if (align == ALIGN_LEFT)
            ln->offset_pt = 0;
        if (ln->offset_pt < 0)
            ln->offset_pt = 0;
        emit_line(c, page, &l.items[i], x, y);
        y += l.items[i].height;
    }
    free(l.items);
    return y;
}

static const double rule_colour[4] = {0, 0, 0, 1};

char *flow_vietnamese_date(int year, int month, int day)
{
    static const char *const weekdays[] = {"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư",
                                           "Thứ Năm", "Thứ Sáu", "Thứ Bảy"};
    static const int offsets[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    int y = month < 3 ? year - 1 : year;
    int wd = (y + y / 4 - y / 100 + y / 400 + offsets[month - 1] + day) % 7;
    return xasprintf("%s, ngày %d tháng %d năm %d", weekdays[wd], day, month, year);
}

/* Scales the masthead style down until the bulletin's name fits one line. */
static void fit_masthead(flow_ctx *c)
{
    style *s = &c->t->styles[ROLE_MASTHEAD];
    const char *name = arena_strdup(c->a, c->is->title);
    for (int tries = 0; tries < 8; tries++) {
        setting st = set_text(c, ROLE_MASTHEAD, name, strlen(name), NULL, 0, 1e6, 0,
                              loc_file(c->t->path));
        double width = st.lines.count ? st.lines.lines[0].width_pt : 0;
        if (width <= c->text_width * 0.98)
            return;
        double scale = c->text_width * 0.97 / width;
        s->size_pt *= scale;
        s->leading_pt *= scale;
    }
}

static void draw_masthead(flow_ctx *c, size_t page)
{
    const template *t = c->t;
    double y = t->margin_top_pt;
    fit_masthead(c);
    y = place_text(c, page, ROLE_MASTHEAD_LABEL, "BẢN TIN", c->text_left, c->text_width, y,
                   ALIGN_CENTER);
    y = place_text(c, page, ROLE_MASTHEAD, c->is->title, c->text_left, c->text_width, y,
                   ALIGN_CENTER);
    y += 4;
    emit_rule(c, page, c->text_left, y, c->text_left + c->text_width, y, 1.5, rule_colour);
    y += 4;
    double third = c->text_width / 3;
    if (c->is->organisation)
        place_text(c, page, ROLE_MASTHEAD_INFO, c->is->organisation, c->text_left, third * 1.4,
                   y, ALIGN_LEFT);
    if (c->is->number) {
        char *num = xasprintf("Số %ld", c->is->number);
        place_text(c, page, ROLE_MASTHEAD_INFO, num, c->text_left + third * 1.4, third * 0.4, y,
                   ALIGN_CENTER);
        free(num);
    }
    double bottom = y + c->t->styles[ROLE_MASTHEAD_INFO].leading_pt;
    if (c->is->year) {
        char *date = flow_vietnamese_date(c->is->year, c->is->month, c->is->day);
        bottom = place_text(c, page, ROLE_MASTHEAD_INFO, date, c->text_left + third * 1.8,
                            third * 1.2, y, ALIGN_RIGHT);
        free(date);
    }
    double rule_y = c->text_top + t->masthead_height_pt - 6;
    if (bottom + 2 > rule_y)
        rule_y = bottom + 2;
    emit_rule(c, page, c->text_left, rule_y, c->text_left + c->text_width, rule_y, 0.5,
              rule_colour);
}

char *flow_roman(long n)
{
    static const struct {
        int value;
        const char *digits;
    } table[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"},
                 {50, "l"},   {40, "xl"},  {10, "x"},  {9, "ix"},   {5, "v"},   {4, "iv"}, {1, "i"}};
    buf b;
    buf_init(&b);
    if (n <= 0 || n > 3999) {
        buf_printf(&b, "%ld", n);
        return buf_steal(&b);
    }
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        while (n >= table[i].value) {
            buf_puts(&b, table[i].digits);
            n -= table[i].value;
        }
    return buf_steal(&b);
}

static void draw_running_elements(flow_ctx *c, size_t page)
{
    const template *t = c->t;
    const style *folio = &t->styles[ROLE_FOLIO];
    if (t->running_header && page > 0) {
        double top = t->margin_top_pt - folio->leading_pt - 8;
        place_text(c, page, ROLE_FOLIO, c->is->title, c->text_left, c->text_width / 2, top,
                   ALIGN_LEFT);
        if (c->is->year) {
            char *date = flow_vietnamese_date(c->is->year, c->is->month, c->is->day);
            char *right = c->is->number ? xasprintf("Số %ld, %s", c->is->number, date)
                                        : xstrdup(date);
            place_text(c, page, ROLE_FOLIO, right, c->text_left + c->text_width / 2,
                       c->text_width / 2, top, ALIGN_RIGHT);
            free(right);
            free(date);
        }
        double rule_y = t->margin_top_pt - 5;
        emit_rule(c, page, c->text_left, rule_y, c->text_left + c->text_width, rule_y, 0.5,
                  rule_colour);
    }
    if (t->page_numbers) {
        long number = t->first_page_number + (long)page;
        char *num = t->page_number_style == 'r' ? flow_roman(number) : xasprintf("%ld", number);
        double top = t->page_height_pt - t->margin_bottom_pt + 10;
        place_text(c, page, ROLE_FOLIO, num, c->text_left, c->text_width, top, ALIGN_CENTER);
        free(num);
    }
}

static bool new_page(flow_ctx *c, size_t *page, double *top)
{
    if (c->pl->count >= limits.max_pages) {
        diag_error(c->d, loc_file(c->is->path),
                   "the issue needs more than %zu pages (raise with --max-pages)",
                   limits.max_pages);
        return false;
    }
    placed_page *p = ARRAY_PUSH(c->pl->pages, c->pl->count, c->pl->cap);
    memset(p, 0, sizeof *p);
    *page = c->pl->count - 1;
    article_stats *as = c->stats; /* page furniture is no article's text */
    c->stats = NULL;
    draw_running_elements(c, *page);
    *top = c->text_top;
    if (*page == 0 && c->t->masthead) {
        draw_masthead(c, *page);
        *top = c->text_top + c->t->masthead_height_pt;
    }
    c->page_top = *top;
    for (int k = 0; k < c->t->columns && k < 12; k++)
        c->col_free[k] = *top;
    c->stats = as;
    return true;
}

/* Rules between the article's columns from top down depth, interrupted
 * where a photo or quote spans the gutter. */
static void draw_column_rules(flow_ctx *c, size_t page, double top, double depth)
{
    if (!c->t->column_rules || depth <= 0) {
        c->skip_count = 0;
        return;
    }
    for (int col = c->mod_first + 1; col < c->mod_first + c->mod_cols; col++) {
        double x = col_x(c, col) - c->t->gutter_pt / 2;
        double y = top, end = top + depth;
        while (y < end - 0.5) {
            /* The next covered stretch at or below y. */
            double s0 = end, s1 = end;
            for (int i = 0; i < c->skip_count; i++)
                if (c->skips[i].col == col && c->skips[i].y1 > y && c->skips[i].y0 < s0) {
                    s0 = c->skips[i].y0 > y ? c->skips[i].y0 : y;
                    s1 = c->skips[i].y1;
                }
            if (s0 > y + 0.5)
                emit_rule(c, page, x, y, x, s0, 0.3, rule_colour);
            y = s1 > s0 ? s1 : end;
        }
    }
    c->skip_count = 0;
}

/* Headline band: kicker, headline, lead across the article's columns. A
 * front-page lead story gets a larger headline. */
static void build_header(flow_ctx *c, const article *art, item_list *l)
{
    double w = span_width(c, c->mod_cols);
    if (art->kicker)
        push_paragraph(c, l, ROLE_KICKER, art->kicker, strlen(art->kicker), NULL, 0, w, 0,
                       art->loc, true);
    style saved = c->t->styles[ROLE_HEADLINE];
    /* A narrower module gets a smaller headline; a lead story a larger one. */
    double scale = 0.6 + 0.4 * c->mod_cols / c->t->columns;
    if (art->hint_lead)
        scale *= LEAD_HEADLINE_SCALE;
    c->t->styles[ROLE_HEADLINE].size_pt *= scale;
    c->t->styles[ROLE_HEADLINE].leading_pt *= scale;
    push_paragraph(c, l, ROLE_HEADLINE, art->title, strlen(art->title), NULL, 0, w, 0,
                   art->title_loc.file ? art->title_loc : art->loc, true);
    c->t->styles[ROLE_HEADLINE] = saved;
    if (art->lead)
        push_paragraph(c, l, ROLE_LEAD, art->lead, strlen(art->lead), NULL, 0, w, 0, art->loc,
                       false);
}

static double list_height(const item_list *l)
{
    double h = 0;
    for (size_t i = 0; i < l->count; i++)
        h += l->items[i].height;
    return h;
}

/* Depth spread (deepest minus shallowest column) of a trial fill, or a huge
 * value when the content does not fit. */
static double trial_spread(flow_ctx *c, const item_list *l, const fill_state *st, double top,
                           const double *bottoms, double *deepest)
{
    fill_state t = *st;
    double depths[12];
    *deepest = fill_columns(c, l, &t, top, bottoms, SIZE_MAX, depths);
    if (!region_done(l, &t))
        return 1e9;
    double lo = 1e9;
    for (int col = 0; col < c->mod_cols; col++)
        if (depths[col] < lo)
            lo = depths[col];
    return *deepest - lo;
}

/* Column bottoms for the end of an article: the most even columns. The
 * smallest common height that fits (min_h) can leave a column short where
 * keep rules move a block on, so the depths of all but the last column are
 * varied around it (the last takes the rest) and the most even result that
 * fits is kept; ties go to the shallower. */
static void balance(flow_ctx *c, const item_list *l, const fill_state *st, double top,
                    double min_h, double keep, double *bottoms)
{
    int ncols = c->mod_cols;
    double lead = c->t->styles[ROLE_BODY].leading_pt;
    for (int i = 0; i < ncols; i++)
        bottoms[i] = top + min_h;
    double deepest;
    double best_spread = trial_spread(c, l, st, top, bottoms, &deepest);
    double best_deepest = deepest;
    /* Already even: min_h is the least common height that fits, so no
     * other split can be shallower either. */
    if (ncols < 2 || ncols > 4 || best_spread < 0.5)
        return;
    /* Offsets of -4..+4 half lines for each of the first ncols-1 columns. */
    int steps = 9, combos = 1;
    for (int i = 0; i < ncols - 1; i++)
        combos *= steps;
    double cand[12];
    for (int n = 0; n < combos; n++) {
        int code = n;
        bool ok = true;
        for (int i = 0; i < ncols - 1; i++) {
            double h = min_h + (code % steps - steps / 2) * lead / 2;
            code /= steps;
            if (h < lead || h < keep - 0.01 || top + h > c->text_bottom + 0.01)
                ok = false;
            cand[i] = top + h;
        }
        if (!ok)
            continue;
        cand[ncols - 1] = c->text_bottom;
        double spread = trial_spread(c, l, st, top, cand, &deepest);
        if (spread >= 1e9)
            continue;
        if (spread < best_spread - 0.5 ||
            (spread < best_spread + 0.5 && deepest < best_deepest - 0.5)) {
            best_spread = spread;
            best_deepest = deepest;
            memcpy(bottoms, cand, (size_t)ncols * sizeof *cand);
        }
    }
}

/* Chooses the columns for an article `width` columns wide: the leftmost
 * run of columns that is free highest up on the page. Returns its top. */
static double choose_module(flow_ctx *c, int width)
{
    double best = 1e9;
    int best_first = 0;
    for (int first = 0; first + width <= c->t->columns; first++) {
        double top = 0;
        for (int k = first; k < first + width; k++)
            top = c->col_free[k] > top ? c->col_free[k] : top;
        if (top < best - 0.01) {
            best = top;
            best_first = first;
        }
    }
    c->mod_first = best_first;
    c->mod_cols = width;
    return best;
}

static bool page_is_fresh(const flow_ctx *c, double top)
{
    return top <= c->page_top + 0.01;
}

/* An article being set: its body items and how far they are placed. When
 * the page it would continue on is reserved for a later article (`page:`),
 * it waits there and continues after that article, with jump lines. */
typedef struct job {
    const article *art;
    size_t index;
    int width;
    item_list body;
    fill_state st;
    size_t blocker;           /* the article whose page it waits for */
    size_t jump_page;         /* where "Xem tiếp trang N" goes */
    double jump_x, jump_y, jump_w;
} job;

#define JUMP_ROLE ROLE_JUMP

/* Is page `number` (1-based) reserved by an article not yet placed? */
static bool page_reserved(const flow_ctx *c, size_t number, size_t except, size_t *by)
{
    for (size_t i = 0; i < c->is->article_count; i++)
        if (i != except && !c->placed[i] && c->is->articles[i].hint_page == (int)number) {
            *by = i;
            return true;
        }
    return false;
}

/* Sets one line of text in the jump style across the module at y. */
static double jump_line(flow_ctx *c, size_t page, const char *text, double x, double w,
                        double y, style_align align)
{
    article_stats *as = c->stats;
    c->stats = NULL;
    double end = place_text(c, page, JUMP_ROLE, text, x, w, y, align);
    c->stats = as;
    return end;
}

static double jump_height(const flow_ctx *c)
{
    return c->t->styles[JUMP_ROLE].leading_pt + 2;
}

typedef enum job_result { JOB_FAILED, JOB_DONE, JOB_WAITING } job_result;

static bool article_starts_here(flow_ctx *c, const article *art);

/* Would the next article start in the columns of this page the current
 * one leaves free (a narrow article beside a wider one)? Then the current
 * one continues on the next page after it. */
static bool next_fits_beside(flow_ctx *c, const job *jb, size_t *blocker)
{
    const article *next = c->next_article;
    if (!next || next == jb->art || c->placed[c->next_index] || jb->width >= c->t->columns)
        return false;
    double saved[12];
    memcpy(saved, c->col_free, sizeof saved);
    for (int k = c->mod_first; k < c->mod_first + c->mod_cols; k++)
        c->col_free[k] = c->text_bottom;
    int first = c->mod_first, cols = c->mod_cols;
    bool fits = article_starts_here(c, next);
    c->mod_first = first;
    c->mod_cols = cols;
    memcpy(c->col_free, saved, sizeof saved);
    if (fits)
        *blocker = c->next_index;
    return fits;
}

/* Places the rest of a job's body from y on the current page onward. */
static job_result continue_job(flow_ctx *c, job *jb, size_t *page, double y, double band_start)
{
    double body_line = c->t->styles[ROLE_BODY].leading_pt;
    article_stats *as = &c->pl->stats[jb->index];
    c->stats = as;
    double x = col_x(c, c->mod_first);
    job_result result = JOB_DONE;
    for (;;) {
        double region_top = y;
        /* Would the rest fit on this page? Then balance the columns. */
        fill_state trial = jb->st;
        double depth = fill_region(c, &jb->body, &trial, y, c->text_bottom, SIZE_MAX, NULL);
        double used;
        bool done_here = region_done(&jb->body, &trial);
        size_t blocker = 0;
        bool wait = !done_here && (page_reserved(c, c->pl->count + 1, jb->index, &blocker) ||
                                   next_fits_beside(c, jb, &blocker));
        if (!done_here && !wait)
            done_here = float_to_foot(c, &jb->body, &jb->st, y, &trial, &depth);
        if (done_here) {
            /* Again with closing quotes at the foot of the last columns. */
            c->closing_region = true;
            trial = jb->st;
            depth = fill_region(c, &jb->body, &trial, y, c->text_bottom, SIZE_MAX, NULL);
            if (!region_done(&jb->body, &trial)) {
                c->closing_region = false;
                trial = jb->st;
                depth = fill_region(c, &jb->body, &trial, y, c->text_bottom, SIZE_MAX, NULL);
            }
            double lo = depth / c->mod_cols, hi = depth;
            if (lo < body_line)
                lo = body_line;
            /* Columns no shorter than the tallest block kept together, or
             * balancing would split it (a widow for the sake of evenness). */
            double keep = tallest_chain(c, &jb->body, jb->st.next, y);
            if (lo < keep)
                lo = keep < hi ? keep : hi;
            for (int iter = 0; iter < 24 && hi - lo > 0.25; iter++) {
                double mid = (lo + hi) / 2;
                fill_state t2 = jb->st;
                fill_region(c, &jb->body, &t2, y, y + mid, SIZE_MAX, NULL);
                if (region_done(&jb->body, &t2))
                    hi = mid;
                else
                    lo = mid;
            }
            double bottoms[12];
            balance(c, &jb->body, &jb->st, y, hi, keep, bottoms);
            used = fill_columns(c, &jb->body, &jb->st, y, bottoms, *page, as->end_depths_pt);
            c->closing_region = false;
            as->end_columns = c->mod_cols;
            as->end_top_pt = y;
        } else {
            double bottoms[12];
            for (int k = 0; k < c->mod_cols; k++)
                bottoms[k] = c->text_bottom;
            /* Room for "Xem tiếp trang N" at the foot of the last column. */
            if (wait)
                bottoms[c->mod_cols - 1] -= jump_height(c);
            used = fill_columns(c, &jb->body, &jb->st, y, bottoms, *page, NULL);
        }
        c->foot_list = NULL;
        draw_column_rules(c, *page, region_top, used);
        if (c->t->column_rules && c->mod_first > 0) {
            double rx = x - c->t->gutter_pt / 2;
            emit_rule(c, *page, rx, band_start, rx, region_top + used, 0.3, rule_colour);
        }
        if (done_here) {
            for (int k = c->mod_first; k < c->mod_first + c->mod_cols; k++)
                c->col_free[k] = region_top + used;
            break;
        }
        if (wait) {
            jb->blocker = blocker;
            jb->jump_page = *page;
            jb->jump_w = c->col_width;
            jb->jump_x = col_x(c, c->mod_first + c->mod_cols - 1);
            jb->jump_y = c->text_bottom - jump_height(c) + 2;
            for (int k = c->mod_first; k < c->mod_first + c->mod_cols; k++)
                c->col_free[k] = c->text_bottom;
            result = JOB_WAITING;
            break;
        }
        if (!new_page(c, page, &y)) {
            result = JOB_FAILED;
            break;
        }
        /* Continuation pages: the same width, from the left. */
        y = choose_module(c, jb->width);
        x = col_x(c, c->mod_first);
        band_start = y;
    }
    c->stats = NULL;
    return result;
}

static void free_job(job *jb)
{
    if (!jb)
        return;
    free(jb->body.items);
    free(jb);
}

/* A section tag: the section's name in white on a bar of the headline
 * colour. Returns the top for what follows. */
static double section_tag(flow_ctx *c, size_t page, const char *name, double x, double y)
{
    const style *st = &c->t->styles[ROLE_SECTION];
    char *text = arena_strdup(c->a, name);
    setting set = set_text(c, ROLE_SECTION, text, strlen(text), NULL, 0, 1e6, 0,
                           loc_file(c->t->path));
    item_list l = {0};
    push_lines(c, &l, ROLE_SECTION, set, false);
    double pad = st->size_pt * 0.5;
    double w = (set.lines.count ? lines_set_width(&set.lines.lines[0]) : 0) + 2 * pad;
    double h = st->leading_pt + 4;
    placed *p = emit(c, page, PLACED_BOX);
    p->u.box = (placed_box){x, pdf_y(c, y + h), w, h, {0}};
    memcpy(p->u.box.cmyk, c->t->styles[ROLE_HEADLINE].cmyk, sizeof p->u.box.cmyk);
    if (l.count) {
        ((line *)l.items[0].ln)->offset_pt = pad;
        article_stats *as = c->stats;
        c->stats = NULL;
        emit_line(c, page, &l.items[0], x, y + 2);
        c->stats = as;
    }
    free(l.items);
    return y + h + 4;
}

/* Starts an article: headline band, then its body. A job that has to wait
 * for a reserved page is kept in c->suspended. */
static bool place_article(flow_ctx *c, const article *art, size_t index, size_t *page)
{
    item_list header = {0};
    job *jb = xcalloc(1, sizeof *jb);
    jb->art = art;
    jb->index = index;
    jb->width = art->hint_columns && art->hint_columns < c->t->columns ? art->hint_columns
                                                                        : c->t->columns;
    double body_line = c->t->styles[ROLE_BODY].leading_pt;
    bool ok = true;

    /* `page: N`: start on page N; earlier articles may already be past it. */
    while (art->hint_page && c->pl->count < (size_t)art->hint_page) {
        double ignored;
        if (!(ok = new_page(c, page, &ignored)))
            goto done;
    }
    if (art->hint_page && (size_t)art->hint_page < *page + 1)
        diag_warning(c->d, art->loc,
                     "article asked for page %d but earlier articles fill the pages up to %zu; "
                     "it starts on page %zu",
                     art->hint_page, *page + 1, *page + 1);
    double top = choose_module(c, jb->width);
    build_header(c, art, &header);
    build_body(c, art, &jb->body);
    double header_h = list_height(&header) +
                      (art->section ? c->t->styles[ROLE_SECTION].leading_pt + 8 : 0);
    bool fresh = page_is_fresh(c, top);
    double y = top + (fresh ? 0 : ARTICLE_GAP_PT);
    if ((art->hint_new_page && !fresh) ||
        y + header_h + MIN_BODY_LINES * body_line > c->text_bottom) {
        if (!(ok = new_page(c, page, &y)))
            goto done;
        y = choose_module(c, jb->width);
        fresh = true;
    }
    c->placed[index] = true;
    double x = col_x(c, c->mod_first), w = span_width(c, c->mod_cols);
    if (!fresh) {
        double rule_y = y - ARTICLE_GAP_PT / 2;
        emit_rule(c, *page, x, rule_y, x + w, rule_y, 0.75, rule_colour);
    }
    article_stats *as = &c->pl->stats[index];
    as->title = art->title;
    as->path = art->path;
    as->first_page = as->last_page = *page;
    as->body_leading_pt = body_line;
    bookmark *bm = ARRAY_PUSH(c->pl->marks, c->pl->mark_count, c->pl->mark_cap);
    bm->title = art->title;
    bm->page = *page;
    bm->y_pt = pdf_y(c, y);
    double band_start = y;
    if (art->section)
        y = section_tag(c, *page, art->section, x, y);
    c->stats = as;
    for (size_t i = 0; i < header.count; i++) {
        if (header.items[i].kind == ITEM_LINE)
            emit_line(c, *page, &header.items[i], x, y);
        y += header.items[i].height;
    }
    c->stats = NULL;
    job_result r = continue_job(c, jb, page, y, band_start);
    if (r == JOB_WAITING && c->suspended_count < 16) {
        c->suspended[c->suspended_count++] = jb;
        jb = NULL;
    }
    ok = r != JOB_FAILED;
done:
    free(header.items);
    free_job(jb);
    return ok;
}

/* Continues waiting articles whose reserved page has now been filled. */
static bool resume_waiting(flow_ctx *c, size_t *page, bool all)
{
    for (int i = 0; i < c->suspended_count; i++) {
        job *jb = c->suspended[i];
        if (!all && !c->placed[jb->blocker])
            continue;
        memmove(&c->suspended[i], &c->suspended[i + 1],
                (size_t)(c->suspended_count - i - 1) * sizeof *c->suspended);
        c->suspended_count--;
        i--;
        double top = choose_module(c, jb->width);
        double need = top + (page_is_fresh(c, top) ? 0 : ARTICLE_GAP_PT) + jump_height(c) +
                      MIN_BODY_LINES * c->t->styles[ROLE_BODY].leading_pt;
        if (need > c->text_bottom) {
            double ignored;
            if (!new_page(c, page, &ignored)) {
                free_job(jb);
                return false;
            }
            top = choose_module(c, jb->width);
        }
        double x = col_x(c, c->mod_first), w = span_width(c, c->mod_cols);
        double y = top;
        if (!page_is_fresh(c, top)) {
            y += ARTICLE_GAP_PT;
            emit_rule(c, *page, x, y - ARTICLE_GAP_PT / 2, x + w, y - ARTICLE_GAP_PT / 2, 0.75,
                      rule_colour);
        }
        /* Both ends of the jump now know their pages. */
        char *from = xasprintf("(Tiếp theo trang %zu)", jb->jump_page + 1);
        double band_start = y;
        y = jump_line(c, *page, from, x, w, y, ALIGN_LEFT) + 4;
        free(from);
        char *to = xasprintf("(Xem tiếp trang %zu)", *page + 1);
        jump_line(c, jb->jump_page, to, jb->jump_x, jb->jump_w, jb->jump_y, ALIGN_RIGHT);
        free(to);
        job_result r = continue_job(c, jb, page, y, band_start);
        if (r == JOB_FAILED) {
            free_job(jb);
            return false;
        }
        if (r == JOB_WAITING && c->suspended_count < 16)
            c->suspended[c->suspended_count++] = jb;
        else
            free_job(jb);
    }
    return true;
}

/* The colophon the law asks of a bulletin, at the foot of the last page:
 * across the page when there is room under every column, else in the
 * column with the most room, else on a page of its own. */
static bool place_colophon(flow_ctx *c, size_t *page)
{
    const colophon *k = &c->is->colo;
    buf b;
    buf_init(&b);
    const char *parts[] = {k->responsible, k->licence, k->address, k->printer, k->periodicity};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        if (!parts[i])
            continue;
        if (b.len)
            buf_puts(&b, ". ");
        buf_puts(&b, parts[i]);
        if (parts[i] == k->printer && k->print_run)
            buf_printf(&b, ". Số lượng in: %ld bản", k->print_run);
    }
    if (!b.len) {
        buf_fini(&b);
        return true;
    }
    buf_puts(&b, ".");
    char *text = arena_strndup(c->a, b.data, b.len);
    buf_fini(&b);
    bool ok = true;
    for (int attempt = 0; attempt < 3; attempt++) {
        /* 0: full width; 1: the roomiest column; 2: full width on a new page. */
        int first = 0, cols = c->t->columns;
        double lowest = 0;
        if (attempt == 1) {
            double best = 1e9;
            for (int k2 = 0; k2 < c->t->columns; k2++)
                if (c->col_free[k2] < best) {
                    best = c->col_free[k2];
                    first = k2;
                }
            cols = 1;
        }
        for (int k2 = first; k2 < first + cols; k2++)
            lowest = c->col_free[k2] > lowest ? c->col_free[k2] : lowest;
        if (attempt == 2) {
            double ignored;
            if (!(ok = new_page(c, page, &ignored)))
                break;
            lowest = c->page_top;
        }
        double w = span_width(c, cols), x = col_x(c, first);
        item_list l = {0};
        setting st = set_text(c, ROLE_COLOPHON, text, strlen(text), NULL, 0, w, 0,
                              loc_file(c->is->path));
        push_lines(c, &l, ROLE_COLOPHON, st, true);
        double h = list_height(&l) + 8;
        double top = c->text_bottom - h;
        if (top >= lowest + 8 || attempt == 2) {
            emit_rule(c, *page, x, top, x + w, top, 0.5, rule_colour);
            double y = top + 6;
            for (size_t i = 0; i < l.count; i++) {
                emit_line(c, *page, &l.items[i], x, y);
                y += l.items[i].height;
            }
            free(l.items);
            break;
        }
        free(l.items);
    }
    return ok;
}

/* What placing an article changes, so a trial placement can be undone. */
typedef struct snapshot {
    size_t pages, items_on_last, marks, page;
    int suspended_count;
    bool placed;
    double col_free[12], page_top;
    article_stats stats;
} snapshot;

static void take_snapshot(const flow_ctx *c, size_t page, size_t index, snapshot *s)
{
    s->pages = c->pl->count;
    s->items_on_last = c->pl->count ? c->pl->pages[c->pl->count - 1].count : 0;
    s->marks = c->pl->mark_count;
    s->page = page;
    memcpy(s->col_free, c->col_free, sizeof s->col_free);
    s->page_top = c->page_top;
    s->stats = c->pl->stats[index];
    s->suspended_count = c->suspended_count;
    s->placed = c->placed[index];
}

static void restore_snapshot(flow_ctx *c, const snapshot *s, size_t index, size_t *page)
{
    for (size_t i = s->pages; i < c->pl->count; i++)
        free(c->pl->pages[i].items);
    c->pl->count = s->pages;
    if (s->pages)
        c->pl->pages[s->pages - 1].count = s->items_on_last;
    c->pl->mark_count = s->marks;
    *page = s->page;
    memcpy(c->col_free, s->col_free, sizeof s->col_free);
    c->page_top = s->page_top;
    c->pl->stats[index] = s->stats;
    while (c->suspended_count > s->suspended_count)
        free_job(c->suspended[--c->suspended_count]);
    c->placed[index] = s->placed;
}

/* White left at the foot of the current page below the lowest column. */
static double page_gap(const flow_ctx *c)
{
    double lowest = 0;
    for (int k = 0; k < c->t->columns && k < 12; k++)
        lowest = c->col_free[k] > lowest ? c->col_free[k] : lowest;
    return c->text_bottom - lowest;
}

/* White under the shortest column where an article ends (filling). */
static double article_gap(const flow_ctx *c, size_t index)
{
    const article_stats *as = &c->pl->stats[index];
    double shortest = 1e9;
    for (int k = 0; k < as->end_columns; k++)
        shortest = as->end_depths_pt[k] < shortest ? as->end_depths_pt[k] : shortest;
    if (!as->end_columns)
        return page_gap(c);
    return c->text_bottom - (as->end_top_pt + shortest);
}

/* Would the article start on the current page (its band and a few body
 * lines fit)? Shapes its headline band but places nothing. */
static bool article_starts_here(flow_ctx *c, const article *art)
{
    if (art->hint_new_page || (art->hint_page && c->pl->count < (size_t)art->hint_page))
        return false;
    int width = art->hint_columns && art->hint_columns < c->t->columns ? art->hint_columns
                                                                        : c->t->columns;
    int first = c->mod_first, cols = c->mod_cols;
    double top = choose_module(c, width);
    item_list header = {0};
    diag *quiet = diag_new(), *saved = c->d;
    c->d = quiet;
    build_header(c, art, &header);
    c->d = saved;
    diag_free(quiet);
    double need = top + (page_is_fresh(c, top) ? 0 : ARTICLE_GAP_PT) + list_height(&header) +
                  MIN_BODY_LINES * c->t->styles[ROLE_BODY].leading_pt;
    free(header.items);
    c->mod_first = first;
    c->mod_cols = cols;
    return need <= c->text_bottom;
}

/* Places an article; when it leaves white at the foot of its last page that
 * the next article cannot use, tries it again with larger photos and keeps
 * the version that fills the page best without running onto another. */
static bool place_filling(flow_ctx *c, const issue *is, size_t index, const article *next,
                          size_t *page)
{
    const article *art = &is->articles[index];
    snapshot before;
    take_snapshot(c, *page, index, &before);
    c->grow_span = 0;
    int waiting_before = c->suspended_count;
    if (!place_article(c, art, index, page))
        return false;
    double lead = c->t->styles[ROLE_BODY].leading_pt;
    if (!next || art->figure_count + art->block_count == 0 ||
        c->suspended_count != waiting_before)
        return true;
    size_t end_page = *page;
    double gap = article_gap(c, index);
    if (gap <= 3 * lead || article_starts_here(c, next))
        return true;
    bool has_photo = art->figure_count > 0;
    for (size_t i = 0; i < art->block_count && !has_photo; i++)
        has_photo = art->blocks[i].kind == BLOCK_FIGURE;
    if (!has_photo)
        return true;
    /* Variants: photos across 2 columns or the whole module, cropped to a
     * range of heights; keep the one that leaves the least white on the
     * same page. */
    int best_span = 0;
    double best_share = 0, best_gap = gap;
    diag *quiet = diag_new(), *saved = c->d;
    c->d = quiet;
    for (int cols = 2; cols <= c->t->columns; cols++) {
        for (double share = 0.2; share <= 0.601; share += 0.1) {
            restore_snapshot(c, &before, index, page);
            c->grow_span = cols;
            c->grow_share = share;
            if (place_article(c, art, index, page) && *page == end_page &&
                c->suspended_count == waiting_before && page_gap(c) >= -0.01 &&
                article_gap(c, index) < best_gap - lead / 2) {
                best_span = cols;
                best_share = share;
                best_gap = article_gap(c, index);
            }
        }
    }
    restore_snapshot(c, &before, index, page);
    c->grow_span = best_span;
    c->grow_share = best_share;
    bool ok = place_article(c, art, index, page);
    c->grow_span = 0;
    c->d = saved;
    diag_free(quiet);
    return ok;
}

static page_list *flow_issue_untimed(const issue *is, const template *t, font_set *fonts,
                                     shaper *sh, arena *a, diag *d)
{
    page_list *pl = xcalloc(1, sizeof *pl);
    pl->stats = xcalloc(is->article_count ? is->article_count : 1, sizeof(article_stats));
    pl->width_pt = t->page_width_pt;
    pl->height_pt = t->page_height_pt;
    template own = *t;
    flow_ctx c = {.is = is, .t = &own, .fonts = fonts, .sh = sh, .a = a, .d = d, .pl = pl};
    c.mod_cols = t->columns;
    c.col_width = template_column_width(t);
    c.text_width = t->page_width_pt - t->margin_inside_pt - t->margin_outside_pt;
    c.text_left = t->margin_inside_pt;
    c.text_top = t->margin_top_pt;
    c.text_bottom = t->page_height_pt - t->margin_bottom_pt;
    if (!resolve_chains(&c)) {
        flow_free(pl);
        return NULL;
    }
    size_t page;
    double top;
    if (!new_page(&c, &page, &top)) {
        flow_free(pl);
        return NULL;
    }
    pl->stats_count = is->article_count;
    /* Front-page lead stories first, then the rest in manifest order. */
    size_t *order = xmalloc((is->article_count ? is->article_count : 1) * sizeof *order);
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < is->article_count; i++)
            if (is->articles[i].hint_lead == (pass == 0))
                order[n++] = i;
    c.placed = xcalloc(is->article_count ? is->article_count : 1, sizeof *c.placed);
    bool ok = true;
    for (size_t k = 0; k < n && ok; k++) {
        const article *next = k + 1 < n ? &is->articles[order[k + 1]] : NULL;
        c.next_article = next;
        c.next_index = k + 1 < n ? order[k + 1] : 0;
        ok = place_filling(&c, is, order[k], next, &page) &&
             resume_waiting(&c, &page, k + 1 == n);
    }
    while (ok && c.suspended_count)
        ok = resume_waiting(&c, &page, true);
    for (int i = 0; i < c.suspended_count; i++)
        free_job(c.suspended[i]);
    free(c.placed);
    if (!ok) {
        free(order);
        flow_free(pl);
        return NULL;
    }
    for (size_t k = 0; k < n; k++) {
        const article_stats *as = &pl->stats[order[k]];
        if (as->loose_lines)
            diag_warning(d, loc_file(as->path),
                         "%d loose line%s (word space over %.2f em); the loosest, on page %zu: "
                         "'%s'",
                         as->loose_lines, as->loose_lines == 1 ? "" : "s",
                         own.styles[ROLE_BODY].word_space_max_em, as->worst_page + 1,
                         as->worst_text ? as->worst_text : "");
    }
    free(order);
    if (!place_colophon(&c, &page)) {
        flow_free(pl);
        return NULL;
    }
    return pl;
}

page_list *flow_issue(const issue *is, const template *t, font_set *fonts, shaper *sh,
                      arena *a, diag *d)
{
    timing_push(STAGE_LAYOUT);
    page_list *result = flow_issue_untimed(is, t, fonts, sh, a, d);
    timing_pop();
    return result;
}

void flow_free(page_list *pl)
{
    if (!pl)
        return;
    for (size_t i = 0; i < pl->count; i++)
        free(pl->pages[i].items);
    free(pl->pages);
    free(pl->marks);
    free(pl->stats);
    free(pl);
}

/* Each entry is set in an arena of its own, held by the page it lands on:
 * a finished page goes to the sink and is freed with its arenas, so the
 * memory is that of one page however many entries there are. */
typedef struct page_memory {
    arena **held;
    size_t count, cap;
} page_memory;

/* Hands page `page` to the sink and frees it, with the arenas it holds
 * but the one of the entry in progress (keep, which moves on). */
static bool finish_page(flow_ctx *c, size_t page, page_memory *pm, arena *keep,
                        flow_page_sink *sink, void *ctx)
{
    page_list one = {.width_pt = c->pl->width_pt, .height_pt = c->pl->height_pt,
                     .pages = &c->pl->pages[page], .count = 1, .cap = 1};
    bool ok = sink(ctx, &one);
    placed_page *p = &c->pl->pages[page];
    free(p->items);
    memset(p, 0, sizeof *p);
    size_t kept = 0;
    for (size_t i = 0; i < pm->count; i++) {
        if (pm->held[i] == keep)
            pm->held[kept++] = keep;
        else
            arena_free(pm->held[i]);
    }
    pm->count = kept;
    return ok;
}

static bool flow_entries_untimed(const template *t, font_set *fonts, shaper *sh,
                                 const char *folio_title, const flow_entry *entries,
                                 size_t count, flow_page_sink *sink, void *ctx, diag *d)
{
    page_list *pl = xcalloc(1, sizeof *pl);
    pl->width_pt = t->page_width_pt;
    pl->height_pt = t->page_height_pt;
    template own = *t;
    own.masthead = false;
    issue folio = {0};
    folio.title = folio_title;
    folio.path = "(volume)";
    page_memory pm = {0};
    arena *a = *ARRAY_PUSH(pm.held, pm.count, pm.cap) = arena_new();
    flow_ctx c = {.is = &folio, .t = &own, .fonts = fonts, .sh = sh, .a = a, .d = d, .pl = pl};
    c.col_width = template_column_width(&own);
    c.text_width = own.page_width_pt - own.margin_inside_pt - own.margin_outside_pt;
    c.text_left = own.margin_inside_pt;
    c.text_top = own.margin_top_pt;
    c.text_bottom = own.page_height_pt - own.margin_bottom_pt;
    c.mod_cols = own.columns;
    size_t page;
    double y;
    bool ok = resolve_chains(&c) && new_page(&c, &page, &y);
    for (size_t i = 0; ok && i < count; i++) {
        const flow_entry *e = &entries[i];
        a = c.a = *ARRAY_PUSH(pm.held, pm.count, pm.cap) = arena_new();
        if (e->new_page && i > 0 &&
            !(ok = finish_page(&c, page, &pm, a, sink, ctx) && new_page(&c, &page, &y)))
            break;
        if (e->space_before_pt && y > c.text_top + 0.01)
            y += e->space_before_pt;
        if (e->top_pt > 0 && y < c.text_top + e->top_pt)
            y = c.text_top + e->top_pt;
        /* The right-hand part (a page number) gets its own room. */
        double right_w = 0;
        setting right = {0};
        if (e->right) {
            char *r = arena_strdup(a, e->right);
            right = set_text(&c, e->role, r, strlen(r), NULL, 0, 1e6, 0, loc_file("(volume)"));
            right_w = right.lines.count ? right.lines.lines[0].width_pt + 12 : 0;
        }
        char *text = arena_strdup(a, e->text);
        /* Entries are ragged, indented as a block (wrapped lines too). */
        style_align saved_align = own.styles[e->role].align;
        own.styles[e->role].align = e->centre ? ALIGN_CENTER : ALIGN_LEFT;
        setting st = set_text(&c, e->role, text, strlen(text), NULL, 0,
                              c.text_width - right_w - e->indent_pt, 0, loc_file("(volume)"));
        own.styles[e->role].align = saved_align;
        item_list l = {0};
        push_lines(&c, &l, e->role, st, true);
        if (y + list_height(&l) > c.text_bottom &&
            !(ok = finish_page(&c, page, &pm, a, sink, ctx) && new_page(&c, &page, &y))) {
            free(l.items);
            break;
        }
        double last_top = y;
        for (size_t k = 0; k < l.count; k++) {
            line *ln = (line *)l.items[k].ln;
            if (e->centre)
                ln->offset_pt = (c.text_width - ln->width_pt) / 2;
            emit_line(&c, page, &l.items[k], c.text_left + e->indent_pt, y);
            last_top = y;
            y += l.items[k].height;
        }
        if (right.lines.count && l.count) {
            item_list r = {0};
            push_lines(&c, &r, e->role, right, true);
            ((line *)r.items[0].ln)->offset_pt = c.text_width - right.lines.lines[0].width_pt;
            emit_line(&c, page, &r.items[0], c.text_left, last_top);
            free(r.items);
        }
        free(l.items);
    }
    if (ok)
        ok = finish_page(&c, page, &pm, NULL, sink, ctx);
    for (size_t i = 0; i < pm.count; i++)
        arena_free(pm.held[i]);
    free(pm.held);
    flow_free(pl);
    return ok;
}

bool flow_entries(const template *t, font_set *fonts, shaper *sh, const char *folio_title,
                  const flow_entry *entries, size_t count, flow_page_sink *sink, void *ctx,
                  diag *d)
{
    timing_push(STAGE_LAYOUT);
    bool result = flow_entries_untimed(t, fonts, sh, folio_title, entries, count, sink, ctx, d);
    timing_pop();
    return result;
}
