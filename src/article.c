#include "article.h"

#include <cmark.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "caps.h"
#include "utf8.h"
#include "util.h"
#include "yml.h"

typedef struct block_builder {
    buf text;
    span *spans;
    size_t span_count, span_cap;
    figure **figs; /* images met inside the paragraph */
    size_t fig_count, fig_cap;
} block_builder;

typedef struct parse_ctx {
    const char *file;
    const char *dir;
    const char *root;   /* issue folder images must lie in, or NULL */
    const char *source; /* whole file, for locating image references */
    size_t source_len;
    bool probe_images;
    arena *a;
    diag *d;
    block *blocks;
    size_t block_count, block_cap;
    bool ok;
} parse_ctx;

/* Finds where `needle` first occurs at or after line `line` of the source,
 * to point an error at the image reference itself. */
static src_loc locate(const parse_ctx *c, int line, const char *needle)
{
    size_t off = 0;
    for (int l = 1; l < line && off < c->source_len; off++)
        if (c->source[off] == '\n')
            l++;
    const char *hit = needle && *needle
                          ? memmem(c->source + off, c->source_len - off, needle, strlen(needle))
                          : NULL;
    if (hit)
        off = (size_t)(hit - c->source);
    src_loc loc = {c->file, 0, 0};
    utf8_line_col(c->source, c->source_len, off, &loc.line, &loc.col);
    return loc;
}

static bool resolve_image(parse_ctx *c, const char *rel, src_loc loc, figure *fig)
{
    if (!rel || !*rel) {
        diag_error(c->d, loc, "image without a file name");
        return false;
    }
    if (strstr(rel, "://")) {
        diag_error(c->d, loc, "image '%s' is a web address; download it next to the article",
                   rel);
        return false;
    }
    char *full = path_join(c->dir, rel);
    fig->path = arena_strdup(c->a, full);
    free(full);
    fig->loc = loc;
    if (!c->probe_images)
        return true;
    if (!path_is_regular_file(fig->path)) {
        diag_error(c->d, loc, "image '%s' not found (looked for %s)", rel, fig->path);
        return false;
    }
    if (c->root && !limits.allow_outside && !path_is_inside(fig->path, c->root)) {
        diag_error(c->d, loc,
                   "image '%s' lies outside the issue folder %s; copy it into the folder "
                   "(or build with --allow-outside)",
                   rel, c->root);
        return false;
    }
    image_info info;
    if (!image_probe(fig->path, loc, &info, c->d))
        return false;
    fig->pixel_width = info.width;
    fig->pixel_height = info.height;
    return true;
}

static void append_text(block_builder *b, const char *s, size_t len, unsigned flags)
{
    size_t nlen;
    char *nfc = utf8_nfc(s, len, &nlen);
    size_t start = b->text.len;
    /* Collapse runs of ASCII blanks as a browser would; keep no-break spaces. */
    for (size_t i = 0; i < nlen; i++) {
        char ch = nfc[i];
        if (ch == '\t' || ch == '\r')
            ch = ' ';
        if (ch == ' ' && b->text.len > 0 && (b->text.data[b->text.len - 1] == ' ' ||
                                              b->text.data[b->text.len - 1] == '\n'))
            continue;
        if (ch == ' ' && b->text.len == 0)
            continue;
        buf_append(&b->text, &ch, 1);
    }
    free(nfc);
    if (b->text.len == start)
        return;
    if (b->span_count && b->spans[b->span_count - 1].flags == flags &&
        b->spans[b->span_count - 1].offset + b->spans[b->span_count - 1].len == start) {
        b->spans[b->span_count - 1].len += b->text.len - start;
        return;
    }
    span *sp = ARRAY_PUSH(b->spans, b->span_count, b->span_cap);
    sp->offset = start;
    sp->len = b->text.len - start;
    sp->flags = flags;
}

void article_plain_text(cmark_node *n, buf *out)
{
    for (cmark_node *ch = cmark_node_first_child(n); ch; ch = cmark_node_next(ch)) {
        const char *lit = cmark_node_get_literal(ch);
        switch (cmark_node_get_type(ch)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            buf_puts(out, lit ? lit : "");
            break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            buf_puts(out, " ");
            break;
        default:
            article_plain_text(ch, out);
        }
    }
}

static void walk_inlines(parse_ctx *c, cmark_node *parent, unsigned flags, block_builder *b,
                         int line)
{
    for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
        const char *lit = cmark_node_get_literal(n);
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            append_text(b, lit ? lit : "", lit ? strlen(lit) : 0, flags);
            break;
        case CMARK_NODE_SOFTBREAK:
            append_text(b, " ", 1, flags);
            break;
        case CMARK_NODE_LINEBREAK:
            while (b->text.len && b->text.data[b->text.len - 1] == ' ')
                b->text.data[--b->text.len] = '\0';
            buf_append(&b->text, "\n", 1);
            if (b->span_count)
                b->spans[b->span_count - 1].len =
                    b->text.len - b->spans[b->span_count - 1].offset;
            break;
        case CMARK_NODE_EMPH:
            walk_inlines(c, n, flags | SPAN_ITALIC, b, line);
            break;
        case CMARK_NODE_STRONG:
            walk_inlines(c, n, flags | SPAN_BOLD, b, line);
            break;
        case CMARK_NODE_LINK:
            walk_inlines(c, n, flags, b, line);
            break;
        case CMARK_NODE_IMAGE: {
            const char *url = cmark_node_get_url(n);
            figure *fig = arena_alloc(c->a, sizeof *fig);
            fig->focus = 0.5;
            buf alt;
            buf_init(&alt);
            article_plain_text(n, &alt);
            if (alt.len) {
                size_t nl;
                char *nfc = utf8_nfc(alt.data, alt.len, &nl);
                fig->caption = arena_strndup(c->a, nfc, nl);
                free(nfc);
            }
            buf_fini(&alt);
            if (!resolve_image(c, url, locate(c, line, url), fig))
                c->ok = false;
            figure **slot = ARRAY_PUSH(b->figs, b->fig_count, b->fig_cap);
            *slot = fig;
            break;
        }
        default: /* raw HTML: not printed */
            break;
        }
    }
}

static void push_block(parse_ctx *c, block_kind kind, block_builder *b, src_loc loc,
                       const char *prefix)
{
    while (b->text.len && (b->text.data[b->text.len - 1] == ' ' ||
                           b->text.data[b->text.len - 1] == '\n'))
        b->text.data[--b->text.len] = '\0';
    if (b->text.len) {
        block *blk = ARRAY_PUSH(c->blocks, c->block_count, c->block_cap);
        memset(blk, 0, sizeof *blk);
        blk->kind = kind;
        blk->loc = loc;
        size_t plen = prefix ? strlen(prefix) : 0;
        char *text = arena_alloc(c->a, plen + b->text.len + 1);
        if (plen)
            memcpy(text, prefix, plen);
        memcpy(text + plen, b->text.data, b->text.len);
        blk->text = text;
        blk->len = plen + b->text.len;
        size_t extra = plen ? 1 : 0;
        blk->spans = arena_alloc(c->a, (b->span_count + extra) * sizeof(span));
        if (plen)
            blk->spans[blk->span_count++] = (span){0, plen, 0};
        for (size_t i = 0; i < b->span_count; i++) {
            span sp = b->spans[i];
            if (sp.offset >= b->text.len)
                continue;
            if (sp.offset + sp.len > b->text.len)
                sp.len = b->text.len - sp.offset;
            sp.offset += plen;
            blk->spans[blk->span_count++] = sp;
        }
    }
    for (size_t i = 0; i < b->fig_count; i++) {
        block *blk = ARRAY_PUSH(c->blocks, c->block_count, c->block_cap);
        memset(blk, 0, sizeof *blk);
        blk->kind = BLOCK_FIGURE;
        blk->fig = b->figs[i];
        blk->loc = b->figs[i]->loc;
    }
    buf_fini(&b->text);
    free(b->spans);
    free(b->figs);
    memset(b, 0, sizeof *b);
}

static src_loc node_loc(const parse_ctx *c, cmark_node *n, int line_offset)
{
    return (src_loc){c->file, cmark_node_get_start_line(n) + line_offset,
                     cmark_node_get_start_column(n)};
}

static void walk_blocks(parse_ctx *c, cmark_node *parent, block_kind kind, int line_offset)
{
    int item_number = 0;
    bool ordered = cmark_node_get_type(parent) == CMARK_NODE_LIST &&
                   cmark_node_get_list_type(parent) == CMARK_ORDERED_LIST;
    if (ordered)
        item_number = cmark_node_get_list_start(parent);
    for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
        block_builder b;
        memset(&b, 0, sizeof b);
        src_loc loc = node_loc(c, n, line_offset);
        int line = loc.line;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_PARAGRAPH:
            walk_inlines(c, n, 0, &b, line);
            push_block(c, kind, &b, loc, NULL);
            break;
        case CMARK_NODE_HEADING:
            walk_inlines(c, n, 0, &b, line);
            push_block(c, BLOCK_SUBHEAD, &b, loc, NULL);
            break;
        case CMARK_NODE_BLOCK_QUOTE:
            walk_blocks(c, n, BLOCK_QUOTE, line_offset);
            break;
        case CMARK_NODE_LIST:
            walk_blocks(c, n, BLOCK_LIST_ITEM, line_offset);
            break;
        case CMARK_NODE_ITEM: {
            /* The first paragraph of an item carries its marker. */
            char marker[32];
            if (ordered)
                snprintf(marker, sizeof marker, "%d. ", item_number++);
            else
                snprintf(marker, sizeof marker, "\xE2\x80\xA2 "); /* bullet */
            bool first = true;
            for (cmark_node *p = cmark_node_first_child(n); p; p = cmark_node_next(p)) {
                if (cmark_node_get_type(p) == CMARK_NODE_PARAGRAPH) {
                    block_builder ib;
                    memset(&ib, 0, sizeof ib);
                    src_loc ploc = node_loc(c, p, line_offset);
                    walk_inlines(c, p, 0, &ib, ploc.line);
                    push_block(c, BLOCK_LIST_ITEM, &ib, ploc, first ? marker : NULL);
                    first = false;
                } else {
                    walk_blocks(c, p, BLOCK_LIST_ITEM, line_offset);
                }
            }
            break;
        }
        case CMARK_NODE_CODE_BLOCK: {
            const char *lit = cmark_node_get_literal(n);
            if (lit) {
                size_t len = strlen(lit);
                /* Keep the lines: each source line is a hard break. */
                for (size_t i = 0, start = 0; i <= len; i++) {
                    if (i == len || lit[i] == '\n') {
                        if (i > start)
                            append_text(&b, lit + start, i - start, 0);
                        if (i < len && i + 1 < len)
                            buf_append(&b.text, "\n", 1);
                        start = i + 1;
                    }
                }
            }
            push_block(c, BLOCK_PARAGRAPH, &b, loc, NULL);
            break;
        }
        case CMARK_NODE_HTML_BLOCK:
            diag_warning(c->d, loc, "raw HTML is not printed");
            break;
        default: /* thematic breaks: nothing to print */
            break;
        }
    }
}

/* focus: top | center | bottom | a percentage from the top ("30%"). */
static bool parse_focus(const yml *y, yml_node item, double *out, diag *d)
{
    yml_node v = yml_get(y, item, "focus");
    const char *s = yml_scalar(y, v);
    if (!v)
        return true;
    if (s && strcmp(s, "top") == 0)
        *out = 0;
    else if (s && (strcmp(s, "center") == 0 || strcmp(s, "centre") == 0))
        *out = 0.5;
    else if (s && strcmp(s, "bottom") == 0)
        *out = 1;
    else
        return yml_get_fraction(y, item, "focus", 0, 1, out, d);
    return true;
}

static bool load_front_images(const yml *y, yml_node seq, parse_ctx *c, article *out)
{
    if (!yml_is_seq(y, seq)) {
        diag_error(c->d, yml_loc(y, seq), "'images' must be a list of photos, not %s",
                   yml_kind_name(y, seq));
        return false;
    }
    size_t n = yml_count(y, seq);
    out->figures = arena_alloc(c->a, n * sizeof(figure));
    bool ok = true;
    static const char *const keys[] = {"file", "caption", "credit", "span", "focus", NULL};
    for (size_t i = 0; i < n; i++) {
        yml_node item = yml_seq_item(y, seq, i);
        figure *fig = &out->figures[out->figure_count];
        if (!yml_check_map(y, item, "an image", keys, c->d)) {
            ok = false;
            continue;
        }
        char *file = NULL, *caption = NULL, *credit = NULL;
        long span_cols = 0;
        ok &= yml_get_text(y, item, "file", c->a, &file, c->d);
        ok &= yml_get_text(y, item, "caption", c->a, &caption, c->d);
        ok &= yml_get_text(y, item, "credit", c->a, &credit, c->d);
        ok &= yml_get_int(y, item, "span", 1, 12, &span_cols, c->d);
        fig->focus = 0.5;
        ok &= parse_focus(y, item, &fig->focus, c->d);
        if (!file) {
            diag_error(c->d, yml_loc(y, item), "image entry has no 'file'");
            ok = false;
            continue;
        }
        if (!*file) {
            /* `bulletin import` leaves such slots for a caption whose photo
             * the editor has still to find. */
            diag_warning(c->d, yml_loc(y, yml_get(y, item, "file")),
                         "photo slot without a file%s%s%s: fill in 'file:'; left out of the layout",
                         caption ? " (caption '" : "", caption ? caption : "", caption ? "')" : "");
            continue;
        }
        fig->caption = caption;
        fig->credit = credit;
        fig->span_columns = (int)span_cols;
        if (!resolve_image(c, file, yml_loc(y, yml_get(y, item, "file")), fig)) {
            ok = false;
            continue;
        }
        out->figure_count++;
    }
    return ok;
}

static bool parse_front_matter(parse_ctx *c, const char *text, size_t len, article *out)
{
    yml *y = yml_parse(c->file, text, len, 2, c->d);
    if (!y)
        return false;
    bool ok = true;
    yml_node root = yml_root(y);
    static const char *const keys[] = {"title", "kicker", "section", "byline", "date", "lead",
                                       "images", NULL};
    if (!root) {
        yml_free(y);
        return true;
    }
    if (!yml_check_map(y, root, "the front matter", keys, c->d)) {
        yml_free(y);
        return false;
    }
    char *title = NULL, *kicker = NULL, *byline = NULL, *lead = NULL, *section = NULL;
    ok &= yml_get_text(y, root, "title", c->a, &title, c->d);
    ok &= yml_get_text(y, root, "section", c->a, &section, c->d);
    out->section = section;
    ok &= yml_get_text(y, root, "kicker", c->a, &kicker, c->d);
    ok &= yml_get_text(y, root, "byline", c->a, &byline, c->d);
    ok &= yml_get_text(y, root, "lead", c->a, &lead, c->d);
    ok &= yml_get_date(y, root, "date", &out->year, &out->month, &out->day, c->d);
    out->title = title;
    out->kicker = kicker;
    out->byline = byline;
    out->lead = lead;
    if (yml_get(y, root, "title"))
        out->title_loc = yml_loc(y, yml_get(y, root, "title"));
    yml_node images = yml_get(y, root, "images");
    if (images)
        ok &= load_front_images(y, images, c, out);
    yml_free(y);
    return ok;
}

/* Splits "---\n<yaml>\n---\n<body>". Returns the body offset, 0 when the
 * file has no front matter, or (size_t)-1 when it is not closed. */
static size_t split_front_matter(const char *text, size_t len, size_t *yaml_len)
{
    if (len < 4 || memcmp(text, "---", 3) != 0 || (text[3] != '\n' && text[3] != '\r'))
        return 0;
    size_t pos = text[3] == '\r' ? 5 : 4;
    size_t start = pos;
    while (pos < len) {
        const char *eol = memchr(text + pos, '\n', len - pos);
        size_t line_end = eol ? (size_t)(eol - text) : len;
        size_t l = line_end - pos;
        if (l && text[line_end - 1] == '\r')
            l--;
        if ((l == 3 && (memcmp(text + pos, "---", 3) == 0 || memcmp(text + pos, "...", 3) == 0))) {
            *yaml_len = pos - start;
            return eol ? line_end + 1 : len;
        }
        pos = eol ? line_end + 1 : len;
    }
    return (size_t)-1;
}

bool article_parse(const char *path, const char *root, char *text, size_t len,
                   bool probe_images, article *out, arena *a, diag *d)
{
    memset(out, 0, sizeof *out);
    parse_ctx c = {0};
    c.file = diag_intern(d, path);
    char *dir = path_dirname(path);
    c.dir = arena_strdup(a, dir);
    free(dir);
    c.a = a;
    c.d = d;
    c.ok = true;
    c.probe_images = probe_images;
    c.root = root;
    out->path = c.file;
    out->loc = loc_file(c.file);

    len = utf8_strip_bom(text, len);
    c.source = text;
    c.source_len = len;
    if (!utf8_check_input(c.file, text, len, d))
        return false;

    size_t yaml_len = 0;
    size_t body = split_front_matter(text, len, &yaml_len);
    if (body == (size_t)-1) {
        diag_error(d, (src_loc){c.file, 1, 1},
                   "front matter starts with '---' but has no closing '---' line");
        return false;
    }
    int body_line = 1;
    if (body) {
        size_t start = text[3] == '\r' ? 5 : 4;
        c.ok &= parse_front_matter(&c, text + start, yaml_len, out);
        for (size_t i = 0; i < body; i++)
            if (text[i] == '\n')
                body_line++;
    }
    if (!out->title) {
        diag_error(d, (src_loc){c.file, 1, 1}, "article has no title; add 'title:' to its "
                   "front matter");
        c.ok = false;
    }
    cmark_node *doc = cmark_parse_document(text + body, len - body, CMARK_OPT_DEFAULT);
    walk_blocks(&c, doc, BLOCK_PARAGRAPH, body_line - 1);
    cmark_node_free(doc);
    out->blocks = c.blocks ? arena_memdup(a, c.blocks, c.block_count * sizeof(block)) : NULL;
    out->block_count = c.block_count;
    free(c.blocks);
    if (c.ok && out->block_count == 0 && !out->lead)
        diag_warning(d, loc_file(c.file), "article has no body text");
    return c.ok;
}

bool article_load(const char *path, const char *root, article *out, arena *a, diag *d)
{
    size_t len;
    char *text = read_input(path, "article", true, &len, d);
    if (!text) {
        memset(out, 0, sizeof *out);
        return false;
    }
    bool ok = article_parse(path, root, text, len, true, out, a, d);
    free(text);
    return ok;
}
