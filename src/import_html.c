/* A saved news page: libxml2's HTML parser builds the tree; the article
 * body is the element whose paragraphs hold the most text, read in order;
 * menus, share buttons, comments and related links are skipped by tag and
 * by class. */
#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <libxml/uri.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "caps.h"
#include "import.h"
#include "utf8.h"

typedef struct html_ctx {
    imported_article *im;
    const char *path;
    char *dir;
    xmlNode *lead_node, *byline_node;
    diag *d;
} html_ctx;

static bool is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, name) == 0;
}

static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

/* Whether a word of the element's class or id (split at spaces, '-' and
 * '_') is one of words, or the class joined up contains a long one
 * ("tinlienquan"): "divPrintContent" is not "print". */
static bool class_has(const xmlNode *n, const char *const *words)
{
    bool hit = false;
    for (int which = 0; which < 2 && !hit; which++) {
        char *v = attr(n, which ? "id" : "class");
        if (!v)
            continue;
        for (char *c = v; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        for (char *save = NULL, *tok = strtok_r(v, " \t\n", &save); tok && !hit;
             tok = strtok_r(NULL, " \t\n", &save)) {
            char joined[256];
            size_t jn = 0;
            for (const char *c = tok; *c && jn + 1 < sizeof joined; c++)
                if (*c != '-' && *c != '_')
                    joined[jn++] = *c;
            joined[jn] = '\0';
            for (const char *const *w = words; *w && !hit; w++) {
                size_t wl = strlen(*w);
                hit = (wl >= 6 && strstr(joined, *w)) || strcmp(joined, *w) == 0;
                for (const char *part = tok; *part && !hit;) {
                    size_t pl = strcspn(part, "-_");
                    hit = pl == wl && strncmp(part, *w, wl) == 0;
                    part += pl + (part[pl] ? 1 : 0);
                }
            }
        }
        free(v);
    }
    return hit;
}

static const char *const skip_tags[] = {"script", "style", "noscript", "nav", "aside", "footer",
                                        "form", "button", "iframe", "svg", "select", "input",
                                        "template", "head", "object", "video", "audio", NULL};
static const char *const skip_classes[] = {
    "share", "sharing", "social", "comment", "comments", "related", "breadcrumb", "breadcrumbs",
    "banner", "advert", "ads", "sidebar", "lienquan", "binhluan", "tinkhac", "rating",
    "toolbar", "menu", "nav", "navbar", "navigation", "footer", "tags", "taglist", "keyword",
    "keywords", "print", "facebook", "zalo", "popup", "cookie", "subscribe", "newsletter",
    "mostread", "docnhieu", "tinmoi", "cungchuyenmuc", NULL};
static const char *const lead_classes[] = {"sapo", "lead", "summary", "chapeau", "tomtat",
                                           "tom-tat", "description", "intro", "excerpt", NULL};
static const char *const byline_classes[] = {"author", "byline", "tacgia", "tac-gia", NULL};

static bool skipped(const xmlNode *n)
{
    if (n->type != XML_ELEMENT_NODE || is(n, "html") || is(n, "body"))
        return false;
    for (const char *const *t = skip_tags; *t; t++)
        if (is(n, *t))
            return true;
    if (is(n, "header") && !class_has(n, (const char *const[]){"article", "detail", "post", NULL}))
        return true;
    return class_has(n, skip_classes);
}

static bool block_tag(const xmlNode *n)
{
    static const char *const tags[] = {"p", "div", "section", "article", "main", "h1", "h2", "h3",
                                       "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "figure",
                                       "table", "tr", "td", "th", "tbody", "center", "dl", "dd",
                                       "dt", "pre", "hr", NULL};
    for (const char *const *t = tags; *t; t++)
        if (is(n, *t))
            return true;
    return false;
}

/* All text under n, blanks collapsed (malloc'd). */
static char *text_of(const xmlNode *n)
{
    xmlChar *c = xmlNodeGetContent(n);
    char *s = import_clean_text(c ? (const char *)c : "", c ? strlen((const char *)c) : 0);
    xmlFree(c);
    return s;
}

typedef struct para para;
static bool tiny_image(const xmlNode *img);
static void add_inline(para *p, const xmlNode *n, unsigned flags);
static void add_photo(html_ctx *c, const xmlNode *img, const char *caption);

static unsigned style_flags(const xmlNode *n)
{
    unsigned f = 0;
    if (is(n, "b") || is(n, "strong"))
        f |= IMPORT_BOLD;
    if (is(n, "i") || is(n, "em") || is(n, "cite"))
        f |= IMPORT_ITALIC;
    char *style = n->type == XML_ELEMENT_NODE ? attr(n, "style") : NULL;
    if (style) {
        if (strstr(style, "font-weight:bold") || strstr(style, "font-weight: bold") ||
            strstr(style, "font-weight:700") || strstr(style, "font-weight: 700"))
            f |= IMPORT_BOLD;
        if (strstr(style, "font-style:italic") || strstr(style, "font-style: italic"))
            f |= IMPORT_ITALIC;
        free(style);
    }
    return f;
}

static bool has_block_child(const xmlNode *n);

/* Whether a cell of the row holds blocks (then the row is walked). */
static bool has_block_grandchild(const xmlNode *row)
{
    for (const xmlNode *cell = row->children; cell; cell = cell->next)
        if ((is(cell, "td") || is(cell, "th")) && has_block_child(cell))
            return true;
    return false;
}

static bool has_block_child(const xmlNode *n)
{
    for (const xmlNode *k = n->children; k; k = k->next)
        if (block_tag(k) && !skipped(k))
            return true;
    return false;
}

/* The file an <img src> names, decoded, relative to the page. */
static char *local_image(html_ctx *c, const char *src)
{
    if (!src || !*src || strncmp(src, "data:", 5) == 0)
        return NULL;
    if (strstr(src, "://") || strncmp(src, "//", 2) == 0)
        return NULL;
    char *s = xstrdup(src);
    char *q = strpbrk(s, "?#");
    if (q)
        *q = '\0';
    char *dec = xmlURIUnescapeString(s, 0, NULL);
    char *path = path_join(c->dir, dec ? dec : s);
    if (dec)
        xmlFree(dec);
    free(s);
    return path;
}

static void add_photo(html_ctx *c, const xmlNode *img, const char *caption)
{
    char *src = attr(img, "src");
    if (!src || !*src) {
        free(src);
        src = attr(img, "data-src");
    }
    /* icons, logos, tracking pixels */
    if (!src || tiny_image(img)) {
        free(src);
        return;
    }
    import_photo *p = import_add_photo(c->im, xmlGetLineNo(img) > 0 ? (int)xmlGetLineNo(img) : 0);
    p->source = xstrdup(src);
    if (caption && *caption) {
        p->caption = xstrdup(caption);
        p->credit = import_split_credit(p->caption);
    } else {
        char *alt = attr(img, "alt");
        if (alt && *alt) {
            p->caption = import_clean_text(alt, strlen(alt));
            import_note(c->im, "images[%zu]: no caption, the photo's alt text used", c->im->photo_count);
        }
        free(alt);
    }
    char *path = local_image(c, src);
    size_t len = 0;
    unsigned char *data = path ? (unsigned char *)read_file(path, (size_t)64 << 20, &len) : NULL;
    bool read = data != NULL;
    if (import_photo_data(p, data, len)) {
        import_note(c->im, "images[%zu]: %s copied", c->im->photo_count, src);
    } else {
        import_note(c->im, "images[%zu]: %s %s: slot left for the editor", c->im->photo_count, src,
                    read ? "is neither JPEG nor PNG" : path ? "was not saved with the page"
                                                            : "is on the web, not saved with the page");
    }
    free(path);
    free(src);
}

static const xmlNode *find_first(const xmlNode *n, const char *tag)
{
    for (; n; n = n->next) {
        if (is(n, tag))
            return n;
        if (n->type == XML_ELEMENT_NODE && !skipped(n)) {
            const xmlNode *hit = find_first(n->children, tag);
            if (hit)
                return hit;
        }
    }
    return NULL;
}

static bool tiny_image(const xmlNode *img)
{
    char *w = attr(img, "width");
    bool tiny = w && atoi(w) > 0 && atoi(w) < 100;
    free(w);
    return tiny;
}

/* The photo of a figure or of a portal's photo table (not an icon). */
static const xmlNode *photo_in(const xmlNode *n)
{
    const xmlNode *img = find_first(n->children, "img");
    return img && !tiny_image(img) ? img : NULL;
}

/* A figure, or a table portals use for a photo and its caption. */
static void add_figure(html_ctx *c, const xmlNode *n)
{
    const xmlNode *img = find_first(n->children, "img");
    if (!img)
        return;
    const xmlNode *cap = find_first(n->children, "figcaption");
    char *caption = NULL;
    if (cap)
        caption = text_of(cap);
    else { /* the table's text is the caption */
        caption = text_of(n);
    }
    add_photo(c, img, caption);
    free(caption);
}

static void walk(html_ctx *c, const xmlNode *n);


static int line_of(const xmlNode *n)
{
    long l = xmlGetLineNo(n);
    return l > 0 ? (int)l : 0;
}

/* Paragraphs being read from inline content: "<br><br>" (the way many
 * portals' editors separate paragraphs) starts a new one. */
struct para {
    html_ctx *c;
    import_block_kind kind;
    int line;
    bool right;
    size_t index; /* its block, or SIZE_MAX before any text */
    int brs;      /* <br>s in a row */
};

static para para_start(html_ctx *c, const xmlNode *n, import_block_kind kind)
{
    char *align = n ? attr(n, "align") : NULL, *style = n ? attr(n, "style") : NULL;
    para p = {c, kind, n ? line_of(n) : 0,
              (align && strcasecmp(align, "right") == 0) ||
                  (style && strstr(style, "text-align") && strstr(style, "right")),
              SIZE_MAX, 0};
    free(align);
    free(style);
    return p;
}

static void para_end(para *p)
{
    if (p->index != SIZE_MAX && p->c->im->blocks[p->index].run_count == 0)
        import_remove_block(p->c->im, p->index);
    p->index = SIZE_MAX;
}

static void para_text(para *p, const xmlNode *node, const char *t, unsigned flags)
{
    bool blank = t[strspn(t, " \t\r\n\f")] == '\0';
    if (blank && p->index == SIZE_MAX)
        return;
    if (!blank) {
        if (p->brs >= 2)
            para_end(p);
        p->brs = 0;
    }
    if (p->index == SIZE_MAX) {
        import_block *b = import_add_block(p->c->im, p->kind, node ? line_of(node) : p->line);
        b->right_aligned = p->right;
        p->index = p->c->im->block_count - 1;
    }
    import_block_add(&p->c->im->blocks[p->index], t, strlen(t), flags);
}

/* One inline node (text, <b>, <br>, <img>...) into the paragraph. */
static void add_inline_node(para *p, const xmlNode *k, unsigned flags)
{
    if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE)
        para_text(p, k, (const char *)k->content, flags);
    else if (k->type == XML_ELEMENT_NODE && !skipped(k)) {
        if (is(k, "br")) {
            p->brs++;
            para_text(p, k, " ", flags);
        } else if (is(k, "img"))
            add_photo(p->c, k, NULL);
        else
            add_inline(p, k, flags | style_flags(k));
    }
}

static void add_inline(para *p, const xmlNode *n, unsigned flags)
{
    for (const xmlNode *k = n->children; k; k = k->next)
        add_inline_node(p, k, flags);
}

static void add_paragraph(html_ctx *c, const xmlNode *n, import_block_kind kind)
{
    para p = para_start(c, n, kind);
    add_inline(&p, n, style_flags(n));
    para_end(&p);
}

/* Block children are walked; text and inline elements between them make
 * paragraphs of their own ("<div>text<p>...</p>more text</div>"). */
static void walk_children(html_ctx *c, const xmlNode *n)
{
    para p = para_start(c, NULL, IMPORT_PARAGRAPH);
    for (const xmlNode *k = n->children; k; k = k->next) {
        bool inline_node = k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE ||
                           (k->type == XML_ELEMENT_NODE && !block_tag(k) && !is(k, "img"));
        if (inline_node) {
            add_inline_node(&p, k, 0);
            continue;
        }
        para_end(&p);
        p.brs = 0;
        walk(c, k);
    }
    para_end(&p);
}

static void walk(html_ctx *c, const xmlNode *n)
{
    if (n->type != XML_ELEMENT_NODE || skipped(n) || n == c->lead_node || n == c->byline_node)
        return;
    if (is(n, "h1"))
        return; /* the title, read apart */
    if (is(n, "h2") || is(n, "h3") || is(n, "h4") || is(n, "h5") || is(n, "h6"))
        add_paragraph(c, n, IMPORT_SUBHEAD);
    else if ((is(n, "figure") || is(n, "table")) && photo_in(n))
        add_figure(c, n);
    else if (is(n, "img"))
        add_photo(c, n, NULL);
    else if (is(n, "tr") && !has_block_grandchild(n)) {
        /* a table row of text: one paragraph, its cells joined by a dash */
        para p = para_start(c, n, IMPORT_PARAGRAPH);
        bool first = true;
        for (const xmlNode *cell = n->children; cell; cell = cell->next) {
            if (!is(cell, "td") && !is(cell, "th"))
                continue;
            char *t = text_of(cell);
            if (*t) {
                if (!first)
                    para_text(&p, cell, " \xE2\x80\x93 ", 0);
                add_inline(&p, cell, style_flags(cell));
                first = false;
            }
            free(t);
        }
        para_end(&p);
    }
    else if (is(n, "ul") || is(n, "ol")) {
        for (const xmlNode *li = n->children; li; li = li->next)
            if (is(li, "li") && !skipped(li))
                add_paragraph(c, li, is(n, "ul") ? IMPORT_BULLET : IMPORT_NUMBERED);
    } else if (is(n, "blockquote")) {
        if (has_block_child(n)) {
            for (const xmlNode *k = n->children; k; k = k->next)
                if (k->type == XML_ELEMENT_NODE && !skipped(k))
                    add_paragraph(c, k, IMPORT_QUOTE);
        } else
            add_paragraph(c, n, IMPORT_QUOTE);
    } else if (is(n, "p") || !has_block_child(n))
        add_paragraph(c, n, IMPORT_PARAGRAPH);
    else
        walk_children(c, n);
}

/* The element whose <p> children hold the most text. */
typedef struct score {
    const xmlNode *node;
    size_t points;
} score;

static void score_paragraphs(const xmlNode *n, score **scores, size_t *count, size_t *cap)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || skipped(n))
            continue;
        /* Text right inside an element (paragraphs split by <br>) counts
         * for it as a <p> would. */
        size_t own = 0;
        for (const xmlNode *k = n->children; k; k = k->next)
            if (k->type == XML_TEXT_NODE) {
                char *t = import_clean_text((const char *)k->content, strlen((const char *)k->content));
                own += strlen(t) >= 25 ? strlen(t) : 0;
                free(t);
            }
        if (own && !is(n, "p")) {
            size_t i = 0;
            while (i < *count && (*scores)[i].node != n)
                i++;
            if (i == *count)
                *ARRAY_PUSH(*scores, *count, *cap) = (score){n, 0};
            (*scores)[i].points += own;
        }
        if (is(n, "p") && n->parent) {
            char *t = text_of(n);
            size_t len = strlen(t);
            free(t);
            if (len >= 25) {
                for (int up = 0; up < 2; up++) {
                    const xmlNode *target = up ? n->parent->parent : n->parent;
                    if (!target)
                        continue;
                    size_t i = 0;
                    while (i < *count && (*scores)[i].node != target)
                        i++;
                    if (i == *count)
                        *ARRAY_PUSH(*scores, *count, *cap) = (score){target, 0};
                    (*scores)[i].points += up ? len / 2 : len;
                }
            }
        }
        score_paragraphs(n->children, scores, count, cap);
    }
}

static const xmlNode *find_by_class(const xmlNode *n, const char *const *classes)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (!is(n, "body") && !is(n, "html") && !is(n, "meta") && class_has(n, classes)) {
            char *t = text_of(n);
            bool some = *t != '\0';
            free(t);
            if (some)
                return n;
        }
        if (!skipped(n)) {
            const xmlNode *hit = find_by_class(n->children, classes);
            if (hit)
                return hit;
        }
    }
    return NULL;
}

/* <meta property|name=key content=...>, malloc'd. */
static char *meta(const xmlNode *n, const char *key)
{
    for (; n; n = n->next) {
        if (is(n, "meta")) {
            char *p = attr(n, "property"), *name = attr(n, "name");
            bool hit = (p && strcasecmp(p, key) == 0) || (name && strcasecmp(name, key) == 0);
            free(p);
            free(name);
            if (hit) {
                char *v = attr(n, "content");
                if (v && *v) {
                    char *clean = import_clean_text(v, strlen(v));
                    free(v);
                    return clean;
                }
                free(v);
            }
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            char *v = meta(n->children, key);
            if (v)
                return v;
        }
    }
    return NULL;
}

static const xmlNode *child_element(const xmlNode *n, const char *tag)
{
    for (const xmlNode *k = n->children; k; k = k->next)
        if (is(k, tag))
            return k;
    return NULL;
}

/* The title: the <h1> that the page's <title> starts with, else og:title,
 * else the first <h1>, else <title> without the site's name. */
static void find_title(html_ctx *c, const xmlNode *root)
{
    const xmlNode *h1 = find_first(root, "h1");
    char *h1_text = h1 ? text_of(h1) : NULL;
    const xmlNode *head = root;
    while (head && !is(head, "head"))
        head = head->type == XML_ELEMENT_NODE && is(head, "html") ? head->children : head->next;
    const xmlNode *title_el = head ? child_element(head, "title") : NULL;
    char *page_title = title_el ? text_of(title_el) : NULL;
    char *og = meta(root, "og:title");
    imported_article *im = c->im;
    if (h1_text && *h1_text && page_title && strstr(page_title, h1_text)) {
        im->title = h1_text, h1_text = NULL;
        import_note(im, "title from <h1>");
    } else if (og) {
        im->title = og, og = NULL;
        import_note(im, "title from og:title");
    } else if (h1_text && *h1_text) {
        im->title = h1_text, h1_text = NULL;
        import_note(im, "title from <h1>");
    } else if (page_title && *page_title) {
        /* "Title - Site" or "Title | Site" */
        char *cut = strstr(page_title, " | ");
        if (!cut)
            cut = strstr(page_title, " - ");
        if (cut)
            *cut = '\0';
        im->title = page_title, page_title = NULL;
        import_note(im, "title from <title>%s", cut ? ", the site's name cut" : "");
    }
    free(h1_text);
    free(page_title);
    free(og);
}

/* The date: article:published_time, <time datetime>, a date element. */
static void find_date(html_ctx *c, const xmlNode *root)
{
    static const char *const date_classes[] = {"date", "datetime", "time", "publish", "published",
                                               "ngay", "ngaydang", "pubdate", NULL};
    char *v = meta(root, "article:published_time");
    const char *from = "article:published_time";
    if (!v) {
        const xmlNode *t = find_first(root, "time");
        if (t) {
            v = attr(t, "datetime");
            if (!v)
                v = text_of(t);
            from = "<time>";
        }
    }
    /* A date element near the title before one anywhere (a portal's top
     * bar shows today's date). */
    const xmlNode *h1 = find_first(root, "h1");
    for (const xmlNode *up = h1; !v && up && !is(up, "body"); up = up->parent) {
        const xmlNode *e = up->next ? find_by_class(up->next, date_classes) : NULL;
        char *t = e ? text_of(e) : NULL;
        int yy, mm, dd;
        bool only;
        if (t && import_find_date(t, &yy, &mm, &dd, &only)) {
            v = t;
            from = "the date element by the title";
        } else
            free(t);
    }
    if (!v) {
        const xmlNode *e = find_by_class(root, date_classes);
        if (e) {
            v = text_of(e);
            from = "the date element";
        }
    }
    int y, m, d;
    bool only;
    if (v && import_find_date(v, &y, &m, &d, &only)) {
        c->im->year = y, c->im->month = m, c->im->day = d;
        import_note(c->im, "date from %s \"%s\"", from, v);
    }
    free(v);
}

bool import_read_html(imported_article *im, const char *path, diag *d)
{
    size_t raw_len;
    char *raw = read_input(path, "the web page", false, &raw_len, d);
    if (!raw)
        return false;
    /* A page that declares its charset is read in it; one that does not is
     * decoded here (UTF-16, Windows-1258, TCVN3, VNI) and parsed as UTF-8. */
    char *declared = NULL;
    size_t head = raw_len < 4096 ? raw_len : 4096;
    for (size_t i = 0; i + 8 < head && !declared; i++)
        if (strncasecmp(raw + i, "charset=", 8) == 0) {
            size_t s = i + 8, e;
            while (s < head && (raw[s] == '"' || raw[s] == '\''))
                s++;
            for (e = s; e < head && (isalnum((unsigned char)raw[e]) || raw[e] == '-' || raw[e] == '_');)
                e++;
            if (e > s)
                declared = xstrndup(raw + s, e - s);
        }
    bool utf16_or_bom = raw_len >= 2 && ((unsigned char)raw[0] == 0xFF || (unsigned char)raw[0] == 0xFE ||
                                         (unsigned char)raw[0] == 0xEF || raw[1] == 0);
    char *text = raw;
    size_t len = raw_len;
    const char *encoding = NULL;
    int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
    /* Bytes that are valid UTF-8 with letters beyond ASCII are UTF-8,
     * whatever a misconfigured page declares. */
    bool utf8 = true, beyond_ascii = false;
    for (size_t i = 0; i < raw_len && utf8;) {
        uint32_t cp;
        size_t k = utf8_decode(raw + i, raw_len - i, &cp);
        utf8 = k > 0;
        beyond_ascii |= k > 1;
        i += k ? k : 1;
    }
    if (declared && utf8 && beyond_ascii && strncasecmp(declared, "utf", 3) != 0) {
        import_note(im, "the page declares %s but is UTF-8: read as UTF-8", declared);
        free(declared);
        declared = NULL;
    }
    if (!declared || strcasecmp(declared, "utf-8") == 0 || strcasecmp(declared, "utf8") == 0 ||
        utf16_or_bom) {
        const char *what;
        text = import_decode(path, raw, raw_len, &len, &what, d);
        free(raw);
        if (!text) {
            free(declared);
            return false;
        }
        import_note(im, "encoding: %s", what);
        encoding = "UTF-8";
        options |= HTML_PARSE_IGNORE_ENC;
    } else
        import_note(im, "encoding: %s (declared by the page), converted to Unicode", declared);
    free(declared);
    htmlDocPtr doc = htmlReadMemory(text, (int)len, path, encoding, options);
    free(text);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        diag_error(d, loc_file(path), "cannot read this web page: no HTML in it");
        if (doc)
            xmlFreeDoc(doc);
        return false;
    }
    html_ctx c = {.im = im, .path = path, .dir = path_dirname(path), .d = d};
    find_title(&c, root);
    find_date(&c, root);
    c.lead_node = (xmlNode *)find_by_class(root, lead_classes);
    if (c.lead_node) { /* a sapo is a paragraph, not the article */
        char *t = text_of(c.lead_node);
        size_t words = import_count_words(t);
        if (words > 120)
            c.lead_node = NULL;
        free(t);
    }
    if (c.lead_node) {
        im->lead = text_of(c.lead_node);
        char *cls = attr(c.lead_node, "class");
        import_note(im, "lead from <%s class=\"%s\">", (const char *)c.lead_node->name,
                    cls ? cls : "");
        free(cls);
    }
    c.byline_node = (xmlNode *)find_by_class(root, byline_classes);
    if (c.byline_node) {
        char *t = text_of(c.byline_node);
        if (import_is_byline(t) || strlen(t) < 80) {
            im->byline = t;
            import_note(im, "byline from the author element");
        } else {
            free(t);
            c.byline_node = NULL;
        }
    }
    score *scores = NULL;
    size_t count = 0, cap = 0;
    score_paragraphs(root, &scores, &count, &cap);
    const xmlNode *body = NULL;
    size_t best = 0;
    for (size_t i = 0; i < count; i++)
        if (scores[i].points > best) {
            best = scores[i].points;
            body = scores[i].node;
        }
    free(scores);
    if (!body) {
        body = find_first(root, "body");
        import_note(im, "no article body found: the whole page read");
    }
    if (body)
        walk_children(&c, body);
    /* A first paragraph all in bold is the lead (sapo) on most portals. */
    if (!im->lead && im->block_count > 1 && im->blocks[0].kind == IMPORT_PARAGRAPH &&
        im->blocks[0].run_count == 1 && (im->blocks[0].runs[0].flags & IMPORT_BOLD)) {
        im->lead = import_block_text(&im->blocks[0]);
        import_note(im, "lead from the first paragraph, all in bold (line %d)", im->blocks[0].line);
        import_remove_block(im, 0);
    }
    if (!im->byline) {
        char *author = meta(root, "author");
        if (author && import_is_byline(author)) {
            im->byline = author;
            import_note(im, "byline from <meta name=author>");
        } else
            free(author);
    }
    free(c.dir);
    xmlFreeDoc(doc);
    /* A page in a declared charset may still hold a legacy font's bytes. */
    import_fix_legacy(im, encoding ? 0 : limits.input_encoding);
    import_tidy(im, d);
    return true;
}
