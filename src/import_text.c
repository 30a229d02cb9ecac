/* Scraped plain text: one paragraph per line, in the shape a news portal
 * gives when its page is copied: title, button row, date line, lead,
 * paragraphs, standalone photo captions, subheads, byline, then comments
 * or related links. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "caps.h"
#include "import.h"
#include "utf8.h"

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && memcmp(s + n - t, tail, t) == 0;
}

/* Whether a line ends as a sentence does. */
static bool ends_sentence(const char *s)
{
    if (ends_with(s, "\xE2\x80\xA6")) /* … */
        return true;
    size_t n = strlen(s);
    if (!n)
        return false;
    if (strchr(".!?:;\"')", s[n - 1]))
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

/* Whether text holds a sentence end followed by another sentence: ". ",
 * "! " or "? " between a lower-case letter and a capital (any script). */
static bool two_sentences(const char *t)
{
    size_t n = strlen(t);
    uint32_t before = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_decode(t + i, n - i, &cp);
        if (!k)
            return false;
        if ((cp == '.' || cp == '!' || cp == '?') && i + k + 1 < n && t[i + k] == ' ' &&
            utf8proc_category((utf8proc_int32_t)before) == UTF8PROC_CATEGORY_LL) {
            uint32_t after;
            if (utf8_decode(t + i + k + 1, n - i - k - 1, &after) &&
                utf8proc_category((utf8proc_int32_t)after) == UTF8PROC_CATEGORY_LU)
                return true;
        }
        before = cp;
        i += k;
    }
    return false;
}

/* "1. ", "2) ", "I. ", "a) ": a numbered item or heading. */
static bool numbered(const char *s)
{
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    if (!i)
        while (s[i] == 'I' || s[i] == 'V' || s[i] == 'X')
            i++;
    if (!i && s[0] >= 'a' && s[0] <= 'z')
        i = 1;
    return i && i <= 4 && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ';
}

/* What photo captions say and body sentences rarely do in one short
 * line: the scene, the speaker, the handing over (case-folded prefixes
 * and phrases). */
static bool caption_words(const char *t)
{
    static const char *const cues[] = {"Quang cảnh", "Toàn cảnh", "Các đại biểu", "Đại biểu",
                                       " phát biểu", " trao ", " chụp ảnh", " tại buổi",
                                       " tại lễ", " tại hội nghị", " tại chương trình",
                                       " biểu diễn", NULL};
    for (const char *const *c = cues; *c; c++)
        if ((**c == ' ' && strstr(t, *c)) || (**c != ' ' && strncmp(t, *c, strlen(*c)) == 0))
            return true;
    return false;
}

/* How news sentences open and captions do not: "Tham dự hội nghị có...",
 * "Sáng 5/1, ...", "Theo ...". */
static bool opens_like_body(const char *t)
{
    static const char *const openers[] = {"Tham dự ", "Dự ", "Theo ", "Tại ", "Sáng ", "Chiều ",
                                          "Tối ", "Trưa ", "Ngày ", "Trong ", "Năm ", "Để ",
                                          "Qua ", "Với ", "Nhằm ", "Từ ", "Đến ", "Hiện ", NULL};
    for (const char *const *o = openers; *o; o++)
        if (strncmp(t, *o, strlen(*o)) == 0)
            return true;
    return false;
}

/* "Image copyright AFP", "Bản quyền hình ảnh Reuters": a credit line that
 * comes before its caption. */
static const char *credit_before_caption(const char *t)
{
    static const char *const prefixes[] = {"Image copyright ", "Bản quyền hình ảnh ",
                                           "Getty Images", NULL};
    for (const char *const *p = prefixes; *p; p++)
        if (strncmp(t, *p, strlen(*p)) == 0)
            return (*p)[strlen(*p) - 1] == ' ' ? t + strlen(*p) : t;
    return NULL;
}

/* Decides what each remaining line is. */
static void classify(imported_article *im)
{
    size_t credit_slot = 0; /* images[n] whose credit line came first */
    for (size_t i = 0; i < im->block_count;) {
        import_block *b = &im->blocks[i];
        char *t = import_block_text(b);
        size_t words = import_count_words(t);
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
        const char *early_credit = credit_before_caption(t);
        if (early_credit && words <= 6) {
            /* the photo was there; its caption may follow */
            import_photo *p = import_add_photo(im, b->line);
            p->credit = xstrdup(early_credit);
            credit_slot = im->photo_count;
            import_note(im, "line %d: \"%s\" is the credit of images[%zu]", b->line, t,
                        im->photo_count);
            import_remove_block(im, i);
            free(credit_probe);
            free(credit);
            free(t);
            continue;
        }
        /* One sentence at most: a caption is not a paragraph of the body. */
        bool one_sentence = !two_sentences(credit ? credit_probe : t);
        /* "TS Nguyễn Hữu Hà - ảnh 1": a gallery's numbering left in a caption */
        size_t tl = strlen(t), k = tl;
        while (k && t[k - 1] >= '0' && t[k - 1] <= '9')
            k--;
        bool gallery = k < tl && k >= 9 && memcmp(t + k - 9, " - \xE1\xBA\xA3nh ", 9) == 0;
        bool after_credit = credit_slot && credit_slot == im->photo_count &&
                            !im->photos[credit_slot - 1].caption;
        bool caption = !marker && !numbered(t) && b->standalone && i + 1 < im->block_count &&
                       words <= 45 && words >= 3 &&
                       ((credit && !credit_only) || gallery ||
                        (!ends_sentence(t) && !opens_like_body(t) && words >= 6 &&
                         (strchr(t, ',') || words > 12)) ||
                        (after_credit && !ends_sentence(t)) ||
                        (one_sentence && words <= 35 && !strchr(t, ',') && caption_words(t)));
        credit_slot = 0;
        if (caption) {
            import_photo *p = after_credit ? &im->photos[im->photo_count - 1]
                                           : import_add_photo(im, b->line);
            if (gallery) {
                import_note(im, "line %d: gallery numbering \"%s\" taken off the caption", b->line,
                            t + k - 9 + 3);
                credit_probe[k - 9] = '\0';
            }
            p->caption = xstrdup(credit ? credit_probe : gallery ? credit_probe : t);
            if (credit) {
                free(p->credit);
                p->credit = credit;
            }
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
        } else if (words <= 12 && !ends_sentence(t) && b->standalone && i + 1 < im->block_count &&
                   !credit_only) {
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
    /* A NUL is not in a text file: a binary file named .txt, or UTF-16
     * cut in the middle. */
    const char *nul = memchr(text, 0, len);
    if (nul) {
        int line, col;
        utf8_line_col(text, (size_t)(nul - text), (size_t)(nul - text), &line, &col);
        diag_error(d, (src_loc){path, line, col}, "NUL character in the text; is this a text file?");
        free(text);
        return false;
    }
    import_note(im, "encoding: %s", what);
    /* Paragraphs one per line, or blocks between empty lines (which may
     * hold lines of their own, from <br>): then only a whole block can be
     * a caption or a subhead. */
    size_t lines = 0, empty_after = 0;
    for (char *s = text, *eol; *s; s = eol + 1) {
        eol = strchr(s, '\n');
        if (!eol)
            break;
        bool blank = true;
        for (char *c = s; c < eol && blank; c++)
            blank = *c == ' ' || *c == '\t' || *c == '\r';
        if (!blank) {
            lines++;
            char *next = eol + 1;
            bool next_blank = true;
            for (char *c = next; *c && *c != '\n' && next_blank; c++)
                next_blank = *c == ' ' || *c == '\t' || *c == '\r';
            empty_after += next_blank;
        }
    }
    bool blocks_by_empty_lines = lines && empty_after * 2 >= lines;
    int line = 1;
    bool after_empty = true;
    import_block *prev = NULL; /* the line before, when not empty */
    for (char *s = text; *s;) {
        char *eol = strchr(s, '\n');
        size_t n = eol ? (size_t)(eol - s) : strlen(s);
        char *clean = import_clean_text(s, n);
        if (*clean) {
            char *prev_text = prev ? import_block_text(prev) : NULL;
            uint32_t first;
            utf8_decode(clean, strlen(clean), &first);
            /* A paragraph wrapped at a fixed width (mail, a terminal): the
             * line goes on a sentence the line before left open. */
            bool continues = blocks_by_empty_lines && prev_text && strlen(prev_text) >= 40 &&
                             !ends_sentence(prev_text) &&
                             utf8proc_category((utf8proc_int32_t)first) == UTF8PROC_CATEGORY_LL;
            free(prev_text);
            if (continues) {
                import_block_add(prev, " ", 1, 0);
                import_block_add(prev, clean, strlen(clean), 0);
            } else {
                /* Lines of one block (kept apart, as <br> had them): none
                 * of them is a caption or subhead of its own. */
                if (prev && blocks_by_empty_lines)
                    prev->standalone = false;
                import_block *b = import_add_block(im, IMPORT_PARAGRAPH, line);
                import_block_add(b, clean, strlen(clean), 0);
                b->standalone = !blocks_by_empty_lines || after_empty;
                prev = b;
            }
        } else
            prev = NULL;
        after_empty = !*clean;
        free(clean);
        line++;
        s = eol ? eol + 1 : s + n;
    }
    free(text);
    import_tidy(im, d);
    classify(im);
    return true;
}
