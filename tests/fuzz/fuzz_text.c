/* Shaping and line breaking of arbitrary UTF-8 (after the same input check
 * real files get), at a narrow and a wide measure, justified and ragged.
 * The first byte picks bold/italic spans and the measure. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fonts.h"
#include "fuzz.h"
#include "lines.h"
#include "shape.h"
#include "template.h"
#include "utf8.h"

static font_set *fonts;
static shaper *sh;
static int chains[4];
static template tpl;

static void teardown(void)
{
    shape_free(sh);
    fonts_free(fonts);
}

static void setup(void)
{
    diag *d = diag_new();
    fonts = fonts_open("fonts/bulletin.conf", d);
    if (!fonts)
        abort();
    for (int k = 0; k < 4; k++)
        chains[k] = fonts_chain(fonts, "bulletin-serif", k & 1 ? 700 : 400, k & 2,
                                loc_file("fuzz"), d);
    diag_free(d);
    sh = shape_new(fonts);
    template_default(&tpl);
    atexit(teardown);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fonts)
        setup();
    if (size < 1 || size > 1 << 16)
        return 0;
    unsigned opts = data[0];
    const char *raw = (const char *)data + 1;
    size_t len = size - 1;
    diag *d = diag_new();
    if (!utf8_check_input("fuzz", raw, len, d)) {
        diag_free(d);
        return 0;
    }
    size_t nl;
    char *nfc = utf8_nfc(raw, len, &nl);
    arena *a = arena_new();
    char *text = arena_strndup(a, nfc, nl);
    free(nfc);
    span spans[2] = {{0, nl / 2, opts & 3}, {nl / 2, nl - nl / 2, (opts >> 2) & 3}};
    glyph_run *run = shape_text(sh, text, nl, spans, 2, chains, loc_file("fuzz"), a, d);
    style st = tpl.styles[ROLE_BODY];
    st.align = (opts & 16) ? ALIGN_LEFT : ALIGN_JUSTIFY;
    double widths[2] = {30 + (opts & 0x60), 400};
    for (int i = 0; i < 2; i++) {
        line_list ll = lines_break(run, &st, widths[i], (opts & 128) ? 12 : 0, loc_file("fuzz"),
                                   a, d);
        /* Lines must cover the glyphs in order, none overlapping. */
        size_t prev = 0;
        for (size_t k = 0; k < ll.count; k++) {
            if (ll.lines[k].first < prev || ll.lines[k].end < ll.lines[k].first ||
                ll.lines[k].end > run->count)
                abort();
            prev = ll.lines[k].end;
        }
    }
    arena_free(a);
    diag_free(d);
    return 0;
}
