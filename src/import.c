/* What every importer shares: the block model, text decoding, the
 * recognisers for dates, cruft, bylines and credits, and the writer of
 * the article file. */
#include "import.h"

#include <cmark.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

#include "arena.h"
#include "article.h"
#include "caps.h"
#include "utf8.h"

/* ------------------------------------------------------------ blocks */

import_block *import_add_block(imported_article *im, import_block_kind kind, int line)
{
    import_block *b = ARRAY_PUSH(im->blocks, im->block_count, im->block_cap);
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->line = line;
    return b;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Whether the block's text so far ends in a space (or is empty). */
static bool ends_in_space(const import_block *b)
{
    for (size_t i = b->run_count; i-- > 0;) {
        size_t n = strlen(b->runs[i].text);
        if (n)
            return b->runs[i].text[n - 1] == ' ';
    }
    return true;
}

void import_block_add(import_block *b, const char *text, size_t len, unsigned flags)
{
    size_t nlen;
    char *nfc = utf8_nfc(text, len, &nlen);
    buf out;
    buf_init(&out);
    bool space = ends_in_space(b);
    for (size_t i = 0; i < nlen;) {
        uint32_t cp;
        size_t k = utf8_decode(nfc + i, nlen - i, &cp);
        if (!k) {
            if (!space || out.len)
                buf_append(&out, "\xEF\xBF\xBD", 3);
            space = false;
            i++;
            continue;
        }
        /* a byte-order mark inside text, and noncharacters, are not text */
        if (cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) {
            i += k;
            continue;
        }
        /* Line and paragraph separators and NEL are blanks; other control
         * characters (C0, DEL, C1) are debris of a copy, not text. */
        bool blank = k == 1 ? is_blank(nfc[i]) : cp == 0x85 || cp == 0x2028 || cp == 0x2029;
        if (blank) {
            if (!space)
                buf_append(&out, " ", 1);
            space = true;
        } else if (cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0)) {
            buf_append(&out, nfc + i, k);
            space = false;
        }
        i += k;
    }
    free(nfc);
    if (!out.len) {
        buf_fini(&out);
        return;
    }
    if (b->run_count && b->runs[b->run_count - 1].flags == flags) {
        import_run *last = &b->runs[b->run_count - 1];
        size_t old = strlen(last->text);
        last->text = xrealloc(last->text, old + out.len + 1);
        memcpy(last->text + old, out.data, out.len);
        last->text[old + out.len] = '\0';
        buf_fini(&out);
        return;
    }
    import_run *r = ARRAY_PUSH(b->runs, b->run_count, b->run_cap);
    r->flags = flags;
    r->text = buf_steal(&out);
}

char *import_block_text(const import_block *b)
{
    buf t;
    buf_init(&t);
    for (size_t i = 0; i < b->run_count; i++)
        buf_puts(&t, b->runs[i].text);
    while (t.len && t.data[t.len - 1] == ' ')
        t.len--;
    buf_append(&t, "", 0);
    return buf_steal(&t);
}

static void free_block(import_block *b)
{
    for (size_t i = 0; i < b->run_count; i++)
        free(b->runs[i].text);
    free(b->runs);
}

void import_remove_block(imported_article *im, size_t i)
{
    free_block(&im->blocks[i]);
    memmove(&im->blocks[i], &im->blocks[i + 1], (im->block_count - i - 1) * sizeof *im->blocks);
    im->block_count--;
}

bool import_photo_data(import_photo *p, unsigned char *data, size_t len)
{
    if (data && len > 8 && data[0] == 0xFF && data[1] == 0xD8)
        p->ext = "jpg";
    else if (data && len > 8 && memcmp(data, "\x89PNG", 4) == 0)
        p->ext = "png";
    if (!p->ext) {
        free(data);
        return false;
    }
    p->data = data;
    p->len = len;
    return true;
}

import_photo *import_add_photo(imported_article *im, int line)
{
    import_photo *p = ARRAY_PUSH(im->photos, im->photo_count, im->photo_cap);
    memset(p, 0, sizeof *p);
    p->line = line;
    return p;
}

void import_note(imported_article *im, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s;
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    buf_puts(&im->report, "  ");
    buf_puts(&im->report, s);
    buf_puts(&im->report, "\n");
    free(s);
}

char *import_excerpt(const char *text, size_t max_chars)
{
    size_t i = 0, chars = 0, len = strlen(text);
    while (i < len && chars < max_chars) {
        uint32_t cp;
        size_t k = utf8_decode(text + i, len - i, &cp);
        i += k ? k : 1;
        chars++;
    }
    return i < len ? xasprintf("%.*s...", (int)i, text) : xstrdup(text);
}

char *import_clean_text(const char *text, size_t len)
{
    import_block tmp = {0};
    import_block_add(&tmp, text, len, 0);
    char *s = import_block_text(&tmp);
    free_block(&tmp);
    return s;
}

void import_free(imported_article *im)
{
    for (size_t i = 0; i < im->block_count; i++)
        free_block(&im->blocks[i]);
    free(im->blocks);
    for (size_t i = 0; i < im->photo_count; i++) {
        free(im->photos[i].file);
        free(im->photos[i].caption);
        free(im->photos[i].credit);
        free(im->photos[i].source);
        free(im->photos[i].data);
    }
    free(im->photos);
    free(im->title);
    free(im->lead);
    free(im->byline);
    buf_fini(&im->report);
}

/* ------------------------------------------------------------ decoding */

/* Whether cp is a letter of the Vietnamese alphabet: a Latin base vowel
 * with at most one shape mark (circumflex, breve, horn) and one tone, or
 * đ. Sets *toned when it carries a tone. */
static bool vietnamese_letter(uint32_t cp, bool *toned)
{
    *toned = false;
    if (cp < 0x80)
        return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    if (cp == 0x0110 || cp == 0x0111)
        return true;
    utf8proc_int32_t parts[4];
    int last;
    utf8proc_ssize_t n = utf8proc_decompose_char((utf8proc_int32_t)cp, parts, 4,
                                                 UTF8PROC_DECOMPOSE, &last);
    if (n < 2 || n > 3 || !strchr("aeiouyAEIOUY", parts[0] < 0x80 ? (int)parts[0] : '#'))
        return false;
    int shapes = 0, tones = 0;
    for (utf8proc_ssize_t i = 1; i < n; i++) {
        switch (parts[i]) {
        case 0x0302: case 0x0306: case 0x031B: shapes++; break;
        case 0x0300: case 0x0301: case 0x0303: case 0x0309: case 0x0323: tones++; break;
        default: return false;
        }
    }
    *toned = tones > 0;
    return shapes <= 1 && tones <= 1;
}

/* How much NFC text reads as Vietnamese: words with Vietnamese letters
 * count for it, letters foreign to Vietnamese, words with two tones,
 * control characters and replacement characters against it. */
static long vietnamese_score(const char *text, size_t len)
{
    long score = 0;
    int tones = 0, specials = 0;
    bool bad_word = false;
    for (size_t i = 0; i <= len;) {
        uint32_t cp = ' ';
        size_t k = i < len ? utf8_decode(text + i, len - i, &cp) : 1;
        if (!k) {
            score -= 3;
            i++;
            continue;
        }
        i += k;
        utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
        bool letter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME;
        if (letter) {
            bool toned;
            if (!vietnamese_letter(cp, &toned))
                bad_word = true;
            tones += toned;
            specials += cp >= 0x80;
            continue;
        }
        if ((cp >= 0x80 && cp < 0xA0) || cp == 0xFFFD || (cp < 0x20 && cp != '\n' && cp != '\t' && cp != '\r'))
            score -= 3;
        if (bad_word || tones > 1)
            score -= 3;
        else if (specials)
            score += 1;
        tones = specials = 0;
        bad_word = false;
    }
    return score;
}

/* bytes converted by iconv from `from` to UTF-8, or NULL when they are
 * not valid in it. */
static char *iconv_to_utf8(const char *from, const char *bytes, size_t len, size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return NULL;
    buf out;
    buf_init(&out);
    char *in = (char *)bytes;
    size_t left = len;
    bool ok = true;
    while (left && ok) {
        char chunk[8192], *o = chunk;
        size_t room = sizeof chunk;
        size_t r = iconv(cd, &in, &left, &o, &room);
        buf_append(&out, chunk, sizeof chunk - room);
        if (r == (size_t)-1 && errno != E2BIG)
            ok = false;
    }
    if (ok) { /* flush a stateful decoder (CP1258 holds back a base letter) */
        char chunk[64], *o = chunk;
        size_t room = sizeof chunk;
        iconv(cd, NULL, NULL, &o, &room);
        buf_append(&out, chunk, sizeof chunk - room);
    }
    iconv_close(cd);
    if (!ok) {
        buf_fini(&out);
        return NULL;
    }
    buf_append(&out, "", 0);
    *out_len = out.len;
    return buf_steal(&out);
}

static bool valid_utf8(const char *s, size_t len, size_t *bad_at)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, len - i, &cp);
        if (!k) {
            *bad_at = i;
            return false;
        }
        i += k;
    }
    return true;
}

/* UTF-16 without a byte-order mark shows as zero bytes in every other
 * position for Latin text: 1 little-endian, 2 big-endian, 0 neither. */
static int utf16_without_bom(const char *s, size_t len)
{
    size_t n = len < 4096 ? len : 4096, even = 0, odd = 0;
    if (n < 8 || len % 2)
        return 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        even += s[i] == 0;
        odd += s[i + 1] == 0;
    }
    if (odd * 3 > n / 2 && even == 0)
        return 1;
    if (even * 3 > n / 2 && odd == 0)
        return 2;
    return 0;
}

static char *nfc_of(char *utf8, size_t len, size_t *out_len)
{
    char *nfc = utf8_nfc(utf8, len, out_len);
    free(utf8);
    return nfc;
}

char *import_decode(const char *path, const char *bytes, size_t len, size_t *out_len,
                    const char **what, diag *d)
{
    if (limits.input_encoding) { /* --input-encoding: the editor knows */
        *what = limits.input_encoding == LEGACY_VNI ? "VNI (--input-encoding), converted to Unicode"
                                                    : "TCVN3 (--input-encoding), converted to Unicode";
        return utf8_from_legacy(bytes, len, limits.input_encoding, out_len);
    }
    size_t n;
    char *text;
    const unsigned char *u = (const unsigned char *)bytes;
    int utf16 = 0;
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        utf16 = 1;
    else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        utf16 = 2;
    if (utf16 || (utf16 = utf16_without_bom(bytes, len))) {
        bool bom = len >= 2 && (u[0] == 0xFF || u[0] == 0xFE) && (u[1] == 0xFE || u[1] == 0xFF);
        text = iconv_to_utf8(utf16 == 1 ? "UTF-16LE" : "UTF-16BE", bytes + (bom ? 2 : 0),
                             len - (bom ? 2 : 0), &n);
        if (!text) {
            diag_error(d, loc_file(path), "this file looks like UTF-16 but is not valid UTF-16; "
                                          "save it again as UTF-8");
            return NULL;
        }
        *what = utf16 == 1 ? "UTF-16 (little-endian), converted to UTF-8"
                           : "UTF-16 (big-endian), converted to UTF-8";
        return nfc_of(text, n, out_len);
    }
    bool bom = len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF;
    const char *b = bytes + (bom ? 3 : 0);
    size_t blen = len - (bom ? 3 : 0);
    size_t bad_at = 0;
    if (valid_utf8(b, blen, &bad_at)) {
        /* TCVN3 or VNI bytes read as Windows-1252 are valid UTF-8 too: the
         * reading that makes more Vietnamese words wins (the markers of
         * the two overlap: ñ is đ in VNI, and a letter TCVN3 text shows). */
        size_t nl;
        char *nfc = utf8_nfc(b, blen, &nl);
        bool latin1 = false;
        for (size_t i = 0; i + 1 < nl && !latin1; i++)
            latin1 = (unsigned char)nfc[i] == 0xC2 || (unsigned char)nfc[i] == 0xC3;
        if (latin1 || utf8_legacy_detect(b, blen)) {
            long own = vietnamese_score(nfc, nl);
            size_t tl, vl;
            char *tcvn3 = utf8_from_legacy(b, blen, LEGACY_TCVN3, &tl);
            char *vni = utf8_from_legacy(b, blen, LEGACY_VNI, &vl);
            long ts = vietnamese_score(tcvn3, tl), vs = vietnamese_score(vni, vl);
            bool is_vni = vs > ts;
            if ((is_vni ? vs : ts) > own + 2) {
                *what = is_vni ? "VNI read as Windows-1252, converted to Unicode"
                               : "TCVN3 (ABC) read as Windows-1252, converted to Unicode";
                free(is_vni ? tcvn3 : vni);
                free(nfc);
                *out_len = is_vni ? vl : tl;
                return is_vni ? vni : tcvn3;
            }
            free(tcvn3);
            free(vni);
        }
        *what = utf8_is_nfc(b, blen) ? (bom ? "UTF-8 with a byte-order mark" : "UTF-8")
                                     : (bom ? "UTF-8 with a byte-order mark, decomposed (NFD): "
                                              "composed to NFC"
                                            : "UTF-8, decomposed (NFD): composed to NFC");
        *out_len = nl;
        return nfc;
    }
    /* Not UTF-8: the 8-bit Vietnamese encodings, best reading wins. */
    static const struct {
        const char *name;
        int legacy; /* 0: Windows-1258 through iconv */
    } candidates[] = {{"Windows-1258", 0}, {"TCVN3 (ABC)", LEGACY_TCVN3}, {"VNI", LEGACY_VNI}};
    char *best = NULL;
    size_t best_len = 0;
    long best_score = 0;
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) {
        size_t cl;
        char *c = candidates[i].legacy ? utf8_from_legacy(b, blen, candidates[i].legacy, &cl)
                                       : iconv_to_utf8("CP1258", b, blen, &cl);
        if (c && !candidates[i].legacy)
            c = nfc_of(c, cl, &cl);
        if (!c)
            continue;
        long score = vietnamese_score(c, cl);
        if (!best || score > best_score) {
            free(best);
            best = c;
            best_len = cl;
            best_score = score;
            *what = i == 0 ? "Windows-1258, converted to Unicode"
                    : i == 1 ? "TCVN3 (ABC), converted to Unicode"
                             : "VNI, converted to Unicode";
        } else
            free(c);
    }
    if (!best || best_score <= 0) {
        free(best);
        int line, col;
        utf8_line_col(b, bad_at, bad_at, &line, &col);
        diag_error(d, (src_loc){path, line, col},
                   "invalid UTF-8 byte 0x%02X, and the text reads as none of Windows-1258, "
                   "TCVN3 or VNI; save the file as UTF-8 (Unicode)",
                   (unsigned char)b[bad_at]);
        return NULL;
    }
    *out_len = best_len;
    return best;
}

/* ------------------------------------------------------------ recognisers */

/* Case-folded NFC copy of s (malloc'd). */
static char *fold(const char *s)
{
    utf8proc_uint8_t *out = NULL;
    if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
                     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) <
        0)
        return xstrdup(s);
    return (char *)out;
}

static bool digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads 1..max digits at s; returns how many (0 when none). */
static int read_number(const char *s, int max, int *value)
{
    int n = 0, v = 0;
    while (n < max && digit(s[n]))
        v = v * 10 + (s[n++] - '0');
    if (digit(s[n]))
        return 0;
    *value = v;
    return n;
}

static bool plausible_date(int y, int m, int d)
{
    return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* Words a date line may hold beside the date (case-folded). */
static const char *const date_words[] = {
    "thứ", "hai", "ba", "tư", "năm", "sáu", "bảy", "chủ", "nhật", "cn", "t2", "t3", "t4", "t5",
    "t6", "t7", "ngày", "tháng", "lúc", "giờ", "cập", "nhật:", "đăng", "ngày:", "gmt", "gmt+7",
    "gmt+07:00", "(gmt+7)", "am", "pm", "sa", "ch", "h", "phút", "posted", "updated", "on", "at",
    NULL};

static bool date_word(const char *w, size_t n)
{
    for (const char *const *p = date_words; *p; p++)
        if (strlen(*p) == n && memcmp(*p, w, n) == 0)
            return true;
    if (n == 1 && digit(*w)) /* "Thứ 5" */
        return true;
    /* a time: 17:08, 17h08, 17:08:05 */
    size_t i = 0;
    while (i < n && digit(w[i]))
        i++;
    if (i >= 1 && i <= 2 && i < n && (w[i] == ':' || w[i] == 'h')) {
        size_t j = ++i;
        while (j < n && (digit(w[j]) || w[j] == ':'))
            j++;
        return j == n;
    }
    return false;
}

bool import_find_date(const char *text, int *y, int *m, int *d, bool *only_date)
{
    char *f = fold(text);
    size_t len = strlen(f);
    size_t at = 0, end = 0;
    bool found = false;
    for (size_t i = 0; i < len && !found; i++) {
        if (!digit(f[i]) || (i && digit(f[i - 1])))
            continue;
        int a, b, c, k1, k2, k3;
        /* 2021-04-22 (ISO, also inside 2021-04-22T17:08:00+07:00) */
        if ((k1 = read_number(f + i, 4, &a)) == 4 && f[i + 4] == '-' &&
            (k2 = read_number(f + i + 5, 2, &b)) && f[i + 5 + k2] == '-' &&
            (k3 = read_number(f + i + 6 + k2, 2, &c)) && plausible_date(a, b, c)) {
            *y = a, *m = b, *d = c;
            at = i, end = i + 6 + (size_t)k2 + (size_t)k3;
            found = true;
        }
        /* 22/04/2021, 22-4-2021, 22.04.2021 */
        else if ((k1 = read_number(f + i, 2, &a)) && strchr("/-.", f[i + k1]) && f[i + k1] &&
                 (k2 = read_number(f + i + k1 + 1, 2, &b)) && f[i + k1 + 1 + k2] == f[i + k1] &&
                 (k3 = read_number(f + i + k1 + 2 + k2, 4, &c)) == 4 && plausible_date(c, b, a)) {
            *y = c, *m = b, *d = a;
            at = i, end = i + (size_t)k1 + 2 + (size_t)k2 + 4;
            found = true;
        }
        /* 22 tháng 4 năm 2021 ("ngày" before it is a date word) */
        else if ((k1 = read_number(f + i, 2, &a))) {
            const char *p = f + i + k1;
            if (strncmp(p, " tháng ", 8) == 0 && (k2 = read_number(p + 8, 2, &b)) &&
                strncmp(p + 8 + k2, " năm ", 6) == 0 &&
                (k3 = read_number(p + 8 + k2 + 6, 4, &c)) == 4 && plausible_date(c, b, a)) {
                *y = c, *m = b, *d = a;
                at = i, end = i + (size_t)k1 + 8 + (size_t)k2 + 6 + 4;
                found = true;
            }
        }
    }
    if (!found) {
        free(f);
        return false;
    }
    /* Only date words, times and punctuation around it? */
    bool only = true;
    for (int part = 0; part < 2 && only; part++) {
        const char *s = part ? f + end : f;
        size_t n = part ? len - end : at;
        size_t i = 0;
        while (i < n && only) {
            while (i < n && strchr(" ,|-–—()/:.\t", s[i]) && s[i])
                i++;
            if (i >= n)
                break;
            if ((unsigned char)s[i] == 0xE2 && i + 2 < n) { /* – — */
                i += 3;
                continue;
            }
            size_t w = i;
            while (w < n && !strchr(" ,|\t()", s[w]))
                w++;
            /* strip trailing punctuation of the word */
            size_t we = w;
            while (we > i && strchr(".,;:'", s[we - 1]))
                we--;
            /* the time after an ISO date's 'T' is part of it */
            if (!(part == 1 && i == 0 && s[0] == 't') && !date_word(s + i, we - i))
                only = false;
            i = w;
        }
    }
    *only_date = only;
    free(f);
    return true;
}

/* Portal furniture, case-folded and without spaces. */
static const char *const cruft_words[] = {
    "email", "e-mail", "print", "in", "aa", "a+", "a-", "a", "chiasẻ", "share", "tweet", "like",
    "facebook", "zalo", "twitter", "gửi", "bàiviết", "inbài", "bảnin", "lưubài",
    "trởvề", "quaylại", "vềđầutrang", "lênđầutrang", "đầutrang", "cỡchữ", "lượtxem", "theodõi",
    "nghe", "đọcbài", "ngheđọcbài", "tải", "pdf", "copy", "link", "saochép", "liênkết", "gópý", "ghim", "thích", "trangchủ", "mail", "messenger", "linkedin", "tintức", "x",
    "|", ":", "/", "-", "·", "•", NULL};
/* Headings after which a portal shows comments or other articles. */
static const char *const end_markers[] = {
    "ýkiếnbạnđọc", "bìnhluận", "gửibìnhluận", "gửiýkiến", "ýkiếncủabạn", "tinliênquan",
    "cáctinkhác", "tinkhác", "tincùngchuyênmục", "tinmới", "tinmớinhất", "xemthêm",
    "bàiviếtliênquan", "đọcnhiều", "tinđọcnhiều", "từkhóa", "từkhoá", "tags", "tag", NULL};

static char *fold_without_spaces(const char *text)
{
    char *f = fold(text);
    size_t o = 0;
    for (size_t i = 0; f[i]; i++)
        if (!is_blank(f[i]))
            f[o++] = f[i];
    f[o] = '\0';
    /* ':' and '(N)' after a heading: "Bình luận (3)", "Từ khóa:" */
    while (o && (f[o - 1] == ':' || f[o - 1] == ')' || digit(f[o - 1]) || f[o - 1] == '(')) {
        if (f[o - 1] == ')') {
            char *open = strrchr(f, '(');
            if (!open)
                break;
            o = (size_t)(open - f);
        } else
            o--;
        f[o] = '\0';
    }
    return f;
}

/* Whether s is a concatenation of cruft words (and digits). */
static bool all_cruft(const char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return true;
    if (n > 80)
        return false;
    /* Digits and punctuation alone are a date or a number, not a button. */
    bool letters = false;
    for (size_t i = 0; i < n; i++)
        letters |= (s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z' ? true : (unsigned char)s[i] >= 0x80;
    if (!letters)
        return false;
    bool ok[81] = {true};
    for (size_t i = 0; i < n; i++) {
        if (!ok[i])
            continue;
        if (digit(s[i]) || s[i] == '.' || s[i] == ',')
            ok[i + 1] = true;
        for (const char *const *w = cruft_words; *w; w++) {
            size_t wl = strlen(*w);
            if (i + wl <= n && memcmp(s + i, *w, wl) == 0)
                ok[i + wl] = true;
        }
    }
    return ok[n];
}

bool import_is_cruft(const char *text, bool *ends_article)
{
    *ends_article = false;
    char *f = fold_without_spaces(text);
    bool cruft = false;
    for (const char *const *m = end_markers; *m && !cruft; m++)
        if (strcmp(f, *m) == 0)
            cruft = *ends_article = true;
    /* "Từ khóa: a, b, c" and "Tags: ..." lines */
    if (!cruft && (strncmp(f, "từkhóa:", 9) == 0 || strncmp(f, "tags:", 5) == 0))
        cruft = true;
    if (!cruft) {
        /* a lone "a" or "x" is a word, not a button row */
        cruft = strlen(f) >= 2 && all_cruft(f);
    }
    free(f);
    return cruft;
}

size_t import_count_words(const char *s)
{
    size_t n = 0;
    bool in = false;
    for (; *s; s++) {
        if (*s == ' ')
            in = false;
        else if (!in) {
            in = true;
            n++;
        }
    }
    return n;
}

/* Whether s..e is 1..6 words, each starting with a capital letter or a
 * digit-free initial ("A.", "Th."). */
static bool name_words(const char *s, const char *e)
{
    int words = 0;
    while (s < e) {
        while (s < e && *s == ' ')
            s++;
        if (s >= e)
            break;
        uint32_t cp;
        size_t k = utf8_decode(s, (size_t)(e - s), &cp);
        if (!k || utf8proc_category((utf8proc_int32_t)cp) != UTF8PROC_CATEGORY_LU)
            return false;
        words++;
        while (s < e && *s != ' ') {
            if (digit(*s) || strchr(",;:!?\"", *s))
                return false;
            s++;
        }
    }
    return words >= 1 && words <= 6;
}

bool import_is_byline(const char *text)
{
    size_t len = strlen(text);
    if (len == 0 || len > 160 || import_count_words(text) > 20)
        return false;
    char *f = fold(text);
    static const char *const prefixes[] = {"theo ", "tin, ảnh:", "tin và ảnh:", "bài, ảnh:",
                                           "bài và ảnh:", "tin:", "bài:", "nhóm pv", "nhóm phóng viên",
                                           "tác giả:", "pv", "ctv", NULL};
    /* "Theo baochinhphu.vn", "Tin, ảnh: Thu Hà": a short line, no clause;
     * "Theo ông B, dự án sẽ..." is a sentence. */
    bool short_line = import_count_words(f) <= 8 && !(strlen(f) > 4 && strchr(f + 4, ','));
    for (const char *const *p = prefixes; *p; p++)
        if (strncmp(f, *p, strlen(*p)) == 0 && short_line &&
            (strlen(*p) >= 4 || strlen(f) <= strlen(*p) + 12)) {
            free(f);
            return true;
        }
    free(f);
    /* The name part: before a parenthesised unit at the end. */
    const char *end = text + len;
    if (end[-1] == ')') {
        const char *open = strrchr(text, '(');
        if (!open || open == text)
            return false;
        end = open;
    }
    while (end > text && end[-1] == ' ')
        end--;
    /* Several names: "Minh Anh - Hoàng Long", "Minh Anh, Hoàng Long";
     * a unit after a dash: "Phan Văn A - Đảng ủy Khối" (first part a name). */
    const char *s = text;
    int names = 0;
    while (s < end) {
        const char *sep = NULL;
        size_t seplen = 0;
        for (const char *p = s; p < end && !sep; p++) {
            if (*p == ',' ) {
                sep = p;
                seplen = 1;
            } else if (p + 2 < end && p[0] == ' ' && p[1] == '-' && p[2] == ' ') {
                sep = p;
                seplen = 3;
            } else if (p + 4 < end && memcmp(p, " \xE2\x80\x93 ", 5) == 0) {
                sep = p;
                seplen = 5;
            }
        }
        const char *pe = sep ? sep : end;
        if (!name_words(s, pe))
            return names > 0 && seplen >= 3; /* "Name - unit with lowercase words" */
        names++;
        s = sep ? sep + seplen : end;
    }
    return names > 0;
}

/* The first of the spellings of "Ảnh:" in s, preceded by "(" when paren. */
static char *find_credit_key(char *s, bool paren)
{
    static const char *const keys[] = {"\xE1\xBA\xA2nh:", "\xE1\xBA\xA3nh:",
                                       "\xE1\xBA\xA2NH:", NULL};
    char *best = NULL;
    for (const char *const *k = keys; *k; k++)
        for (char *p = strstr(s, *k); p; p = strstr(p + 1, *k)) {
            bool ok = paren ? p > s && p[-1] == '(' : p == s || p[-1] == ' ';
            if (ok && (!best || p < best))
                best = p;
            if (ok)
                break;
        }
    return best && paren ? best - 1 : best;
}

char *import_split_credit(char *caption)
{
    char *credit = NULL;
    size_t n = strlen(caption);
    char *p = find_credit_key(caption, true);
    if (p && caption[n - 1] == ')' && !strchr(p + 1, '(')) {
        /* "(Ảnh: X)" at the end: key is "(" + 5 bytes of "Ảnh:" ... */
        char *start = p + 1 + strlen("\xE1\xBA\xA2nh:");
        credit = import_clean_text(start, (size_t)(caption + n - 1 - start));
        *p = '\0';
    } else if ((p = find_credit_key(caption, false))) {
        char *start = p + strlen("\xE1\xBA\xA2nh:");
        credit = import_clean_text(start, strlen(start));
        *p = '\0';
    }
    if (!credit)
        return NULL;
    /* trailing " -", "." before the credit */
    n = strlen(caption);
    while (n && strchr(" -.", caption[n - 1]))
        n--;
    if (n >= 3 && memcmp(caption + n - 3, "\xE2\x80\x93", 3) == 0)
        n -= 3;
    while (n && caption[n - 1] == ' ')
        n--;
    caption[n] = '\0';
    if (!*credit) {
        free(credit);
        return NULL;
    }
    return credit;
}

/* ------------------------------------------------------------ tidying */

/* Converts one string in place, unless it reads better as it is (a run
 * in a Unicode font beside runs in a legacy one). */
static void legacy_string(char **s, int encoding, bool forced)
{
    if (!*s)
        return;
    size_t n, len = strlen(*s);
    char *converted = utf8_from_legacy(*s, len, encoding, &n);
    /* the legacy tables have letters where Unicode has controls: drop any
     * control left over, as import_block_add does */
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_decode(converted + i, n - i, &cp);
        if (!k)
            k = 1, cp = 0;
        bool keep = cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) && cp != 0xFEFF &&
                    cp != 0xFFFE && cp != 0xFFFF;
        if (keep)
            memmove(converted + o, converted + i, k), o += k;
        i += k;
    }
    converted[o] = '\0';
    n = o;
    if (forced || vietnamese_score(converted, n) >= vietnamese_score(*s, len)) {
        free(*s);
        *s = converted;
    } else
        free(converted);
}

void import_fix_legacy(imported_article *im, int forced)
{
    buf all;
    buf_init(&all);
    const char *fields[] = {im->title, im->lead, im->byline};
    for (size_t i = 0; i < 3; i++)
        if (fields[i]) {
            buf_puts(&all, fields[i]);
            buf_puts(&all, "\n");
        }
    for (size_t i = 0; i < im->block_count; i++)
        for (size_t r = 0; r < im->blocks[i].run_count; r++)
            buf_puts(&all, im->blocks[i].runs[r].text);
    for (size_t i = 0; i < im->photo_count; i++)
        if (im->photos[i].caption)
            buf_puts(&all, im->photos[i].caption);
    int encoding = forced;
    if (!encoding && all.len) {
        size_t tl, vl;
        char *tcvn3 = utf8_from_legacy(all.data, all.len, LEGACY_TCVN3, &tl);
        char *vni = utf8_from_legacy(all.data, all.len, LEGACY_VNI, &vl);
        long own = vietnamese_score(all.data, all.len), ts = vietnamese_score(tcvn3, tl),
             vs = vietnamese_score(vni, vl);
        if ((vs > ts ? vs : ts) > own + 2)
            encoding = vs > ts ? LEGACY_VNI : LEGACY_TCVN3;
        free(tcvn3);
        free(vni);
    }
    buf_fini(&all);
    if (!encoding)
        return;
    legacy_string(&im->title, encoding, forced);
    legacy_string(&im->lead, encoding, forced);
    legacy_string(&im->byline, encoding, forced);
    for (size_t i = 0; i < im->block_count; i++)
        for (size_t r = 0; r < im->blocks[i].run_count; r++)
            legacy_string(&im->blocks[i].runs[r].text, encoding, forced);
    for (size_t i = 0; i < im->photo_count; i++) {
        legacy_string(&im->photos[i].caption, encoding, forced);
        legacy_string(&im->photos[i].credit, encoding, forced);
    }
    import_note(im, "text typed in a legacy %s font: converted to Unicode",
                encoding == LEGACY_VNI ? "VNI" : "TCVN3 (ABC)");
}

void import_tidy(imported_article *im, diag *d)
{
    (void)d;
    /* Cruft anywhere; after a comments or related-links heading, the rest
     * of the page until a long paragraph comes back. A Word file has none. */
    bool dropping = false;
    for (size_t i = 0; i < im->block_count && !im->word_file;) {
        char *t = import_block_text(&im->blocks[i]);
        bool ends = false;
        bool cruft = import_is_cruft(t, &ends);
        size_t words = import_count_words(t);
        if (ends)
            dropping = true;
        else if (dropping && words >= 30)
            dropping = false;
        if (cruft || dropping) {
            char *ex = import_excerpt(t, 60);
            import_note(im, "dropped %s %d \"%s\" (%s)", im->unit, im->blocks[i].line, ex,
                        ends      ? "heading of comments or related links"
                        : cruft   ? "portal furniture"
                                  : "under comments or related links");
            free(ex);
            import_remove_block(im, i);
        } else
            i++;
        free(t);
    }
    /* Title: the first block, when the reader found none. */
    if (!im->title && im->block_count) {
        char *t = import_block_text(&im->blocks[0]);
        if (import_count_words(t) <= 40) {
            im->title = t;
            import_note(im, "title from %s %d", im->unit, im->blocks[0].line);
            import_remove_block(im, 0);
        } else
            free(t);
    }
    /* The date line, among the first blocks (also when the page's
     * metadata gave the date: the line is not body text). */
    for (size_t i = 0; i < im->block_count && i < 3; i++) {
        char *t = import_block_text(&im->blocks[i]);
        int y, m, dd;
        bool only;
        if (strlen(t) < 120 && import_find_date(t, &y, &m, &dd, &only) && only) {
            if (!im->year) {
                im->year = y, im->month = m, im->day = dd;
                import_note(im, "date %04d-%02d-%02d from %s %d \"%s\"", y, m, dd, im->unit,
                            im->blocks[i].line, t);
            } else
                import_note(im, "dropped %s %d \"%s\" (the date line)", im->unit,
                            im->blocks[i].line, t);
            import_remove_block(im, i);
            free(t);
            break;
        }
        free(t);
    }
    /* Byline: the last block when it reads like one; a source line ("Theo
     * Cổng TTĐT tỉnh ...") or the source's address may follow it. */
    for (size_t back = 1; !im->byline && back <= 3 && back < im->block_count; back++) {
        size_t at = im->block_count - back;
        import_block *blk = &im->blocks[at];
        char *t = import_block_text(blk);
        bool source_line = strstr(t, "://") ? !strchr(t, ' ')
                                            : strncmp(t, "Theo ", 5) == 0 && import_count_words(t) <= 12;
        if (blk->kind == IMPORT_PARAGRAPH && import_is_byline(t) &&
            !(source_line && back < 3 && at > 0)) {
            im->byline = t;
            import_note(im, "byline from %s %d (a name at the end%s)", im->unit, blk->line,
                        blk->right_aligned ? ", right-aligned" : "");
            import_remove_block(im, at);
            break;
        }
        free(t);
        if (!source_line)
            break;
    }
    if (!im->byline && im->block_count > 1) { /* only "Theo <source>" */
        import_block *last = &im->blocks[im->block_count - 1];
        char *t = import_block_text(last);
        if (strncmp(t, "Theo ", 5) == 0 && import_is_byline(t)) {
            im->byline = t;
            import_note(im, "byline from %s %d (the source)", im->unit, last->line);
            import_remove_block(im, im->block_count - 1);
        } else
            free(t);
    }
}

/* ------------------------------------------------------------ writing */

static void yaml_string(buf *b, const char *s)
{
    buf_puts(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            buf_append(b, "\\", 1);
            buf_append(b, s, 1);
        } else if (c < 0x20)
            buf_printf(b, "\\x%02X", c);
        else
            buf_append(b, s, 1);
    }
    buf_puts(b, "\"");
}

/* "INDENTkey: "value"" and a newline, when value is not NULL. */
static void yaml_field(buf *b, const char *indent, const char *key, const char *value)
{
    if (!value)
        return;
    buf_printf(b, "%s%s: ", indent, key);
    yaml_string(b, value);
    buf_puts(b, "\n");
}

/* CommonMark text that reads back as s. */
static void md_escape(buf *b, const char *s, bool line_start)
{
    if (line_start) {
        size_t i = 0;
        while (digit(s[i]))
            i++;
        if (i && i <= 9 && (s[i] == '.' || s[i] == ')') && (s[i + 1] == ' ' || !s[i + 1])) {
            buf_append(b, s, i);
            buf_append(b, "\\", 1);
            s += i;
        } else if (strchr("+-=>~", *s) && *s) /* list, heading, quote, fence */
            buf_append(b, "\\", 1);
    }
    for (; *s; s++) {
        if (strchr("\\`*_[]<#", *s) && *s)
            buf_append(b, "\\", 1);
        else if (*s == '&' && (s[1] == '#' || ((s[1] | 0x20) >= 'a' && (s[1] | 0x20) <= 'z')))
            buf_append(b, "\\", 1);
        buf_append(b, s, 1);
    }
}

/* A block's text with emphasis as CommonMark; spaces stay outside the
 * markers, where CommonMark wants them. */
static void md_inline(buf *b, const import_block *blk, bool emphasis)
{
    bool start = true;
    for (size_t i = 0; i < blk->run_count; i++) {
        const char *t = blk->runs[i].text;
        size_t n = strlen(t), lead = 0;
        while (lead < n && t[lead] == ' ')
            lead++;
        size_t end = n;
        while (end > lead && t[end - 1] == ' ')
            end--;
        if (lead && !start)
            buf_puts(b, " ");
        if (end > lead) {
            const char *mark = !emphasis ? ""
                               : blk->runs[i].flags == (IMPORT_BOLD | IMPORT_ITALIC) ? "***"
                               : blk->runs[i].flags == IMPORT_BOLD                   ? "**"
                               : blk->runs[i].flags == IMPORT_ITALIC                 ? "*"
                                                                                     : "";
            buf_puts(b, mark);
            char *part = xstrndup(t + lead, end - lead);
            md_escape(b, part, start && !*mark);
            free(part);
            buf_puts(b, mark);
            start = false;
        }
        if (end < n && i + 1 < blk->run_count)
            buf_puts(b, " ");
    }
}


/* Whether CommonMark reads md back as exactly the text plain. */
static bool reads_back(const char *md, size_t len, const char *plain)
{
    cmark_node *doc = cmark_parse_document(md, len, CMARK_OPT_DEFAULT);
    buf t;
    buf_init(&t);
    article_plain_text(doc, &t);
    buf_append(&t, "", 0);
    bool same = strcmp(t.data, plain) == 0;
    buf_fini(&t);
    cmark_node_free(doc);
    return same;
}

/* Appends the block; false when no way of writing it reads back as its
 * text (then it is written plain). */
static bool md_block(buf *b, const import_block *blk, int number)
{
    static const char *const prefixes[] = {"", "## ", "> ", "- ", ""};
    size_t start = b->len;
    char *plain = import_block_text(blk);
    /* Emphasis CommonMark cannot express at some place (markers between
     * punctuation) would show as asterisks: then the block goes plain. */
    for (int emphasis = blk->kind != IMPORT_SUBHEAD; emphasis >= 0; emphasis--) {
        b->len = start;
        if (blk->kind == IMPORT_NUMBERED)
            buf_printf(b, "%d. ", number);
        else
            buf_puts(b, prefixes[blk->kind]);
        md_inline(b, blk, emphasis);
        if (reads_back(b->data + start, b->len - start, plain)) {
            free(plain);
            return true;
        }
    }
    free(plain);
    return false;
}

char *import_article_text(const imported_article *im, int *unfaithful_line)
{
    if (unfaithful_line)
        *unfaithful_line = 0;
    buf b;
    buf_init(&b);
    buf_puts(&b, "---\n");
    yaml_field(&b, "", "title", im->title);
    if (im->year)
        buf_printf(&b, "date: %04d-%02d-%02d\n", im->year, im->month, im->day);
    yaml_field(&b, "", "byline", im->byline);
    yaml_field(&b, "", "lead", im->lead);
    if (im->photo_count) {
        buf_puts(&b, "images:\n");
        for (size_t i = 0; i < im->photo_count; i++) {
            const import_photo *p = &im->photos[i];
            buf_puts(&b, "  - file: ");
            yaml_string(&b, p->file ? p->file : "");
            if (!p->file)
                buf_puts(&b, "  # fill in: the photo this caption belongs to");
            buf_puts(&b, "\n");
            yaml_field(&b, "    ", "caption", p->caption);
            yaml_field(&b, "    ", "credit", p->credit);
        }
    }
    buf_puts(&b, "---\n");
    int number = 0;
    for (size_t i = 0; i < im->block_count; i++) {
        const import_block *blk = &im->blocks[i];
        bool same_list = i > 0 && blk->kind == im->blocks[i - 1].kind &&
                         (blk->kind == IMPORT_BULLET || blk->kind == IMPORT_NUMBERED);
        number = blk->kind != IMPORT_NUMBERED ? 0
                 : blk->number > 0           ? blk->number
                 : same_list                 ? number + 1
                                             : 1;
        if (!same_list)
            buf_puts(&b, "\n");
        if (!md_block(&b, blk, number) && unfaithful_line && !*unfaithful_line)
            *unfaithful_line = blk->line ? blk->line : -1;
        buf_puts(&b, "\n");
    }
    buf_append(&b, "", 0);
    return buf_steal(&b);
}

char *import_checked_text(const imported_article *im, const char *article_path, diag *d)
{
    int unfaithful;
    char *text = import_article_text(im, &unfaithful);
    if (unfaithful) {
        diag_error(d, (src_loc){im->input, unfaithful > 0 ? unfaithful : 0, 0},
                   "this %s cannot be written as Markdown that reads back unchanged; "
                   "edit it by hand",
                   im->unit);
        free(text);
        return NULL;
    }
    arena *a = arena_new();
    diag *back = diag_new();
    article art;
    /* the parser keeps its input: give it a copy */
    char *copy = xstrdup(text);
    bool ok = article_parse(article_path, NULL, copy, strlen(copy), false, &art, a, back);
    if (!ok) {
        diag_error(d, loc_file(im->input), "the article made from this file would not build: %s",
                   diag_message(back, 0) ? diag_message(back, 0) : "unknown reason");
        free(text);
        text = NULL;
    }
    free(copy);
    diag_free(back);
    arena_free(a);
    return text;
}

bool import_write(imported_article *im, const char *out_dir, const char *stem, bool force,
                  char **article_path, diag *d)
{
    char *name = xasprintf("%s.md", stem);
    char *path = path_join(out_dir, name);
    free(name);
    *article_path = path;
    /* Photo names first, so the article can name them. */
    int n = 0;
    char **photo_paths = xcalloc(im->photo_count + 1, sizeof *photo_paths);
    bool ok = true;
    for (size_t i = 0; i < im->photo_count; i++) {
        import_photo *p = &im->photos[i];
        if (!p->data)
            continue;
        free(p->file);
        p->file = xasprintf("%s-%d.%s", stem, ++n, p->ext ? p->ext : "jpg");
        photo_paths[i] = path_join(out_dir, p->file);
    }
    if (!force) {
        if (access(path, F_OK) == 0) {
            diag_error(d, loc_file(im->input),
                       "%s already exists; import to another folder with -o, or replace it "
                       "with --force",
                       path);
            ok = false;
        }
        for (size_t i = 0; i < im->photo_count && ok; i++)
            if (photo_paths[i] && access(photo_paths[i], F_OK) == 0) {
                diag_error(d, loc_file(im->input),
                           "%s already exists; import to another folder with -o, or replace "
                           "it with --force",
                           photo_paths[i]);
                ok = false;
            }
    }
    bool *existed = xcalloc(im->photo_count + 1, sizeof *existed);
    for (size_t i = 0; i < im->photo_count; i++)
        existed[i] = photo_paths[i] && access(photo_paths[i], F_OK) == 0;
    /* The article is checked before any file is written. */
    char *text = ok ? import_checked_text(im, path, d) : NULL;
    ok = ok && text;
    size_t written = 0;
    for (; written < im->photo_count && ok; written++) {
        if (!photo_paths[written])
            continue;
        char *why = write_file_atomic(photo_paths[written], im->photos[written].data,
                                      im->photos[written].len);
        if (why) {
            diag_error(d, loc_file(im->input), "cannot write %s: %s", photo_paths[written], why);
            free(why);
            ok = false;
        }
    }
    if (ok) {
        char *why = write_file_atomic(path, text, strlen(text));
        if (why) {
            diag_error(d, loc_file(im->input), "cannot write %s: %s", path, why);
            free(why);
            ok = false;
        }
    }
    /* Nothing half-written: photos of an article that failed go too (those
     * --force replaced are gone either way; new ones are removed). */
    for (size_t i = 0; i < written && !ok; i++)
        if (photo_paths[i] && !existed[i])
            unlink(photo_paths[i]);
    free(existed);
    free(text);
    for (size_t i = 0; i < im->photo_count; i++)
        free(photo_paths[i]);
    free(photo_paths);
    return ok;
}
