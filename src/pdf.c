#include "pdf.h"

#include <hpdf.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <math.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "pdf_font.h"
#include "utf8.h"
#include "util.h"

typedef struct image_rec {
    char *path; /* canonical */
    HPDF_Image image;
} image_rec;

typedef struct writer {
    HPDF_Doc doc;
    HPDF_STATUS error;
    HPDF_STATUS detail;
    pdf_fonts *fonts;
    font_set *fs;
    image_rec *images;
    size_t image_count, image_cap;
    diag *d;
    buf content; /* raw operators for the current text object */
    double scale; /* horizontal scaling in force in the text object */
    bool uses_transparency;
} writer;

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
    writer *w = user;
    if (!w->error) {
        w->error = error_no;
        w->detail = detail_no;
    }
}

static bool lib_failed(writer *w, const char *what)
{
    HPDF_STATUS e = w->error ? w->error : HPDF_GetError(w->doc);
    diag_internal(w->d, (src_loc){0}, "libharu failed while %s (error 0x%04X, detail %u)", what,
                  (unsigned)e, (unsigned)w->detail);
    return false;
}

static HPDF_Stream page_stream(HPDF_Page page)
{
    return ((HPDF_PageAttr)page->attr)->stream;
}

static bool put_raw(HPDF_Page page, const buf *b)
{
    return HPDF_Stream_Write(page_stream(page), (const HPDF_BYTE *)b->data, (HPDF_UINT)b->len) ==
           HPDF_OK;
}

/* ---- text ---------------------------------------------------------- */

/* Real text of a cluster whose glyphs cannot stand for it alone. The
 * cluster text is NFC already; format characters the shaper removed are
 * dropped, as in ToUnicode. */
static void put_actual_text(buf *b, const char *text, size_t len)
{
    buf_puts(b, "/Span <</ActualText <FEFF");
    buf clean;
    buf_init(&clean);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(text + i, len - i, &cp);
        if (!k)
            k = 1;
        if (cp != '\n' && cp != 0xAD && !(cp >= 0x200B && cp <= 0x200D))
            buf_append(&clean, text + i, k);
        i += k;
    }
    pdf_put_utf16_hex(b, clean.data ? clean.data : "", clean.len);
    buf_fini(&clean);
    buf_puts(b, ">>> BDC ");
}

typedef struct text_state {
    int face_id;
    double size;
    bool in_array;
    double hb_pen, pdf_pen; /* 1/1000 em from the line start */
} text_state;

static void open_array(buf *b, text_state *ts)
{
    if (!ts->in_array) {
        buf_puts(b, "[");
        ts->in_array = true;
    }
}

static void close_array(buf *b, text_state *ts)
{
    if (ts->in_array) {
        buf_puts(b, "] TJ\n");
        ts->in_array = false;
    }
}

/* Moves the PDF pen to target (1/1000 em) with a TJ number. */
static void move_pen(buf *b, text_state *ts, double target)
{
    double diff = target - ts->pdf_pen;
    if (fabs(diff) > 0.004) {
        open_array(b, ts);
        double adj = round(-diff * 100.0) / 100.0;
        buf_put_num(b, adj, 2);
        ts->pdf_pen -= adj;
    }
}

static bool draw_text(writer *w, HPDF_Page page, const placed_text *pt)
{
    const glyph_run *run = pt->run;
    buf *b = &w->content;
    text_state ts = {-1, pt->size_pt, false, 0, 0};
    /* With Tz every horizontal displacement is scaled, so adjustments are
     * written in unscaled units. */
    double scale = pt->scale > 0 ? pt->scale : 1;
    double adjust_em = pt->space_adjust_pt * 1000.0 / pt->size_pt / scale;
    double letter_em = pt->letter_adjust_pt * 1000.0 / pt->size_pt / scale;
    if (fabs(scale - w->scale) > 1e-6) {
        buf_put_num(b, scale * 100, 3);
        buf_puts(b, " Tz\n");
        w->scale = scale;
    }
    for (int c = 0; c < 4; c++) {
        buf_put_num(b, pt->cmyk[c], 4);
        buf_puts(b, " ");
    }
    buf_puts(b, "k\n1 0 0 1 ");
    buf_put_num(b, pt->x_pt, 3);
    buf_puts(b, " ");
    buf_put_num(b, pt->y_pt, 3);
    buf_puts(b, " Tm\n");
    for (size_t i = pt->first; i < pt->end;) {
        /* One cluster at a time: [i, j). */
        size_t j = i + 1;
        while (j < pt->end && run->glyphs[j].cluster == run->glyphs[i].cluster)
            j++;
        const glyph *g0 = &run->glyphs[i];
        const char *ctext = run->text + g0->cluster;
        size_t clen = g0->cluster_len;
        bool actual = j - i > 1;
        for (size_t k = i; k < j; k++) {
            const glyph *g = &run->glyphs[k];
            face *f = fonts_face(w->fs, g->face_id);
            if (!pdf_fonts_get(w->fonts, f))
                return lib_failed(w, "creating a font");
            bool mapped;
            if (j - i > 1) {
                /* Marks in a multi-glyph cluster map to themselves when the
                 * font's cmap says so; ActualText gives the real text. */
                mapped = true;
                char one[8];
                uint32_t cp;
                const char *p = ctext;
                size_t left = clen, chosen = 0;
                while (left) {
                    size_t kk = utf8_decode(p, left, &cp);
                    if (!kk)
                        break;
                    hb_codepoint_t gid;
                    if (hb_font_get_nominal_glyph(f->hb_font, cp, &gid) && gid == g->gid) {
                        chosen = utf8_encode(cp, one);
                        break;
                    }
                    p += kk;
                    left -= kk;
                }
                if (chosen)
                    pdf_fonts_use(w->fonts, f, g->gid, one, chosen);
                else
                    pdf_fonts_use(w->fonts, f, g->gid, ctext, k == i ? clen : 0);
            } else {
                mapped = pdf_fonts_use(w->fonts, f, g->gid, ctext, clen);
            }
            if (!mapped)
                actual = true;
        }
        if (i > pt->first && !(g0->flags & GLYPH_SPACE) &&
            !(run->glyphs[i - 1].flags & GLYPH_SPACE))
            ts.hb_pen += letter_em;
        if (actual) {
            close_array(b, &ts);
            put_actual_text(b, ctext, clen);
        }
        for (size_t k = i; k < j; k++) {
            const glyph *g = &run->glyphs[k];
            if (g->face_id != ts.face_id) {
                face *f = fonts_face(w->fs, g->face_id);
                const char *name = HPDF_Page_GetLocalFontName(page, pdf_fonts_get(w->fonts, f));
                if (!name)
                    return lib_failed(w, "adding a font to a page");
                close_array(b, &ts);
                buf_printf(b, "/%s ", name);
                buf_put_num(b, pt->size_pt, 3);
                buf_puts(b, " Tf\n");
                ts.face_id = g->face_id;
            }
            move_pen(b, &ts, ts.hb_pen + g->x_offset);
            if (g->y_offset != 0) {
                close_array(b, &ts);
                buf_put_num(b, g->y_offset * pt->size_pt / 1000.0, 3);
                buf_puts(b, " Ts\n");
            }
            open_array(b, &ts);
            buf_printf(b, "<%04X>", g->gid);
            ts.pdf_pen += pdf_fonts_width(fonts_face(w->fs, g->face_id), g->gid);
            if (g->y_offset != 0) {
                close_array(b, &ts);
                buf_puts(b, "0 Ts\n");
            }
            ts.hb_pen += g->advance;
            if (g->flags & GLYPH_SPACE)
                ts.hb_pen += adjust_em;
        }
        if (actual) {
            close_array(b, &ts);
            buf_puts(b, "EMC\n");
        }
        i = j;
    }
    close_array(b, &ts);
    return true;
}

/* ---- images and rules ------------------------------------------------ */

/* JPEGs pass through as DCT data; PNGs are decoded here (libharu's own
 * PNG reader fails on interlaced files) and embedded as Flate-compressed
 * pixels, alpha as a soft mask. The same file is embedded once. */
static HPDF_Image load_image(writer *w, const char *path)
{
    char *real = realpath(path, NULL);
    const char *key = real ? real : path;
    for (size_t i = 0; i < w->image_count; i++)
        if (strcmp(w->images[i].path, key) == 0) {
            free(real);
            return w->images[i].image;
        }
    image_info info;
    HPDF_Image img = NULL;
    if (!image_probe(path, loc_file(path), &info, w->d))
        goto done;
    if (info.format == IMAGE_JPEG) {
        img = HPDF_LoadJpegImageFromFile(w->doc, path);
        /* libharu assumes Adobe-inverted CMYK; plain CMYK must not be. */
        if (img && info.components == 4 && !info.adobe_cmyk)
            HPDF_Dict_RemoveElement(img, "Decode");
    } else {
        image_pixels px;
        if (!image_decode_png(path, loc_file(path), &px, w->d))
            goto done;
        img = HPDF_LoadRawImageFromMem(w->doc, px.data, (HPDF_UINT)px.width,
                                       (HPDF_UINT)px.height,
                                       px.channels == 3 ? HPDF_CS_DEVICE_RGB : HPDF_CS_DEVICE_GRAY,
                                       8);
        if (img && px.alpha) {
            HPDF_Image mask = HPDF_LoadRawImageFromMem(w->doc, px.alpha, (HPDF_UINT)px.width,
                                                       (HPDF_UINT)px.height,
                                                       HPDF_CS_DEVICE_GRAY, 8);
            if (!mask || HPDF_Image_AddSMask(img, mask) != HPDF_OK)
                img = NULL;
            w->uses_transparency = true;
        }
        image_pixels_fini(&px);
    }
    if (!img) {
        diag_error(w->d, loc_file(path), "image '%s' could not be embedded (libharu error 0x%04X)",
                   path, (unsigned)(w->error ? w->error : HPDF_GetError(w->doc)));
        goto done;
    }
    image_rec *r = ARRAY_PUSH(w->images, w->image_count, w->image_cap);
    r->path = xstrdup(key);
    r->image = img;
done:
    free(real);
    return img;
}

static bool draw_image(writer *w, HPDF_Page page, const placed_image *im)
{
    HPDF_Image img = load_image(w, im->path);
    if (!img)
        return false;
    if (HPDF_Page_GSave(page) != HPDF_OK ||
        HPDF_Page_Rectangle(page, (HPDF_REAL)im->clip_x_pt, (HPDF_REAL)im->clip_y_pt,
                            (HPDF_REAL)im->clip_width_pt, (HPDF_REAL)im->clip_height_pt) !=
            HPDF_OK ||
        HPDF_Page_Clip(page) != HPDF_OK || HPDF_Page_EndPath(page) != HPDF_OK ||
        HPDF_Page_DrawImage(page, img, (HPDF_REAL)im->x_pt, (HPDF_REAL)im->y_pt,
                            (HPDF_REAL)im->width_pt, (HPDF_REAL)im->height_pt) != HPDF_OK ||
        HPDF_Page_GRestore(page) != HPDF_OK)
        return lib_failed(w, "drawing a photo");
    return true;
}

static bool draw_rule(writer *w, HPDF_Page page, const placed_rule *r)
{
    if (HPDF_Page_SetCMYKStroke(page, (HPDF_REAL)r->cmyk[0], (HPDF_REAL)r->cmyk[1],
                                (HPDF_REAL)r->cmyk[2], (HPDF_REAL)r->cmyk[3]) != HPDF_OK ||
        HPDF_Page_SetLineWidth(page, (HPDF_REAL)r->width_pt) != HPDF_OK ||
        HPDF_Page_MoveTo(page, (HPDF_REAL)r->x0_pt, (HPDF_REAL)r->y0_pt) != HPDF_OK ||
        HPDF_Page_LineTo(page, (HPDF_REAL)r->x1_pt, (HPDF_REAL)r->y1_pt) != HPDF_OK ||
        HPDF_Page_Stroke(page) != HPDF_OK)
        return lib_failed(w, "drawing a rule");
    return true;
}

static bool draw_box(writer *w, HPDF_Page page, const placed_box *b)
{
    if (HPDF_Page_SetCMYKFill(page, (HPDF_REAL)b->cmyk[0], (HPDF_REAL)b->cmyk[1],
                              (HPDF_REAL)b->cmyk[2], (HPDF_REAL)b->cmyk[3]) != HPDF_OK ||
        HPDF_Page_Rectangle(page, (HPDF_REAL)b->x_pt, (HPDF_REAL)b->y_pt,
                            (HPDF_REAL)b->width_pt, (HPDF_REAL)b->height_pt) != HPDF_OK ||
        HPDF_Page_Fill(page) != HPDF_OK)
        return lib_failed(w, "drawing a box");
    return true;
}

/* ---- document -------------------------------------------------------- */

static bool draw_page(writer *w, const page_list *pl, const placed_page *pp, HPDF_Page page)
{
    if (HPDF_Page_SetWidth(page, (HPDF_REAL)pl->width_pt) != HPDF_OK ||
        HPDF_Page_SetHeight(page, (HPDF_REAL)pl->height_pt) != HPDF_OK)
        return lib_failed(w, "sizing a page");
    /* Graphics first, then all text of the page in one text object. */
    for (size_t i = 0; i < pp->count; i++) {
        const placed *it = &pp->items[i];
        if (it->kind == PLACED_IMAGE && !draw_image(w, page, &it->u.image))
            return false;
        if (it->kind == PLACED_RULE && !draw_rule(w, page, &it->u.rule))
            return false;
        if (it->kind == PLACED_BOX && !draw_box(w, page, &it->u.box))
            return false;
    }
    bool any_text = false;
    for (size_t i = 0; i < pp->count; i++)
        any_text |= pp->items[i].kind == PLACED_TEXT;
    if (!any_text)
        return true;
    if (HPDF_Page_BeginText(page) != HPDF_OK)
        return lib_failed(w, "starting text");
    w->content.len = 0;
    w->scale = 1; /* a new text object starts at 100 Tz */
    for (size_t i = 0; i < pp->count; i++) {
        const placed *it = &pp->items[i];
        if (it->kind != PLACED_TEXT)
            continue;
        if (!draw_text(w, page, &it->u.text))
            return false;
    }
    if (!put_raw(page, &w->content))
        return lib_failed(w, "writing page content");
    w->content.len = 0;
    if (HPDF_Page_EndText(page) != HPDF_OK)
        return lib_failed(w, "ending text");
    return true;
}

static bool set_info(writer *w, const pdf_meta *m)
{
    HPDF_Doc doc = w->doc;
    struct {
        HPDF_InfoType type;
        const char *value;
    } fields[] = {{HPDF_INFO_TITLE, m->title},     {HPDF_INFO_AUTHOR, m->author},
                  {HPDF_INFO_SUBJECT, m->subject}, {HPDF_INFO_KEYWORDS, m->keywords},
                  {HPDF_INFO_CREATOR, m->creator}};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        if (fields[i].value && *fields[i].value &&
            HPDF_SetInfoAttr(doc, fields[i].type, fields[i].value) != HPDF_OK)
            return lib_failed(w, "setting document information");
    if (m->year) {
        HPDF_Date date = {m->year, m->month, m->day, 0, 0, 0, 'Z', 0, 0};
        if (HPDF_SetInfoDateAttr(doc, HPDF_INFO_CREATION_DATE, date) != HPDF_OK ||
            HPDF_SetInfoDateAttr(doc, HPDF_INFO_MOD_DATE, date) != HPDF_OK)
            return lib_failed(w, "setting document dates");
    }
    if (m->language &&
        HPDF_Dict_Add(doc->catalog, "Lang", HPDF_String_New(doc->mmgr, m->language, NULL)) !=
            HPDF_OK)
        return lib_failed(w, "setting the document language");
    return true;
}

/* Bookmarks with direct /XYZ destinations (libharu's own are indirect, which
 * PDF/A validators reject) and without the stray /Type on each item. */
static bool add_outline(writer *w, const page_list *pl, HPDF_Page *pages)
{
    if (!pl->mark_count)
        return true;
    HPDF_Doc doc = w->doc;
    HPDF_Encoder utf8 = HPDF_GetEncoder(doc, "UTF-8");
    for (size_t i = 0; i < pl->mark_count; i++) {
        const bookmark *bm = &pl->marks[i];
        HPDF_Outline o = HPDF_CreateOutline(doc, NULL, bm->title, utf8);
        if (!o)
            return lib_failed(w, "creating a bookmark");
        HPDF_Array dest = HPDF_Array_New(doc->mmgr);
        if (!dest || HPDF_Array_Add(dest, pages[bm->page]) != HPDF_OK ||
            HPDF_Array_AddName(dest, "XYZ") != HPDF_OK ||
            HPDF_Array_Add(dest, HPDF_Null_New(doc->mmgr)) != HPDF_OK ||
            HPDF_Array_AddReal(dest, (HPDF_REAL)bm->y_pt) != HPDF_OK ||
            HPDF_Array_Add(dest, HPDF_Null_New(doc->mmgr)) != HPDF_OK ||
            HPDF_Dict_Add(o, "Dest", dest) != HPDF_OK)
            return lib_failed(w, "linking a bookmark");
        HPDF_Dict_RemoveElement(o, "Type");
    }
    if (HPDF_SetPageMode(doc, HPDF_PAGE_MODE_USE_OUTLINE) != HPDF_OK)
        return lib_failed(w, "opening the bookmarks panel");
    return true;
}

/* ---- output ---------------------------------------------------------- */

static bool save(writer *w, const char *out_path)
{
    if (HPDF_SaveToStream(w->doc) != HPDF_OK)
        return lib_failed(w, "serialising the document");
    HPDF_UINT32 size = HPDF_GetStreamSize(w->doc);
    unsigned char *data = xmalloc(size ? size : 1);
    HPDF_UINT32 got = size;
    HPDF_STATUS rs = HPDF_ReadFromStream(w->doc, data, &got);
    if ((rs != HPDF_OK && rs != HPDF_STREAM_EOF) || got != size) {
        free(data);
        return lib_failed(w, "reading the serialised document");
    }
    char *error = write_file_atomic(out_path, data, size);
    free(data);
    if (error) {
        diag_error(w->d, loc_file(out_path), "%s", error);
        free(error);
        return false;
    }
    return true;
}

bool pdf_write(const page_list *pl, const pdf_meta *meta, font_set *fonts,
               const char *out_path, diag *d)
{
    writer w = {0};
    w.d = d;
    w.fs = fonts;
    buf_init(&w.content);
    bool ok = false;
    HPDF_Page *pages = xcalloc(pl->count ? pl->count : 1, sizeof *pages);
    w.doc = HPDF_New(on_error, &w);
    if (!w.doc) {
        diag_internal(d, (src_loc){0}, "libharu could not create a document");
        goto done;
    }
    w.fonts = pdf_fonts_new(w.doc, fonts);
    /* Compression is read when a page is created; ActualText needs 1.5. */
    if (HPDF_SetCompressionMode(w.doc, HPDF_COMP_ALL) != HPDF_OK ||
        HPDF_UseUTFEncodings(w.doc) != HPDF_OK ||
        HPDF_SetCurrentEncoder(w.doc, "UTF-8") != HPDF_OK) {
        lib_failed(&w, "setting up the document");
        goto done;
    }
    w.doc->pdf_version = HPDF_VER_15;
    if (!set_info(&w, meta))
        goto done;
    for (size_t i = 0; i < pl->count; i++) {
        pages[i] = HPDF_AddPage(w.doc);
        if (!pages[i]) {
            lib_failed(&w, "adding a page");
            goto done;
        }
        if (!draw_page(&w, pl, &pl->pages[i], pages[i]))
            goto done;
    }
    if (!add_outline(&w, pl, pages) || !pdf_fonts_finalize(w.fonts, d))
        goto done;
    if (w.error || HPDF_GetError(w.doc) != HPDF_OK) {
        lib_failed(&w, "building the document");
        goto done;
    }
    ok = save(&w, out_path);
done:
    pdf_fonts_free(w.fonts);
    if (w.doc)
        HPDF_Free(w.doc);
    for (size_t i = 0; i < w.image_count; i++)
        free(w.images[i].path);
    free(w.images);
    free(pages);
    buf_fini(&w.content);
    return ok;
}
