/* Word (.docx): a zip (libzip) of XML parts (libxml2). word/document.xml
 * holds the paragraphs; styles.xml names their styles (Heading 1, Title,
 * Caption...), numbering.xml tells bullets from numbers, the relationships
 * lead from a drawing to its photo in word/media/. */
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "caps.h"
#include "import.h"

typedef struct pair {
    char *key, *value;
} pair;

typedef struct docx {
    zip_t *zip;
    const char *path;
    pair *rels, *styles, *list_formats; /* rId -> target, styleId -> name, "numId/ilvl" -> numFmt */
    size_t rel_count, rel_cap, style_count, style_cap, format_count, format_cap;
    imported_article *im;
    int paragraph; /* number of the paragraph being read */
    const xmlNode *boxes[16]; /* text boxes met in a paragraph, read after it */
    size_t box_count;
    pair *counters; /* "numId/ilvl" -> items so far, for numbers across paragraphs */
    size_t counter_count, counter_cap;
    diag *d;
} docx;

static const char *lookup(const pair *pairs, size_t count, const char *key)
{
    for (size_t i = 0; key && i < count; i++)
        if (strcmp(pairs[i].key, key) == 0)
            return pairs[i].value;
    return NULL;
}

static void add_pair(pair **pairs, size_t *count, size_t *cap, const char *key, const char *value)
{
    *ARRAY_PUSH(*pairs, *count, *cap) = (pair){xstrdup(key), xstrdup(value)};
}

static void free_pairs(pair *pairs, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(pairs[i].key);
        free(pairs[i].value);
    }
    free(pairs);
}

/* A part of the package (malloc'd), or NULL when it is not there. */
static char *read_part(docx *x, const char *name, size_t max, size_t *len)
{
    zip_stat_t st;
    if (zip_stat(x->zip, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        return NULL;
    if (st.size > max) {
        diag_error(x->d, loc_file(x->path), "part %s of the Word file is %llu bytes, over the limit "
                                            "of %zu (--max-input-bytes)",
                   name, (unsigned long long)st.size, max);
        return NULL;
    }
    zip_file_t *f = zip_fopen(x->zip, name, 0);
    if (!f)
        return NULL;
    char *data = xmalloc(st.size + 1);
    zip_int64_t n = zip_fread(f, data, st.size);
    zip_fclose(f);
    if (n < 0 || (zip_uint64_t)n != st.size) {
        free(data);
        diag_error(x->d, loc_file(x->path), "part %s of the Word file is damaged", name);
        return NULL;
    }
    data[st.size] = '\0';
    *len = st.size;
    return data;
}

static xmlDoc *read_xml_part(docx *x, const char *name)
{
    size_t len;
    char *data = read_part(x, name, limits.max_input_bytes, &len);
    if (!data)
        return NULL;
    xmlDoc *doc = xmlReadMemory(data, (int)len, name, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    free(data);
    return doc;
}

static bool named(const xmlNode *n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0;
}

/* An attribute by local name, whatever its namespace (malloc'd). */
static char *prop(const xmlNode *n, const char *local)
{
    for (xmlAttr *a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, local) == 0) {
            xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
            char *s = xstrdup(v ? (const char *)v : "");
            xmlFree(v);
            return s;
        }
    return NULL;
}

static const xmlNode *child(const xmlNode *n, const char *local)
{
    for (const xmlNode *k = n ? n->children : NULL; k; k = k->next)
        if (named(k, local))
            return k;
    return NULL;
}

static const xmlNode *descendant(const xmlNode *n, const char *local)
{
    for (const xmlNode *k = n ? n->children : NULL; k; k = k->next) {
        if (named(k, local))
            return k;
        const xmlNode *hit = descendant(k, local);
        if (hit)
            return hit;
    }
    return NULL;
}

static void read_rels(docx *x)
{
    xmlDoc *doc = read_xml_part(x, "word/_rels/document.xml.rels");
    if (!doc)
        return;
    for (const xmlNode *r = xmlDocGetRootElement(doc)->children; r; r = r->next)
        if (named(r, "Relationship")) {
            char *id = prop(r, "Id"), *target = prop(r, "Target");
            if (id && target)
                add_pair(&x->rels, &x->rel_count, &x->rel_cap, id, target);
            free(id);
            free(target);
        }
    xmlFreeDoc(doc);
}

static void read_styles(docx *x)
{
    xmlDoc *doc = read_xml_part(x, "word/styles.xml");
    if (!doc)
        return;
    for (const xmlNode *s = xmlDocGetRootElement(doc)->children; s; s = s->next)
        if (named(s, "style")) {
            char *id = prop(s, "styleId");
            const xmlNode *name = child(s, "name");
            char *v = name ? prop(name, "val") : NULL;
            if (id && v) {
                for (char *c = v; *c; c++)
                    *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
                add_pair(&x->styles, &x->style_count, &x->style_cap, id, v);
            }
            free(id);
            free(v);
        }
    xmlFreeDoc(doc);
}

/* numId/ilvl -> numFmt through the abstract numbering definitions. */
static void read_numbering(docx *x)
{
    xmlDoc *doc = read_xml_part(x, "word/numbering.xml");
    if (!doc)
        return;
    const xmlNode *root = xmlDocGetRootElement(doc);
    for (const xmlNode *num = root->children; num; num = num->next) {
        if (!named(num, "num"))
            continue;
        char *num_id = prop(num, "numId");
        const xmlNode *abs_ref = child(num, "abstractNumId");
        char *abs_id = abs_ref ? prop(abs_ref, "val") : NULL;
        for (const xmlNode *a = root->children; a && num_id && abs_id; a = a->next) {
            char *id = named(a, "abstractNum") ? prop(a, "abstractNumId") : NULL;
            if (id && strcmp(id, abs_id) == 0)
                for (const xmlNode *lvl = a->children; lvl; lvl = lvl->next) {
                    if (!named(lvl, "lvl"))
                        continue;
                    char *ilvl = prop(lvl, "ilvl");
                    const xmlNode *fmt = child(lvl, "numFmt");
                    char *f = fmt ? prop(fmt, "val") : NULL;
                    if (ilvl && f) {
                        char *key = xasprintf("%s/%s", num_id, ilvl);
                        add_pair(&x->list_formats, &x->format_count, &x->format_cap, key, f);
                        free(key);
                    }
                    free(ilvl);
                    free(f);
                }
            free(id);
        }
        free(num_id);
        free(abs_id);
    }
    xmlFreeDoc(doc);
}

/* Whether an on/off property (w:b, w:i) is on: present, and not "0"/"false". */
static bool toggle(const xmlNode *rpr, const char *local)
{
    const xmlNode *n = child(rpr, local);
    if (!n)
        return false;
    char *v = prop(n, "val");
    bool on = !v || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
    free(v);
    return on;
}

/* A drawing's photo: the relationship its blip (or VML imagedata) names. */
static void add_drawing(docx *x, const xmlNode *drawing)
{
    const xmlNode *blip = descendant(drawing, "blip");
    if (!blip)
        blip = descendant(drawing, "imagedata");
    char *rid = blip ? prop(blip, "embed") : NULL;
    if (!rid && blip)
        rid = prop(blip, "id");
    const char *target = lookup(x->rels, x->rel_count, rid);
    free(rid);
    if (!target)
        return;
    char *part = target[0] == '/' ? xstrdup(target + 1) : xasprintf("word/%s", target);
    import_photo *p = import_add_photo(x->im, x->paragraph);
    p->source = xstrdup(part);
    size_t len = 0;
    unsigned char *data = (unsigned char *)read_part(x, part, (size_t)256 << 20, &len);
    if (!import_photo_data(p, data, len)) {
        import_note(x->im, "images[%zu]: %s is neither JPEG nor PNG: slot left for the editor",
                    x->im->photo_count, part);
    }
    free(part);
}

static void add_runs(docx *x, import_block *b, const xmlNode *n, int *photos)
{
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (named(k, "r")) {
            const xmlNode *rpr = child(k, "rPr");
            unsigned flags = (toggle(rpr, "b") ? IMPORT_BOLD : 0) | (toggle(rpr, "i") ? IMPORT_ITALIC : 0);
            /* character styles: Strong, Emphasis */
            const xmlNode *rs = child(rpr, "rStyle");
            char *sid = rs ? prop(rs, "val") : NULL;
            const char *sname = lookup(x->styles, x->style_count, sid);
            char lowered[64] = "";
            snprintf(lowered, sizeof lowered, "%s", sname ? sname : sid ? sid : "");
            for (char *c = lowered; *c; c++)
                *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
            if (strcmp(lowered, "strong") == 0)
                flags |= IMPORT_BOLD;
            if (strcmp(lowered, "emphasis") == 0)
                flags |= IMPORT_ITALIC;
            free(sid);
            for (const xmlNode *t = k->children; t; t = t->next) {
                if (named(t, "t")) {
                    xmlChar *s = xmlNodeGetContent(t);
                    if (s)
                        import_block_add(b, (const char *)s, strlen((const char *)s), flags);
                    xmlFree(s);
                } else if (named(t, "tab") || named(t, "br") || named(t, "cr"))
                    import_block_add(b, " ", 1, flags);
                else if (named(t, "noBreakHyphen"))
                    import_block_add(b, "\xE2\x80\x91", 3, flags);
                else if (named(t, "drawing") || named(t, "pict") || named(t, "AlternateContent")) {
                    /* Word 2010+ writes a drawing twice: mc:Choice, then a
                     * VML mc:Fallback; only the first is read. */
                    const xmlNode *d = named(t, "AlternateContent") ? child(t, "Choice") : t;
                    const xmlNode *box = d ? descendant(d, "txbxContent") : NULL;
                    if (box) {
                        if (x->box_count < sizeof x->boxes / sizeof *x->boxes)
                            x->boxes[x->box_count++] = box;
                    } else if (d && (descendant(d, "blip") || descendant(d, "imagedata"))) {
                        add_drawing(x, d);
                        (*photos)++;
                    }
                }
            }
        } else if (named(k, "hyperlink") || named(k, "ins") || named(k, "smartTag") ||
                   named(k, "fldSimple") || named(k, "sdt") || named(k, "sdtContent") ||
                   named(k, "moveTo") || named(k, "customXml"))
            add_runs(x, b, k, photos);
        /* w:del is deleted text: not read */
    }
}

typedef struct para_info {
    const char *style; /* lower-case style name, or "" */
    bool list, bullet, right, centered;
    char list_key[48]; /* "numId/ilvl" of a list item */
} para_info;

static para_info paragraph_info(docx *x, const xmlNode *p)
{
    para_info info = {"", false, false, false, false, ""};
    const xmlNode *ppr = child(p, "pPr");
    const xmlNode *ps = child(ppr, "pStyle");
    char *sid = ps ? prop(ps, "val") : NULL;
    const char *name = lookup(x->styles, x->style_count, sid);
    static char lowered[64];
    if (!name && sid) { /* a style id without styles.xml: "Heading1" */
        snprintf(lowered, sizeof lowered, "%s", sid);
        for (char *c = lowered; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        name = lowered;
    }
    info.style = name ? name : "";
    const xmlNode *num = child(ppr, "numPr");
    if (num) {
        const xmlNode *id = child(num, "numId"), *lvl = child(num, "ilvl");
        char *nid = id ? prop(id, "val") : NULL, *l = lvl ? prop(lvl, "val") : xstrdup("0");
        char *key = xasprintf("%s/%s", nid ? nid : "", l ? l : "0");
        const char *fmt = lookup(x->list_formats, x->format_count, key);
        info.list = nid && strcmp(nid, "0") != 0;
        info.bullet = !fmt || strcmp(fmt, "bullet") == 0;
        snprintf(info.list_key, sizeof info.list_key, "%s", key);
        free(key);
        free(nid);
        free(l);
    } else if (strstr(info.style, "list bullet"))
        info.list = info.bullet = true;
    else if (strstr(info.style, "list number"))
        info.list = true;
    const xmlNode *jc = child(ppr, "jc");
    char *j = jc ? prop(jc, "val") : NULL;
    info.right = j && (strcmp(j, "right") == 0 || strcmp(j, "end") == 0);
    info.centered = j && strcmp(j, "center") == 0;
    free(j);
    free(sid);
    return info;
}

static bool heading(const char *style, int *level)
{
    if (strncmp(style, "heading ", 8) == 0 || strncmp(style, "heading", 7) == 0) {
        *level = atoi(style + (style[7] == ' ' ? 8 : 7));
        return *level >= 1;
    }
    return false;
}

static bool all_italic(const import_block *b)
{
    for (size_t i = 0; i < b->run_count; i++)
        if (!(b->runs[i].flags & IMPORT_ITALIC) && strspn(b->runs[i].text, " ") != strlen(b->runs[i].text))
            return false;
    return b->run_count > 0;
}

static void read_paragraph(docx *x, const xmlNode *p, bool *after_photo)
{
    imported_article *im = x->im;
    x->paragraph++;
    para_info info = paragraph_info(x, p);
    int level = 0;
    bool is_heading = heading(info.style, &level);
    import_block_kind kind = info.list ? (info.bullet ? IMPORT_BULLET : IMPORT_NUMBERED)
                             : is_heading || strcmp(info.style, "title") == 0 ? IMPORT_SUBHEAD
                             : strstr(info.style, "quote")                     ? IMPORT_QUOTE
                                                                               : IMPORT_PARAGRAPH;
    import_block *b = import_add_block(im, kind, x->paragraph);
    b->right_aligned = info.right;
    if (kind == IMPORT_NUMBERED && info.list_key[0]) {
        /* Word numbers a list on across paragraphs between its items */
        size_t i = 0;
        while (i < x->counter_count && strcmp(x->counters[i].key, info.list_key) != 0)
            i++;
        if (i == x->counter_count)
            add_pair(&x->counters, &x->counter_count, &x->counter_cap, info.list_key, "0");
        int n = atoi(x->counters[i].value) + 1;
        free(x->counters[i].value);
        x->counters[i].value = xasprintf("%d", n);
        b->number = n;
    }
    int photos = 0;
    add_runs(x, b, p, &photos);
    char *text = import_block_text(b);
    bool was_after_photo = *after_photo;
    *after_photo = photos > 0 && !*text;
    if (!*text) {
        import_remove_block(im, im->block_count - 1);
        free(text);
        return;
    }
    /* The caption under a photo: its style, or a short italic, centred or
     * credited line that is not a sentence of the body. */
    import_photo *last = im->photo_count ? &im->photos[im->photo_count - 1] : NULL;
    if (was_after_photo && last && !last->caption) {
        char *probe = xstrdup(text);
        char *credit = import_split_credit(probe);
        size_t words = import_count_words(text);
        bool caption_style = strstr(info.style, "caption") != NULL;
        if (caption_style || (words <= 45 && (all_italic(b) || info.centered || credit))) {
            last->caption = probe;
            last->credit = credit;
            import_note(im, "paragraph %d: caption of images[%zu]%s", x->paragraph,
                        im->photo_count, caption_style ? "" : " (short line under the photo)");
            import_remove_block(im, im->block_count - 1);
            free(text);
            return;
        }
        free(probe);
        free(credit);
    }
    /* The title: Title style, or the first Heading 1 before any text, or
     * (as most submissions come) a first paragraph in bold or centred,
     * short, without a full stop. */
    size_t words = import_count_words(text);
    size_t tl = strlen(text);
    bool all_bold = b->run_count > 0;
    for (size_t r = 0; r < b->run_count; r++)
        all_bold &= (b->runs[r].flags & IMPORT_BOLD) ||
                    strspn(b->runs[r].text, " ") == strlen(b->runs[r].text);
    bool looks_title = im->block_count == 1 && kind == IMPORT_PARAGRAPH && words <= 30 &&
                       tl && !strchr(".!?;:", text[tl - 1]) && (all_bold || info.centered);
    if (!im->title && (strcmp(info.style, "title") == 0 || (level == 1 && im->block_count == 1) ||
                       looks_title)) {
        im->title = text;
        if (looks_title && level != 1 && strcmp(info.style, "title") != 0)
            import_note(im, "title from paragraph %d (the first, %s and short)", x->paragraph,
                        all_bold ? "bold" : "centred");
        else
            import_note(im, "title from paragraph %d (style %s)", x->paragraph, info.style);
        import_remove_block(im, im->block_count - 1);
        return;
    }
    if (strcmp(info.style, "subtitle") == 0 && !im->lead) {
        im->lead = text;
        import_note(im, "lead from paragraph %d (style subtitle)", x->paragraph);
        import_remove_block(im, im->block_count - 1);
        return;
    }
    free(text);
}

static void read_body(docx *x, const xmlNode *n, bool *after_photo)
{
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (named(k, "p")) {
            size_t boxes_before = x->box_count;
            read_paragraph(x, k, after_photo);
            /* a text box's paragraphs follow the paragraph it is anchored in */
            while (x->box_count > boxes_before) {
                const xmlNode *box = x->boxes[boxes_before];
                memmove(&x->boxes[boxes_before], &x->boxes[boxes_before + 1],
                        (x->box_count - boxes_before - 1) * sizeof *x->boxes);
                x->box_count--;
                import_note(x->im, "a text box in paragraph %d: read as paragraphs after it",
                            x->paragraph);
                read_body(x, box, after_photo);
            }
        }
        else if (named(k, "tbl")) {
            size_t before = x->im->block_count;
            for (const xmlNode *tr = k->children; tr; tr = tr->next)
                for (const xmlNode *tc = named(tr, "tr") ? tr->children : NULL; tc; tc = tc->next)
                    if (named(tc, "tc"))
                        read_body(x, tc, after_photo);
            if (x->im->block_count > before)
                import_note(x->im, "a table before paragraph %d: its cells read as paragraphs",
                            x->paragraph + 1);
        } else if (named(k, "sdt") || named(k, "sdtContent") || named(k, "customXml"))
            read_body(x, k, after_photo);
    }
}

/* dc:title of docProps/core.xml (malloc'd), or NULL. */
static char *core_title(docx *x)
{
    xmlDoc *doc = read_xml_part(x, "docProps/core.xml");
    if (!doc)
        return NULL;
    const xmlNode *t = child(xmlDocGetRootElement(doc), "title");
    char *title = NULL;
    if (t) {
        xmlChar *s = xmlNodeGetContent(t);
        if (s && *s)
            title = import_clean_text((const char *)s, strlen((const char *)s));
        xmlFree(s);
    }
    xmlFreeDoc(doc);
    return title;
}

bool import_read_docx(imported_article *im, const char *path, diag *d)
{
    int err = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &err);
    if (!z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, err);
        diag_error(d, loc_file(path), "cannot read this Word file (.docx): %s",
                   err == ZIP_ER_NOZIP ? "it is not a .docx (not a zip archive); an old .doc "
                                         "must be saved as .docx first"
                                       : zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return false;
    }
    docx x = {.zip = z, .path = path, .im = im, .d = d};
    int errors_before = diag_error_count(d);
    im->unit = "paragraph";
    im->word_file = true;
    bool ok = false;
    xmlDoc *doc = read_xml_part(&x, "word/document.xml");
    const xmlNode *body = doc ? child(xmlDocGetRootElement(doc), "body") : NULL;
    if (!body) {
        if (diag_error_count(d) == errors_before)
            diag_error(d, loc_file(path), "this Word file has no readable word/document.xml; "
                                          "is it damaged?");
    } else {
        read_rels(&x);
        read_styles(&x);
        read_numbering(&x);
        import_note(im, "encoding: Unicode (Word XML)");
        bool after_photo = false;
        read_body(&x, body, &after_photo);
        if (!im->title) {
            im->title = core_title(&x);
            if (im->title)
                import_note(im, "title from the document properties");
        }
        /* A first paragraph all in bold is the lead. */
        if (!im->lead && im->block_count > 1 && im->blocks[0].kind == IMPORT_PARAGRAPH &&
            im->blocks[0].run_count == 1 && (im->blocks[0].runs[0].flags & IMPORT_BOLD)) {
            im->lead = import_block_text(&im->blocks[0]);
            import_note(im, "lead from paragraph %d, all in bold", im->blocks[0].line);
            import_remove_block(im, 0);
        }
        import_fix_legacy(im, limits.input_encoding);
        import_tidy(im, d);
        ok = true;
    }
    if (doc)
        xmlFreeDoc(doc);
    free_pairs(x.rels, x.rel_count);
    free_pairs(x.styles, x.style_count);
    free_pairs(x.list_formats, x.format_count);
    free_pairs(x.counters, x.counter_count);
    zip_discard(z);
    return ok && diag_error_count(d) == errors_before;
}
