/* `bulletin compile`: a year's issues in one volume: cover and contents
 * (roman page numbers), every issue with its own layout and continuous page
 * numbers, an index of article titles in Vietnamese alphabetical order, a
 * bookmark tree volume -> issue -> article, fonts and photos shared by the
 * whole volume. Archive (PDF/A-1b) by default. */
#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucol.h>
#include <unistd.h>

#include "arena.h"
#include "cli.h"
#include "flow.h"
#include "fonts.h"
#include "issue.h"
#include "caps.h"
#include "pdf.h"
#include "shape.h"
#include "template.h"
#include "timing.h"
#include "utf8.h"
#include "util.h"
#include "yml.h"

typedef struct volume {
    const char *path, *dir;
    char *title, *organisation, *profile, *layout;
    long year;
    bool contents, index;
    char **issues; /* manifest paths */
    size_t issue_count, issue_cap;
    src_loc loc;
} volume;

typedef struct member {
    issue is;
    size_t layout; /* in the layout cache */
    arena *a;          /* manifest, template, and at the end article titles */
    arena *articles_a; /* the articles, freed once the issue is written */
    size_t first_page; /* volume page number of its page 1 */
    size_t pages;
    size_t *article_page; /* volume page number where each article starts */
} member;

static bool add_issue_path(volume *v, const char *path)
{
    char **slot = ARRAY_PUSH(v->issues, v->issue_count, v->issue_cap);
    *slot = xstrdup(path);
    return true;
}

/* issues_dir: every DIR/NAME/issue.yaml and DIR/NAME.yaml, later sorted by
 * issue number and date. */
static bool scan_dir(volume *v, const char *dir, src_loc loc, diag *d)
{
    DIR *dh = opendir(dir);
    if (!dh) {
        diag_error(d, loc, "cannot read the folder '%s': %s", dir, strerror(errno));
        return false;
    }
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = xasprintf("%s/%s/issue.yaml", dir, e->d_name);
        size_t len = strlen(e->d_name);
        if (path_is_regular_file(sub))
            add_issue_path(v, sub);
        else if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0) {
            char *f = xasprintf("%s/%s", dir, e->d_name);
            /* The volume itself may sit in the folder it scans. */
            char *rf = realpath(f, NULL), *rv = realpath(v->path, NULL);
            if (!rf || !rv || strcmp(rf, rv) != 0)
                add_issue_path(v, f);
            free(rf);
            free(rv);
            free(f);
        }
        free(sub);
    }
    closedir(dh);
    return true;
}

static bool load_volume(const char *path, volume *v, arena *a, diag *d)
{
    memset(v, 0, sizeof *v);
    v->contents = v->index = true;
    size_t len;
    char *text = read_input(path, "the volume", false, &len, d);
    const char *file = diag_intern(d, path);
    v->path = file;
    v->loc = loc_file(file);
    if (!text)
        return false;
    char *dir = path_dirname(path);
    v->dir = arena_strdup(a, dir);
    free(dir);
    bool ok = false;
    yml *y = NULL;
    len = utf8_strip_bom(text, len);
    if (!utf8_check_input(file, text, len, d) || !(y = yml_parse(file, text, len, 1, d)))
        goto done;
    yml_node root = yml_root(y);
    static const char *const keys[] = {"title", "year", "organisation", "issues", "issues_dir",
                                       "profile", "layout", "contents", "index", NULL};
    if (!yml_check_map(y, root, "the volume", keys, d))
        goto done;
    ok = yml_get_text(y, root, "title", a, &v->title, d);
    ok &= yml_get_int(y, root, "year", 1900, 2999, &v->year, d);
    ok &= yml_get_text(y, root, "organisation", a, &v->organisation, d);
    ok &= yml_get_text(y, root, "profile", a, &v->profile, d);
    ok &= yml_get_text(y, root, "layout", a, &v->layout, d);
    ok &= yml_get_bool(y, root, "contents", &v->contents, d);
    ok &= yml_get_bool(y, root, "index", &v->index, d);
    if (!v->title) {
        diag_error(d, loc_file(file), "the volume has no 'title'");
        ok = false;
    }
    yml_node list = yml_get(y, root, "issues");
    char *scan = NULL;
    ok &= yml_get_text(y, root, "issues_dir", a, &scan, d);
    if (list) {
        if (!yml_is_seq(y, list)) {
            diag_error(d, yml_loc(y, list), "'issues' must be a list of issue manifests");
            ok = false;
        } else {
            for (size_t i = 0; i < yml_count(y, list); i++) {
                char *p = yml_text(y, yml_seq_item(y, list, i), a, "an issue", d);
                if (!p) {
                    ok = false;
                    continue;
                }
                char *full = path_join(v->dir, p);
                add_issue_path(v, full);
                free(full);
            }
        }
    }
    if (scan) {
        char *full = path_join(v->dir, scan);
        ok &= scan_dir(v, full, yml_loc(y, yml_get(y, root, "issues_dir")), d);
        free(full);
    }
    if (ok && v->issue_count == 0) {
        diag_error(d, loc_file(file), "the volume lists no issues; add 'issues:' or 'issues_dir:'");
        ok = false;
    }
    if (v->profile) {
        pdf_profile p;
        if (!pdf_profile_parse(v->profile, &p)) {
            diag_error(d, yml_loc(y, yml_get(y, root, "profile")),
                       "'profile' must be print, screen or archive");
            ok = false;
        }
    }
done:
    yml_free(y);
    free(text);
    return ok;
}

static int by_number_then_date(const void *pa, const void *pb)
{
    const member *a = pa, *b = pb;
    long ka = a->is.year * 10000L + a->is.month * 100 + a->is.day;
    long kb = b->is.year * 10000L + b->is.month * 100 + b->is.day;
    if (ka != kb)
        return ka < kb ? -1 : 1;
    return a->is.number < b->is.number ? -1 : a->is.number > b->is.number;
}

/* Layouts already read: the issues of a volume mostly share one, and a
 * template is read-only once loaded, so each file is read once. */
typedef struct layout_cache {
    char *path;
    template t;
} layout_cache;
static layout_cache *layouts;
static size_t layout_count, layout_cap;

static void free_layout_cache(void)
{
    for (size_t i = 0; i < layout_count; i++)
        free(layouts[i].path);
    free(layouts);
    layouts = NULL;
    layout_count = layout_cap = 0;
}

/* The issue's layout, as an index into the cache: every issue of a volume
 * shares the one read (and the built-in default, cached under ""). */
static bool load_layout(const issue *is, size_t *which, arena *a, diag *d)
{
    const char *name = is->layout ? is->layout : "ban-tin";
    char *path = cli_layout_path(name, is->dir);
    char *real = path_is_regular_file(path) ? realpath(path, NULL) : NULL;
    if (!real && is->layout) {
        diag_error(d, is->loc, "layout '%s' not found (looked for %s)", name, path);
        free(path);
        return false;
    }
    const char *key = real ? real : "";
    for (size_t i = 0; i < layout_count; i++)
        if (strcmp(layouts[i].path, key) == 0) {
            *which = i;
            free(real);
            free(path);
            return true;
        }
    template t;
    template_default(&t);
    bool ok = !real || template_load(&t, path, a, d);
    if (ok) {
        layout_cache *c = ARRAY_PUSH(layouts, layout_count, layout_cap);
        c->path = real ? real : xstrdup("");
        c->t = t;
        real = NULL;
        *which = layout_count - 1;
    }
    free(real);
    free(path);
    return ok;
}

/* A volume's front or back matter, written page by page as it is set:
 * the first page opens its bookmark and page-label range. */
typedef struct matter_sink {
    pdf_writer *w;
    const char *section;
    char label;
    int first_number;
    bool in_front;
} matter_sink;

static bool add_matter_page(void *ctx, const page_list *pl)
{
    matter_sink *ms = ctx;
    bool ok = ms->in_front
                  ? pdf_writer_add_front(ms->w, pl, ms->section, ms->label, ms->first_number)
                  : pdf_writer_add(ms->w, pl, ms->section, ms->label, ms->first_number);
    ms->section = NULL;
    ms->label = 0;
    return ok;
}

static char *issue_label(const issue *is)
{
    if (!is->year)
        return xasprintf("Số %ld", is->number);
    char *date = flow_vietnamese_date(is->year, is->month, is->day);
    char *s = xasprintf("Số %ld – %s", is->number, date);
    free(date);
    return s;
}

typedef struct index_entry {
    const char *title;
    long number;
    size_t page;
} index_entry;

static UCollator *collator;

static int by_vietnamese(const void *pa, const void *pb)
{
    const index_entry *a = pa, *b = pb;
    UErrorCode status = U_ZERO_ERROR;
    UCollationResult r = ucol_strcollUTF8(collator, a->title, -1, b->title, -1, &status);
    if (r != UCOL_EQUAL)
        return r == UCOL_LESS ? -1 : 1;
    return a->page < b->page ? -1 : a->page > b->page;
}

static bool parse_args(int argc, char **argv, const char **vol, const char **out,
                       const char **profile, diag *d)
{
    for (int i = 0; i < argc; i++) {
        int common = cli_common_option(argc, argv, &i, d);
        if (common < 0)
            return false;
        if (common)
            continue;
        if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0 ||
             strcmp(argv[i], "--profile") == 0) && i + 1 < argc) {
            if (argv[i][2] == 'p')
                *profile = argv[++i];
            else
                *out = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            diag_usage(d, "unknown option '%s'; see 'bulletin help compile'", argv[i]);
            return false;
        } else if (!*vol) {
            *vol = argv[i];
        } else {
            diag_usage(d, "unexpected argument '%s'", argv[i]);
            return false;
        }
    }
    if (!*vol) {
        diag_usage(d, "no volume given; usage: bulletin compile VOLUME.yaml [-o OUT.pdf]");
        return false;
    }
    pdf_profile p;
    if (*profile && !pdf_profile_parse(*profile, &p)) {
        diag_usage(d, "unknown profile '%s'; use print, screen or archive", *profile);
        return false;
    }
    return true;
}

/* Once an issue is written, only its articles' titles are needed (for the
 * contents and the index): the rest goes, so a volume's memory does not
 * grow with its issues' text. */
static void keep_titles_only(member *mb)
{
    for (size_t k = 0; k < mb->is.article_count; k++) {
        article *art = &mb->is.articles[k];
        const char *title = art->title ? arena_strdup(mb->a, art->title) : NULL;
        const char *path = art->path ? arena_strdup(mb->a, art->path) : NULL;
        *art = (article){.title = title, .path = path, .loc = art->loc};
    }
    arena_free(mb->articles_a);
    mb->articles_a = NULL;
}

/* Issues set ahead of the one being written. */
#define SETTER_AHEAD 2

/* The issues of a volume being set, in order, for the thread that writes
 * them. Only the setting thread uses the shaper and the fonts' fallback
 * search (which opens faces); the writing thread reads faces of pages
 * handed over, which never move. */
typedef struct setter {
    member *m;
    size_t n;
    font_set *fonts;
    shaper *sh;
    /* per issue: what reading and setting it reported, merged into the
     * command's diag in issue order, whichever thread got there first */
    diag **diags;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    page_list **lists; /* per issue: set, not yet written */
    arena **arenas;
    /* per issue: its articles read; either thread reads them (the writing
     * thread while it waits), whichever claims the issue first */
    enum { ARTICLES_UNREAD, ARTICLES_READING, ARTICLES_READ, ARTICLES_BAD } *articles;
    size_t set, taken; /* issues set; issues written */
    bool failed, cancel;
} setter;

/* Claims issue i's articles for reading (lock held); true when the caller
 * is to read them. */
static bool claim_articles(setter *st, size_t i)
{
    if (st->articles[i] != ARTICLES_UNREAD)
        return false;
    st->articles[i] = ARTICLES_READING;
    return true;
}

/* Reads issue i's articles (claimed by the caller). */
static void read_articles(setter *st, size_t i)
{
    bool ok = issue_load_articles(&st->m[i].is, st->m[i].articles_a, st->diags[i]);
    pthread_mutex_lock(&st->lock);
    st->articles[i] = ok ? ARTICLES_READ : ARTICLES_BAD;
    pthread_cond_broadcast(&st->changed);
    pthread_mutex_unlock(&st->lock);
}

/* Issue i's articles, read here or by the other thread; false when bad. */
static bool articles_of(setter *st, size_t i)
{
    pthread_mutex_lock(&st->lock);
    bool mine = claim_articles(st, i);
    pthread_mutex_unlock(&st->lock);
    if (mine)
        read_articles(st, i);
    pthread_mutex_lock(&st->lock);
    while (st->articles[i] == ARTICLES_READING)
        pthread_cond_wait(&st->changed, &st->lock);
    bool ok = st->articles[i] == ARTICLES_READ;
    pthread_mutex_unlock(&st->lock);
    return ok;
}

/* Reads the articles of issue i and sets it starting at volume page *page
 * (continuous numbering). After a failure, the later issues' articles are
 * still read, so that every bad input is reported in one run. */
static page_list *set_issue(setter *st, size_t i, size_t *page)
{
    if (!articles_of(st, i) || st->failed) {
        pthread_mutex_lock(&st->lock);
        st->failed = true;
        pthread_cond_broadcast(&st->changed);
        pthread_mutex_unlock(&st->lock);
        return NULL;
    }
    arena *ia = arena_new();
    template t = layouts[st->m[i].layout].t;
    t.first_page_number = (int)*page;
    page_list *pl = flow_issue(&st->m[i].is, &t, st->fonts, st->sh, ia, st->diags[i]);
    /* counted before it is handed over: the writer frees it once written */
    if (pl)
        *page += pl->count;
    pthread_mutex_lock(&st->lock);
    st->lists[i] = pl;
    st->arenas[i] = ia;
    if (pl)
        st->set = i + 1;
    else
        st->failed = true;
    pthread_cond_broadcast(&st->changed);
    pthread_mutex_unlock(&st->lock);
    return pl;
}

static void *set_issues(void *arg)
{
    setter *st = arg;
    timing_thread_begin();
    size_t page = 1;
    for (size_t i = 0; i < st->n; i++) {
        pthread_mutex_lock(&st->lock);
        while (i >= st->taken + SETTER_AHEAD && !st->cancel && !st->failed)
            pthread_cond_wait(&st->changed, &st->lock);
        /* after a failure, only articles are read: on to the end */
        bool stop = st->cancel && !st->failed;
        pthread_mutex_unlock(&st->lock);
        if (stop)
            break;
        set_issue(st, i, &page);
    }
    return NULL;
}

int cmd_compile(int argc, char **argv, diag *d)
{
    const char *vol_path = NULL, *out_opt = NULL, *profile_opt = NULL;
    if (!parse_args(argc, argv, &vol_path, &out_opt, &profile_opt, d))
        return 2;
    arena *va = arena_new();
    volume v;
    member *m = NULL;
    font_set *fonts = NULL;
    shaper *sh = NULL;
    pdf_writer *w = NULL;
    char *out = NULL, *conf = NULL;
    index_entry *index = NULL;
    size_t n = 0, entries = 0;
    bool progress = isatty(STDERR_FILENO);
    if (!load_volume(vol_path, &v, va, d))
        goto done;
    n = v.issue_count;
    m = xcalloc(n, sizeof *m);
    for (size_t i = 0; i < n; i++) {
        m[i].a = arena_new();
        m[i].articles_a = arena_new();
        /* manifests now (to sort the issues); articles as each is set */
        if (!issue_load_manifest(v.issues[i], &m[i].is, m[i].a, d) ||
            !load_layout(&m[i].is, &m[i].layout, va, d))
            goto done;
    }
    qsort(m, n, sizeof *m, by_number_then_date);
    conf = cli_fonts_conf();
    if (!(fonts = fonts_open(conf, d)))
        goto done;
    sh = shape_new(fonts);

    /* The cover and contents are laid out last (they need every article's
     * page) and inserted in front; the issues are numbered from 1, so
     * nothing they print depends on how long the front matter is. */
    template front = layouts[m[0].layout].t;
    pdf_options opt = {0};
    opt.profile = PDF_ARCHIVE;
    const char *profile = profile_opt ? profile_opt : v.profile;
    if (profile)
        pdf_profile_parse(profile, &opt.profile);
    opt.meta.title = v.title;
    opt.meta.author = v.organisation;
    opt.meta.creator = "bulletin " BULLETIN_VERSION;
    opt.meta.language = "vi-VN";
    opt.meta.year = m[n - 1].is.year;
    opt.meta.month = m[n - 1].is.month;
    opt.meta.day = m[n - 1].is.day;
    opt.bleed_pt = front.bleed_pt;
    opt.crop_marks = front.crop_marks;
    opt.registration_marks = front.registration_marks;
    opt.screen_ppi = front.screen_ppi;
    if (out_opt)
        out = xstrdup(out_opt);
    else {
        size_t l = strlen(vol_path);
        const char *dot = strrchr(vol_path, '.');
        if (dot && !strchr(dot, '/'))
            l = (size_t)(dot - vol_path);
        out = xasprintf("%.*s.pdf", (int)l, vol_path);
    }
    if (!(w = pdf_writer_new(&opt, fonts, out, d)))
        goto done;
    pdf_writer_set_root(w, v.title);

    /* Each issue is set once and written straight away: issues are set on
     * a second thread while this one writes the pages of those already
     * set, and at most SETTER_AHEAD set issues wait. */
    setter st = {.m = m, .n = n, .fonts = fonts, .sh = sh,
                 .lists = xcalloc(n, sizeof(page_list *)), .arenas = xcalloc(n, sizeof(arena *))};
    st.articles = xcalloc(n, sizeof *st.articles);
    st.diags = xcalloc(n, sizeof *st.diags);
    for (size_t i = 0; i < n; i++)
        st.diags[i] = diag_new_child(d);
    pthread_mutex_init(&st.lock, NULL);
    pthread_cond_init(&st.changed, NULL);
    pthread_t setter_thread;
    bool threaded = n > 1 && sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
                    pthread_create(&setter_thread, NULL, set_issues, &st) == 0;
    bool ok = true, all_set = true;
    size_t page = 1, set_page = 1;
    for (size_t i = 0; i < n; i++) {
        page_list *pl;
        arena *ia;
        if (threaded) {
            pthread_mutex_lock(&st.lock);
            while (st.set <= i && !st.failed) {
                /* Idle until issue i is set: read the articles of an issue
                 * the setting thread has not reached. */
                size_t k = st.set + 1;
                while (k < n && st.articles[k] != ARTICLES_UNREAD)
                    k++;
                if (k < n && k <= st.set + SETTER_AHEAD + 1 && claim_articles(&st, k)) {
                    pthread_mutex_unlock(&st.lock);
                    read_articles(&st, k);
                    pthread_mutex_lock(&st.lock);
                    continue;
                }
                timing_push(STAGE_COUNT); /* waiting is no stage's time */
                pthread_cond_wait(&st.changed, &st.lock);
                timing_pop();
            }
            pl = st.set > i ? st.lists[i] : NULL;
            ia = st.arenas[i];
            pthread_mutex_unlock(&st.lock);
        } else {
            pl = set_issue(&st, i, &set_page);
            ia = st.arenas[i];
        }
        diag_merge(d, st.diags[i]); /* before what writing it reports */
        if (pl) {
            m[i].first_page = page;
            m[i].pages = pl->count;
            m[i].article_page = xcalloc(m[i].is.article_count + 1, sizeof(size_t));
            for (size_t k = 0; k < pl->stats_count; k++)
                m[i].article_page[k] = page + pl->stats[k].first_page;
            entries += m[i].is.article_count;
            char *label = issue_label(&m[i].is);
            ok = pdf_writer_add(w, pl, label, 'D', (int)page);
            free(label);
            page += pl->count;
        }
        flow_free(pl);
        arena_free(ia);
        if (pl)
            keep_titles_only(&m[i]);
        pthread_mutex_lock(&st.lock);
        st.lists[i] = NULL;
        st.arenas[i] = NULL;
        st.taken = i + 1;
        pthread_cond_broadcast(&st.changed);
        pthread_mutex_unlock(&st.lock);
        if (!pl)
            all_set = false;
        if (!pl || !ok)
            break;
        if (progress)
            fprintf(stderr, "\rbulletin: setting issue %zu/%zu  ", i + 1, n);
    }
    /* Without the thread, the articles of the issues after a failed one
     * are still read for their errors. */
    for (size_t i = st.set + 1; !threaded && !all_set && i < n; i++)
        set_issue(&st, i, &set_page);
    if (threaded) {
        pthread_mutex_lock(&st.lock);
        st.cancel = true;
        pthread_cond_broadcast(&st.changed);
        pthread_mutex_unlock(&st.lock);
        pthread_join(setter_thread, NULL);
    }
    for (size_t i = 0; i < n; i++) { /* set, never written (after an error) */
        flow_free(st.lists[i]);
        if (st.arenas[i])
            arena_free(st.arenas[i]);
    }
    /* After an issue that could not be read or set, the errors of every
     * later issue's articles too (both paths read them all); after a PDF
     * failure, nothing from issues not written. */
    for (size_t i = 0; i < n; i++) {
        if (!all_set && ok)
            diag_merge(d, st.diags[i]); /* those merged already are empty */
        diag_free(st.diags[i]);
    }
    free(st.diags);
    free(st.lists);
    free(st.arenas);
    free(st.articles);
    pthread_mutex_destroy(&st.lock);
    pthread_cond_destroy(&st.changed);
    if (!ok || !all_set)
        goto done;

    /* Front matter: cover and contents, numbered i, ii, ... */
    front.page_number_style = 'r';
    front.first_page_number = 1;
    flow_entry *fe = xcalloc(entries + n + 8, sizeof *fe);
    size_t nf = 0;
    char **owned = xcalloc(entries * 2 + n + 8, sizeof *owned);
    size_t no = 0;
    fe[nf++] = (flow_entry){.role = ROLE_MASTHEAD_LABEL, .text = "TUYỂN TẬP", .centre = true,
                            .top_pt = front.page_height_pt * 0.25};
    fe[nf++] = (flow_entry){.role = ROLE_MASTHEAD, .text = v.title, .centre = true,
                            .space_before_pt = 12};
    if (v.year)
        fe[nf++] = (flow_entry){.role = ROLE_MASTHEAD_LABEL,
                                .text = owned[no++] = xasprintf("Năm %ld", v.year),
                                .centre = true, .space_before_pt = 18};
    if (v.organisation)
        fe[nf++] = (flow_entry){.role = ROLE_MASTHEAD_INFO, .text = v.organisation, .centre = true,
                                .space_before_pt = 24};
    if (v.contents) {
        fe[nf++] = (flow_entry){.role = ROLE_HEADLINE, .text = "MỤC LỤC", .new_page = true};
        for (size_t i = 0; i < n; i++) {
            char *label = owned[no++] = issue_label(&m[i].is);
            fe[nf++] = (flow_entry){.role = ROLE_SUBHEAD, .text = label, .space_before_pt = 8,
                                    .right = owned[no++] = xasprintf("%zu", m[i].first_page)};
            for (size_t k = 0; k < m[i].is.article_count; k++)
                fe[nf++] = (flow_entry){
                    .role = ROLE_BODY, .text = m[i].is.articles[k].title, .indent_pt = 12,
                    .right = owned[no++] = xasprintf("%zu", m[i].article_page[k])};
        }
    }
    matter_sink fs = {.w = w, .section = v.contents ? "Mục lục" : NULL, .label = 'r',
                      .first_number = 1, .in_front = true};
    ok = flow_entries(&front, fonts, sh, v.title, fe, nf, add_matter_page, &fs, d);
    free(fe);
    for (size_t i = 0; i < no; i++)
        free(owned[i]);
    free(owned);
    if (!ok)
        goto done;

    /* Index of article titles, in Vietnamese dictionary order. */
    if (v.index && entries) {
        UErrorCode status = U_ZERO_ERROR;
        collator = ucol_open("vi", &status);
        if (U_FAILURE(status)) {
            diag_internal(d, (src_loc){0}, "ICU has no Vietnamese collation (%s)",
                          u_errorName(status));
            goto done;
        }
        index = xcalloc(entries, sizeof *index);
        size_t ni = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < m[i].is.article_count; k++)
                index[ni++] = (index_entry){m[i].is.articles[k].title, m[i].is.number,
                                            m[i].article_page[k]};
        qsort(index, ni, sizeof *index, by_vietnamese);
        ucol_close(collator);
        flow_entry *ie = xcalloc(ni + 1, sizeof *ie);
        char **nums = xcalloc(ni, sizeof *nums);
        ie[0] = (flow_entry){.role = ROLE_HEADLINE, .text = "CHỈ MỤC BÀI VIẾT"};
        for (size_t i = 0; i < ni; i++) {
            nums[i] = xasprintf("%zu", index[i].page);
            ie[i + 1] = (flow_entry){.role = ROLE_BODY, .text = index[i].title, .right = nums[i]};
        }
        template back = layouts[m[n - 1].layout].t;
        back.first_page_number = (int)page;
        back.page_number_style = 'D';
        matter_sink is = {.w = w, .section = "Chỉ mục", .label = 'D',
                          .first_number = (int)page};
        ok = flow_entries(&back, fonts, sh, v.title, ie, ni + 1, add_matter_page, &is, d);
        for (size_t i = 0; i < ni; i++)
            free(nums[i]);
        free(nums);
        free(ie);
        if (!ok)
            goto done;
    }
    if (progress)
        fprintf(stderr, "\r%60s\r", "");
    pdf_writer_commit(w);
done:
    pdf_writer_free(w);
    shape_free(sh);
    fonts_free(fonts);
    for (size_t i = 0; m && i < n; i++) {
        free(m[i].article_page);
        arena_free(m[i].a);
        if (m[i].articles_a)
            arena_free(m[i].articles_a);
    }
    free(m);
    free(index);
    for (size_t i = 0; i < v.issue_count; i++)
        free(v.issues[i]);
    free(v.issues);
    free(out);
    free(conf);
    free_layout_cache();
    arena_free(va);
    return diag_exit_status(d);
}
