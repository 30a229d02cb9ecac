/* Manifest, front matter and Markdown parsing, with their errors. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "article.h"
#include "harness.h"
#include "issue.h"
#include "template.h"
#include "util.h"

static char *dup(const char *s)
{
    return xstrdup(s);
}

static void manifest_ok(void)
{
    arena *a = arena_new();
    diag *d = diag_new();
    char *text = dup("title: Thông tin Khoa học\nnumber: 7\ndate: 2021-04-22\n"
                     "organisation: Sở KH&CN\narticles:\n  - a.md\n  - file: b.md\n"
                     "    new_page: true\n");
    issue is;
    bool ok = issue_parse("x/issue.yaml", text, strlen(text), &is, a, d);
    CHECK(ok, "manifest: valid manifest parses");
    CHECK(is.number == 7 && is.year == 2021 && is.month == 4 && is.day == 22,
          "manifest: number and date read");
    CHECK(is.article_count == 2 && strcmp(is.articles[0].path, "x/a.md") == 0,
          "manifest: article paths are relative to the manifest");
    CHECK(is.articles[1].hint_new_page, "manifest: placement hints read");
    CHECK(strcmp(is.title, "Thông tin Khoa học") == 0, "manifest: Vietnamese title kept");
    free(text);
    diag_free(d);
    arena_free(a);
}

static void manifest_errors(void)
{
    struct {
        const char *name, *text, *expect;
    } cases[] = {
        {"unknown key with suggestion", "title: A\ntitel: B\narticles: [a.md]\n",
         "issue.yaml:2:1: error: unknown key 'titel' in the manifest (did you mean 'title'?)"},
        {"wrong type", "title: A\nnumber: bốn\narticles: [a.md]\n",
         "issue.yaml:2:9: error: 'number' must be a whole number"},
        {"syntax error", "title: [A\narticles: [a.md]\n", "issue.yaml:2:"},
        {"no articles", "title: A\n", "error: the manifest lists no articles"},
        {"empty article list", "title: A\narticles: []\n", "article list is empty"},
        {"bad date", "title: A\ndate: 2021-02-30\narticles: [a.md]\n",
         "issue.yaml:2:7: error: 'date' must be a date written YYYY-MM-DD"},
        {"invalid UTF-8", "title: A\xff\narticles: [a.md]\n",
         "issue.yaml:1:9: error: invalid UTF-8 byte 0xFF"},
        {"articles not a list", "title: A\narticles: a.md\n", "'articles' must be a list"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        arena *a = arena_new();
        diag *d = diag_new();
        char *text = dup(cases[i].text);
        issue is;
        bool ok = issue_parse("issue.yaml", text, strlen(text), &is, a, d);
        CHECK(!ok && DIAG_HAS(d, cases[i].expect) && diag_exit_status(d) == 1,
              "manifest error: %s", cases[i].name);
        if (ok || !DIAG_HAS(d, cases[i].expect))
            harness_dump(d);
        free(text);
        diag_free(d);
        arena_free(a);
    }
}

static const block *find_block(const article *art, block_kind kind, int nth)
{
    for (size_t i = 0; i < art->block_count; i++)
        if (art->blocks[i].kind == kind && nth-- == 0)
            return &art->blocks[i];
    return NULL;
}

static void article_ok(void)
{
    arena *a = arena_new();
    diag *d = diag_new();
    char *text = dup("---\ntitle: \"ĐẨY MẠNH HỌC TẬP\"\nkicker: Hội nghị\nbyline: Lê Văn A\n"
                     "lead: Sapo ngắn.\nimages:\n  - file: ../images/a.jpg\n    caption: Quang cảnh\n"
                     "    credit: Minh Châu\n---\n\n"
                     "Đoạn *nghiêng* và **đậm**  có   khoảng trắng.\n"
                     "Dòng mềm.\n\n## Tiêu đề phụ\n\n![Chú thích ảnh](../images/b.png)\n\n"
                     "- một\n- hai\n\n> Trích dẫn\n");
    article art;
    bool ok = article_parse("so/articles/x.md", NULL, text, strlen(text), false, &art, a, d);
    CHECK(ok, "article: parses");
    if (!ok)
        harness_dump(d);
    CHECK(art.title && strcmp(art.title, "ĐẨY MẠNH HỌC TẬP") == 0, "article: title");
    CHECK(art.figure_count == 1 && strcmp(art.figures[0].path, "so/articles/../images/a.jpg") == 0,
          "article: front-matter image relative to the article");
    CHECK(art.figure_count == 1 && art.figures[0].loc.line == 7 && art.figures[0].loc.col == 11,
          "article: image location points at its file value");
    const block *p = find_block(&art, BLOCK_PARAGRAPH, 0);
    CHECK(p && strcmp(p->text, "Đoạn nghiêng và đậm có khoảng trắng. Dòng mềm.") == 0,
          "article: paragraph text with blanks collapsed and soft break as space");
    bool italic = false, bold = false;
    for (size_t i = 0; p && i < p->span_count; i++) {
        if (p->spans[i].flags == SPAN_ITALIC &&
            strncmp(p->text + p->spans[i].offset, "nghiêng", p->spans[i].len) == 0)
            italic = true;
        if (p->spans[i].flags == SPAN_BOLD &&
            strncmp(p->text + p->spans[i].offset, "đậm", p->spans[i].len) == 0)
            bold = true;
    }
    CHECK(italic && bold, "article: italic and bold spans");
    CHECK(p && p->loc.line == 12, "article: paragraph location is its file line");
    const block *h = find_block(&art, BLOCK_SUBHEAD, 0);
    CHECK(h && strcmp(h->text, "Tiêu đề phụ") == 0, "article: ## subhead");
    const block *f = find_block(&art, BLOCK_FIGURE, 0);
    CHECK(f && f->fig->caption && strcmp(f->fig->caption, "Chú thích ảnh") == 0,
          "article: inline image becomes a figure with its caption");
    const block *li = find_block(&art, BLOCK_LIST_ITEM, 1);
    CHECK(li && strcmp(li->text, "\xE2\x80\xA2 hai") == 0, "article: list item with bullet");
    CHECK(find_block(&art, BLOCK_QUOTE, 0) != NULL, "article: block quote");
    free(text);
    diag_free(d);
    arena_free(a);
}

static void article_nfd(void)
{
    arena *a = arena_new();
    diag *d = diag_new();
    /* "Tư tưởng" and "Đẩy" decomposed: ư = u + U+031B, ở = o + U+031B + U+0309. */
    char *text = dup("---\ntitle: \"Tu\xcc\x9b tu\xcc\x9bo\xcc\x9b\xcc\x89ng\"\n---\n"
                     "\xc4\x90" "a\xcc\x82\xcc\x89y ma\xcc\xa3nh\n");
    article art;
    bool ok = article_parse("x.md", NULL, text, strlen(text), false, &art, a, d);
    CHECK(ok && strcmp(art.title, "Tư tưởng") == 0, "article: NFD title stored as NFC");
    CHECK(ok && art.block_count == 1 && strcmp(art.blocks[0].text, "Đẩy mạnh") == 0,
          "article: NFD body stored as NFC");
    free(text);
    diag_free(d);
    arena_free(a);
}

static void article_errors(void)
{
    struct {
        const char *name, *text, *expect;
    } cases[] = {
        {"unclosed front matter", "---\ntitle: A\n\nbody\n",
         "x.md:1:1: error: front matter starts with '---' but has no closing"},
        {"no title", "---\nkicker: A\n---\nbody\n", "x.md:1:1: error: article has no title"},
        {"unknown key", "---\ntitle: A\nbyilne: B\n---\nbody\n",
         "x.md:3:1: error: unknown key 'byilne' in the front matter (did you mean 'byline'?)"},
        {"invalid UTF-8 in body", "---\ntitle: A\n---\nmột\nhai \xc3\x28 ba\n",
         "x.md:5:5: error: invalid UTF-8 byte 0xC3"},
        {"NUL byte", "---\ntitle: A\n---\nab\0c\n", "x.md:4:3: error: control character U+0000"},
        {"VNI text", "---\ntitle: A\n---\nTho\xc3\xa2ng ba\xc3\xb9o: ca\xc3\xb9\x63 "
                     "\xc3\xb1o\xc3\xa0ng chi\xc3\xad ha\xc3\xb8nh chi\xc3\xadnh\n",
         "looks like the legacy VNI encoding"},
        {"images not a list", "---\ntitle: A\nimages: a.jpg\n---\nx\n",
         "x.md:3:9: error: 'images' must be a list"},
        {"web image", "---\ntitle: A\n---\n![x](http://a/b.jpg)\n", "is a web address"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        arena *a = arena_new();
        diag *d = diag_new();
        size_t len = strlen(cases[i].text);
        if (strcmp(cases[i].name, "NUL byte") == 0)
            len = 20;
        char *text = xmalloc(len + 1);
        memcpy(text, cases[i].text, len + 1);
        article art;
        bool ok = article_parse("x.md", NULL, text, len, true, &art, a, d);
        CHECK(!ok && DIAG_HAS(d, cases[i].expect), "article error: %s", cases[i].name);
        if (ok || !DIAG_HAS(d, cases[i].expect))
            harness_dump(d);
        free(text);
        diag_free(d);
        arena_free(a);
    }
}

static void template_checks(void)
{
    arena *a = arena_new();
    diag *d = diag_new();
    template t;
    template_default(&t);
    CHECK(template_validate(&t, loc_file("x"), d), "template: built-in default is valid");
    CHECK(t.page_width_pt <= 190 * 72 / 25.4 + 0.01 && t.page_height_pt <= 270 * 72 / 25.4 + 0.01,
          "template: default trim within the bản tin limit of 19 x 27 cm");
    FILE *f = fopen("build/t-bad.yaml", "w");
    if (f) {
        fputs("columns: 3\nstyles:\n  body:\n    leadng: 12pt\n", f);
        fclose(f);
    }
    CHECK(!template_load(&t, "build/t-bad.yaml", a, d) &&
              DIAG_HAS(d, "t-bad.yaml:4:5: error: unknown style property") == 0 &&
              DIAG_HAS(d, "t-bad.yaml:4:5: error: unknown key 'leadng' in style 'body' (did you "
                          "mean 'leading'?)"),
          "template: misspelt style key located with suggestion");
    diag_free(d);
    d = diag_new();
    template_default(&t);
    f = fopen("build/t-cols.yaml", "w");
    if (f) {
        fputs("page: {size: A5}\ncolumns: 9\n", f);
        fclose(f);
    }
    CHECK(!template_load(&t, "build/t-cols.yaml", a, d) && DIAG_HAS(d, "per column"),
          "template: columns that do not fit the page are refused");
    diag_free(d);
    d = diag_new();
    template_default(&t);
    f = fopen("build/t-ok.yaml", "w");
    if (f) {
        fputs("page: {size: A4}\ncolumns: 4\ngutter: 4mm\nstyles:\n  body: {size: 9.5pt, "
              "leading: 12pt, colour: [0, 0, 0, 100], align: left}\n", f);
        fclose(f);
    }
    bool ok = template_load(&t, "build/t-ok.yaml", a, d);
    CHECK(ok && t.columns == 4 && t.styles[ROLE_BODY].size_pt == 9.5 &&
              t.styles[ROLE_BODY].align == ALIGN_LEFT &&
              t.styles[ROLE_LEAD].size_pt == 11,
          "template: values override the default, the rest falls back");
    diag_free(d);
    arena_free(a);
}

int main(void)
{
    manifest_ok();
    manifest_errors();
    article_ok();
    article_nfd();
    article_errors();
    template_checks();
    return harness_failed ? 1 : 0;
}
