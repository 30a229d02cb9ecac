#include "utf8.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util.h"

size_t utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s,
                                          (utf8proc_ssize_t)(len > 4 ? 4 : len), &c);
    if (n <= 0) {
        *cp = 0xFFFD;
        return 0;
    }
    *cp = (uint32_t)c;
    return (size_t)n;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
    return (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)out);
}

void utf8_line_col(const char *text, size_t len, size_t offset, int *line, int *col)
{
    int l = 1, c = 1;
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* Letters that TCVN3 (ABC) and VNI text show when its bytes are taken as
 * Windows-1252 and then stored as UTF-8: sequences that never occur in
 * Vietnamese Unicode text. VNI writes a base letter followed by a mark
 * byte (Ø Ù Û Õ Ï for the tones on the lowercase path); TCVN3 uses single
 * bytes for precomposed letters (¸ µ ¶ · ¹ ¨ ¾ » ...). */
static const char *const tcvn3_markers[] = {
    "\xc2\xb8", /* ¸ = á */ "\xc2\xb5", /* µ = à */ "\xc2\xb6", /* ¶ = ả */
    "\xc2\xb9", /* ¹ = ạ */ "\xc2\xa8", /* ¨ = ă */ "\xc2\xa9", /* © = â */
    "\xc2\xae", /* ® = đ */ "\xc2\xab", /* « = ơ */ "\xc2\xad", /* SHY = ư */
    "\xc3\x97", /* × = ừ-ish range in TCVN3 */
};
static const char *const vni_markers[] = {
    "a\xc3\xb8", "a\xc3\xb9", "a\xc3\xbb", "a\xc3\xb5", "a\xc3\xaf", /* aø aù aû aõ aï */
    "e\xc3\xb8", "e\xc3\xb9", "o\xc3\xb8", "o\xc3\xb9", "u\xc3\xb8", "u\xc3\xb9",
    "\xc3\xb1", /* ñ = đ in VNI */
    "a\xc3\xaf", "o\xc3\xaf", "e\xc3\xaf", "\xc3\xb6\xc3\xb8", /* öø = ừ */
};

static size_t count_occurrences(const char *text, size_t len, const char *needle)
{
    size_t n = 0, nl = strlen(needle);
    for (const char *p = text; (p = memmem(p, len - (size_t)(p - text), needle, nl)); p += nl)
        n++;
    return n;
}

/* Returns the offset of the first marker of the encoding, or (size_t)-1
 * when the text does not look like it. */
static size_t legacy_evidence(const char *text, size_t len, const char *const *markers,
                              size_t marker_count)
{
    size_t hits = 0, first = (size_t)-1;
    for (size_t i = 0; i < marker_count; i++) {
        size_t n = count_occurrences(text, len, markers[i]);
        if (n) {
            hits += n;
            const char *p = memmem(text, len, markers[i], strlen(markers[i]));
            if ((size_t)(p - text) < first)
                first = (size_t)(p - text);
        }
    }
    /* One stray symbol is not evidence; Vietnamese prose in these encodings
     * hits the markers on nearly every word. */
    return hits >= 3 ? first : (size_t)-1;
}

static size_t vietnamese_letters(const char *text, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(text + i, len - i, &cp);
        if (!k)
            break;
        if ((cp >= 0x1EA0 && cp <= 0x1EF9) || cp == 0x0110 || cp == 0x0111 || cp == 0x01A0 ||
            cp == 0x01A1 || cp == 0x01AF || cp == 0x01B0 || cp == 0x0103 || cp == 0x0102)
            n++;
        i += k;
    }
    return n;
}

/* Windows-1252 bytes 0x80..0x9F; the five unassigned ones map to C1. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

static uint32_t cp1252_to_cp(unsigned char b)
{
    return b >= 0x80 && b < 0xA0 ? cp1252_high[b - 0x80] : b;
}

/* The byte a code point had in Windows-1252, or -1. */
static int cp_to_cp1252(uint32_t cp)
{
    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
        return (int)cp;
    for (int i = 0; i < 32; i++)
        if (cp1252_high[i] == cp)
            return 0x80 + i;
    return -1;
}

/* Raw bytes read as Windows-1252, as UTF-8 (malloc'd). */
static char *cp1252_to_utf8(const char *s, size_t len, size_t *out_len)
{
    buf b;
    buf_init(&b);
    for (size_t i = 0; i < len; i++) {
        char enc[4];
        buf_append(&b, enc, utf8_encode(cp1252_to_cp((unsigned char)s[i]), enc));
    }
    *out_len = b.len;
    return buf_steal(&b);
}

static const char *legacy_guess(const char *text, size_t len, size_t *at);

bool utf8_check_input(const char *file, const char *text, size_t len, diag *d)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(text + i, len - i, &cp);
        int line, col;
        if (!k || cp == 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')) {
            utf8_line_col(text, len, i, &line, &col);
            /* Raw TCVN3 or VNI bytes are not UTF-8: say which it looks like. */
            size_t mlen, at;
            /* A UTF-8 file with one stray byte is not a legacy file. */
            size_t multibyte = 0;
            for (size_t j = 0; j < len && !k && multibyte < 3;) {
                uint32_t c2;
                size_t k2 = utf8_decode(text + j, len - j, &c2);
                multibyte += k2 > 1;
                j += k2 ? k2 : 1;
            }
            char *mojibake = k || multibyte >= 3 ? NULL : cp1252_to_utf8(text, len, &mlen);
            const char *guess = mojibake ? legacy_guess(mojibake, mlen, &at) : NULL;
            free(mojibake);
            if (guess)
                diag_error(d, (src_loc){file, line, col},
                           "this file is not UTF-8: it looks like the legacy %s encoding; "
                           "convert it to Unicode, or build with --input-encoding %s",
                           guess, strcmp(guess, "VNI") == 0 ? "vni" : "tcvn3");
            else if (!k)
                diag_error(d, (src_loc){file, line, col},
                           "invalid UTF-8 byte 0x%02X; save the file as UTF-8 (Unicode)",
                           (unsigned char)text[i]);
            else
                diag_error(d, (src_loc){file, line, col},
                           "control character U+%04X in text; remove it", cp);
            return false;
        }
        i += k;
    }
    size_t at;
    const char *enc = legacy_guess(text, len, &at);
    if (enc) {
        int line, col;
        utf8_line_col(text, len, at, &line, &col);
        diag_error(d, (src_loc){file, line, col},
                   "text looks like the legacy %s encoding, not Unicode; convert it to "
                   "Unicode, or build with --input-encoding %s",
                   enc, strcmp(enc, "VNI") == 0 ? "vni" : "tcvn3");
        return false;
    }
    return true;
}

/* Which legacy encoding mojibake UTF-8 text shows, or NULL. */
static const char *legacy_guess(const char *text, size_t len, size_t *at)
{
    if (vietnamese_letters(text, len) >= 3)
        return NULL; /* real Vietnamese Unicode text */
    if ((*at = legacy_evidence(text, len, vni_markers, sizeof vni_markers / sizeof *vni_markers)) !=
        (size_t)-1)
        return "VNI";
    if ((*at = legacy_evidence(text, len, tcvn3_markers,
                               sizeof tcvn3_markers / sizeof *tcvn3_markers)) != (size_t)-1)
        return "TCVN3 (ABC)";
    return NULL;
}

int utf8_legacy_detect(const char *text, size_t len)
{
    size_t at;
    const char *enc = legacy_guess(text, len, &at);
    return !enc ? LEGACY_NONE : strcmp(enc, "VNI") == 0 ? LEGACY_VNI : LEGACY_TCVN3;
}

bool utf8_legacy_parse(const char *name, int *out)
{
    if (strcmp(name, "tcvn3") == 0 || strcmp(name, "abc") == 0)
        *out = LEGACY_TCVN3;
    else if (strcmp(name, "vni") == 0)
        *out = LEGACY_VNI;
    else if (strcmp(name, "utf-8") == 0 || strcmp(name, "utf8") == 0)
        *out = LEGACY_NONE;
    else
        return false;
    return true;
}

/* VNI writes a Latin base letter followed by mark bytes, plus a few
 * letters of their own. Each high byte: the text it stands for, marks as
 * combining characters (NFC composes them afterwards). */
static const char *vni_byte(unsigned char b)
{
    switch (b) {
    /* tone marks, lower and upper case */
    case 0xF8: case 0xD8: return "\xCC\x80";             /* grave */
    case 0xF9: case 0xD9: return "\xCC\x81";             /* acute */
    case 0xFB: case 0xDB: return "\xCC\x89";             /* hook above */
    case 0xF5: case 0xD5: return "\xCC\x83";             /* tilde */
    case 0xEF: case 0xCF: return "\xCC\xA3";             /* dot below */
    /* circumflex, alone and with a tone */
    case 0xE2: case 0xC2: return "\xCC\x82";
    case 0xE0: case 0xC0: return "\xCC\x82\xCC\x80";
    case 0xE1: case 0xC1: return "\xCC\x82\xCC\x81";
    case 0xE5: case 0xC5: return "\xCC\x82\xCC\x89";
    case 0xE3: case 0xC3: return "\xCC\x82\xCC\x83";
    case 0xE4: case 0xC4: return "\xCC\x82\xCC\xA3";
    /* breve, alone and with a tone */
    case 0xEA: case 0xCA: return "\xCC\x86";
    case 0xE8: case 0xC8: return "\xCC\x86\xCC\x80";
    case 0xE9: case 0xC9: return "\xCC\x86\xCC\x81";
    case 0xFA: case 0xDA: return "\xCC\x86\xCC\x89";
    case 0xFC: case 0xDC: return "\xCC\x86\xCC\x83";
    case 0xEB: case 0xCB: return "\xCC\x86\xCC\xA3";
    /* letters of their own */
    case 0xF4: return "\xC6\xA1"; /* ơ */
    case 0xD4: return "\xC6\xA0"; /* Ơ */
    case 0xF6: return "\xC6\xB0"; /* ư */
    case 0xD6: return "\xC6\xAF"; /* Ư */
    case 0xF1: return "\xC4\x91"; /* đ */
    case 0xD1: return "\xC4\x90"; /* Đ */
    case 0xEC: return "\xC3\xAC"; /* ì */
    case 0xCC: return "\xC3\x8C";
    case 0xED: return "\xC3\xAD"; /* í */
    case 0xCD: return "\xC3\x8D";
    case 0xE6: return "\xE1\xBB\x89"; /* ỉ */
    case 0xC6: return "\xE1\xBB\x88";
    case 0xF3: return "\xC4\xA9"; /* ĩ */
    case 0xD3: return "\xC4\xA8";
    case 0xF2: return "\xE1\xBB\x8B"; /* ị */
    case 0xD2: return "\xE1\xBB\x8A";
    case 0xEE: return "\xE1\xBB\xB5"; /* ỵ */
    case 0xCE: return "\xE1\xBB\xB4";
    default: return NULL;
    }
}

char *utf8_from_legacy(const char *text, size_t len, int encoding, size_t *out_len)
{
    /* Back to the original bytes when they were read as Windows-1252. */
    buf raw;
    buf_init(&raw);
    bool valid = true;
    for (size_t i = 0; i < len && valid;) {
        uint32_t cp;
        size_t k = utf8_decode(text + i, len - i, &cp);
        int b = k ? cp_to_cp1252(cp) : -1;
        if (b < 0)
            valid = false;
        else {
            char c = (char)b;
            buf_append(&raw, &c, 1);
        }
        i += k ? k : 1;
    }
    if (!valid) {
        raw.len = 0;
        buf_append(&raw, text, len);
    }
    buf out;
    buf_init(&out);
    if (encoding == LEGACY_TCVN3) {
        iconv_t cd = iconv_open("UTF-8", "TCVN5712-1");
        if (cd != (iconv_t)-1) {
            char *in = raw.data ? raw.data : (char *)"";
            size_t in_left = raw.len;
            while (in_left) {
                char chunk[4096], *o = chunk;
                size_t o_left = sizeof chunk;
                size_t r = iconv(cd, &in, &in_left, &o, &o_left);
                buf_append(&out, chunk, sizeof chunk - o_left);
                if (r == (size_t)-1 && errno != E2BIG) {
                    buf_append(&out, "\xEF\xBF\xBD", 3); /* a byte TCVN3 lacks */
                    in++;
                    in_left--;
                }
            }
            iconv_close(cd);
        }
    } else {
        for (size_t i = 0; i < raw.len; i++) {
            unsigned char b = (unsigned char)raw.data[i];
            const char *v = b >= 0x80 ? vni_byte(b) : NULL;
            if (v)
                buf_puts(&out, v);
            else if (b < 0x80)
                buf_append(&out, &raw.data[i], 1);
            else {
                char enc[4];
                buf_append(&out, enc, utf8_encode(cp1252_to_cp(b), enc));
            }
        }
    }
    buf_fini(&raw);
    char *nfc = utf8_nfc(out.data ? out.data : "", out.len, out_len);
    buf_fini(&out);
    return nfc;
}

/* True when cp is already NFC on its own and never composes with the
 * character before it: below U+0300 (before the combining marks), Latin
 * Extended Additional (Vietnamese precomposed letters) and General
 * Punctuation except U+2000/U+2001, which NFC maps to U+2002/U+2003. */
static bool nfc_inert(uint32_t cp)
{
    return cp < 0x300 || (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x2002 && cp <= 0x206F);
}

char *utf8_nfc(const char *s, size_t len, size_t *out_len)
{
    /* Nearly all text is NFC already: check cheaply before normalising. */
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = utf8_decode(s + i, len - i, &cp);
        if (!k || !nfc_inert(cp))
            break;
        i += k;
    }
    if (i == len) {
        *out_len = len;
        return xstrndup(s, len);
    }
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &out,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0) {
        /* Only reachable for invalid UTF-8, which input checking rejects. */
        *out_len = len;
        return xstrndup(s, len);
    }
    *out_len = (size_t)n;
    char *r = xstrndup((const char *)out, (size_t)n);
    free(out);
    return r;
}

bool utf8_is_nfc(const char *s, size_t len)
{
    size_t n;
    char *c = utf8_nfc(s, len, &n);
    bool same = n == len && memcmp(c, s, len) == 0;
    free(c);
    return same;
}

size_t utf8_strip_bom(char *text, size_t len)
{
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        memmove(text, text + 3, len - 3);
        len -= 3;
        text[len] = '\0';
    }
    return len;
}

char *utf8_upper(const char *s, size_t len, size_t *out_len)
{
    buf b;
    buf_init(&b);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, len - i, &cp);
        if (!k) {
            buf_append(&b, s + i, 1);
            i++;
            continue;
        }
        char enc[4];
        size_t m = utf8_encode((uint32_t)utf8proc_toupper((utf8proc_int32_t)cp), enc);
        buf_append(&b, enc, m);
        i += k;
    }
    *out_len = b.len;
    return buf_steal(&b);
}
