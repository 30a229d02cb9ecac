#include "pdf.h"

#include <hpdf.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deflater.h"
#include "image.h"
#include "pdf_font.h"
#include "utf8.h"
#include "util.h"
#include "timing.h"

typedef struct image_rec {
    char *path;      /* canonical */
    char *seen_as;   /* the path as placements give it, to skip realpath */
    HPDF_Image image;
} image_rec;

typedef struct image_size {
    const char *path;
    double width_pt; /* largest placed width */
} image_size;

typedef struct page_label {
    size_t first_index;
    char style; /* 'r' or 'D' */
    int first_number;
} page_label;

struct pdf_writer {
    HPDF_Doc doc;
    pdf_options opt;
    double ox, oy; /* where the trim sits on the sheet (print: bleed and marks) */
    HPDF_Page *pages;
    size_t page_count, page_cap;
    size_t front_count; /* pages put in front (pdf_writer_add_front) */
    image_size *sizes; /* screen: how large each photo is shown */
    char *root_title;  /* a volume: the bookmark every section hangs under */
    HPDF_Outline root;
    page_label *labels; /* emitted at commit, in page order */
    size_t label_count, label_cap;
    size_t size_count, size_cap;
    bool ok;
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
    deflater *deflate; /* page contents, deflated on the other core */
    /* What waits to be written, in order: pages whose content is with the
     * deflater, and sections whose bookmarks follow those pages. */
    struct pending {
        HPDF_Page page;       /* NULL: a section */
        size_t ticket;        /* the page's content */
        HPDF_Outline section;
    } *pending;
    size_t pending_count, pending_cap;
    /* Objects go to the file as soon as they are final (see write_object). */
    char *out_path;
    atomic_file *out;
    HPDF_Stream sink;      /* libharu's view of out, through sink_buf */
    unsigned char *sink_buf;
    size_t sink_len;
    HPDF_PDFVer header_version; /* as written in the file's first line */
};

typedef struct pdf_writer writer;

static bool write_page(writer *w, HPDF_Page page);

/* Millimetres to points. */
#define MM_PT(x) ((x) * 72.0 / 25.4)
/* Room outside the bleed for crop and registration marks. */
#define MARKS_PT MM_PT(9)

bool pdf_profile_parse(const char *name, pdf_profile *out)
{
    static const char *const names[] = {"print", "screen", "archive"};
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (pdf_profile)i;
            return true;
        }
    return false;
}

const char *pdf_profile_name(pdf_profile p)
{
    return p == PDF_PRINT ? "print" : p == PDF_SCREEN ? "screen" : "archive";
}

/* Print keeps CMYK; screen and archive (sRGB output intent) use RGB. */
static void cmyk_to_rgb(const double cmyk[4], double rgb[3])
{
    for (int i = 0; i < 3; i++)
        rgb[i] = (1 - cmyk[i]) * (1 - cmyk[3]);
}

static void put_fill_colour(const writer *w, buf *b, const double cmyk[4])
{
    if (w->opt.profile == PDF_PRINT) {
        for (int c = 0; c < 4; c++) {
            buf_put_num(b, cmyk[c], 4);
            buf_puts(b, " ");
        }
        buf_puts(b, "k\n");
    } else {
        double rgb[3];
        cmyk_to_rgb(cmyk, rgb);
        for (int c = 0; c < 3; c++) {
            buf_put_num(b, rgb[c], 4);
            buf_puts(b, " ");
        }
        buf_puts(b, "rg\n");
    }
}

static HPDF_STATUS set_stroke_colour(const writer *w, HPDF_Page page, const double cmyk[4])
{
    if (w->opt.profile == PDF_PRINT)
        return HPDF_Page_SetCMYKStroke(page, (HPDF_REAL)cmyk[0], (HPDF_REAL)cmyk[1],
                                       (HPDF_REAL)cmyk[2], (HPDF_REAL)cmyk[3]);
    double rgb[3];
    cmyk_to_rgb(cmyk, rgb);
    return HPDF_Page_SetRGBStroke(page, (HPDF_REAL)rgb[0], (HPDF_REAL)rgb[1], (HPDF_REAL)rgb[2]);
}

static HPDF_STATUS set_fill_colour(const writer *w, HPDF_Page page, const double cmyk[4])
{
    if (w->opt.profile == PDF_PRINT)
        return HPDF_Page_SetCMYKFill(page, (HPDF_REAL)cmyk[0], (HPDF_REAL)cmyk[1],
                                     (HPDF_REAL)cmyk[2], (HPDF_REAL)cmyk[3]);
    double rgb[3];
    cmyk_to_rgb(cmyk, rgb);
    return HPDF_Page_SetRGBFill(page, (HPDF_REAL)rgb[0], (HPDF_REAL)rgb[1], (HPDF_REAL)rgb[2]);
}

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
    put_fill_colour(w, b, pt->cmyk);
    buf_puts(b, "1 0 0 1 ");
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
            buf_puts(b, "<");
            buf_put_hex4(b, g->gid);
            buf_puts(b, ">");
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

static double placed_width(const writer *w, const char *path)
{
    for (size_t i = 0; i < w->size_count; i++)
        if (strcmp(w->sizes[i].path, path) == 0)
            return w->sizes[i].width_pt;
    return 0;
}

/* Embeds decoded pixels: as JPEG when the source was one (keeps files
 * small), else Flate-compressed, with alpha as a soft mask. */
static HPDF_Image embed_pixels(writer *w, image_pixels *px, bool as_jpeg)
{
    if (w->opt.profile == PDF_ARCHIVE)
        image_flatten_alpha(px); /* PDF/A-1 allows no transparency */
    if (as_jpeg && !px->alpha) {
        unsigned char *data = NULL;
        size_t len = 0;
        if (!image_encode_jpeg(px, 90, &data, &len))
            return NULL;
        HPDF_Image img = HPDF_LoadJpegImageFromMem(w->doc, data, (HPDF_UINT)len);
        free(data);
        return img;
    }
    HPDF_Image img = HPDF_LoadRawImageFromMem(
        w->doc, px->data, (HPDF_UINT)px->width, (HPDF_UINT)px->height,
        px->channels == 3 ? HPDF_CS_DEVICE_RGB : HPDF_CS_DEVICE_GRAY, 8);
    if (img && px->alpha) {
        HPDF_Image mask = HPDF_LoadRawImageFromMem(w->doc, px->alpha, (HPDF_UINT)px->width,
                                                   (HPDF_UINT)px->height, HPDF_CS_DEVICE_GRAY, 8);
        if (!mask || HPDF_Image_AddSMask(img, mask) != HPDF_OK)
            img = NULL;
        w->uses_transparency = true;
    }
    return img;
}

/* JPEGs pass through as DCT data unless the profile needs them changed
 * (screen: downsampled; archive: CMYK turned RGB); PNGs are decoded here
 * (libharu's own PNG reader fails on interlaced files). The same file is
 * embedded once. */
static HPDF_Image load_image(writer *w, const char *path)
{
    for (size_t i = 0; i < w->image_count; i++)
        if (strcmp(w->images[i].seen_as, path) == 0)
            return w->images[i].image;
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
    /* Screen: no more pixels than the largest placement shows at screen_ppi. */
    int target = 0;
    if (w->opt.profile == PDF_SCREEN && w->opt.screen_ppi > 0) {
        double shown = placed_width(w, path);
        target = (int)ceil(shown / 72.0 * w->opt.screen_ppi);
        if (target <= 0 || info.width <= target * 1.05)
            target = 0;
    }
    bool cmyk_for_archive = w->opt.profile == PDF_ARCHIVE && info.components == 4;
    if (info.format == IMAGE_JPEG && !target && !cmyk_for_archive) {
        img = HPDF_LoadJpegImageFromFile(w->doc, path);
        /* libharu assumes Adobe-inverted CMYK; plain CMYK must not be. */
        if (img && info.components == 4 && !info.adobe_cmyk)
            HPDF_Dict_RemoveElement(img, "Decode");
    } else {
        image_pixels px;
        bool decoded = info.format == IMAGE_JPEG
                           ? image_decode_jpeg(path, loc_file(path), &px, w->d)
                           : image_decode_png(path, loc_file(path), &px, w->d);
        if (!decoded)
            goto done;
        if (target)
            image_resize(&px, target, (int)((long)target * px.height / px.width));
        img = embed_pixels(w, &px, info.format == IMAGE_JPEG);
        image_pixels_fini(&px);
    }
    if (!img) {
        diag_error(w->d, loc_file(path), "image '%s' could not be embedded (libharu error 0x%04X)",
                   path, (unsigned)(w->error ? w->error : HPDF_GetError(w->doc)));
        goto done;
    }
    image_rec *r = ARRAY_PUSH(w->images, w->image_count, w->image_cap);
    r->path = xstrdup(key);
    r->seen_as = xstrdup(path);
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
    if (set_stroke_colour(w, page, r->cmyk) != HPDF_OK ||
        HPDF_Page_SetLineWidth(page, (HPDF_REAL)r->width_pt) != HPDF_OK ||
        HPDF_Page_MoveTo(page, (HPDF_REAL)r->x0_pt, (HPDF_REAL)r->y0_pt) != HPDF_OK ||
        HPDF_Page_LineTo(page, (HPDF_REAL)r->x1_pt, (HPDF_REAL)r->y1_pt) != HPDF_OK ||
        HPDF_Page_Stroke(page) != HPDF_OK)
        return lib_failed(w, "drawing a rule");
    return true;
}

static bool draw_box(writer *w, HPDF_Page page, const placed_box *b)
{
    if (set_fill_colour(w, page, b->cmyk) != HPDF_OK ||
        HPDF_Page_Rectangle(page, (HPDF_REAL)b->x_pt, (HPDF_REAL)b->y_pt,
                            (HPDF_REAL)b->width_pt, (HPDF_REAL)b->height_pt) != HPDF_OK ||
        HPDF_Page_Fill(page) != HPDF_OK)
        return lib_failed(w, "drawing a box");
    return true;
}

/* ---- document -------------------------------------------------------- */

/* Crop marks at the trim corners, outside the bleed; registration marks
 * (a target) at the middle of each side. Drawn in registration colour, on
 * every separation. */
static bool draw_marks(writer *w, HPDF_Page page, double tw, double th)
{
    const double reg[4] = {1, 1, 1, 1};
    double b = w->opt.bleed_pt, gap = MM_PT(1), len = MM_PT(5);
    double x0 = w->ox, y0 = w->oy, x1 = w->ox + tw, y1 = w->oy + th;
    if (set_stroke_colour(w, page, reg) != HPDF_OK || HPDF_Page_SetLineWidth(page, 0.25) != HPDF_OK)
        return lib_failed(w, "drawing marks");
    if (w->opt.crop_marks) {
        double xs[2] = {x0, x1}, ys[2] = {y0, y1};
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++) {
                double x = xs[i], y = ys[j];
                double dx = i ? 1 : -1, dy = j ? 1 : -1;
                /* Horizontal mark on the trim line, vertical one likewise. */
                if (HPDF_Page_MoveTo(page, (HPDF_REAL)(x + dx * (b + gap)), (HPDF_REAL)y) ||
                    HPDF_Page_LineTo(page, (HPDF_REAL)(x + dx * (b + gap + len)), (HPDF_REAL)y) ||
                    HPDF_Page_MoveTo(page, (HPDF_REAL)x, (HPDF_REAL)(y + dy * (b + gap))) ||
                    HPDF_Page_LineTo(page, (HPDF_REAL)x, (HPDF_REAL)(y + dy * (b + gap + len))))
                    return lib_failed(w, "drawing crop marks");
            }
        if (HPDF_Page_Stroke(page) != HPDF_OK)
            return lib_failed(w, "drawing crop marks");
    }
    if (w->opt.registration_marks) {
        double r = MM_PT(2), off = b + gap + MM_PT(3.5);
        double cx[4] = {(x0 + x1) / 2, (x0 + x1) / 2, x0 - off, x1 + off};
        double cy[4] = {y0 - off, y1 + off, (y0 + y1) / 2, (y0 + y1) / 2};
        for (int i = 0; i < 4; i++)
            if (HPDF_Page_Circle(page, (HPDF_REAL)cx[i], (HPDF_REAL)cy[i], (HPDF_REAL)r) ||
                HPDF_Page_MoveTo(page, (HPDF_REAL)(cx[i] - r * 1.4), (HPDF_REAL)cy[i]) ||
                HPDF_Page_LineTo(page, (HPDF_REAL)(cx[i] + r * 1.4), (HPDF_REAL)cy[i]) ||
                HPDF_Page_MoveTo(page, (HPDF_REAL)cx[i], (HPDF_REAL)(cy[i] - r * 1.4)) ||
                HPDF_Page_LineTo(page, (HPDF_REAL)cx[i], (HPDF_REAL)(cy[i] + r * 1.4)) ||
                HPDF_Page_Stroke(page))
                return lib_failed(w, "drawing registration marks");
    }
    return true;
}

static bool add_box(writer *w, HPDF_Page page, const char *key, double x0, double y0, double x1,
                    double y1)
{
    HPDF_Box box = {(HPDF_REAL)x0, (HPDF_REAL)y0, (HPDF_REAL)x1, (HPDF_REAL)y1};
    HPDF_Array a = HPDF_Box_Array_New(w->doc->mmgr, box);
    if (!a || HPDF_Dict_Add(page, key, a) != HPDF_OK)
        return lib_failed(w, "adding a page box");
    return true;
}

/* x (trim coordinates) where each glyph of a placed line starts, and where
 * the line ends (xs[end - first]); as draw_text places them. */
static void line_glyph_x(const writer *w, const placed_text *pt, double *xs)
{
    (void)w;
    const glyph_run *run = pt->run;
    double scale = pt->scale > 0 ? pt->scale : 1;
    double pen = 0;
    for (size_t g = pt->first; g < pt->end; g++) {
        const glyph *gl = &run->glyphs[g];
        if (g > pt->first && (gl->flags & GLYPH_CLUSTER_START) && !(gl->flags & GLYPH_SPACE) &&
            !(run->glyphs[g - 1].flags & GLYPH_SPACE))
            pen += pt->letter_adjust_pt;
        xs[g - pt->first] = pt->x_pt + pen;
        pen += gl->advance * pt->size_pt / 1000.0 * scale;
        if (gl->flags & GLYPH_SPACE)
            pen += pt->space_adjust_pt;
    }
    xs[pt->end - pt->first] = pt->x_pt + pen;
}

/* Screen: URLs in the text become links. Finds URLs in a line's run and
 * links the part of each set on this line. */
static bool add_links(writer *w, HPDF_Page page, const placed_text *pt, const double *xs)
{
    const glyph_run *run = pt->run;
    const char *t = run->text;
    size_t n = run->text_len;
    size_t from = run->glyphs[pt->first].cluster;
    const glyph *lastg = &run->glyphs[pt->end - 1];
    size_t to = lastg->cluster + lastg->cluster_len;
    for (size_t i = 0; i < n;) {
        const char *hit = NULL;
        const char *starts[] = {"https://", "http://", "www."};
        for (int k = 0; k < 3 && !hit; k++) {
            const char *h = memmem(t + i, n - i, starts[k], strlen(starts[k]));
            if (h && (!hit || h < hit))
                hit = h;
        }
        for (int k = 0; k < 3; k++) {
            const char *h = memmem(t + i, n - i, starts[k], strlen(starts[k]));
            if (h && h < hit)
                hit = h;
        }
        if (!hit)
            break;
        size_t us = (size_t)(hit - t), ue = us;
        while (ue < n && t[ue] != ' ' && t[ue] != '\n' && (unsigned char)t[ue] >= 0x21)
            ue++;
        while (ue > us && strchr(".,;:)”\"", t[ue - 1]))
            ue--;
        i = ue > us ? ue : us + 1;
        if (ue <= from || us >= to)
            continue;
        /* x of the first and past-the-last glyph of the URL on this line. */
        double xa = -1, xb = -1;
        for (size_t g = pt->first; g <= pt->end; g++) {
            size_t cl = g < pt->end ? run->glyphs[g].cluster : to;
            if (xa < 0 && cl >= us)
                xa = xs[g - pt->first];
            if (cl >= ue || g == pt->end) {
                xb = xs[g - pt->first];
                break;
            }
        }
        if (xa < 0 || xb <= xa)
            continue;
        char *uri = strncmp(t + us, "www.", 4) == 0 ? xasprintf("http://%.*s", (int)(ue - us), t + us)
                                                     : xstrndup(t + us, ue - us);
        HPDF_Rect rect = {(HPDF_REAL)(w->ox + xa), (HPDF_REAL)(w->oy + pt->y_pt - pt->size_pt * 0.25),
                          (HPDF_REAL)(w->ox + xb), (HPDF_REAL)(w->oy + pt->y_pt + pt->size_pt * 0.9)};
        HPDF_Annotation link = HPDF_Page_CreateURILinkAnnot(page, rect, uri);
        free(uri);
        if (!link || HPDF_LinkAnnot_SetBorderStyle(link, 0, 0, 0) != HPDF_OK)
            return lib_failed(w, "adding a link");
    }
    return true;
}

/* Photos, rules and boxes, then all text of the page in one text object. */
static bool draw_content(writer *w, const placed_page *pp, HPDF_Page page)
{
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
        if (it->kind == PLACED_TEXT && !draw_text(w, page, &it->u.text))
            return false;
    }
    if (!put_raw(page, &w->content))
        return lib_failed(w, "writing page content");
    w->content.len = 0;
    if (HPDF_Page_EndText(page) != HPDF_OK)
        return lib_failed(w, "ending text");
    return true;
}

/* zlib level for page content, by measurement on the bench corpora: level 1
 * deflates content streams three times faster than libharu's default (6)
 * for files about 10% larger. */
#define CONTENT_DEFLATE_LEVEL 1

static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream out)
{
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

/* Hands a finished page's content stream to the deflater (at our level,
 * instead of libharu's fixed one when the file is saved); the deflated
 * bytes go back into the stream at commit. */
static bool compress_page(writer *w, HPDF_Page page)
{
    timing_push(STAGE_SAVE);
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    HPDF_Stream s = attr->contents->stream;
    HPDF_UINT32 size = HPDF_Stream_Size(s);
    bool ok = false;
    unsigned char *raw = xmalloc(size ? size : 1);
    HPDF_UINT got = size;
    if (HPDF_Stream_Seek(s, 0, HPDF_SEEK_SET) == HPDF_OK &&
        HPDF_Stream_Read(s, raw, &got) == HPDF_OK && got == size) {
        HPDF_MemStream_FreeData(s);
        struct pending *p = ARRAY_PUSH(w->pending, w->pending_count, w->pending_cap);
        p->page = page;
        p->ticket = deflater_submit(w->deflate, raw, size);
        raw = NULL;
        /* libharu drops a Filter key from unfiltered streams as it writes
         * them; its write hook adds ours back just before ">>". */
        attr->contents->filter = HPDF_STREAM_FILTER_NONE;
        attr->contents->write_fn = write_flate_filter;
        ok = true;
    }
    free(raw);
    timing_pop();
    return ok || lib_failed(w, "compressing page content");
}

static bool write_bookmarks(writer *w, HPDF_Outline section);

/* The deflated page contents back into their streams, and what waits out
 * to the file in order: what is ready so far (as pages are added, so that
 * no page is held twice), or all (at commit). The order does not depend
 * on when the deflater finishes. */
static bool write_pending(writer *w, bool all)
{
    timing_push(STAGE_SAVE);
    if (all && !deflater_finish(w->deflate)) {
        timing_pop();
        return lib_failed(w, "compressing page content");
    }
    size_t done = deflater_done(w->deflate);
    bool ok = true;
    size_t i = 0;
    for (; i < w->pending_count && ok; i++) {
        const struct pending *p = &w->pending[i];
        if (!p->page) {
            ok = write_bookmarks(w, p->section);
            continue;
        }
        if (p->ticket >= done)
            break;
        size_t len;
        HPDF_Stream s = ((HPDF_PageAttr)p->page->attr)->contents->stream;
        unsigned char *packed = deflater_take(w->deflate, p->ticket, &len);
        ok = packed && HPDF_Stream_Write(s, packed, (HPDF_UINT)len) == HPDF_OK;
        free(packed);
        if (!ok)
            ok = lib_failed(w, "compressing page content");
        else if (!write_page(w, p->page))
            ok = false;
    }
    memmove(w->pending, w->pending + i, (w->pending_count - i) * sizeof *w->pending);
    w->pending_count -= i;
    timing_pop();
    return ok;
}

static bool draw_page(writer *w, const page_list *pl, const placed_page *pp, HPDF_Page page)
{
    double tw = pl->width_pt, th = pl->height_pt;
    if (HPDF_Page_SetWidth(page, (HPDF_REAL)(tw + 2 * w->ox)) != HPDF_OK ||
        HPDF_Page_SetHeight(page, (HPDF_REAL)(th + 2 * w->oy)) != HPDF_OK)
        return lib_failed(w, "sizing a page");
    if (w->opt.profile == PDF_PRINT) {
        double b = w->opt.bleed_pt;
        if (!add_box(w, page, "TrimBox", w->ox, w->oy, w->ox + tw, w->oy + th) ||
            !add_box(w, page, "BleedBox", w->ox - b, w->oy - b, w->ox + tw + b, w->oy + th + b))
            return false;
    }
    /* The layout is in trim coordinates: shift it onto the sheet. */
    if (HPDF_Page_GSave(page) != HPDF_OK ||
        HPDF_Page_Concat(page, 1, 0, 0, 1, (HPDF_REAL)w->ox, (HPDF_REAL)w->oy) != HPDF_OK)
        return lib_failed(w, "placing the page");
    bool drawn = draw_content(w, pp, page);
    /* Restore even after a failure: libharu frees only the page's last
     * graphics state. */
    if (HPDF_Page_GetGMode(page) == HPDF_GMODE_TEXT_OBJECT)
        HPDF_Page_EndText(page);
    if (HPDF_Page_GRestore(page) != HPDF_OK && drawn)
        return lib_failed(w, "placing the page");
    if (!drawn)
        return false;
    if (w->opt.profile == PDF_SCREEN) {
        for (size_t i = 0; i < pp->count; i++) {
            const placed *it = &pp->items[i];
            if (it->kind != PLACED_TEXT)
                continue;
            const glyph_run *run = it->u.text.run;
            if (!memmem(run->text, run->text_len, "://", 3) &&
                !memmem(run->text, run->text_len, "www.", 4))
                continue;
            double *xs = xmalloc((it->u.text.end - it->u.text.first + 1) * sizeof *xs);
            line_glyph_x(w, &it->u.text, xs);
            bool ok = add_links(w, page, &it->u.text, xs);
            free(xs);
            if (!ok)
                return false;
        }
    }
    if (w->opt.profile == PDF_PRINT && (w->opt.crop_marks || w->opt.registration_marks))
        return draw_marks(w, page, tw, th);
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
        HPDF_Date date = {m->year, m->month, m->day, 0, 0, 0, '+', 0, 0};
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
/* Points bookmark o at height y of page. */
static bool bookmark_point(writer *w, HPDF_Outline o, HPDF_Page page, double y)
{
    HPDF_MMgr mmgr = w->doc->mmgr;
    HPDF_Array dest = HPDF_Array_New(mmgr);
    if (!dest || HPDF_Array_Add(dest, page) != HPDF_OK ||
        HPDF_Array_AddName(dest, "XYZ") != HPDF_OK ||
        HPDF_Array_Add(dest, HPDF_Null_New(mmgr)) != HPDF_OK ||
        HPDF_Array_AddReal(dest, (HPDF_REAL)y) != HPDF_OK ||
        HPDF_Array_Add(dest, HPDF_Null_New(mmgr)) != HPDF_OK ||
        HPDF_Dict_Add(o, "Dest", dest) != HPDF_OK)
        return lib_failed(w, "linking a bookmark");
    return true;
}

static HPDF_Outline add_bookmark(writer *w, HPDF_Outline parent, const char *title,
                                 HPDF_Page page, double y)
{
    HPDF_Doc doc = w->doc;
    HPDF_Outline o = HPDF_CreateOutline(doc, parent, title, HPDF_GetEncoder(doc, "UTF-8"));
    if (!o) {
        lib_failed(w, "creating a bookmark");
        return NULL;
    }
    HPDF_Dict_RemoveElement(o, "Type");
    return bookmark_point(w, o, page, y) ? o : NULL;
}

/* The first child of parent becomes o, which is now its last child. */
static bool bookmark_to_front(writer *w, HPDF_Outline parent, HPDF_Outline o)
{
    HPDF_Outline first = HPDF_Dict_GetItem(parent, "First", HPDF_OCLASS_DICT);
    HPDF_Outline prev = HPDF_Dict_GetItem(o, "Prev", HPDF_OCLASS_DICT);
    if (!first || first == o || !prev)
        return true;
    HPDF_Dict_RemoveElement(prev, "Next");
    HPDF_Dict_RemoveElement(o, "Prev");
    if (HPDF_Dict_Add(parent, "First", o) != HPDF_OK ||
        HPDF_Dict_Add(parent, "Last", prev) != HPDF_OK ||
        HPDF_Dict_Add(o, "Next", first) != HPDF_OK || HPDF_Dict_Add(first, "Prev", o) != HPDF_OK)
        return lib_failed(w, "ordering the bookmarks");
    return true;
}

/* ---- output ---------------------------------------------------------- */

/* libharu 2.3 holds every object until HPDF_SaveToFile writes them all, so
 * a volume's memory grew with its pages. Here an object goes to the file
 * as soon as it is final (a page once its content is deflated, with its
 * links and the photos it shows first; a section's bookmarks after its
 * pages) and its contents are freed;
 * its header stays, since references to it print its number. The rest
 * (fonts, bookmarks, the page tree, metadata) is written at commit, then
 * the cross-reference table. An xref entry's byte offset is set once its
 * object is written. */
#define SINK_CAP 65536

static HPDF_STATUS sink_write(HPDF_Stream s, const HPDF_BYTE *ptr, HPDF_UINT size)
{
    writer *w = s->attr;
    if (!w->out)
        return HPDF_FILE_IO_ERROR;
    if (w->sink_len + size > SINK_CAP) {
        if (!atomic_file_write(w->out, w->sink_buf, w->sink_len))
            return HPDF_FILE_IO_ERROR;
        w->sink_len = 0;
    }
    if (size > SINK_CAP)
        return atomic_file_write(w->out, ptr, size) ? HPDF_OK : HPDF_FILE_IO_ERROR;
    memcpy(w->sink_buf + w->sink_len, ptr, size);
    w->sink_len += size;
    return HPDF_OK;
}

/* A failed write to the file is the disk's, reported with the file's
 * name (and the file removed) at once; anything else is libharu's. */
static bool write_failed(writer *w, const char *what)
{
    if (!w->out || !atomic_file_failed(w->out))
        return lib_failed(w, what);
    char *error = atomic_file_commit(w->out);
    w->out = NULL;
    diag_error(w->d, loc_file(w->out_path), "%s", error);
    free(error);
    return w->ok = false;
}

/* The file's first line; the version cannot change afterwards. */
static bool open_output(writer *w, const char *out_path)
{
    char *error = NULL;
    if (!(w->out = atomic_file_open(out_path, &error))) {
        diag_error(w->d, loc_file(out_path), "%s", error);
        free(error);
        return false;
    }
    w->out_path = xstrdup(out_path);
    w->sink_buf = xmalloc(SINK_CAP);
    w->sink = HPDF_CallbackWriter_New(w->doc->mmgr, sink_write, w);
    w->header_version = w->doc->pdf_version;
    char head[32];
    snprintf(head, sizeof head, "%%PDF-1.%d\012%%\267\276\255\252\012",
             3 + (int)(w->header_version - HPDF_VER_13));
    if (!w->sink || HPDF_Stream_WriteStr(w->sink, head) != HPDF_OK)
        return write_failed(w, "starting the file");
    return true;
}

static bool write_object(writer *w, void *obj)
{
    HPDF_Obj_Header *h = obj;
    HPDF_UINT id = h->obj_id & 0x00FFFFFF;
    HPDF_XrefEntry e = HPDF_Xref_GetEntry(w->doc->xref, id);
    if (!e || e->obj != obj || !(h->obj_id & HPDF_OTYPE_INDIRECT))
        return lib_failed(w, "writing an object");
    if (e->byte_offset)
        return true;
    e->byte_offset = w->sink->size;
    char head[32];
    snprintf(head, sizeof head, "%u %u obj\012", (unsigned)id, (unsigned)e->gen_no);
    if (HPDF_Stream_WriteStr(w->sink, head) != HPDF_OK ||
        HPDF_Obj_WriteValue(obj, w->sink, NULL) != HPDF_OK ||
        HPDF_Stream_WriteStr(w->sink, "\012endobj\012") != HPDF_OK)
        return write_failed(w, "writing an object");
    /* A stream's Length is an object of its own, known once the stream is
     * written. */
    if ((h->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_DICT && ((HPDF_Dict)obj)->stream) {
        HPDF_Number length = HPDF_Dict_GetItem(obj, "Length", HPDF_OCLASS_NUMBER);
        if (!length || !write_object(w, length))
            return w->ok = false;
    }
    return true;
}

/* Frees what a written dictionary holds. */
static void release_dict(HPDF_Dict d)
{
    while (d->list->count) {
        HPDF_DictElement el = HPDF_List_ItemAt(d->list, 0);
        HPDF_Dict_RemoveElement(d, el->key);
    }
    HPDF_List_Clear(d->list);
    if (d->stream) {
        HPDF_Stream_Free(d->stream);
        d->stream = NULL;
    }
}

/* A photo (and its soft mask), final once loaded; written with the first
 * page showing it, so that the order of objects in the file does not
 * depend on when the deflater finishes a page. */
static bool write_image(writer *w, HPDF_Image img)
{
    HPDF_Dict mask = HPDF_Dict_GetItem(img, "SMask", HPDF_OCLASS_DICT);
    if (!write_object(w, img) || (mask && !write_object(w, mask)))
        return false;
    if (mask)
        release_dict(mask);
    release_dict(img);
    return true;
}

/* A finished page, its content, its new photos and its links. Later pages
 * may still be inserted before it and bookmarks point at it: both need
 * only its header and libharu's page record, which stay. */
static bool write_page(writer *w, HPDF_Page page)
{
    HPDF_PageAttr attr = page->attr;
    if (!write_object(w, page) || !write_object(w, attr->contents))
        return false;
    HPDF_Dict xobjects = attr->xobjects;
    for (HPDF_UINT i = 0; xobjects && i < xobjects->list->count; i++) {
        HPDF_DictElement el = HPDF_List_ItemAt(xobjects->list, i);
        HPDF_Obj_Header *h = el->value;
        HPDF_Image img = h->obj_class == HPDF_OCLASS_PROXY ? ((HPDF_Proxy)h)->obj : el->value;
        if (!write_image(w, img))
            return false;
    }
    HPDF_Array annots = HPDF_Dict_GetItem(page, "Annots", HPDF_OCLASS_ARRAY);
    for (HPDF_UINT i = 0; annots && i < annots->list->count; i++) {
        HPDF_Dict annot = HPDF_Array_GetItem(annots, i, HPDF_OCLASS_DICT);
        if (!annot || !write_object(w, annot))
            return w->ok = false;
        release_dict(annot);
    }
    release_dict(attr->contents);
    release_dict(page);
    attr->stream = NULL;
    attr->fonts = attr->xobjects = attr->ext_gstates = NULL;
    HPDF_GState_Free(page->mmgr, attr->gstate);
    attr->gstate = NULL;
    return true;
}

/* The bookmarks (leaves) of a finished, closed section. libharu would
 * count them at commit by following their Next links; the count is set
 * now instead, so nothing of them but their number need stay. */
static bool write_bookmarks(writer *w, HPDF_Outline section)
{
    HPDF_Outline o = HPDF_Dict_GetItem(section, "First", HPDF_OCLASS_DICT);
    int count = 0;
    for (; o; count++) {
        HPDF_Outline next = HPDF_Dict_GetItem(o, "Next", HPDF_OCLASS_DICT);
        if (HPDF_Dict_GetItem(o, "First", HPDF_OCLASS_DICT) || !write_object(w, o))
            return lib_failed(w, "writing the bookmarks");
        release_dict(o);
        o = next;
    }
    HPDF_Number n = HPDF_Dict_GetItem(section, "Count", HPDF_OCLASS_NUMBER);
    if (!n)
        return lib_failed(w, "writing the bookmarks");
    if (count) {
        n->value = -count;
        section->before_write_fn = NULL;
    } /* else libharu drops the entry, as for any leaf */
    return true;
}

/* Everything not written yet, the cross-reference table and the trailer;
 * then the file goes in place. */
static bool finish_output(writer *w)
{
    HPDF_Xref xref = w->doc->xref;
    if (w->doc->pdf_version != w->header_version)
        return lib_failed(w, "keeping the PDF version");
    if (HPDF_Dict_Add(xref->trailer, "Root", w->doc->catalog) != HPDF_OK ||
        (w->doc->info && HPDF_Dict_Add(xref->trailer, "Info", w->doc->info) != HPDF_OK))
        return lib_failed(w, "writing the trailer");
    HPDF_UINT count = xref->entries->count;
    for (HPDF_UINT i = 1; i < count; i++) {
        HPDF_XrefEntry e = HPDF_Xref_GetEntry(xref, i);
        if (!write_object(w, e->obj))
            return false;
    }
    HPDF_UINT32 xref_at = w->sink->size;
    char line[64];
    snprintf(line, sizeof line, "xref\0120 %u\012", (unsigned)count);
    bool ok = HPDF_Stream_WriteStr(w->sink, line) == HPDF_OK;
    for (HPDF_UINT i = 0; i < count && ok; i++) {
        HPDF_XrefEntry e = HPDF_Xref_GetEntry(xref, i);
        snprintf(line, sizeof line, "%010u %05u %c\015\012", (unsigned)e->byte_offset,
                 (unsigned)e->gen_no, e->entry_typ);
        ok = HPDF_Stream_WriteStr(w->sink, line) == HPDF_OK;
    }
    snprintf(line, sizeof line, "\012startxref\012%u\012%%%%EOF\012", (unsigned)xref_at);
    if (!ok || HPDF_Dict_AddNumber(xref->trailer, "Size", count) != HPDF_OK ||
        HPDF_Stream_WriteStr(w->sink, "trailer\012") != HPDF_OK ||
        HPDF_Dict_Write(xref->trailer, w->sink, NULL) != HPDF_OK ||
        HPDF_Stream_WriteStr(w->sink, line) != HPDF_OK)
        return write_failed(w, "writing the cross-reference table");
    if (!atomic_file_write(w->out, w->sink_buf, w->sink_len))
        return write_failed(w, "writing the file");
    w->sink_len = 0;
    char *error = atomic_file_commit(w->out);
    w->out = NULL;
    if (error) {
        diag_error(w->d, loc_file(w->out_path), "%s", error);
        free(error);
        return w->ok = false;
    }
    return true;
}

/* ---- archive (PDF/A-1b) ------------------------------------------------- */

static void put_xml(buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        default:
            buf_append(b, s, 1);
        }
    }
}

/* XMP written here (libharu's does not escape values and cannot be fixed
 * after the fact); it repeats the Info dictionary exactly. */
static bool add_xmp(writer *w)
{
    const pdf_meta *m = &w->opt.meta;
    buf b;
    buf_init(&b);
    buf_puts(&b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                 "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                 "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                 "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
                 "<pdfaid:part>1</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>\n"
                 "</rdf:Description>\n"
                 "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                 "<dc:format>application/pdf</dc:format>\n");
    if (m->title) {
        buf_puts(&b, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        put_xml(&b, m->title);
        buf_puts(&b, "</rdf:li></rdf:Alt></dc:title>\n");
    }
    if (m->author) {
        buf_puts(&b, "<dc:creator><rdf:Seq><rdf:li>");
        put_xml(&b, m->author);
        buf_puts(&b, "</rdf:li></rdf:Seq></dc:creator>\n");
    }
    if (m->subject) {
        buf_puts(&b, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        put_xml(&b, m->subject);
        buf_puts(&b, "</rdf:li></rdf:Alt></dc:description>\n");
    }
    if (m->language) {
        buf_puts(&b, "<dc:language><rdf:Bag><rdf:li>");
        put_xml(&b, m->language);
        buf_puts(&b, "</rdf:li></rdf:Bag></dc:language>\n");
    }
    buf_puts(&b, "</rdf:Description>\n"
                 "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n");
    if (m->creator) {
        buf_puts(&b, "<xmp:CreatorTool>");
        put_xml(&b, m->creator);
        buf_puts(&b, "</xmp:CreatorTool>\n");
    }
    if (m->year)
        buf_printf(&b, "<xmp:CreateDate>%04d-%02d-%02dT00:00:00+00:00</xmp:CreateDate>\n"
                       "<xmp:ModifyDate>%04d-%02d-%02dT00:00:00+00:00</xmp:ModifyDate>\n",
                   m->year, m->month, m->day, m->year, m->month, m->day);
    buf_puts(&b, "</rdf:Description>\n"
                 "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
                 "<pdf:Producer>");
    put_xml(&b, HPDF_GetInfoAttr(w->doc, HPDF_INFO_PRODUCER));
    buf_puts(&b, "</pdf:Producer>\n");
    if (m->keywords) {
        buf_puts(&b, "<pdf:Keywords>");
        put_xml(&b, m->keywords);
        buf_puts(&b, "</pdf:Keywords>\n");
    }
    buf_puts(&b, "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n");
    HPDF_Dict md = HPDF_DictStream_New(w->doc->mmgr, w->doc->xref);
    bool ok = md && HPDF_Dict_AddName(md, "Type", "Metadata") == HPDF_OK &&
              HPDF_Dict_AddName(md, "Subtype", "XML") == HPDF_OK &&
              HPDF_Stream_Write(md->stream, (const HPDF_BYTE *)b.data, (HPDF_UINT)b.len) == HPDF_OK &&
              HPDF_Dict_Add(w->doc->catalog, "Metadata", md) == HPDF_OK;
    buf_fini(&b);
    return ok ? true : lib_failed(w, "writing XMP metadata");
}

#define SRGB_PROFILE "/usr/share/color/icc/sRGB.icc"

static bool add_output_intent(writer *w)
{
    size_t len;
    char *icc = read_file(SRGB_PROFILE, 1 << 20, &len);
    if (!icc) {
        diag_error(w->d, loc_file(SRGB_PROFILE),
                   "the sRGB ICC profile PDF/A needs is missing (Debian package icc-profiles-free)");
        return false;
    }
    HPDF_Doc doc = w->doc;
    HPDF_Dict profile = HPDF_DictStream_New(doc->mmgr, doc->xref);
    HPDF_Dict intent = HPDF_Dict_New(doc->mmgr);
    HPDF_Array intents = HPDF_Array_New(doc->mmgr);
    bool ok = profile && intent && intents;
    if (ok) {
        profile->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
        ok = HPDF_Dict_AddNumber(profile, "N", 3) == HPDF_OK &&
             HPDF_Stream_Write(profile->stream, (const HPDF_BYTE *)icc, (HPDF_UINT)len) == HPDF_OK &&
             HPDF_Dict_AddName(intent, "Type", "OutputIntent") == HPDF_OK &&
             HPDF_Dict_AddName(intent, "S", "GTS_PDFA1") == HPDF_OK &&
             HPDF_Dict_Add(intent, "OutputConditionIdentifier",
                           HPDF_String_New(doc->mmgr, "sRGB IEC61966-2.1", NULL)) == HPDF_OK &&
             HPDF_Dict_Add(intent, "Info", HPDF_String_New(doc->mmgr, "sRGB IEC61966-2.1", NULL)) ==
                 HPDF_OK &&
             HPDF_Dict_Add(intent, "DestOutputProfile", profile) == HPDF_OK &&
             HPDF_Array_Add(intents, intent) == HPDF_OK &&
             HPDF_Dict_Add(doc->catalog, "OutputIntents", intents) == HPDF_OK;
    }
    free(icc);
    return ok ? true : lib_failed(w, "adding the output intent");
}

/* A file identifier derived from the content's metadata, so that the same
 * inputs give the same bytes. */
static bool add_id(writer *w)
{
    const pdf_meta *m = &w->opt.meta;
    uint64_t h = HASH_FNV_INIT;
    if (m->title)
        h = hash_fnv1a(h, m->title, strlen(m->title));
    h = hash_fnv1a(h, &w->page_count, sizeof w->page_count);
    int date[3] = {m->year, m->month, m->day};
    h = hash_fnv1a(h, date, sizeof date);
    unsigned char id[16];
    for (int i = 0; i < 16; i++) {
        id[i] = (unsigned char)(h >> (8 * (i % 8)));
        if (i == 7)
            h = hash_fnv1a(h, "bulletin", 8);
    }
    HPDF_Array a = HPDF_Array_New(w->doc->mmgr);
    bool ok = a && HPDF_Array_Add(a, HPDF_Binary_New(w->doc->mmgr, id, 16)) == HPDF_OK &&
              HPDF_Array_Add(a, HPDF_Binary_New(w->doc->mmgr, id, 16)) == HPDF_OK &&
              HPDF_Dict_Add(w->doc->trailer, "ID", a) == HPDF_OK;
    return ok ? true : lib_failed(w, "adding the file identifier");
}

/* ---- writer -------------------------------------------------------------- */

static pdf_writer *pdf_writer_new_untimed(const pdf_options *opt, font_set *fonts,
                                          const char *out_path, diag *d)
{
    writer *w = xcalloc(1, sizeof *w);
    w->opt = *opt;
    w->d = d;
    w->fs = fonts;
    w->ok = true;
    buf_init(&w->content);
    w->deflate = deflater_new(CONTENT_DEFLATE_LEVEL);
    if (opt->profile == PDF_PRINT)
        w->ox = w->oy = opt->bleed_pt + MARKS_PT;
    w->doc = HPDF_New(on_error, w);
    if (!w->doc) {
        diag_internal(d, (src_loc){0}, "libharu could not create a document");
        w->ok = false;
        return w;
    }
    w->fonts = pdf_fonts_new(w->doc, fonts);
    /* Compression is read when a page is created; ActualText needs 1.5
     * (PDF/A-1 is 1.4, where validators accept it). */
    if (HPDF_SetCompressionMode(w->doc, HPDF_COMP_ALL) != HPDF_OK ||
        HPDF_UseUTFEncodings(w->doc) != HPDF_OK ||
        HPDF_SetCurrentEncoder(w->doc, "UTF-8") != HPDF_OK) {
        w->ok = lib_failed(w, "setting up the document");
        return w;
    }
    w->doc->pdf_version = opt->profile == PDF_ARCHIVE ? HPDF_VER_14 : HPDF_VER_15;
    if (!set_info(w, &opt->meta) || !open_output(w, out_path))
        w->ok = false;
    return w;
}

pdf_writer *pdf_writer_new(const pdf_options *opt, font_set *fonts, const char *out_path,
                           diag *d)
{
    timing_push(STAGE_PDF_WRITE);
    pdf_writer *result = pdf_writer_new_untimed(opt, fonts, out_path, d);
    if (!result->ok) {
        pdf_writer_free(result);
        result = NULL;
    }
    timing_pop();
    return result;
}

size_t pdf_writer_page_count(const pdf_writer *w)
{
    return w->page_count;
}

static bool add_pages(pdf_writer *w, const page_list *pl, const char *section, char label_style,
                      int label_first, bool at_front)
{
    if (!w->ok)
        return false;
    /* In front: after the front pages added so far, before the others
     * (inserted before the first of those, if there are any). */
    size_t first = at_front ? w->front_count : w->page_count;
    bool insert = at_front && w->page_count > w->front_count;
    /* Screen: how large each photo is shown, for downsampling. */
    for (size_t p = 0; p < pl->count; p++)
        for (size_t i = 0; i < pl->pages[p].count; i++) {
            const placed *it = &pl->pages[p].items[i];
            if (it->kind != PLACED_IMAGE)
                continue;
            size_t k = 0;
            while (k < w->size_count && strcmp(w->sizes[k].path, it->u.image.path) != 0)
                k++;
            if (k == w->size_count) {
                image_size *sz = ARRAY_PUSH(w->sizes, w->size_count, w->size_cap);
                sz->path = xstrdup(it->u.image.path); /* the text goes first */
                sz->width_pt = 0;
            }
            if (it->u.image.width_pt > w->sizes[k].width_pt)
                w->sizes[k].width_pt = it->u.image.width_pt;
        }
    for (size_t i = 0; i < pl->count; i++) {
        HPDF_Page page =
            insert ? HPDF_InsertPage(w->doc, w->pages[first + i]) : HPDF_AddPage(w->doc);
        if (!page)
            return w->ok = lib_failed(w, "adding a page");
        ARRAY_PUSH(w->pages, w->page_count, w->page_cap);
        memmove(w->pages + first + i + 1, w->pages + first + i,
                (w->page_count - 1 - first - i) * sizeof *w->pages);
        w->pages[first + i] = page;
        if (!draw_page(w, pl, &pl->pages[i], page) || !compress_page(w, page) ||
            !write_pending(w, false))
            return w->ok = false;
    }
    if (at_front) {
        w->front_count += pl->count;
        for (size_t i = 0; i < w->label_count; i++)
            if (w->labels[i].first_index >= first)
                w->labels[i].first_index += pl->count;
    }
    if (label_style && pl->count)
        *ARRAY_PUSH(w->labels, w->label_count, w->label_cap) =
            (page_label){first, label_style, label_first};
    if (w->root_title && !w->root && pl->count &&
        !(w->root = add_bookmark(w, NULL, w->root_title, w->pages[first], pl->height_pt + w->oy)))
        return w->ok = false;
    if (at_front && first == 0 && w->root && pl->count &&
        !bookmark_point(w, w->root, w->pages[0], pl->height_pt + w->oy))
        return w->ok = false;
    HPDF_Outline parent = w->root;
    if (section && pl->count &&
        !(parent = add_bookmark(w, w->root, section, w->pages[first], pl->height_pt + w->oy)))
        return w->ok = false;
    if (at_front && section && pl->count && !bookmark_to_front(w, w->root, parent))
        return w->ok = false;
    for (size_t i = 0; i < pl->mark_count; i++) {
        const bookmark *bm = &pl->marks[i];
        if (!add_bookmark(w, parent, bm->title, w->pages[first + bm->page], bm->y_pt + w->oy))
            return w->ok = false;
    }
    if (parent && parent != w->root) {
        HPDF_Outline_SetOpened(parent, HPDF_FALSE);
        /* Its count is known when its bookmarks are written; the entry is
         * made now, so that its place among the section's keys (the next
         * section adds Next) does not depend on the deflater's timing. */
        if (HPDF_Dict_AddNumber(parent, "Count", 0) != HPDF_OK)
            return w->ok = lib_failed(w, "adding a bookmark");
        struct pending *p = ARRAY_PUSH(w->pending, w->pending_count, w->pending_cap);
        *p = (struct pending){.section = parent};
    }
    if (w->root)
        HPDF_Outline_SetOpened(w->root, HPDF_TRUE);
    return true;
}

bool pdf_writer_add(pdf_writer *w, const page_list *pl, const char *section, char label_style,
                    int label_first)
{
    timing_push(STAGE_PDF_WRITE);
    bool result = add_pages(w, pl, section, label_style, label_first, false);
    timing_pop();
    return result;
}

bool pdf_writer_add_front(pdf_writer *w, const page_list *pl, const char *section,
                          char label_style, int label_first)
{
    timing_push(STAGE_PDF_WRITE);
    bool result = add_pages(w, pl, section, label_style, label_first, true);
    timing_pop();
    return result;
}

void pdf_writer_set_root(pdf_writer *w, const char *title)
{
    free(w->root_title);
    w->root_title = title ? xstrdup(title) : NULL;
}

static bool pdf_writer_commit_untimed(pdf_writer *w)
{
    if (!w->ok)
        return false;
    if (w->page_count && HPDF_SetPageMode(w->doc, HPDF_PAGE_MODE_USE_OUTLINE) != HPDF_OK)
        return w->ok = lib_failed(w, "opening the bookmarks panel");
    /* The page-label number tree must list its ranges in page order. */
    for (size_t i = 0; i < w->label_count; i++) {
        size_t k = i;
        for (size_t j = i + 1; j < w->label_count; j++)
            if (w->labels[j].first_index < w->labels[k].first_index)
                k = j;
        page_label l = w->labels[k];
        w->labels[k] = w->labels[i];
        w->labels[i] = l;
        if (HPDF_AddPageLabel(w->doc, (HPDF_UINT)l.first_index,
                              l.style == 'r' ? HPDF_PAGE_NUM_STYLE_LOWER_ROMAN
                                             : HPDF_PAGE_NUM_STYLE_DECIMAL,
                              (HPDF_UINT)l.first_number, NULL) != HPDF_OK)
            return w->ok = lib_failed(w, "adding page labels");
    }
    if (!write_pending(w, true))
        return w->ok = false;
    bool archive = w->opt.profile == PDF_ARCHIVE;
    if (!pdf_fonts_finalize(w->fonts, archive, w->d))
        return w->ok = false;
    if (archive && (!add_xmp(w) || !add_output_intent(w) || !add_id(w)))
        return w->ok = false;
    if (w->error || HPDF_GetError(w->doc) != HPDF_OK)
        return w->ok = lib_failed(w, "building the document");
    timing_push(STAGE_SAVE);
    bool written = finish_output(w);
    timing_pop();
    return written;
}

bool pdf_writer_commit(pdf_writer *w)
{
    timing_push(STAGE_PDF_WRITE);
    bool result = pdf_writer_commit_untimed(w);
    timing_pop();
    return result;
}

void pdf_writer_free(pdf_writer *w)
{
    if (!w)
        return;
    deflater_free(w->deflate);
    free(w->pending);
    pdf_fonts_free(w->fonts);
    atomic_file_abort(w->out); /* not committed: nothing half-written stays */
    if (w->sink)
        HPDF_Stream_Free(w->sink);
    free(w->sink_buf);
    free(w->out_path);
    if (w->doc)
        HPDF_Free(w->doc);
    for (size_t i = 0; i < w->image_count; i++) {
        free(w->images[i].path);
        free(w->images[i].seen_as);
    }
    free(w->images);
    free(w->pages);
    for (size_t i = 0; i < w->size_count; i++)
        free((char *)w->sizes[i].path);
    free(w->sizes);
    free(w->root_title);
    free(w->labels);
    buf_fini(&w->content);
    free(w);
}

static bool pdf_write_untimed(const page_list *pl, const pdf_options *opt, font_set *fonts,
                              const char *out_path, diag *d)
{
    pdf_writer *w = pdf_writer_new(opt, fonts, out_path, d);
    bool ok = w && pdf_writer_add(w, pl, NULL, 0, 0) && pdf_writer_commit(w);
    pdf_writer_free(w);
    return ok;
}

bool pdf_write(const page_list *pl, const pdf_options *opt, font_set *fonts,
               const char *out_path, diag *d)
{
    timing_push(STAGE_PDF_WRITE);
    bool result = pdf_write_untimed(pl, opt, fonts, out_path, d);
    timing_pop();
    return result;
}
