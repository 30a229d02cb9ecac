/* `bulletin fonts`: each style -> font file, and Vietnamese coverage. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cli.h"
#include "fonts.h"
#include "template.h"
#include "utf8.h"
#include "util.h"

static void print_missing(const uint32_t *missing, size_t count, size_t shown)
{
    for (size_t i = 0; i < shown && i < count; i++) {
        char enc[5] = {0};
        utf8_encode(missing[i], enc);
        printf(" %s", enc);
    }
    if (count > shown)
        printf(" ...");
}

int cmd_fonts(int argc, char **argv, diag *d)
{
    const char *layout = NULL, *text_file = NULL;
    for (int i = 0; i < argc; i++) {
        if ((strcmp(argv[i], "--layout") == 0 || strcmp(argv[i], "--text") == 0) && i + 1 < argc) {
            if (argv[i][2] == 'l')
                layout = argv[++i];
            else
                text_file = argv[++i];
        } else {
            diag_usage(d, "unexpected argument '%s'; see 'bulletin help fonts'", argv[i]);
            return 2;
        }
    }
    arena *a = arena_new();
    template t;
    template_default(&t);
    char *path = cli_layout_path(layout ? layout : "ban-tin", ".");
    char *conf = cli_fonts_conf();
    font_set *fs = NULL;
    char *text = NULL;
    if (path_is_regular_file(path)) {
        if (!template_load(&t, path, a, d))
            goto done;
    } else if (layout) {
        diag_error(d, (src_loc){0}, "layout '%s' not found (looked for %s)", layout, path);
        goto done;
    }
    if (!(fs = fonts_open(conf, d)))
        goto done;
    printf("layout: %s\nfontconfig: %s\n\n", t.path, conf ? conf : "(system only)");
    printf("%-15s %-30s %-66s %s\n", "STYLE", "REQUEST", "FILE", "VIETNAMESE");
    int chains[ROLE_COUNT];
    for (int r = 0; r < ROLE_COUNT; r++) {
        const style *s = &t.styles[r];
        chains[r] = fonts_chain(fs, s->family, s->weight, s->italic, loc_file(t.path), d);
        if (chains[r] < 0)
            continue;
        face *f = fonts_chain_primary(fs, chains[r]);
        char req[96];
        snprintf(req, sizeof req, "%s %d%s", s->family, s->weight, s->italic ? " italic" : "");
        uint32_t missing[16];
        size_t n = fonts_vietnamese_missing(f, missing, 16);
        printf("%-15s %-30s %-66s ", template_role_name((style_role)r), req, f->path);
        if (n == 0) {
            printf("complete\n");
        } else {
            printf("missing %zu:", n);
            print_missing(missing, n, 16);
            printf("\n");
        }
    }
    if (text_file) {
        size_t len;
        text = read_file(text_file, 64u << 20, &len);
        if (!text) {
            diag_error(d, loc_file(text_file), "cannot read: %s", strerror(errno));
            goto done;
        }
        if (!utf8_check_input(diag_intern(d, text_file), text, len, d))
            goto done;
        size_t uncovered = 0;
        uint32_t seen[64];
        for (size_t i = 0; i < len;) {
            uint32_t cp;
            size_t k = utf8_decode(text + i, len - i, &cp);
            i += k ? k : 1;
            if (cp < 0x20 || chains[ROLE_BODY] < 0)
                continue;
            bool covered;
            fonts_match_cluster(fs, chains[ROLE_BODY], &cp, 1, &covered);
            if (covered)
                continue;
            bool dup = false;
            for (size_t j = 0; j < uncovered && j < 64; j++)
                dup |= seen[j] == cp;
            if (!dup && uncovered < 64)
                seen[uncovered++] = cp;
        }
        printf("\n%s: ", text_file);
        if (!uncovered) {
            printf("every character is covered by the body font or a fallback\n");
        } else {
            printf("%zu characters no font has:", uncovered);
            print_missing(seen, uncovered, 64);
            printf("\n");
        }
    }
done:
    free(text);
    fonts_free(fs);
    free(path);
    free(conf);
    arena_free(a);
    return diag_exit_status(d);
}
