#include "fonts.h"

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_SFNT_NAMES_H
#include FT_TRUETYPE_TABLES_H
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* Faces one document may use: a volume needs a few dozen. */
#define MAX_FACES 4096

#include "util.h"
#include "timing.h"

typedef struct face_slot {
    face f;
    FT_Face ft;
    hb_blob_t *blob;
} face_slot;

typedef struct chain {
    char *family;
    int weight;
    bool italic;
    int primary;         /* face id */
    FcPattern *pattern;   /* what was asked, for the fallback sort */
    bool sorted;          /* fallbacks computed (FcFontSort is costly: only
                             when the primary lacks a character) */
    FcFontSet *fallbacks; /* fontconfig's sorted list, opened lazily */
    int *fallback_ids;    /* -1 = not opened yet, -2 = unusable */
} chain;

struct font_set {
    FcConfig *config;
    FT_Library ft;
    face_slot **faces; /* MAX_FACES slots, allocated once */
    size_t face_count;
    chain *chains;
    size_t chain_count, chain_cap;
    diag *d;
};

/* The system's font folders and caches, and of its rules only the family
 * aliases a layout can name (Times New Roman, Arial..., serif, sans-serif):
 * parsing all of /etc/fonts/conf.d costs 5 ms, a sixth of building a
 * 4-page issue, for rendering rules a PDF of embedded outlines never uses.
 * FONTCONFIG_FILE brings back the full configuration. */
static const char lean_config[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n"
    "<fontconfig>\n"
    "  <dir>/usr/share/fonts</dir>\n"
    "  <dir>/usr/local/share/fonts</dir>\n"
    "  <dir prefix=\"xdg\">fonts</dir>\n"
    "  <dir>~/.fonts</dir>\n"
    "  <cachedir>/var/cache/fontconfig</cachedir>\n"
    "  <cachedir prefix=\"xdg\">fontconfig</cachedir>\n"
    "  <include ignore_missing=\"yes\">/etc/fonts/conf.d/30-metric-aliases.conf</include>\n"
    "  <include ignore_missing=\"yes\">/etc/fonts/conf.d/45-latin.conf</include>\n"
    "  <include ignore_missing=\"yes\">/etc/fonts/conf.d/49-sansserif.conf</include>\n"
    "  <include ignore_missing=\"yes\">/etc/fonts/conf.d/60-latin.conf</include>\n"
    "</fontconfig>\n";

static FcConfig *load_lean_config(void)
{
    FcConfig *config = FcConfigCreate();
    if (!config)
        return NULL;
    if (!FcConfigParseAndLoadFromMemory(config, (const FcChar8 *)lean_config, FcTrue) ||
        !FcConfigBuildFonts(config)) {
        FcConfigDestroy(config);
        return NULL;
    }
    return config;
}

static font_set *fonts_open_untimed(const char *conf_file, diag *d)
{
    font_set *fs = xcalloc(1, sizeof *fs);
    fs->d = d;
    fs->faces = xcalloc(MAX_FACES, sizeof *fs->faces);
    fs->config = getenv("FONTCONFIG_FILE") ? FcInitLoadConfigAndFonts() : load_lean_config();
    if (!fs->config) {
        diag_internal(d, (src_loc){0}, "fontconfig could not be initialised");
        free(fs->faces);
        free(fs);
        return NULL;
    }
    /* fontconfig resolves relative names against its own directories. */
    char *abs = conf_file ? realpath(conf_file, NULL) : NULL;
    bool loaded = !conf_file ||
                  (abs && FcConfigParseAndLoad(fs->config, (const FcChar8 *)abs, FcTrue));
    free(abs);
    if (!loaded) {
        diag_error(d, loc_file(conf_file), "cannot load the fontconfig configuration");
        FcConfigDestroy(fs->config);
        free(fs->faces);
        free(fs);
        return NULL;
    }
    if (FT_Init_FreeType(&fs->ft)) {
        diag_internal(d, (src_loc){0}, "FreeType could not be initialised");
        FcConfigDestroy(fs->config);
        free(fs->faces);
        free(fs);
        return NULL;
    }
    return fs;
}

font_set *fonts_open(const char *conf_file, diag *d)
{
    timing_push(STAGE_FONTS);
    font_set *result = fonts_open_untimed(conf_file, d);
    timing_pop();
    return result;
}

void fonts_free(font_set *fs)
{
    if (!fs)
        return;
    for (size_t i = 0; i < fs->face_count; i++) {
        face_slot *s = fs->faces[i];
        hb_font_destroy(s->f.hb_font);
        hb_face_destroy(s->f.hb_face);
        FT_Done_Face(s->ft);
        hb_blob_destroy(s->blob);
        free((char *)s->f.path);
        free((char *)s->f.ps_name);
        free((char *)s->f.family);
        free((char *)s->f.style_name);
        free(s);
    }
    for (size_t i = 0; i < fs->chain_count; i++) {
        free(fs->chains[i].family);
        if (fs->chains[i].fallbacks)
            FcFontSetDestroy(fs->chains[i].fallbacks);
        if (fs->chains[i].pattern)
            FcPatternDestroy(fs->chains[i].pattern);
        free(fs->chains[i].fallback_ids);
    }
    free(fs->faces);
    free(fs->chains);
    FT_Done_FreeType(fs->ft);
    FcConfigDestroy(fs->config);
    free(fs);
}

/* PDF names may not contain spaces or delimiters, and libharu does not
 * escape them. */
static char *sanitise_name(const char *s)
{
    char *out = xmalloc(strlen(s) + 1);
    size_t n = 0;
    for (const char *p = s; *p && n < 100; p++) {
        unsigned char c = (unsigned char)*p;
        if (c > 0x20 && c < 0x7F && !strchr("()<>[]{}/%#", c))
            out[n++] = (char)c;
    }
    out[n] = '\0';
    if (!n) {
        free(out);
        return xstrdup("Font");
    }
    return out;
}

static void read_metrics(face *f, FT_Face ft)
{
    f->upem = ft->units_per_EM ? ft->units_per_EM : 1000;
    f->glyph_count = (unsigned)ft->num_glyphs;
    f->ascender = ft->ascender;
    f->descender = ft->descender;
    f->bbox[0] = (int)ft->bbox.xMin;
    f->bbox[1] = (int)ft->bbox.yMin;
    f->bbox[2] = (int)ft->bbox.xMax;
    f->bbox[3] = (int)ft->bbox.yMax;
    f->fixed_pitch = FT_IS_FIXED_WIDTH(ft);
    f->italic = (ft->style_flags & FT_STYLE_FLAG_ITALIC) != 0;
    f->weight_class = (ft->style_flags & FT_STYLE_FLAG_BOLD) ? 700 : 400;
    f->cap_height = (int)(f->ascender * 0.7);
    f->x_height = (int)(f->ascender * 0.5);
    TT_OS2 *os2 = FT_Get_Sfnt_Table(ft, FT_SFNT_OS2);
    if (os2 && os2->version != 0xFFFF) {
        if (os2->sTypoAscender > 0) {
            f->ascender = os2->sTypoAscender;
            f->descender = os2->sTypoDescender;
        }
        if (os2->version >= 2 && os2->sCapHeight > 0) {
            f->cap_height = os2->sCapHeight;
            f->x_height = os2->sxHeight;
        }
        f->weight_class = os2->usWeightClass;
        f->fs_type = os2->fsType;
        /* Panose family 2 (Latin text) with a serif style 2..10. */
        f->serif = os2->panose[0] == 2 && os2->panose[1] >= 2 && os2->panose[1] <= 10;
    }
    TT_Postscript *post = FT_Get_Sfnt_Table(ft, FT_SFNT_POST);
    if (post)
        f->italic_angle = (double)post->italicAngle / 65536.0;
    f->truetype_outlines = FT_Get_Sfnt_Table(ft, FT_SFNT_MAXP) &&
                           FT_Load_Sfnt_Table(ft, FT_MAKE_TAG('g', 'l', 'y', 'f'), 0, NULL,
                                              &(FT_ULong){0}) == 0;
}

/* Opens (or finds) the face for file/index; -1 if it cannot be used. */
static int open_face(font_set *fs, const char *file, int index, src_loc loc)
{
    for (size_t i = 0; i < fs->face_count; i++)
        if (fs->faces[i]->f.index == index && strcmp(fs->faces[i]->f.path, file) == 0)
            return (int)i;
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(file);
    if (!blob) {
        diag_error(fs->d, loc, "font file '%s' cannot be read", file);
        return -1;
    }
    unsigned len;
    const char *data = hb_blob_get_data(blob, &len);
    FT_Face ft;
    if (FT_New_Memory_Face(fs->ft, (const FT_Byte *)data, (FT_Long)len, index, &ft)) {
        diag_error(fs->d, loc, "font file '%s' is not a font FreeType can read", file);
        hb_blob_destroy(blob);
        return -1;
    }
    if (fs->face_count == MAX_FACES) {
        diag_error(fs->d, loc, "more than %d font faces in one document", MAX_FACES);
        FT_Done_Face(ft);
        hb_blob_destroy(blob);
        return -1;
    }
    face_slot *s = xcalloc(1, sizeof *s);
    s->ft = ft;
    s->blob = blob;
    face *f = &s->f;
    f->id = (int)fs->face_count;
    f->path = xstrdup(file);
    f->index = index;
    const char *ps = FT_Get_Postscript_Name(ft);
    f->family = xstrdup(ft->family_name ? ft->family_name : "Unknown");
    f->style_name = xstrdup(ft->style_name ? ft->style_name : "Regular");
    if (ps) {
        f->ps_name = sanitise_name(ps);
    } else {
        char *joined = xasprintf("%s-%s", f->family, f->style_name);
        f->ps_name = sanitise_name(joined);
        free(joined);
    }
    read_metrics(f, ft);
    if (!f->truetype_outlines) {
        diag_error(fs->d, loc,
                   "font '%s' (%s) has PostScript (CFF) outlines; only TrueType-outline fonts "
                   "can be embedded, choose another family",
                   f->family, file);
        FT_Done_Face(ft);
        hb_blob_destroy(blob);
        free((char *)f->path);
        free((char *)f->ps_name);
        free((char *)f->family);
        free((char *)f->style_name);
        free(s);
        return -1;
    }
    f->hb_face = hb_face_create(blob, (unsigned)index);
    f->hb_font = hb_font_create(f->hb_face);
    hb_font_set_scale(f->hb_font, (int)f->upem, (int)f->upem);
    /* Shaped by the layout thread while the PDF thread reads advances. */
    hb_font_make_immutable(f->hb_font);
    /* The slot array never moves (see fonts_open): the PDF thread reads
     * faces[id] of pages already handed over while new faces are added. */
    fs->faces[fs->face_count] = s;
    fs->face_count++;
    return f->id;
}

static bool is_alias(const char *family)
{
    return strncmp(family, "bulletin-", 9) == 0 || strcmp(family, "serif") == 0 ||
           strcmp(family, "sans-serif") == 0 || strcmp(family, "sans") == 0 ||
           strcmp(family, "monospace") == 0;
}

static bool family_installed(FcConfig *config, const char *family)
{
    FcPattern *p = FcPatternCreate();
    FcPatternAddString(p, FC_FAMILY, (const FcChar8 *)family);
    FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, (char *)NULL);
    FcFontSet *set = FcFontList(config, p, os);
    bool found = set && set->nfont > 0;
    if (set)
        FcFontSetDestroy(set);
    FcObjectSetDestroy(os);
    FcPatternDestroy(p);
    return found;
}

static FcPattern *make_pattern(FcConfig *config, const char *family, int weight, bool italic)
{
    FcPattern *p = FcPatternCreate();
    FcPatternAddString(p, FC_FAMILY, (const FcChar8 *)family);
    FcPatternAddInteger(p, FC_WEIGHT, FcWeightFromOpenType(weight));
    FcPatternAddInteger(p, FC_SLANT, italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
    FcPatternAddBool(p, FC_SCALABLE, FcTrue);
    FcConfigSubstitute(config, p, FcMatchPattern);
    FcDefaultSubstitute(p);
    return p;
}

static int fonts_chain_untimed(font_set *fs, const char *family, int weight, bool italic,
                               src_loc loc, diag *d)
{
    for (size_t i = 0; i < fs->chain_count; i++) {
        chain *c = &fs->chains[i];
        if (c->weight == weight && c->italic == italic && strcmp(c->family, family) == 0)
            return (int)i;
    }
    if (!is_alias(family) && !family_installed(fs->config, family)) {
        diag_error(d, loc,
                   "unknown font family '%s': no installed font has it (run 'bulletin fonts' "
                   "or 'fc-list : family' to see what is installed)",
                   family);
        return -1;
    }
    FcPattern *pat = make_pattern(fs->config, family, weight, italic);
    FcResult res;
    FcPattern *match = FcFontMatch(fs->config, pat, &res);
    FcChar8 *file = NULL;
    int index = 0;
    if (!match || FcPatternGetString(match, FC_FILE, 0, &file) != FcResultMatch) {
        diag_error(d, loc, "no font found for family '%s'", family);
        if (match)
            FcPatternDestroy(match);
        FcPatternDestroy(pat);
        return -1;
    }
    FcPatternGetInteger(match, FC_INDEX, 0, &index);
    diag *saved = fs->d;
    fs->d = d;
    int primary = open_face(fs, (const char *)file, index, loc);
    fs->d = saved;
    FcPatternDestroy(match);
    if (primary < 0) {
        FcPatternDestroy(pat);
        return -1;
    }
    chain *c = ARRAY_PUSH(fs->chains, fs->chain_count, fs->chain_cap);
    memset(c, 0, sizeof *c);
    c->family = xstrdup(family);
    c->weight = weight;
    c->italic = italic;
    c->primary = primary;
    c->pattern = pat;
    return (int)(fs->chain_count - 1);
}

/* fontconfig's fallback order for chain c, computed on first need. */
static void sort_fallbacks(font_set *fs, chain *c)
{
    c->sorted = true;
    FcCharSet *cs = NULL;
    FcResult res;
    c->fallbacks = FcFontSort(fs->config, c->pattern, FcTrue, &cs, &res);
    if (cs)
        FcCharSetDestroy(cs);
    int n = c->fallbacks ? c->fallbacks->nfont : 0;
    c->fallback_ids = xmalloc((size_t)(n ? n : 1) * sizeof(int));
    for (int i = 0; i < n; i++)
        c->fallback_ids[i] = -1;
}

int fonts_chain(font_set *fs, const char *family, int weight, bool italic, src_loc loc,
                diag *d)
{
    timing_push(STAGE_FONTS);
    int result = fonts_chain_untimed(fs, family, weight, italic, loc, d);
    timing_pop();
    return result;
}

face *fonts_chain_primary(font_set *fs, int chain_id)
{
    return &fs->faces[fs->chains[chain_id].primary]->f;
}

face *fonts_face(font_set *fs, int face_id)
{
    return &fs->faces[face_id]->f;
}

size_t fonts_face_count(const font_set *fs)
{
    return fs->face_count;
}

bool fonts_face_has(const face *f, uint32_t cp)
{
    hb_codepoint_t g;
    return hb_font_get_nominal_glyph(f->hb_font, cp, &g) && g != 0;
}

/* Characters that need no glyph of their own: format controls and
 * variation selectors are removed by the shaper. */
static bool needs_glyph(uint32_t cp)
{
    utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
    if (cat == UTF8PROC_CATEGORY_CF || cat == UTF8PROC_CATEGORY_CC)
        return false;
    return !((cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF));
}

static bool covers(const face *f, const uint32_t *cps, size_t n)
{
    /* A precomposed form is enough: HarfBuzz composes base + marks. */
    if (n > 1) {
        char tmp[64];
        size_t len = 0;
        for (size_t i = 0; i < n && len + 4 <= sizeof tmp; i++)
            len += (size_t)utf8proc_encode_char((utf8proc_int32_t)cps[i],
                                                (utf8proc_uint8_t *)tmp + len);
        utf8proc_uint8_t *nfc = NULL;
        if (utf8proc_map((const utf8proc_uint8_t *)tmp, (utf8proc_ssize_t)len, &nfc,
                         UTF8PROC_STABLE | UTF8PROC_COMPOSE) > 0) {
            bool all = true;
            utf8proc_int32_t cp;
            for (const utf8proc_uint8_t *p = nfc; *p;) {
                utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
                if (k <= 0)
                    break;
                if (needs_glyph((uint32_t)cp) && !fonts_face_has(f, (uint32_t)cp))
                    all = false;
                p += k;
            }
            free(nfc);
            if (all)
                return true;
        } else {
            free(nfc);
        }
    }
    for (size_t i = 0; i < n; i++)
        if (needs_glyph(cps[i]) && !fonts_face_has(f, cps[i]))
            return false;
    return true;
}

face *fonts_match_cluster(font_set *fs, int chain_id, const uint32_t *cps, size_t n,
                          bool *covered)
{
    chain *c = &fs->chains[chain_id];
    face *primary = &fs->faces[c->primary]->f;
    if (covers(primary, cps, n)) {
        *covered = true;
        return primary;
    }
    if (!c->sorted)
        sort_fallbacks(fs, c);
    int count = c->fallbacks ? c->fallbacks->nfont : 0;
    for (int i = 0; i < count; i++) {
        if (c->fallback_ids[i] == -2)
            continue;
        FcPattern *p = c->fallbacks->fonts[i];
        FcCharSet *cs = NULL;
        if (FcPatternGetCharSet(p, FC_CHARSET, 0, &cs) == FcResultMatch) {
            bool maybe = true;
            for (size_t k = 0; k < n && maybe; k++)
                if (needs_glyph(cps[k]) && !FcCharSetHasChar(cs, cps[k]))
                    maybe = false;
            if (!maybe)
                continue;
        }
        if (c->fallback_ids[i] == -1) {
            FcChar8 *file = NULL;
            int index = 0;
            if (FcPatternGetString(p, FC_FILE, 0, &file) != FcResultMatch) {
                c->fallback_ids[i] = -2;
                continue;
            }
            FcPatternGetInteger(p, FC_INDEX, 0, &index);
            /* A fallback that cannot be used is skipped quietly. */
            diag *quiet = diag_new();
            diag *saved = fs->d;
            fs->d = quiet;
            c->fallback_ids[i] = open_face(fs, (const char *)file, index, (src_loc){0});
            fs->d = saved;
            diag_free(quiet);
            if (c->fallback_ids[i] < 0) {
                c->fallback_ids[i] = -2;
                continue;
            }
        }
        face *f = &fs->faces[c->fallback_ids[i]]->f;
        if (covers(f, cps, n)) {
            *covered = true;
            return f;
        }
    }
    *covered = false;
    return primary;
}

size_t fonts_vietnamese_missing(const face *f, uint32_t *missing, size_t max)
{
    static const uint32_t vowels[] = {'a', 0x103, 0xE2, 'e', 0xEA, 'i', 'o', 0xF4, 0x1A1, 'u',
                                      0x1B0, 'y'};
    static const uint32_t tones[] = {0, 0x300, 0x301, 0x309, 0x303, 0x323};
    static const char consonants[] = "bcdghklmnpqrstvx";
    size_t count = 0;
    uint32_t letters[200];
    size_t nl = 0;
    for (size_t v = 0; v < sizeof vowels / sizeof *vowels; v++)
        for (size_t t = 0; t < sizeof tones / sizeof *tones; t++) {
            utf8proc_int32_t seq[2] = {(utf8proc_int32_t)vowels[v], (utf8proc_int32_t)tones[t]};
            utf8proc_ssize_t len = utf8proc_normalize_utf32(
                seq, tones[t] ? 2 : 1, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
            if (len == 1) {
                letters[nl++] = (uint32_t)seq[0];
                letters[nl++] = (uint32_t)utf8proc_toupper(seq[0]);
            }
        }
    for (const char *c = consonants; *c; c++) {
        letters[nl++] = (uint32_t)*c;
        letters[nl++] = (uint32_t)(*c - 32);
    }
    letters[nl++] = 0x111;
    letters[nl++] = 0x110;
    for (size_t i = 0; i < nl; i++)
        if (!fonts_face_has(f, letters[i])) {
            if (count < max)
                missing[count] = letters[i];
            count++;
        }
    return count;
}
