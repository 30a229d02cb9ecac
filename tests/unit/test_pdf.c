/* PDF output: glyph runs written through Identity-H fonts must extract as
 * the source text (ToUnicode from clusters, ligatures, ActualText for
 * base + mark clusters), and a failed write must leave no file. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "flow.h"
#include "fonts.h"
#include "harness.h"
#include "pdf.h"
#include "shape.h"
#include "utf8.h"
#include "util.h"

static char *run_cmd(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return xstrdup("");
    buf b;
    buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        buf_append(&b, chunk, n);
    pclose(p);
    return buf_steal(&b);
}

/* Content-stream numbers are written without printf: check them against it. */
static void test_number_writers(void)
{
    static const double nums[] = {0, 1, -1, 0.25, -0.004, 12.345, -12.3456, 100, 595.276, 1e6};
    static const int decimals[] = {0, 2, 3};
    bool same = true;
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
        for (size_t k = 0; k < 3; k++) {
            buf b;
            buf_init(&b);
            buf_put_num(&b, nums[i], decimals[k]);
            buf_append(&b, "", 1);
            char want[64];
            snprintf(want, sizeof want, "%.*f", decimals[k], nums[i]);
            /* printf keeps trailing zeros and "-0"; the writer drops them. */
            char *dot = strchr(want, '.');
            if (dot) {
                char *end = want + strlen(want);
                while (end > dot && (end[-1] == '0' || end[-1] == '.'))
                    *--end = '\0';
            }
            if (strcmp(want, "-0") == 0)
                strcpy(want, "0");
            if (strcmp(b.data, want) != 0) {
                fprintf(stderr, "buf_put_num(%g, %d) = %s, want %s\n", nums[i], decimals[k],
                        b.data, want);
                same = false;
            }
            buf_fini(&b);
        }
    CHECK(same, "util: buf_put_num writes what printf would, without trailing zeros");
    static const uint32_t hex_in[] = {0, 0x1E, 0x0ABC, 0xFFFF, 0x1D800, 0x10FFFF};
    bool hex_same = true;
    for (size_t i = 0; i < sizeof hex_in / sizeof *hex_in; i++) {
        buf b;
        buf_init(&b);
        buf_put_hex4(&b, hex_in[i]);
        buf_append(&b, "", 1);
        char want[16];
        snprintf(want, sizeof want, "%04X", (unsigned)hex_in[i]);
        hex_same = hex_same && strcmp(b.data, want) == 0;
        buf_fini(&b);
    }
    CHECK(hex_same, "util: buf_put_hex4 matches printf %%04X");
}

int main(void)
{
    test_number_writers();
    diag *d = diag_new();
    arena *a = arena_new();
    font_set *fs = fonts_open("fonts/bulletin.conf", d);
    if (!fs)
        return 1;
    shaper *sh = shape_new(fs);
    int sans[4], serif[4];
    for (int k = 0; k < 4; k++) {
        sans[k] = fonts_chain(fs, "bulletin-sans", k & 1 ? 700 : 400, k & 2, loc_file("t"), d);
        serif[k] = fonts_chain(fs, "bulletin-serif", k & 1 ? 700 : 400, k & 2, loc_file("t"), d);
    }
    /* Q with dot below and circumflex has no precomposed form: base + marks. */
    const char *lines_src[] = {
        "office file wifi ĐẨY MẠNH TƯ TƯỞNG",
        "Q\xCC\xA3\xCC\x82 x\xCC\xA3\xCC\x82 ấ ầ ẩ ẫ ậ ớ ờ ở ỡ ợ ứ ừ ử ữ ự",
        "Tư tưởng 05-CT/TW, 393/CĐ-BVHTTDL, “trích dẫn”",
    };
    page_list pl = {0};
    pl.width_pt = 400;
    pl.height_pt = 300;
    placed_page page = {0};
    for (size_t i = 0; i < 3; i++) {
        size_t len;
        char *nfc = utf8_nfc(lines_src[i], strlen(lines_src[i]), &len);
        char *text = arena_strndup(a, nfc, len);
        free(nfc);
        glyph_run *run = shape_text(sh, text, len, NULL, 0, i == 2 ? serif : sans, loc_file("t"),
                                    a, d);
        placed *p = ARRAY_PUSH(page.items, page.count, page.cap);
        memset(p, 0, sizeof *p);
        p->kind = PLACED_TEXT;
        p->u.text = (placed_text){.run = run, .first = 0, .end = run->count, .x_pt = 20,
                                  .y_pt = 250 - 40.0 * i, .size_pt = 14,
                                  .space_adjust_pt = 0.7, .letter_adjust_pt = 0.1 * (double)i,
                                  .scale = i == 2 ? 0.98 : 1, .cmyk = {0, 0, 0, 1}};
    }
    pl.pages = &page;
    pl.count = 1;
    pdf_options meta = {.meta = {"Thử nghiệm", "Tác giả", NULL, NULL, "test", "vi-VN", 2021, 4, 22},
                        .profile = PDF_SCREEN};
    mkdir("build", 0755);
    unlink("build/t-pdf.pdf");
    bool ok = pdf_write(&pl, &meta, fs, "build/t-pdf.pdf", d);
    CHECK(ok, "pdf: a page of glyph runs is written");
    harness_dump(d);
    char *text = run_cmd("pdftotext -raw build/t-pdf.pdf - 2>&1");
    for (size_t i = 0; i < 3; i++) {
        size_t len;
        char *nfc = utf8_nfc(lines_src[i], strlen(lines_src[i]), &len);
        CHECK(strstr(text, nfc) != NULL, "pdf: line %zu extracts as its NFC source text", i + 1);
        if (!strstr(text, nfc))
            fprintf(stderr, "want: %s\ngot:\n%s\n", nfc, text);
        free(nfc);
    }
    free(text);
    char *fonts = run_cmd("pdffonts build/t-pdf.pdf 2>&1");
    CHECK(strstr(fonts, "CID TrueType      Identity-H       yes yes yes") != NULL &&
              strstr(fonts, "Syntax") == NULL,
          "pdf: fonts are embedded CID TrueType subsets with ToUnicode");
    free(fonts);
    char *qdf = run_cmd("qpdf --qdf --object-streams=disable build/t-pdf.pdf - 2>/dev/null | "
                        "grep -a -c -E 'ActualText|<00660069>|<006600660069>'");
    CHECK(atoi(qdf) >= 2, "pdf: ligatures map to all their letters and mark clusters get "
          "ActualText (%d)", atoi(qdf));
    free(qdf);

    /* A write that cannot succeed leaves nothing behind. */
    diag *d2 = diag_new();
    bool bad = pdf_write(&pl, &meta, fs, "build/no-such-dir/x.pdf", d2);
    CHECK(!bad && DIAG_HAS(d2, "cannot create a file in 'build/no-such-dir'"),
          "pdf: an output folder that does not exist is a clear error");
    diag_free(d2);
    d2 = diag_new();
    bool full = pdf_write(&pl, &meta, fs, "/dev/full", d2);
    CHECK(!full && DIAG_HAS(d2, "cannot write '/dev/full': No space left on device"), "pdf: a full device is a clear error");
    diag_free(d2);

    free(page.items);
    shape_free(sh);
    fonts_free(fs);
    arena_free(a);
    diag_free(d);
    return harness_failed ? 1 : 0;
}
