#include "utf8.h"

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

bool utf8_check_input(const char *file, const char *text, size_t len, diag *d)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(text + i, len - i, &cp);
        int line, col;
        if (!k || cp == 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')) {
            utf8_line_col(text, len, i, &line, &col);
            if (!k)
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
    size_t vn = vietnamese_letters(text, len);
    const char *enc = NULL;
    size_t at = legacy_evidence(text, len, vni_markers,
                                sizeof vni_markers / sizeof *vni_markers);
    if (at != (size_t)-1)
        enc = "VNI";
    else if ((at = legacy_evidence(text, len, tcvn3_markers,
                                   sizeof tcvn3_markers / sizeof *tcvn3_markers)) != (size_t)-1)
        enc = "TCVN3 (ABC)";
    if (enc && vn < 3) {
        int line, col;
        utf8_line_col(text, len, at, &line, &col);
        diag_error(d, (src_loc){file, line, col},
                   "text looks like the legacy %s encoding, not Unicode; convert it to "
                   "Unicode (UTF-8) first",
                   enc);
        return false;
    }
    return true;
}

char *utf8_nfc(const char *s, size_t len, size_t *out_len)
{
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
