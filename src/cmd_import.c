/* `bulletin import FILE... [-o DIR] [--force]`: one article file per
 * input, its photos beside it, and a report of what was recognised. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "caps.h"
#include "cli.h"
#include "import.h"

typedef enum input_kind { INPUT_TEXT, INPUT_HTML, INPUT_DOCX, INPUT_OLD_WORD } input_kind;

static bool has_extension(const char *path, const char *ext)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    return dot && (!slash || dot > slash) && strcasecmp(dot + 1, ext) == 0;
}

/* By extension, else by the first bytes (a zip, an HTML tag). */
static input_kind kind_of(const char *path)
{
    FILE *f = fopen(path, "rb");
    char head[1024] = {0};
    size_t n = f ? fread(head, 1, sizeof head - 1, f) : 0;
    if (f)
        fclose(f);
    /* an OLE compound file: Word 97-2003 .doc, whatever its name */
    if (n >= 8 && memcmp(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return INPUT_OLD_WORD;
    if (has_extension(path, "docx"))
        return INPUT_DOCX;
    if (has_extension(path, "html") || has_extension(path, "htm") || has_extension(path, "xhtml"))
        return INPUT_HTML;
    if (has_extension(path, "txt") || has_extension(path, "text"))
        return INPUT_TEXT;
    if (n >= 4 && memcmp(head, "PK\3\4", 4) == 0)
        return INPUT_DOCX;
    for (size_t i = 0; i + 5 < n; i++)
        if (head[i] == '<' && (strncasecmp(head + i, "<html", 5) == 0 ||
                               strncasecmp(head + i, "<!doctype html", 14) == 0))
            return INPUT_HTML;
    return INPUT_TEXT;
}

/* The input's name without folder and extension, spaces as hyphens. */
static char *stem_of(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    char *stem = xstrndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
    for (char *c = stem; *c; c++)
        if (*c == ' ')
            *c = '-';
    return stem;
}

static size_t count_kind(const imported_article *im, import_block_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < im->block_count; i++)
        n += im->blocks[i].kind == kind;
    return n;
}

static bool import_one(const char *input, const char *out_dir, bool force, diag *d)
{
    imported_article im = {0};
    im.input = diag_intern(d, input);
    im.unit = "line";
    buf_init(&im.report);
    bool ok;
    switch (kind_of(input)) {
    case INPUT_DOCX: ok = import_read_docx(&im, im.input, d); break;
    case INPUT_HTML: ok = import_read_html(&im, im.input, d); break;
    case INPUT_OLD_WORD:
        diag_error(d, loc_file(im.input), "this is an old Word .doc file, which import does not "
                                          "read; open it in Word or LibreOffice and save it as "
                                          ".docx");
        ok = false;
        break;
    default: ok = import_read_text(&im, im.input, d); break;
    }
    if (ok && !im.title) {
        diag_error(d, loc_file(im.input), "no title found: the file has no text");
        ok = false;
    }
    char *dir = out_dir ? xstrdup(out_dir) : path_dirname(input);
    char *stem = stem_of(input);
    char *article = NULL;
    if (ok)
        ok = import_write(&im, dir, stem, force, &article, d);
    if (ok) {
        size_t slots = 0, captions = 0;
        for (size_t i = 0; i < im.photo_count; i++) {
            slots += !im.photos[i].file;
            captions += im.photos[i].caption != NULL;
        }
        printf("%s -> %s\n", input, article);
        printf("  title: %s\n", im.title);
        if (im.year)
            printf("  date: %04d-%02d-%02d\n", im.year, im.month, im.day);
        else
            printf("  date: none found\n");
        printf("  byline: %s\n", im.byline ? im.byline : "none found");
        if (im.lead) {
            char *ex = import_excerpt(im.lead, 70);
            printf("  lead: %s\n", ex);
            free(ex);
        }
        printf("  %zu paragraphs, %zu subheads, %zu list items, %zu quotes, %zu captions, "
               "%zu photos\n",
               count_kind(&im, IMPORT_PARAGRAPH), count_kind(&im, IMPORT_SUBHEAD),
               count_kind(&im, IMPORT_BULLET) + count_kind(&im, IMPORT_NUMBERED),
               count_kind(&im, IMPORT_QUOTE), captions, im.photo_count - slots);
        fputs(im.report.data ? im.report.data : "", stdout);
        for (size_t i = 0; i < im.photo_count; i++)
            if (!im.photos[i].file)
                diag_warning(d, (src_loc){im.input, im.photos[i].line, 0},
                             "caption without its photo: fill in 'file:' of images[%zu] in %s",
                             i + 1, article);
    }
    free(article);
    free(dir);
    free(stem);
    import_free(&im);
    return ok;
}

int cmd_import(int argc, char **argv, diag *d)
{
    const char *out_dir = NULL;
    bool force = false;
    const char **inputs = xcalloc((size_t)argc + 1, sizeof *inputs);
    size_t input_count = 0;
    int status = 2;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
            if (i + 1 >= argc) {
                diag_usage(d, "%s needs a folder", argv[i]);
                goto done;
            }
            out_dir = argv[++i];
        } else if (strcmp(argv[i], "--force") == 0)
            force = true;
        else if (argv[i][0] == '-' && argv[i][1]) {
            int r = cli_common_option(argc, argv, &i, d);
            if (r < 0)
                goto done;
            if (r == 0) {
                diag_usage(d, "unknown option '%s' for import; see 'bulletin help import'",
                           argv[i]);
                goto done;
            }
        } else
            inputs[input_count++] = argv[i];
    }
    if (!input_count) {
        diag_usage(d, "import needs at least one file: bulletin import FILE... [-o DIR]");
        goto done;
    }
    struct stat st;
    if (out_dir && (stat(out_dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        diag_usage(d, "output folder '%s' does not exist; create it first", out_dir);
        goto done;
    }
    bool all_ok = true;
    for (size_t i = 0; i < input_count; i++)
        all_ok &= import_one(inputs[i], out_dir, force, d);
    status = all_ok ? 0 : diag_exit_status(d);
done:
    free(inputs);
    return status;
}
