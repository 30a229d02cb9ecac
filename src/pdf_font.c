#include "pdf_font.h"

#include <hb-subset.h>
#include <hpdf_objects.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "utf8.h"
#include "util.h"
#include "timing.h"

typedef struct font_rec {
    const face *f;
    HPDF_Dict type0;
    uint8_t *used;   /* bitmap over glyph ids */
    char **text;     /* ToUnicode text per glyph id (NFC), NULL = unmapped */
} font_rec;

struct pdf_fonts {
    HPDF_Doc doc;
    font_set *fonts;
    font_rec *recs; /* indexed by face id */
    size_t rec_count;
};

pdf_fonts *pdf_fonts_new(HPDF_Doc doc, font_set *fonts)
{
    pdf_fonts *pf = xcalloc(1, sizeof *pf);
    pf->doc = doc;
    pf->fonts = fonts;
    pf->rec_count = fonts_face_count(fonts);
    pf->recs = xcalloc(pf->rec_count ? pf->rec_count : 1, sizeof(font_rec));
    return pf;
}

void pdf_fonts_free(pdf_fonts *pf)
{
    if (!pf)
        return;
    for (size_t i = 0; i < pf->rec_count; i++) {
        font_rec *r = &pf->recs[i];
        if (r->text)
            for (unsigned g = 0; g < r->f->glyph_count; g++)
                free(r->text[g]);
        free(r->text);
        free(r->used);
    }
    free(pf->recs);
    free(pf);
}

static font_rec *rec_of(pdf_fonts *pf, const face *f)
{
    if ((size_t)f->id >= pf->rec_count) {
        /* Fallback faces may be opened after the writer was made (by the
         * layout thread, whose face count is not read here). */
        size_t n = (size_t)f->id + 1;
        pf->recs = xrealloc(pf->recs, n * sizeof(font_rec));
        memset(pf->recs + pf->rec_count, 0, (n - pf->rec_count) * sizeof(font_rec));
        pf->rec_count = n;
    }
    return &pf->recs[f->id];
}

HPDF_Dict pdf_fonts_get(pdf_fonts *pf, const face *f)
{
    font_rec *r = rec_of(pf, f);
    if (r->type0)
        return r->type0;
    HPDF_Dict d = HPDF_Dict_New(pf->doc->mmgr);
    if (!d || HPDF_Xref_Add(pf->doc->xref, d) != HPDF_OK)
        return NULL;
    if (HPDF_Dict_AddName(d, "Type", "Font") != HPDF_OK ||
        HPDF_Dict_AddName(d, "Subtype", "Type0") != HPDF_OK ||
        HPDF_Dict_AddName(d, "Encoding", "Identity-H") != HPDF_OK)
        return NULL;
    r->f = f;
    r->type0 = d;
    r->used = xcalloc((f->glyph_count + 8) / 8 + 1, 1);
    r->text = xcalloc(f->glyph_count + 1, sizeof(char *));
    return d;
}

double pdf_fonts_width(const face *f, uint32_t gid)
{
    hb_position_t adv = hb_font_get_glyph_h_advance(f->hb_font, gid);
    return round(adv * 1000.0 / f->upem * 100.0) / 100.0;
}

/* Cluster text for ToUnicode: NFC without format characters, which the
 * shaper removed (soft hyphen, ZWJ, variation selectors). */
static char *mapping_text(const char *text, size_t len)
{
    buf b;
    buf_init(&b);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(text + i, len - i, &cp);
        if (!k)
            k = 1;
        utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
        bool skip = cat == UTF8PROC_CATEGORY_CF || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == '\n';
        if (!skip)
            buf_append(&b, text + i, k);
        i += k;
    }
    size_t nl;
    char *nfc = utf8_nfc(b.data ? b.data : "", b.len, &nl);
    buf_fini(&b);
    return nfc;
}

bool pdf_fonts_use(pdf_fonts *pf, const face *f, uint32_t gid, const char *text, size_t len)
{
    font_rec *r = rec_of(pf, f);
    if (gid >= f->glyph_count)
        return false;
    r->used[gid / 8] |= (uint8_t)(1u << (gid % 8));
    /* Text is NFC already, so a cluster spelled as the glyph's recorded
     * mapping is that mapping: the common case, without allocating. */
    if (gid && r->text[gid] && strlen(r->text[gid]) == len && memcmp(r->text[gid], text, len) == 0)
        return true;
    char *t = mapping_text(text, len);
    if (!*t || gid == 0) {
        free(t);
        return false; /* .notdef and empty clusters are only ever ActualText */
    }
    if (!r->text[gid]) {
        r->text[gid] = t;
        return true;
    }
    bool same = strcmp(r->text[gid], t) == 0;
    free(t);
    return same;
}

static bool glyph_used(const font_rec *r, unsigned g)
{
    return (r->used[g / 8] >> (g % 8)) & 1;
}

/* Six capital letters from a hash of the name and the glyph set: equal
 * subsets get equal tags, across runs and machines. */
static void subset_tag(const font_rec *r, char tag[7])
{
    uint64_t h = hash_fnv1a(HASH_FNV_INIT, r->f->ps_name, strlen(r->f->ps_name));
    h = hash_fnv1a(h, r->used, (r->f->glyph_count + 8) / 8 + 1);
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = '\0';
}

void pdf_put_utf16_hex(buf *b, const char *text, size_t len)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(text + i, len - i, &cp);
        if (!k) {
            k = 1;
            cp = 0xFFFD;
        }
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000;
            buf_put_hex4(b, 0xD800 + (v >> 10));
            buf_put_hex4(b, 0xDC00 + (v & 0x3FF));
        } else {
            buf_put_hex4(b, cp);
        }
        i += k;
    }
}

static HPDF_Dict new_stream(HPDF_Doc doc, const void *data, size_t len)
{
    HPDF_Dict s = HPDF_DictStream_New(doc->mmgr, doc->xref);
    if (!s)
        return NULL;
    s->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    if (HPDF_Stream_Write(s->stream, (const HPDF_BYTE *)data, (HPDF_UINT)len) != HPDF_OK)
        return NULL;
    return s;
}

static HPDF_Dict build_tounicode(HPDF_Doc doc, const font_rec *r)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                 "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                 "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                 "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    unsigned total = 0;
    for (unsigned g = 0; g < r->f->glyph_count; g++)
        if (r->text[g])
            total++;
    unsigned g = 0;
    while (total) {
        unsigned chunk = total > 100 ? 100 : total;
        buf_printf(&b, "%u beginbfchar\n", chunk);
        for (unsigned k = 0; k < chunk; g++) {
            if (!r->text[g])
                continue;
            buf_printf(&b, "<%04X> <", g);
            pdf_put_utf16_hex(&b, r->text[g], strlen(r->text[g]));
            buf_puts(&b, ">\n");
            k++;
        }
        buf_puts(&b, "endbfchar\n");
        total -= chunk;
    }
    buf_puts(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    HPDF_Dict s = new_stream(doc, b.data, b.len);
    buf_fini(&b);
    return s;
}

static HPDF_Array build_widths(HPDF_Doc doc, const font_rec *r)
{
    HPDF_Array w = HPDF_Array_New(doc->mmgr);
    if (!w)
        return NULL;
    unsigned g = 0, n = r->f->glyph_count;
    while (g < n) {
        if (!glyph_used(r, g) && g != 0) {
            g++;
            continue;
        }
        HPDF_Array run = HPDF_Array_New(doc->mmgr);
        if (!run || HPDF_Array_AddNumber(w, (HPDF_INT32)g) != HPDF_OK ||
            HPDF_Array_Add(w, run) != HPDF_OK)
            return NULL;
        while (g < n && (glyph_used(r, g) || g == 0)) {
            double width = pdf_fonts_width(r->f, g);
            HPDF_STATUS st = width == floor(width)
                                 ? HPDF_Array_AddNumber(run, (HPDF_INT32)width)
                                 : HPDF_Array_AddReal(run, (HPDF_REAL)width);
            if (st != HPDF_OK)
                return NULL;
            g++;
        }
    }
    return w;
}

static HPDF_Array box_array(HPDF_Doc doc, const int v[4], double scale)
{
    HPDF_Array a = HPDF_Array_New(doc->mmgr);
    if (!a)
        return NULL;
    for (int i = 0; i < 4; i++)
        if (HPDF_Array_AddNumber(a, (HPDF_INT32)lround(v[i] * scale)) != HPDF_OK)
            return NULL;
    return a;
}

/* Subsets with hb-subset (retain-gids: CID = glyph id). When program is
 * not NULL it gets a bitmap of the glyphs the subset keeps (composite
 * components and .notdef included), for the PDF/A-1 CIDSet. */
static hb_blob_t *make_subset(const font_rec *r, uint8_t *program)
{
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return NULL;
    hb_set_t *glyphs = hb_subset_input_glyph_set(in);
    hb_set_add(glyphs, 0);
    for (unsigned g = 0; g < r->f->glyph_count; g++)
        if (glyph_used(r, g))
            hb_set_add(glyphs, g);
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    static const char *const tables[] = {"GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH",
                                         "kern", "DSIG", "morx", "feat"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
        hb_set_add(drop, hb_tag_from_string(tables[i], 4));
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS | HB_SUBSET_FLAGS_NO_HINTING |
                                      HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
    hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(r->f->hb_face, in);
    hb_subset_input_destroy(in);
    if (!plan)
        return NULL;
    if (program) {
        /* hb_map_keys is HarfBuzz 7+; 6.0 is asked glyph by glyph. */
        const hb_map_t *kept = hb_subset_plan_old_to_new_glyph_mapping(plan);
        for (unsigned g = 0; g < r->f->glyph_count; g++)
            if (hb_map_has(kept, g))
                program[g / 8] |= (uint8_t)(0x80u >> (g % 8));
    }
    hb_face_t *sub = hb_subset_plan_execute_or_fail(plan);
    hb_subset_plan_destroy(plan);
    if (!sub)
        return NULL;
    hb_blob_t *blob = hb_face_reference_blob(sub);
    hb_face_destroy(sub);
    return blob;
}

static bool finalize_font(pdf_fonts *pf, font_rec *r, bool cidset, diag *d)
{
    HPDF_Doc doc = pf->doc;
    const face *f = r->f;
    double scale = 1000.0 / f->upem;
    char tag[7];
    subset_tag(r, tag);
    char *base = xasprintf("%s+%s", tag, f->ps_name);
    bool ok = false;
    size_t set_len = (r->f->glyph_count + 7) / 8;
    uint8_t *program = cidset ? xcalloc(set_len ? set_len : 1, 1) : NULL;
    hb_blob_t *blob = make_subset(r, program);
    unsigned blob_len = 0;
    const char *blob_data = blob ? hb_blob_get_data(blob, &blob_len) : NULL;
    if (!blob_len) {
        diag_internal(d, loc_file(f->path), "hb-subset could not subset font '%s'", f->ps_name);
        goto done;
    }
    HPDF_Dict file = new_stream(doc, blob_data, blob_len);
    HPDF_Dict desc = HPDF_Dict_New(doc->mmgr);
    HPDF_Dict cid = HPDF_Dict_New(doc->mmgr);
    if (!file || !desc || HPDF_Xref_Add(doc->xref, desc) != HPDF_OK || !cid ||
        HPDF_Xref_Add(doc->xref, cid) != HPDF_OK)
        goto lib_fail;
    HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)blob_len);

    int flags = 4 | (f->serif ? 2 : 0) | (f->fixed_pitch ? 1 : 0) | (f->italic ? 64 : 0);
    /* StemV is not in the font; this common heuristic grows with weight. */
    int stemv = f->weight_class >= 600 ? 140 : 80;
    HPDF_Array bbox = box_array(doc, f->bbox, scale);
    if (HPDF_Dict_AddName(desc, "Type", "FontDescriptor") != HPDF_OK ||
        HPDF_Dict_AddName(desc, "FontName", base) != HPDF_OK ||
        HPDF_Dict_AddNumber(desc, "Flags", flags) != HPDF_OK || !bbox ||
        HPDF_Dict_Add(desc, "FontBBox", bbox) != HPDF_OK ||
        HPDF_Dict_AddReal(desc, "ItalicAngle", (HPDF_REAL)f->italic_angle) != HPDF_OK ||
        HPDF_Dict_AddNumber(desc, "Ascent", (HPDF_INT32)lround(f->ascender * scale)) !=
            HPDF_OK ||
        HPDF_Dict_AddNumber(desc, "Descent", (HPDF_INT32)lround(f->descender * scale)) !=
            HPDF_OK ||
        HPDF_Dict_AddNumber(desc, "CapHeight", (HPDF_INT32)lround(f->cap_height * scale)) !=
            HPDF_OK ||
        HPDF_Dict_AddNumber(desc, "XHeight", (HPDF_INT32)lround(f->x_height * scale)) !=
            HPDF_OK ||
        HPDF_Dict_AddNumber(desc, "StemV", stemv) != HPDF_OK ||
        HPDF_Dict_Add(desc, "FontFile2", file) != HPDF_OK)
        goto lib_fail;
    if (program) {
        HPDF_Dict set = new_stream(doc, program, set_len);
        if (!set || HPDF_Dict_Add(desc, "CIDSet", set) != HPDF_OK)
            goto lib_fail;
    }

    HPDF_Dict sysinfo = HPDF_Dict_New(doc->mmgr);
    HPDF_Array widths = build_widths(doc, r);
    if (!sysinfo || HPDF_Dict_Add(sysinfo, "Registry", HPDF_String_New(doc->mmgr, "Adobe", NULL)) != HPDF_OK ||
        HPDF_Dict_Add(sysinfo, "Ordering", HPDF_String_New(doc->mmgr, "Identity", NULL)) != HPDF_OK ||
        HPDF_Dict_AddNumber(sysinfo, "Supplement", 0) != HPDF_OK || !widths ||
        HPDF_Dict_AddName(cid, "Type", "Font") != HPDF_OK ||
        HPDF_Dict_AddName(cid, "Subtype", "CIDFontType2") != HPDF_OK ||
        HPDF_Dict_AddName(cid, "BaseFont", base) != HPDF_OK ||
        HPDF_Dict_Add(cid, "CIDSystemInfo", sysinfo) != HPDF_OK ||
        HPDF_Dict_Add(cid, "FontDescriptor", desc) != HPDF_OK ||
        HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity") != HPDF_OK ||
        HPDF_Dict_AddNumber(cid, "DW", 1000) != HPDF_OK ||
        HPDF_Dict_Add(cid, "W", widths) != HPDF_OK)
        goto lib_fail;

    HPDF_Dict tounicode = build_tounicode(doc, r);
    HPDF_Array descendants = HPDF_Array_New(doc->mmgr);
    if (!tounicode || !descendants || HPDF_Array_Add(descendants, cid) != HPDF_OK ||
        HPDF_Dict_AddName(r->type0, "BaseFont", base) != HPDF_OK ||
        HPDF_Dict_Add(r->type0, "DescendantFonts", descendants) != HPDF_OK ||
        HPDF_Dict_Add(r->type0, "ToUnicode", tounicode) != HPDF_OK)
        goto lib_fail;
    ok = true;
    goto done;
lib_fail:
    diag_internal(d, loc_file(f->path), "libharu failed while embedding font '%s' (error 0x%04X)",
                  f->ps_name, (unsigned)HPDF_GetError(doc));
done:
    hb_blob_destroy(blob);
    free(program);
    free(base);
    return ok;
}

static bool pdf_fonts_finalize_untimed(pdf_fonts *pf, bool cidset, diag *d)
{
    for (size_t i = 0; i < pf->rec_count; i++) {
        font_rec *r = &pf->recs[i];
        if (r->type0 && !finalize_font(pf, r, cidset, d))
            return false;
    }
    return true;
}

bool pdf_fonts_finalize(pdf_fonts *pf, bool cidset, diag *d)
{
    timing_push(STAGE_SUBSETTING);
    bool result = pdf_fonts_finalize_untimed(pf, cidset, d);
    timing_pop();
    return result;
}
