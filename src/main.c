/* bulletin: print and PDF layout engine for Vietnamese news bulletins. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "timing.h"
#include "util.h"

static const char usage_text[] =
    "Usage:\n"
    "  bulletin build ISSUE.yaml [-o OUT.pdf] [--layout NAME|FILE] [--report FILE.json]\n"
    "  bulletin check ISSUE.yaml [--layout NAME|FILE] [--profile P] [--report FILE.json] [--strict]\n"
    "  bulletin compile VOLUME.yaml [-o OUT.pdf] [--profile P]\n"
    "  bulletin fonts [--layout NAME|FILE] [--text FILE]\n"
    "  bulletin import FILE... [-o DIR] [--force]\n"
    "  bulletin --help | --version | help COMMAND\n"
    "\n"
    "Commands:\n"
    "  build   lay out an issue (manifest, Markdown articles, photos) into a PDF\n"
    "  check   preflight only: report problems, write nothing\n"
    "  compile a year's issues in one volume with contents and index\n"
    "  fonts   show which font file each style resolves to and its Vietnamese coverage\n"
    "  import  turn Word files, saved web pages and scraped text into article files\n"
    "\n"
    "\n"
    "Options of build, check and compile:\n"
    "  --input-encoding tcvn3|vni   articles and manifest are in a legacy encoding\n"
    "  --allow-outside              let an issue use files outside its folder\n"
    "  --max-pages N (20000)  --max-image-pixels N (100000000)  --max-input-bytes N (16 MiB)\n"
    "\n"
    "Exit status: 0 success, 1 bad input, 2 bad usage, 3 internal error.\n";

static const char build_help[] =
    "Usage: bulletin build ISSUE.yaml [-o OUT.pdf] [--layout NAME|FILE] [--profile P]\n"
    "                      [--report FILE.json] [--strict]\n"
    "\n"
    "Lays out the issue described by ISSUE.yaml into a PDF.\n"
    "  -o, --output FILE   where to write (default: ISSUE.pdf beside the manifest;\n"
    "                      '-' writes to standard output)\n"
    "  --layout NAME|FILE  layout template: a name from layouts/ or a YAML file\n"
    "                      (default: the manifest's 'layout', else ban-tin)\n"
    "  --profile NAME      print (default: trim, bleed, marks, CMYK), screen (RGB,\n"
    "                      links, small photos) or archive (PDF/A-1b)\n"
    "  --report FILE.json  write a build report: per article, lines set, loose\n"
    "                      lines, widows, orphans, overset lines, the worst line,\n"
    "                      and the preflight findings\n"
    "  --strict            preflight warnings are errors: no PDF is written\n"
    "The PDF is written atomically: a failed build leaves any old file untouched.\n";

static const char check_help[] =
    "Usage: bulletin check ISSUE.yaml [--layout NAME|FILE] [--profile print|screen|archive]\n"
    "                      [--report FILE.json] [--strict]\n"
    "\n"
    "Lays the issue out and reports what a print shop or the Press Law would object\n"
    "to, without writing a PDF: photos under 300 ppi or RGB (print), glyphs no font\n"
    "has, overset text, loose lines, widows and orphans, fonts that forbid embedding,\n"
    "images outside the bleed, and for kind: ban-tin the legal format (at most 19 x 27\n"
    "cm and 64 pages, masthead, colophon). Exit 0 clean, 1 errors; --strict makes\n"
    "warnings errors. The same checks run at every build.\n";

static const char compile_help[] =
    "Usage: bulletin compile VOLUME.yaml [-o OUT.pdf] [--profile print|screen|archive]\n"
    "\n"
    "Builds a yearly volume: cover and contents (pages i, ii, ...), every issue with\n"
    "its own layout and continuous page numbers, an index of article titles in\n"
    "Vietnamese alphabetical order, bookmarks volume > issue > article. A volume:\n"
    "  title: ...   year: 2021   organisation: ...\n"
    "  issues: [so-1/issue.yaml, ...]   or   issues_dir: issues/\n"
    "  profile: archive (default)   contents: true   index: true\n";

static const char fonts_help[] =
    "Usage: bulletin fonts [--layout NAME|FILE] [--text FILE]\n"
    "\n"
    "Prints each style of the layout, the font file fontconfig resolves it to,\n"
    "and whether that face covers every Vietnamese letter. With --text, also\n"
    "lists characters of FILE that no resolved face has.\n";

static const char import_help[] =
    "Usage: bulletin import FILE... [-o DIR] [--force]\n"
    "\n"
    "Writes one article file (YAML front matter + Markdown) per input, with its\n"
    "photos beside it, and reports what it recognised and guessed:\n"
    "  .docx   paragraphs, headings, bold/italic, lists, photos with the caption\n"
    "          paragraph under them, the title\n"
    "  .html   a saved news page: title, lead, paragraphs, figures and captions,\n"
    "          byline, date; menus, share buttons, comments and related links dropped\n"
    "  .txt    text copied from a portal: title, date line, captions (photo slots\n"
    "          to fill in), subheads, byline; button rows and comments dropped\n"
    "Text in UTF-8 (BOM or not), UTF-16, Windows-1258, TCVN3 or VNI is converted\n"
    "to Unicode NFC.\n"
    "  -o, --output DIR   where to write (default: beside each input)\n"
    "  --force            replace article and photo files that already exist\n"
    "  --input-encoding tcvn3|vni   the text is in this legacy encoding (else detected)\n";

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv, diag *d);
    const char *help;
} command;

/* `import` runs bulletin-import (see import_main.c): beside this program
 * (the source tree), else where `make install` put it. Never from the
 * current folder. */
static int run_import(int argc, char **argv, diag *d)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe);
    /* beside this program, PREFIX/lib/bulletin relative to it, the
     * configured one */
    char *candidates[3] = {NULL, NULL, xstrdup(BULLETIN_LIBEXEC "/bulletin-import")};
    if (n > 0 && (size_t)n < sizeof exe) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            candidates[0] = xasprintf("%s/bulletin-import", exe);
            candidates[1] = xasprintf("%s/../lib/bulletin/bulletin-import", exe);
        }
    }
    int status = 3;
    bool found = false;
    for (int i = 0; i < 3; i++) {
        if (!candidates[i] || access(candidates[i], F_OK) != 0)
            continue;
        found = true;
        char **args = xcalloc((size_t)argc + 2, sizeof *args);
        args[0] = candidates[i];
        for (int k = 0; k < argc; k++)
            args[k + 1] = argv[k];
        fflush(NULL);
        execv(candidates[i], args);
        diag_internal(d, (src_loc){0}, "cannot run %s: %s", candidates[i], strerror(errno));
        free(args);
        break;
    }
    if (!found)
        diag_internal(d, (src_loc){0},
                      "bulletin-import not found (looked beside this program, in "
                      "../lib/bulletin from it and in %s); "
                      "build it with 'make' or reinstall",
                      BULLETIN_LIBEXEC);
    for (int i = 0; i < 3; i++)
        free(candidates[i]);
    return status;
}

static const command commands[] = {
    {"build", cmd_build, build_help},
    {"check", cmd_check, check_help},
    {"compile", cmd_compile, compile_help},
    {"fonts", cmd_fonts, fonts_help},
    {"import", run_import, import_help},
};

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    const char *arg = argv[1];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(arg, "--version") == 0) {
        printf("bulletin %s\n", BULLETIN_VERSION);
        return 0;
    }
    if (strcmp(arg, "help") == 0) {
        if (argc < 3) {
            fputs(usage_text, stdout);
            return 0;
        }
        const command *c = find_command(argv[2]);
        if (!c) {
            fprintf(stderr, "bulletin: error: no command '%s'; see 'bulletin --help'\n", argv[2]);
            return 2;
        }
        fputs(c->help, stdout);
        return 0;
    }
    const command *c = find_command(arg);
    if (!c) {
        fprintf(stderr, "bulletin: error: unknown command '%s'; see 'bulletin --help'\n", arg);
        return 2;
    }
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(c->help, stdout);
            return 0;
        }
    /* Developer switch for `make bench`: per-stage times as JSON. */
    const char *timings = getenv("BULLETIN_TIMINGS");
    if (timings && *timings)
        timing_enable();
    diag *d = diag_new();
    int status = c->run(argc - 2, argv + 2, d);
    if (timings && *timings && !timing_write_json(timings))
        fprintf(stderr, "bulletin: warning: cannot write timings to %s\n", timings);
    diag_print(d, stderr);
    if (status == 0)
        status = diag_exit_status(d);
    diag_free(d);
    return status;
}
