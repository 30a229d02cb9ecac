/* Scraped plain text: one paragraph per line, in the shape a news portal
 * gives when its page is copied: title, button row, date line, lead,
 * paragraphs, standalone photo captions, subheads, byline, then comments
 * or related links. */
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "import.h"
#include "utf8.h"

static size_t word_count(const char *s)
{
    size_t n = 0;
    for (bool in = false; *s; s++) {
        if (*s == ' ')
            in = false;
        else if (!in) {
            in = true;
            n++;
        }
    }
    return n;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && memcmp(s + n - t, tail, t) == 0;
}

/* Whether a line ends as a sentence does; an ellipsis does not, since a
 * shortened caption often ends with one. */
static bool ends_sentence(const char *s)
{
    if (ends_with(s, "...") || ends_with(s, "\xE2\x80\xA6"))
        return false;
    size_t n = strlen(s);
    if (!n)
        return false;
    if (strchr(".!?:;\"'", s[n - 1]))
        return true;
    return ends_with(s, "\xE2\x80\x9D") /* ” */ || ends_with(s, "\xC2\xBB"); /* » */
}

/* A list marker at the start of a line: its length, or 0. */
static size_t bullet_marker(const char *s)
{
    if ((s[0] == '-' || s[0] == '+' || s[0] == '*') && s[1] == ' ')
        return 2;
    if (strncmp(s, "\xE2\x80\xA2 ", 4) == 0 || strncmp(s, "\xE2\x80\x93 ", 4) == 0) /* • – */
        return 4;
    return 0;
}

/* "(BNĐT) - ", "ĐBP - ", "(ĐCSVN) – ": the source tag that opens a lead. */
static bool opens_with_source_tag(const char *s)
{
    const char *p = s;
    bool paren = *p == '(';
    if (paren)
        p++;
    const char *start = p;
    while (*p && *p != ')' && *p != ' ' && p - start < 24) {
        uint32_t cp;
        size_t k = utf8_decode(p, strlen(p), &cp);
        if (!k || (cp >= 'a' && cp <= 'z') || cp == 0x0111)
            return false;
        p += k;
    }
    if (p - start < 2)
        return false;
    if (paren) {
        if (*p != ')')
            return false;
        p++;
    }
    while (*p == ' ')
        p++;
    return (*p == '-' || strncmp(p, "\xE2\x80\x93", 3) == 0 || strncmp(p, "\xE2\x80\x94", 3) == 0);
}

/* Decides what each remaining line is. */
static void classify(imported_article *im)
{
    for (size_t i = 0; i < im->block_count;) {
        import_block *b = &im->blocks[i];
        char *t = import_block_text(b);
        size_t words = word_count(t);
        size_t marker = bullet_marker(t);
        char *credit_probe = xstrdup(t);
        char *credit = import_split_credit(credit_probe);
        bool credit_only = credit && !*credit_probe;
        if (i == 0 && !im->lead && opens_with_source_tag(t) && words >= 12) {
            im->lead = t;
            import_note(im, "lead from line %d (opens with a source tag)", b->line);
            import_remove_block(im, i);
            free(credit_probe);
            free(credit);
            continue;
        }
        if (credit_only && im->photo_count && !im->photos[im->photo_count - 1].credit &&
            im->photos[im->photo_count - 1].line + 1 >= b->line - 1) {
            /* "Ảnh: X" on its own line after a caption */
            im->photos[im->photo_count - 1].credit = credit;
            import_note(im, "line %d: photo credit of the caption above", b->line);
            import_remove_block(im, i);
            free(credit_probe);
            free(t);
            continue;
        }
        bool caption = !marker && i + 1 < im->block_count && words <= 45 &&
                       ((credit && !credit_only) ||
                        (!ends_sentence(t) && words >= 6 && (strchr(t, ',') || words > 12)));
        if (caption) {
            import_photo *p = import_add_photo(im, b->line);
            p->caption = credit ? xstrdup(credit_probe) : xstrdup(t);
            p->credit = credit;
            credit = NULL;
            import_note(im, "line %d is a photo caption: images[%zu] waits for its photo file",
                        b->line, im->photo_count);
            import_remove_block(im, i);
        } else if (marker) {
            char *item = xstrdup(t + marker);
            for (size_t r = 0; r < b->run_count; r++)
                free(b->runs[r].text);
            b->run_count = 0;
            b->kind = IMPORT_BULLET;
            import_block_add(b, item, strlen(item), 0);
            free(item);
            i++;
        } else if (words <= 12 && !ends_sentence(t) && i + 1 < im->block_count) {
            b->kind = IMPORT_SUBHEAD;
            import_note(im, "line %d is a subhead (a short line without a full stop)", b->line);
            i++;
        } else
            i++;
        free(credit_probe);
        free(credit);
        free(t);
    }
}

bool import_read_text(imported_article *im, const char *path, diag *d)
{
    size_t raw_len, len;
    char *raw = read_input(path, "the text file", false, &raw_len, d);
    if (!raw)
        return false;
    const char *what = NULL;
    char *text = import_decode(path, raw, raw_len, &len, &what, d);
    free(raw);
    if (!text)
        return false;
    import_note(im, "encoding: %s", what);
    int line = 1;
    for (char *s = text; *s;) {
        char *eol = strchr(s, '\n');
        size_t n = eol ? (size_t)(eol - s) : strlen(s);
        char *clean = import_clean_text(s, n);
        if (*clean) {
            /* A control character other than tab is not text. */
            bool bad = false;
            for (char *c = clean; *c && !bad; c++)
                bad = (unsigned char)*c < 0x20;
            if (bad) {
                diag_error(d, (src_loc){path, line, 1},
                           "control character in the text; is this a text file?");
                free(clean);
                free(text);
                return false;
            }
            import_block *b = import_add_block(im, IMPORT_PARAGRAPH, line);
            import_block_add(b, clean, strlen(clean), 0);
        }
        free(clean);
        line++;
        s = eol ? eol + 1 : s + n;
    }
    free(text);
    import_tidy(im, d);
    classify(im);
    return true;
}
