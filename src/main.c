/* bulletin: print and PDF layout engine for Vietnamese news bulletins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"

static const char usage_text[] =
    "Usage:\n"
    "  bulletin build ISSUE.yaml [-o OUT.pdf] [--layout NAME|FILE] [--report FILE.json]\n"
    "  bulletin fonts [--layout NAME|FILE] [--text FILE]\n"
    "  bulletin --help | --version | help COMMAND\n"
    "\n"
    "Commands:\n"
    "  build   lay out an issue (manifest, Markdown articles, photos) into a PDF\n"
    "  fonts   show which font file each style resolves to and its Vietnamese coverage\n"
    "\n"
    "Exit status: 0 success, 1 bad input, 2 bad usage, 3 internal error.\n";

static const char build_help[] =
    "Usage: bulletin build ISSUE.yaml [-o OUT.pdf] [--layout NAME|FILE] [--report FILE.json]\n"
    "\n"
    "Lays out the issue described by ISSUE.yaml into a PDF.\n"
    "  -o, --output FILE   where to write (default: ISSUE.pdf beside the manifest;\n"
    "                      '-' writes to standard output)\n"
    "  --layout NAME|FILE  layout template: a name from layouts/ or a YAML file\n"
    "                      (default: the manifest's 'layout', else ban-tin)\n"
    "  --report FILE.json  write a build report: per article, lines set, loose\n"
    "                      lines, widows, orphans, overset lines, the worst line\n"
    "The PDF is written atomically: a failed build leaves any old file untouched.\n";

static const char fonts_help[] =
    "Usage: bulletin fonts [--layout NAME|FILE] [--text FILE]\n"
    "\n"
    "Prints each style of the layout, the font file fontconfig resolves it to,\n"
    "and whether that face covers every Vietnamese letter. With --text, also\n"
    "lists characters of FILE that no resolved face has.\n";

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv, diag *d);
    const char *help;
} command;

static const command commands[] = {
    {"build", cmd_build, build_help},
    {"fonts", cmd_fonts, fonts_help},
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
    diag *d = diag_new();
    int status = c->run(argc - 2, argv + 2, d);
    diag_print(d, stderr);
    if (status == 0)
        status = diag_exit_status(d);
    diag_free(d);
    return status;
}
