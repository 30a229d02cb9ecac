#include "issue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "caps.h"
#include "utf8.h"
#include "util.h"
#include "yml.h"
#include "timing.h"

static bool parse_colophon(const yml *y, yml_node n, colophon *c, arena *a, diag *d)
{
    static const char *const keys[] = {"licence", "printer", "print_run", "periodicity",
                                       "responsible", "address", NULL};
    if (!yml_check_map(y, n, "'colophon'", keys, d))
        return false;
    bool ok = true;
    char *licence = NULL, *printer = NULL, *periodicity = NULL, *responsible = NULL,
         *address = NULL;
    ok &= yml_get_text(y, n, "licence", a, &licence, d);
    ok &= yml_get_text(y, n, "printer", a, &printer, d);
    ok &= yml_get_int(y, n, "print_run", 1, 100000000, &c->print_run, d);
    ok &= yml_get_text(y, n, "periodicity", a, &periodicity, d);
    ok &= yml_get_text(y, n, "responsible", a, &responsible, d);
    ok &= yml_get_text(y, n, "address", a, &address, d);
    c->licence = licence;
    c->printer = printer;
    c->periodicity = periodicity;
    c->responsible = responsible;
    c->address = address;
    return ok;
}

static bool parse_article_entry(const yml *y, yml_node item, issue *is, article *slot,
                                arena *a, diag *d)
{
    memset(slot, 0, sizeof *slot);
    char *file = NULL;
    if (yml_is_scalar(y, item)) {
        file = yml_text(y, item, a, "an article entry", d);
    } else {
        static const char *const keys[] = {"file", "page", "columns", "lead", "new_page", NULL};
        if (!yml_check_map(y, item, "an article entry", keys, d))
            return false;
        bool ok = yml_get_text(y, item, "file", a, &file, d);
        long page = 0, columns = 0;
        ok &= yml_get_int(y, item, "page", 1, 1000, &page, d);
        ok &= yml_get_int(y, item, "columns", 1, 12, &columns, d);
        ok &= yml_get_bool(y, item, "lead", &slot->hint_lead, d);
        ok &= yml_get_bool(y, item, "new_page", &slot->hint_new_page, d);
        slot->hint_page = (int)page;
        slot->hint_columns = (int)columns;
        if (!ok)
            return false;
        if (!file) {
            diag_error(d, yml_loc(y, item), "article entry has no 'file'");
            return false;
        }
    }
    if (!file)
        return false;
    char *full = path_join(is->dir, file);
    slot->path = arena_strdup(a, full);
    free(full);
    slot->loc = yml_loc(y, yml_is_scalar(y, item) ? item : yml_get(y, item, "file"));
    return true;
}

bool issue_parse(const char *path, char *text, size_t len, issue *out, arena *a, diag *d)
{
    memset(out, 0, sizeof *out);
    const char *file = diag_intern(d, path);
    out->path = file;
    out->loc = loc_file(file);
    char *dir = path_dirname(path);
    out->dir = arena_strdup(a, dir);
    free(dir);
    len = utf8_strip_bom(text, len);
    if (!utf8_check_input(file, text, len, d))
        return false;
    yml *y = yml_parse(file, text, len, 1, d);
    if (!y)
        return false;
    bool ok = true;
    yml_node root = yml_root(y);
    static const char *const keys[] = {"title", "number", "date", "organisation", "layout",
                                       "profile", "kind", "colophon", "articles", NULL};
    if (!root) {
        diag_error(d, (src_loc){file, 1, 1}, "the manifest is empty; it needs at least "
                   "'title' and 'articles'");
        yml_free(y);
        return false;
    }
    if (!yml_check_map(y, root, "the manifest", keys, d)) {
        yml_free(y);
        return false;
    }
    char *title = NULL, *org = NULL, *layout = NULL, *profile = NULL, *kind = NULL;
    ok &= yml_get_text(y, root, "title", a, &title, d);
    ok &= yml_get_int(y, root, "number", 0, 1000000, &out->number, d);
    ok &= yml_get_date(y, root, "date", &out->year, &out->month, &out->day, d);
    ok &= yml_get_text(y, root, "organisation", a, &org, d);
    ok &= yml_get_text(y, root, "layout", a, &layout, d);
    out->layout_loc = yml_get(y, root, "layout") ? yml_loc(y, yml_get(y, root, "layout")) : out->loc;
    ok &= yml_get_text(y, root, "profile", a, &profile, d);
    ok &= yml_get_text(y, root, "kind", a, &kind, d);
    out->title = title;
    out->organisation = org;
    out->layout = layout;
    out->profile = profile;
    out->kind = kind;
    if (profile && strcmp(profile, "print") != 0 && strcmp(profile, "screen") != 0 &&
        strcmp(profile, "archive") != 0) {
        diag_error(d, yml_loc(y, yml_get(y, root, "profile")),
                   "'profile' must be print, screen or archive, not '%s'", profile);
        ok = false;
    }
    if (!title) {
        diag_error(d, (src_loc){file, 1, 1}, "the manifest has no 'title' (the bulletin's name)");
        ok = false;
    }
    yml_node colo = yml_get(y, root, "colophon");
    if (colo)
        ok &= parse_colophon(y, colo, &out->colo, a, d);
    yml_node list = yml_get(y, root, "articles");
    if (!list || (yml_is_scalar(y, list) && !*yml_scalar(y, list))) {
        diag_error(d, list ? yml_loc(y, list) : (src_loc){file, 1, 1},
                   "the manifest lists no articles; add an 'articles:' list of article files");
        ok = false;
    } else if (!yml_is_seq(y, list)) {
        diag_error(d, yml_loc(y, list), "'articles' must be a list of article files, not %s",
                   yml_kind_name(y, list));
        ok = false;
    } else if (yml_count(y, list) > ISSUE_MAX_ARTICLES) {
        diag_error(d, yml_loc(y, list), "%zu articles listed; the limit is %d",
                   yml_count(y, list), ISSUE_MAX_ARTICLES);
        ok = false;
    } else {
        size_t n = yml_count(y, list);
        out->articles = arena_alloc(a, (n ? n : 1) * sizeof(article));
        for (size_t i = 0; i < n; i++) {
            if (parse_article_entry(y, yml_seq_item(y, list, i), out,
                                    &out->articles[out->article_count], a, d))
                out->article_count++;
            else
                ok = false;
        }
        if (n == 0) {
            diag_error(d, yml_loc(y, list), "the manifest's article list is empty");
            ok = false;
        }
    }
    yml_free(y);
    return ok;
}

static bool issue_load_articles_untimed(issue *is, arena *a, diag *d)
{
    bool ok = true;
    for (size_t i = 0; i < is->article_count; i++) {
        article *slot = &is->articles[i];
        if (!path_is_regular_file(slot->path)) {
            diag_error(d, slot->loc, "article '%s' not found", slot->path);
            ok = false;
            continue;
        }
        if (!limits.allow_outside && !path_is_inside(slot->path, is->dir)) {
            diag_error(d, slot->loc,
                       "article '%s' lies outside the issue folder %s; move it into the folder "
                       "(or build with --allow-outside)",
                       slot->path, is->dir);
            ok = false;
            continue;
        }
        article hints = *slot;
        if (!article_load(hints.path, is->dir, slot, a, d)) {
            ok = false;
            continue;
        }
        slot->hint_page = hints.hint_page;
        slot->hint_columns = hints.hint_columns;
        slot->hint_lead = hints.hint_lead;
        slot->hint_new_page = hints.hint_new_page;
    }
    return ok;
}

bool issue_load_articles(issue *is, arena *a, diag *d)
{
    timing_push(STAGE_PARSE);
    bool result = issue_load_articles_untimed(is, a, d);
    timing_pop();
    return result;
}

static bool load_manifest(const char *path, issue *out, arena *a, diag *d)
{
    size_t len;
    char *text = read_input(path, "the issue manifest", true, &len, d);
    if (!text) {
        memset(out, 0, sizeof *out);
        return false;
    }
    bool ok = issue_parse(path, text, len, out, a, d);
    free(text);
    return ok;
}

static bool issue_load_untimed(const char *path, issue *out, arena *a, diag *d)
{
    return load_manifest(path, out, a, d) && issue_load_articles(out, a, d);
}

bool issue_load_manifest(const char *path, issue *out, arena *a, diag *d)
{
    timing_push(STAGE_PARSE);
    bool result = load_manifest(path, out, a, d);
    timing_pop();
    return result;
}

bool issue_load(const char *path, issue *out, arena *a, diag *d)
{
    timing_push(STAGE_PARSE);
    bool result = issue_load_untimed(path, out, a, d);
    timing_pop();
    return result;
}
