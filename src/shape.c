#include "shape.h"

#include <hb.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "utf8.h"
#include "util.h"
#include "timing.h"

/* Words are shaped once per font chain and kept: Vietnamese text repeats a
 * few thousand syllables, so a volume hits the cache for almost every word
 * and the cache stays small. A word is always shaped alone (no context from
 * its neighbours), so a hit and a miss give the same glyphs. */
typedef struct cached_word {
    uint64_t hash;
    size_t key_at;     /* word bytes in keys */
    uint32_t key_len;
    int32_t chain;
    size_t glyphs_at;  /* glyphs in pool, clusters relative to the word */
    uint32_t glyph_count;
    uint32_t missing_cp; /* first character no face has, 0 if none */
} cached_word;

/* Beyond this many words (never reached by real text) the cache starts over. */
#define WORD_CACHE_MAX 262144

struct shaper {
    font_set *fonts;
    hb_buffer_t *buf;
    hb_language_t vi;
    glyph *tmp;
    size_t tmp_count, tmp_cap;
    cached_word *words; /* open addressing; hash 0 = empty slot */
    size_t word_slots, word_count;
    char *keys;
    size_t keys_len, keys_cap;
    glyph *pool;
    size_t pool_count, pool_cap;
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
    free(s->words);
    free(s->keys);
    free(s->pool);
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
static void shape_word(shaper *s, const char *text, size_t text_len, size_t off, size_t len,
                       int chain, uint32_t *missing_cp)
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
            if (!covered && !*missing_cp)
                *missing_cp = cps[0] == ' ' && ncp > 1 ? cps[1] : cps[0];
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

static uint64_t word_hash(const char *w, size_t len, int chain)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uint32_t)chain;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)w[i]) * 1099511628211ULL;
    return h ? h : 1;
}

static void word_cache_clear(shaper *s)
{
    memset(s->words, 0, s->word_slots * sizeof *s->words);
    s->word_count = s->keys_len = s->pool_count = 0;
}

static void word_cache_grow(shaper *s)
{
    size_t slots = s->word_slots ? s->word_slots * 2 : 4096;
    cached_word *old = s->words;
    size_t old_slots = s->word_slots;
    s->words = xcalloc(slots, sizeof *s->words);
    s->word_slots = slots;
    for (size_t i = 0; i < old_slots; i++) {
        if (!old[i].hash)
            continue;
        size_t j = old[i].hash & (slots - 1);
        while (s->words[j].hash)
            j = (j + 1) & (slots - 1);
        s->words[j] = old[i];
    }
    free(old);
}

/* The cache slot of word w in chain: its entry, or the empty slot to fill. */
static cached_word *word_slot(shaper *s, const char *w, size_t len, int chain, uint64_t h)
{
    size_t j = h & (s->word_slots - 1);
    for (;; j = (j + 1) & (s->word_slots - 1)) {
        cached_word *e = &s->words[j];
        if (!e->hash || (e->hash == h && e->chain == chain && e->key_len == len &&
                         memcmp(s->keys + e->key_at, w, len) == 0))
            return e;
    }
}

/* Appends the glyphs of text[off, off+len), one word or one space, shaping
 * it only the first time it is seen in this chain. */
static void shape_cached(shaper *s, const char *text, size_t off, size_t len, int chain,
                         uint32_t *missing_cp)
{
    const char *w = text + off;
    uint64_t h = word_hash(w, len, chain);
    if (s->word_count >= WORD_CACHE_MAX)
        word_cache_clear(s);
    if ((s->word_count + 1) * 2 > s->word_slots)
        word_cache_grow(s);
    cached_word *e = word_slot(s, w, len, chain, h);
    if (!e->hash) {
        size_t first = s->tmp_count;
        uint32_t missing = 0;
        shape_word(s, w, len, 0, len, chain, &missing);
        size_t n = s->tmp_count - first;
        while (s->pool_count + n > s->pool_cap) {
            s->pool_cap = s->pool_cap ? s->pool_cap * 2 : 16384;
            s->pool = xrealloc(s->pool, s->pool_cap * sizeof *s->pool);
        }
        memcpy(s->pool + s->pool_count, s->tmp + first, n * sizeof *s->pool);
        while (s->keys_len + len > s->keys_cap) {
            s->keys_cap = s->keys_cap ? s->keys_cap * 2 : 65536;
            s->keys = xrealloc(s->keys, s->keys_cap);
        }
        memcpy(s->keys + s->keys_len, w, len);
        *e = (cached_word){h, s->keys_len, (uint32_t)len, chain, s->pool_count, (uint32_t)n,
                           missing};
        s->keys_len += len;
        s->pool_count += n;
        s->word_count++;
        s->tmp_count = first; /* appended again below, with real offsets */
    }
    for (uint32_t i = 0; i < e->glyph_count; i++) {
        glyph *g = ARRAY_PUSH(s->tmp, s->tmp_count, s->tmp_cap);
        *g = s->pool[e->glyphs_at + i];
        g->cluster += (uint32_t)off;
    }
    if (e->missing_cp && !*missing_cp)
        *missing_cp = e->missing_cp;
}

/* Shapes one segment (no hard breaks inside) word by word: each run of
 * non-space bytes, and each space, separately. */
static void shape_segment(shaper *s, const char *text, size_t off, size_t len, int chain,
                          src_loc loc, diag *d, bool *warned)
{
    uint32_t missing = 0;
    size_t end = off + len;
    for (size_t i = off; i < end;) {
        size_t j = i + 1;
        if (text[i] != ' ')
            while (j < end && text[j] != ' ')
                j++;
        shape_cached(s, text, i, j - i, chain, &missing);
        i = j;
    }
    if (missing && !*warned) {
        diag_warning(d, loc, "no installed font has the character U+%04X; it prints as a box",
                     missing);
        *warned = true;
    }
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
                    shape_segment(s, text, seg, i - seg, chain, loc, d, &warned);
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
