/* `bulletin build`: parse, build the model, shape and break, flow, write:
 * one call per stage, each checked. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "caps.h"
#include "cli.h"
#include "flow.h"
#include "fonts.h"
#include "issue.h"
#include "pdf.h"
#include "preflight.h"
#include "report.h"
#include "shape.h"
#include "template.h"
#include "utf8.h"
#include "util.h"

const char *cli_datadir(void)
{
    static char dir[PATH_MAX + 128];
    if (dir[0])
        return dir;
    const char *env = getenv("BULLETIN_DATADIR");
    if (env && *env) {
        snprintf(dir, sizeof dir, "%s", env);
        return dir;
    }
    char exe[PATH_MAX - 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        char probe[PATH_MAX + 64];
        /* Source tree: the binary sits beside layouts/. */
        snprintf(probe, sizeof probe, "%s/layouts/ban-tin.yaml", exe);
        if (path_is_regular_file(probe)) {
            snprintf(dir, sizeof dir, "%s", exe);
            return dir;
        }
        /* Installed: PREFIX/bin/bulletin and PREFIX/share/bulletin. */
        snprintf(probe, sizeof probe, "%s/../share/bulletin/layouts/ban-tin.yaml", exe);
        if (path_is_regular_file(probe)) {
            snprintf(probe, sizeof probe, "%s/../share/bulletin", exe);
            char *real = realpath(probe, NULL);
            snprintf(dir, sizeof dir, "%s", real ? real : probe);
            free(real);
            return dir;
        }
    }
    snprintf(dir, sizeof dir, "%s", BULLETIN_SHARE);
    return dir;
}

char *cli_fonts_conf(void)
{
    char *p = xasprintf("%s/fonts/bulletin.conf", cli_datadir());
    if (path_is_regular_file(p))
        return p;
    free(p);
    return NULL;
}

char *cli_layout_path(const char *name, const char *relative_to)
{
    size_t len = strlen(name);
    bool is_file = strchr(name, '/') || (len > 5 && strcmp(name + len - 5, ".yaml") == 0) ||
                   (len > 4 && strcmp(name + len - 4, ".yml") == 0);
    if (is_file)
        return path_join(relative_to, name);
    return xasprintf("%s/layouts/%s.yaml", cli_datadir(), name);
}

static bool parse_count(const char *opt, const char *s, long lo, long hi, long *out, diag *d)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi) {
        diag_usage(d, "%s needs a whole number from %ld to %ld, not '%s'", opt, lo, hi, s);
        return false;
    }
    *out = v;
    return true;
}

int cli_common_option(int argc, char **argv, int *i, diag *d)
{
    const char *a = argv[*i];
    if (strcmp(a, "--allow-outside") == 0) {
        limits.allow_outside = true;
        return 1;
    }
    static const char *const with_value[] = {"--max-pages", "--max-image-pixels",
                                             "--max-input-bytes", "--input-encoding", NULL};
    int which = -1;
    for (int k = 0; with_value[k]; k++)
        if (strcmp(a, with_value[k]) == 0)
            which = k;
    if (which < 0)
        return 0;
    if (*i + 1 >= argc) {
        diag_usage(d, "option '%s' needs a value", a);
        return -1;
    }
    const char *v = argv[++*i];
    long n;
    switch (which) {
    case 0:
        if (!parse_count(a, v, 1, 1000000, &n, d))
            return -1;
        limits.max_pages = (size_t)n;
        break;
    case 1:
        if (!parse_count(a, v, 1, 2000000000L, &n, d))
            return -1;
        limits.max_image_pixels = n;
        break;
    case 2:
        if (!parse_count(a, v, 1024, 2000000000L, &n, d))
            return -1;
        limits.max_input_bytes = (size_t)n;
        break;
    default:
        if (!utf8_legacy_parse(v, &limits.input_encoding)) {
            diag_usage(d, "--input-encoding must be tcvn3 or vni, not '%s'", v);
            return -1;
        }
    }
    return 1;
}

typedef struct build_opts {
    const char *manifest;
    const char *output;
    const char *layout;
    const char *report;
    const char *profile;
    bool strict;     /* warnings count as errors */
    bool check_only; /* `bulletin check`: preflight, no PDF */
} build_opts;

static bool parse_args(int argc, char **argv, build_opts *o, diag *d)
{
    bool check = o->check_only;
    memset(o, 0, sizeof *o);
    o->check_only = check;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--strict") == 0) {
            o->strict = true;
            continue;
        }
        int common = cli_common_option(argc, argv, &i, d);
        if (common < 0)
            return false;
        if (common)
            continue;
        if (check && (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)) {
            diag_usage(d, "check writes no PDF; use 'bulletin build' for -o");
            return false;
        }
        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 || strcmp(a, "--layout") == 0 ||
            strcmp(a, "--report") == 0 || strcmp(a, "--profile") == 0) {
            if (i + 1 >= argc) {
                diag_usage(d, "option '%s' needs a value", a);
                return false;
            }
            if (strcmp(a, "--layout") == 0)
                o->layout = argv[++i];
            else if (strcmp(a, "--report") == 0)
                o->report = argv[++i];
            else if (strcmp(a, "--profile") == 0)
                o->profile = argv[++i];
            else
                o->output = argv[++i];
        } else if (strncmp(a, "--output=", 9) == 0) {
            o->output = a + 9;
        } else if (strncmp(a, "--layout=", 9) == 0) {
            o->layout = a + 9;
        } else if (strncmp(a, "--report=", 9) == 0) {
            o->report = a + 9;
        } else if (strncmp(a, "--profile=", 10) == 0) {
            o->profile = a + 10;
        } else if (a[0] == '-' && a[1]) {
            diag_usage(d, "unknown option '%s'; see 'bulletin help build'", a);
            return false;
        } else if (!o->manifest) {
            o->manifest = a;
        } else {
            diag_usage(d, "unexpected argument '%s'; build takes one manifest", a);
            return false;
        }
    }
    if (!o->manifest) {
        diag_usage(d, "no issue manifest given; usage: bulletin build ISSUE.yaml [-o OUT.pdf]");
        return false;
    }
    pdf_profile ignored;
    if (o->profile && !pdf_profile_parse(o->profile, &ignored)) {
        diag_usage(d, "unknown profile '%s'; use print, screen or archive", o->profile);
        return false;
    }
    return true;
}

static char *default_output(const char *manifest)
{
    size_t len = strlen(manifest);
    const char *dot = strrchr(manifest, '.');
    const char *slash = strrchr(manifest, '/');
    if (dot && (!slash || dot > slash))
        len = (size_t)(dot - manifest);
    return xasprintf("%.*s.pdf", (int)len, manifest);
}

/* The issue's date, or SOURCE_DATE_EPOCH, for a reproducible file date. */
static void document_date(const issue *is, pdf_meta *m);

static void document_date(const issue *is, pdf_meta *m)
{
    if (is->year) {
        m->year = is->year;
        m->month = is->month;
        m->day = is->day;
        return;
    }
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        time_t t = (time_t)strtoll(sde, NULL, 10);
        struct tm tm;
        if (gmtime_r(&t, &tm)) {
            m->year = tm.tm_year + 1900;
            m->month = tm.tm_mon + 1;
            m->day = tm.tm_mday;
        }
    }
}

static int run(build_opts *opts, diag *d);

int cmd_build(int argc, char **argv, diag *d)
{
    build_opts o = {.check_only = false};
    if (!parse_args(argc, argv, &o, d))
        return 2;
    return run(&o, d);
}

int cmd_check(int argc, char **argv, diag *d)
{
    build_opts o = {.check_only = true};
    if (!parse_args(argc, argv, &o, d))
        return 2;
    return run(&o, d);
}

static int run(build_opts *opts, diag *d)
{
    build_opts o = *opts;
    arena *a = arena_new();
    font_set *fonts = NULL;
    shaper *sh = NULL;
    page_list *pages = NULL;
    char *output = o.output ? xstrdup(o.output) : default_output(o.manifest);
    char *layout_path = NULL, *conf = NULL, *subject = NULL, *doc_title = NULL;
    issue is;
    template t;
    template_default(&t);

    if (!issue_load(o.manifest, &is, a, d))
        goto done;
    const char *layout = o.layout ? o.layout : is.layout;
    if (layout) {
        layout_path = cli_layout_path(layout, o.layout ? "." : is.dir);
        if (!path_is_regular_file(layout_path)) {
            diag_error(d, o.layout ? (src_loc){0} : is.layout_loc,
                       "layout '%s' not found (looked for %s)", layout, layout_path);
            goto done;
        }
    } else {
        layout_path = cli_layout_path("ban-tin", ".");
        if (!path_is_regular_file(layout_path)) {
            free(layout_path);
            layout_path = NULL; /* the built-in default */
        }
    }
    if (layout_path && !template_load(&t, layout_path, a, d))
        goto done;
    conf = cli_fonts_conf();
    if (!(fonts = fonts_open(conf, d)))
        goto done;
    sh = shape_new(fonts);
    if (!(pages = flow_issue(&is, &t, fonts, sh, a, d)))
        goto done;

    pdf_options popt = {0};
    pdf_meta meta = {0};
    doc_title = is.number ? xasprintf("%s – Số %ld", is.title, is.number) : xstrdup(is.title);
    meta.title = doc_title;
    meta.author = is.organisation;
    if (is.year)
        subject = xasprintf("Bản tin số %ld, ngày %d/%d/%d", is.number, is.day, is.month,
                            is.year);
    meta.subject = subject;
    meta.creator = "bulletin " BULLETIN_VERSION;
    meta.language = "vi-VN";
    document_date(&is, &meta);
    popt.meta = meta;
    popt.profile = PDF_PRINT;
    const char *profile = o.profile ? o.profile : is.profile;
    if (profile)
        pdf_profile_parse(profile, &popt.profile);
    popt.bleed_pt = t.bleed_pt;
    popt.crop_marks = t.crop_marks;
    popt.registration_marks = t.registration_marks;
    popt.screen_ppi = t.screen_ppi;
    preflight_run(&is, &t, pages, fonts, (preflight_profile)popt.profile, !o.check_only, d);
    if (o.strict && diag_warning_count(d) && !diag_error_count(d))
        diag_error(d, loc_file(is.path), "--strict: %d warning%s%s", diag_warning_count(d),
                   diag_warning_count(d) == 1 ? "" : "s",
                   o.check_only ? "" : "; no PDF written");
    if (o.check_only) {
        if (o.report)
            report_write(o.report, &is, pages, pdf_profile_name(popt.profile), d);
        goto done;
    }
    if (!diag_error_count(d) && pdf_write(pages, &popt, fonts, output, d) && o.report)
        report_write(o.report, &is, pages, pdf_profile_name(popt.profile), d);
done:
    flow_free(pages);
    shape_free(sh);
    fonts_free(fonts);
    arena_free(a);
    free(output);
    free(layout_path);
    free(conf);
    free(subject);
    free(doc_title);
    return diag_exit_status(d);
}
