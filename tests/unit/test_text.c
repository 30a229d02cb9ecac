/* Fonts, shaping, break opportunities and line filling on Vietnamese text. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "breaks.h"
#include "fonts.h"
#include "harness.h"
#include "lines.h"
#include "shape.h"
#include "utf8.h"
#include "util.h"
#include <utf8proc.h>

static font_set *fs;
static shaper *sh;
static int serif[4], sans[4];

static void open_fonts(void)
{
    diag *d = diag_new();
    fs = fonts_open("fonts/bulletin.conf", d);
    CHECK(fs != NULL, "fonts: fontconfig opens with the project's configuration");
    if (!fs)
        exit(1);
    for (int k = 0; k < 4; k++) {
        serif[k] = fonts_chain(fs, "bulletin-serif", k & 1 ? 700 : 400, k & 2, loc_file("t"), d);
        sans[k] = fonts_chain(fs, "bulletin-sans", k & 1 ? 700 : 400, k & 2, loc_file("t"), d);
    }
    face *f = fonts_chain_primary(fs, serif[0]);
    CHECK(strstr(f->path, "LiberationSerif-Regular") != NULL,
          "fonts: bulletin-serif resolves to Liberation Serif (got %s)", f->path);
    face *b = fonts_chain_primary(fs, sans[1]);
    CHECK(strstr(b->path, "NotoSans-Bold") != NULL,
          "fonts: bulletin-sans bold resolves to Noto Sans Bold (got %s)", b->path);
    uint32_t missing[8];
    CHECK(fonts_vietnamese_missing(f, missing, 8) == 0 &&
              fonts_vietnamese_missing(b, missing, 8) == 0,
          "fonts: default faces cover every Vietnamese letter");
    int again = fonts_chain(fs, "bulletin-serif", 400, false, loc_file("t"), d);
    CHECK(again == serif[0], "fonts: the same request gives the same chain (faces shared)");
    CHECK(diag_error_count(d) == 0, "fonts: no errors resolving the roles");
    int bad = fonts_chain(fs, "Times New Romna", 400, false, (src_loc){"l.yaml", 3, 13}, d);
    CHECK(bad < 0 && DIAG_HAS(d, "l.yaml:3:13: error: unknown font family 'Times New Romna'"),
          "fonts: an unknown family is an error, not a silent substitute");
    diag_free(d);
    sh = shape_new(fs);
}

static glyph_run *shape(const char *text, const int chains[4], arena *a, diag *d)
{
    size_t len;
    char *nfc = utf8_nfc(text, strlen(text), &len);
    char *stored = arena_strndup(a, nfc, len);
    free(nfc);
    return shape_text(sh, stored, len, NULL, 0, chains, loc_file("t"), a, d);
}

static bool same_glyphs(const glyph_run *x, const glyph_run *y)
{
    if (x->count != y->count)
        return false;
    for (size_t i = 0; i < x->count; i++)
        if (x->glyphs[i].gid != y->glyphs[i].gid || x->glyphs[i].face_id != y->glyphs[i].face_id ||
            fabsf(x->glyphs[i].advance - y->glyphs[i].advance) > 1e-3f)
            return false;
    return true;
}

static void shaping(void)
{
    arena *a = arena_new();
    diag *d = diag_new();
    const char *nfc = "ĐẨY MẠNH HỌC TẬP VÀ LÀM THEO TƯ TƯỞNG ấ ầ ẩ ẫ ậ ớ ờ ở ỡ ợ ứ ừ ử ữ ự đ";
    /* The same text decomposed (NFD), typed by hand so it does not depend on
     * our own normaliser. */
    const char *nfd = "\xC4\x90" "A\xCC\x82\xCC\x89Y MA\xCC\xA3NH HO\xCC\xA3" "C "
                      "TA\xCC\xA3\xCC\x82P VA\xCC\x80 LA\xCC\x80M THEO TU\xCC\x9B "
                      "TU\xCC\x9BO\xCC\x9B\xCC\x89NG "
                      "a\xCC\x82\xCC\x81 a\xCC\x82\xCC\x80 a\xCC\x82\xCC\x89 a\xCC\x82\xCC\x83 "
                      "a\xCC\xA3\xCC\x82 o\xCC\x9B\xCC\x81 o\xCC\x9B\xCC\x80 o\xCC\x9B\xCC\x89 "
                      "o\xCC\x9B\xCC\x83 o\xCC\x9B\xCC\xA3 u\xCC\x9B\xCC\x81 u\xCC\x9B\xCC\x80 "
                      "u\xCC\x9B\xCC\x89 u\xCC\x9B\xCC\x83 u\xCC\x9B\xCC\xA3 \xC4\x91";
    for (int role = 0; role < 2; role++) {
        const int *ch = role ? sans : serif;
        glyph_run *x = shape(nfc, ch, a, d), *y = shape(nfd, ch, a, d);
        CHECK(same_glyphs(x, y), "shape: NFD input gives the same glyphs as NFC (%s)",
              role ? "sans" : "serif");
        CHECK(x->text_len == y->text_len && memcmp(x->text, y->text, x->text_len) == 0,
              "shape: NFD input gives the same text as NFC (%s)", role ? "sans" : "serif");
        bool one_per_letter = true;
        for (size_t i = 0; i < x->count; i++)
            if (x->glyphs[i].gid == 0 || (x->glyphs[i].flags & GLYPH_NOTDEF))
                one_per_letter = false;
        CHECK(one_per_letter, "shape: no .notdef in stacked Vietnamese capitals (%s)",
              role ? "sans" : "serif");
    }
    glyph_run *office = shape("office", sans, a, d); /* Liberation has no liga */
    bool lig = office->count < 6;
    for (size_t i = 0; i < office->count; i++)
        if (office->glyphs[i].cluster == 1 && office->glyphs[i].cluster_len < 2)
            lig = false;
    CHECK(lig, "shape: 'office' uses a ligature whose cluster covers the letters (%zu glyphs)",
          office->count);
    glyph_run *av = shape("AVATAR", serif, a, d);
    face *f = fonts_face(fs, av->glyphs[0].face_id);
    hb_position_t nominal = hb_font_get_glyph_h_advance(f->hb_font, av->glyphs[0].gid);
    CHECK(fabs(av->glyphs[0].advance - nominal * 1000.0 / f->upem) > 1,
          "shape: kerning changes the advance of A before V");
    glyph_run *sp = shape("a b\xC2\xA0" "c", serif, a, d);
    CHECK(sp->count == 5 && (sp->glyphs[1].flags & GLYPH_SPACE) &&
              (sp->glyphs[3].flags & GLYPH_SPACE),
          "shape: spaces and no-break spaces are word spaces");
    glyph_run *shy = shape("tư\xC2\xAD" "tưởng", serif, a, d);
    CHECK(shy->count == 7, "shape: soft hyphen and other ignorables produce no glyph (%zu)",
          shy->count);
    diag *d2 = diag_new();
    glyph_run *pua = shape("x \xEE\x80\x80 y", serif, a, d2);
    bool notdef = false;
    for (size_t i = 0; i < pua->count; i++)
        notdef |= (pua->glyphs[i].flags & GLYPH_NOTDEF) != 0;
    CHECK(notdef && DIAG_HAS(d2, "U+E000"),
          "shape: a character no font has is reported and drawn as .notdef");
    diag_free(d2);
    diag_free(d);
    arena_free(a);
}

static void break_opportunities(void)
{
    const char *text = "Chỉ thị 05-CT/TW ngày 20/4/2021, có 33.008 lao động (393/CĐ-BVHTTDL) TP.HCM";
    size_t len = strlen(text);
    uint8_t *brk = xmalloc(len + 1);
    breaks_find(text, len, BREAKS_KEEP_UNITS, brk);
    bool only_after_space = true;
    for (size_t i = 1; i < len; i++)
        if (brk[i] == BREAK_ALLOWED && text[i - 1] != ' ')
            only_after_space = false;
    CHECK(only_after_space, "breaks: lines only break after spaces");
    const char *tokens[] = {"05-CT/TW", "20/4/2021", "33.008", "393/CĐ-BVHTTDL", "TP.HCM"};
    bool intact = true;
    for (size_t t = 0; t < sizeof tokens / sizeof *tokens; t++) {
        const char *p = strstr(text, tokens[t]);
        for (size_t i = (size_t)(p - text) + 1; i < (size_t)(p - text) + strlen(tokens[t]); i++)
            if (brk[i] != BREAK_NONE)
                intact = false;
    }
    CHECK(intact, "breaks: document numbers, dates, numbers and TP.HCM are never split");
    const char *paren = "lao động ( 393 ) và « trích »";
    size_t plen = strlen(paren);
    uint8_t *pb = xmalloc(plen + 1);
    breaks_find(paren, plen, 0, pb);
    const char *close = strstr(paren, ")");
    CHECK(pb[close - paren] == BREAK_NONE, "breaks: no line starts with closing punctuation");
    const char *dash = "năm 2020 - 2021 và xanh – sạch";
    size_t dlen = strlen(dash);
    uint8_t *db = xmalloc(dlen + 1);
    breaks_find(dash, dlen, 0, db);
    bool dash_ok = db[strstr(dash, "- ") - dash] == BREAK_NONE &&
                   db[strstr(dash, "– ") - dash] == BREAK_NONE &&
                   db[strstr(dash, " 2021") + 1 - dash] == BREAK_ALLOWED;
    CHECK(dash_ok, "breaks: a spaced dash ends its line, never starts one");
    free(db);
    const char *units = "diện tích 21,78 km2 và 1.662 tỷ đồng, tăng 62,58 % so với 33 ha";
    size_t ul = strlen(units);
    uint8_t *ub = xmalloc(ul + 1), *ub0 = xmalloc(ul + 1);
    breaks_find(units, ul, BREAKS_KEEP_UNITS, ub);
    breaks_find(units, ul, 0, ub0);
    size_t km = (size_t)(strstr(units, "km2") - units), ty = (size_t)(strstr(units, "tỷ") - units);
    size_t dong = (size_t)(strstr(units, "đồng") - units), pc = (size_t)(strstr(units, "%") - units);
    size_t ha = (size_t)(strstr(units, "ha") - units);
    CHECK(ub[km] == BREAK_NONE && ub[ty] == BREAK_NONE && ub[pc] == BREAK_NONE &&
              ub[ha] == BREAK_NONE && ub[dong] == BREAK_ALLOWED && ub0[km] == BREAK_ALLOWED,
          "breaks: a number keeps its unit when the style asks (and only then)");
    free(ub);
    free(ub0);
    free(pb);
    free(brk);
}

static void line_filling(void)
{
    arena *a = arena_new();
    diag *d = diag_new();
    const char *para =
        "Theo báo cáo của Sở Kế hoạch và Đầu tư công bố ngày 20/4/2021, trong 12 tháng "
        "(31/3/2020 - 31/3/2021), toàn tỉnh có 1.662 doanh nghiệp đăng ký thành lập mới, tăng "
        "14,7% so với cùng kỳ năm trước, tạo việc làm cho 33.008 lao động theo Chỉ thị số "
        "05-CT/TW và Công điện số 393/CĐ-BVHTTDL của Bộ Văn hóa, Thể thao và Du lịch.";
    glyph_run *run = shape(para, serif, a, d);
    double size = 10, width = 144;
    template tpl;
    template_default(&tpl);
    style body = tpl.styles[ROLE_BODY];
    line_list ll = lines_break(run, &body, width, 11, loc_file("t"), a, d);
    CHECK(ll.count >= 6, "lines: paragraph set on several lines (%zu)", ll.count);
    bool fits = true, justified = true, covered = true;
    size_t expect_first = 0;
    for (size_t i = 0; i < ll.count; i++) {
        const line *ln = &ll.lines[i];
        double set_width = ln->offset_pt + lines_set_width(ln);
        if (set_width > width + 0.01)
            fits = false;
        if (!ln->last && fabs(set_width - width) > 0.01) {
            justified = false;
            size_t cs = run->glyphs[ln->first].cluster, ce = run->glyphs[ln->end - 1].cluster;
            fprintf(stderr, "line %zu: set %.2f of %.2f, %d spaces, adjust %.2f: '%.*s'\n", i,
                    set_width, width, ln->spaces, ln->space_adjust_pt, (int)(ce - cs + 1),
                    run->text + cs);
        }
        while (expect_first < run->count && (run->glyphs[expect_first].flags & GLYPH_SPACE))
            expect_first++;
        if (ln->first != expect_first)
            covered = false;
        expect_first = ln->end;
    }
    CHECK(fits, "lines: no line wider than the column");
    CHECK(justified, "lines: every line but the last is justified to the column");
    CHECK(covered && ll.lines[ll.count - 1].end == run->count,
          "lines: lines cover the paragraph with nothing lost or doubled");
    CHECK(ll.lines[0].offset_pt == 11, "lines: first-line indent applied");
    const char *tokens[] = {"05-CT/TW", "393/CĐ-BVHTTDL", "20/4/2021", "33.008", "1.662"};
    bool whole = true;
    for (size_t t = 0; t < sizeof tokens / sizeof *tokens; t++) {
        size_t start = (size_t)(strstr(run->text, tokens[t]) - run->text);
        size_t end = start + strlen(tokens[t]);
        for (size_t i = 0; i < ll.count; i++) {
            size_t ls = run->glyphs[ll.lines[i].first].cluster;
            size_t le = run->glyphs[ll.lines[i].end - 1].cluster;
            if (start < ls && end > ls)
                whole = false;
            if (start <= le && end > le + 1 && start >= ls)
                whole = false;
        }
    }
    CHECK(whole, "lines: document numbers, dates and numbers stay on one line");
    /* Greedy filling would leave a very loose line somewhere in a column this
     * narrow; total fit keeps the spacing within limits. */
    /* Total fit must beat first fit (what a simple typesetter does) on the
     * evenness of word spacing: sum of squared per-space adjustments. */
    const char *plain =
        "Sáng 19/4, Đảng ủy Sở tổ chức hội nghị sơ kết năm năm thực hiện Chỉ thị về đẩy mạnh "
        "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh. Dự hội nghị có đồng "
        "chí Phó Trưởng Ban Tuyên giáo Tỉnh ủy cùng gần tám mươi đảng viên của sáu chi bộ trực "
        "thuộc. Theo báo cáo, mỗi cán bộ, đảng viên đăng ký ít nhất một việc làm cụ thể.";
    glyph_run *prun = shape(plain, serif, a, d);
    line_list pl = lines_break(prun, &body, width, 0, loc_file("t"), a, d);
    double optimal = 0, greedy = 0, line_w = 0, word_w = 0;
    int spaces = 0;
    for (size_t i = 0; i + 1 < pl.count; i++)
        optimal += pl.lines[i].space_adjust_pt * pl.lines[i].space_adjust_pt;
    double space_w = 0;
    for (size_t i = 0; i <= prun->count; i++) {
        bool at_space = i == prun->count || (prun->glyphs[i].flags & GLYPH_SPACE);
        if (!at_space) {
            word_w += prun->glyphs[i].advance * size / 1000;
            continue;
        }
        if (i < prun->count)
            space_w = prun->glyphs[i].advance * size / 1000;
        if (line_w > 0 && line_w + space_w + word_w > width) {
            double adj = spaces ? (width - line_w) / spaces : 0;
            greedy += adj * adj;
            line_w = word_w;
            spaces = 0;
        } else {
            if (line_w > 0) {
                line_w += space_w;
                spaces++;
            }
            line_w += word_w;
        }
        word_w = 0;
    }
    CHECK(optimal < greedy, "lines: total fit spaces words more evenly than first fit "
          "(%.1f vs %.1f)", optimal, greedy);
    diag *d2 = diag_new();
    glyph_run *url = shape("Xem https://congthongtin.example.gov.vn/chuyen-muc/tin-tuc-su-kien/"
                           "chi-tiet-bai-viet-rat-dai.html ngay", serif, a, d2);
    line_list lu = lines_break(url, &body, 100, 0, loc_file("t"), a, d2);
    bool inside = true;
    for (size_t i = 0; i < lu.count; i++)
        if (lines_set_width(&lu.lines[i]) > 100.01)
            inside = false;
    for (size_t i = 0; i < lu.count && !inside; i++)
        fprintf(stderr, "url line %zu: %.2f\n", i, lines_set_width(&lu.lines[i]));
    CHECK(inside && lu.overlong && DIAG_HAS(d2, "wider than the column"),
          "lines: a word wider than the column is broken inside, with a warning");
    diag_free(d2);
    diag_free(d);
    arena_free(a);
}

/* A synthetic run: words of given widths (1/1000 em) separated by spaces
 * of 250, one glyph per word, so the best breaks are known by design. */
static glyph_run *synthetic(const double *widths, size_t n, arena *a)
{
    glyph_run *run = arena_alloc(a, sizeof *run);
    char *text = arena_alloc(a, 2 * n + 1);
    run->glyphs = arena_alloc(a, 2 * n * sizeof(glyph));
    for (size_t i = 0; i < n; i++) {
        text[2 * i] = (char)('A' + i);
        text[2 * i + 1] = ' ';
        glyph *w = &run->glyphs[run->count++];
        *w = (glyph){.gid = 1, .flags = GLYPH_CLUSTER_START, .cluster = (uint32_t)(2 * i),
                     .cluster_len = 1, .advance = (float)widths[i]};
        if (i + 1 < n) {
            glyph *sp = &run->glyphs[run->count++];
            *sp = (glyph){.gid = 3, .flags = GLYPH_CLUSTER_START | GLYPH_SPACE,
                          .cluster = (uint32_t)(2 * i + 1), .cluster_len = 1, .advance = 250};
        }
    }
    text[2 * n - 1] = '\0';
    run->text = text;
    run->text_len = 2 * n - 1;
    return run;
}

static void known_breaks(void)
{
    arena *a = arena_new();
    diag *d = diag_new();
    template tpl;
    template_default(&tpl);
    style st = tpl.styles[ROLE_BODY];
    st.size_pt = 1000; /* 1/1000 em = 1 pt */
    st.letter_spacing_max_em = 0;
    st.glyph_scaling_max = 0;
    /* Only [A B] [C D] [E] keeps every word space within 0.18..0.45 em:
     * [A] alone or [B C] would be loose, [A B C] too wide. */
    const double widths[] = {600, 150, 350, 400, 200};
    glyph_run *run = synthetic(widths, 5, a);
    line_list ll = lines_break(run, &st, 1000, 0, loc_file("t"), a, d);
    bool ok = ll.count == 3 && ll.lines[0].first == 0 && ll.lines[0].end == 3 &&
              ll.lines[1].first == 4 && ll.lines[1].end == 7 && ll.lines[2].first == 8;
    CHECK(ok, "lines: the known optimal break set is found (%zu lines)", ll.count);
    CHECK(ll.count == 3 && fabs(ll.lines[0].space_adjust_pt) < 0.01 &&
              fabs(ll.lines[1].space_adjust_pt) < 0.01 && ll.loose_lines == 0,
          "lines: its lines are exactly full, nothing stretched");
    diag_free(d);
    arena_free(a);
}

static void nfd_lines(void)
{
    arena *a = arena_new();
    diag *d = diag_new();
    template tpl;
    template_default(&tpl);
    const char *nfc = "Ẩm ướt kéo dài khiến bà con phải phun thuốc theo cảm tính, vừa tốn kém vừa "
                      "ảnh hưởng đến chất lượng quả; Ở Mường Lữ, người trồng cam đã quyết định "
                      "thử nghiệm nhật ký điện tử.";
    size_t len;
    char *nfd_c = (char *)utf8proc_NFD((const utf8proc_uint8_t *)nfc);
    (void)len;
    glyph_run *x = shape(nfc, serif, a, d), *y = shape(nfd_c, serif, a, d);
    line_list lx = lines_break(x, &tpl.styles[ROLE_BODY], 144, 0, loc_file("t"), a, d);
    line_list ly = lines_break(y, &tpl.styles[ROLE_BODY], 144, 0, loc_file("t"), a, d);
    bool same = lx.count == ly.count;
    for (size_t i = 0; same && i < lx.count; i++)
        same = lx.lines[i].first == ly.lines[i].first && lx.lines[i].end == ly.lines[i].end &&
               fabs(lx.lines[i].space_adjust_pt - ly.lines[i].space_adjust_pt) < 1e-6;
    CHECK(same && strcmp(nfd_c, nfc) != 0, "lines: NFD text breaks exactly like NFC");
    free(nfd_c);
    diag_free(d);
    arena_free(a);
}

/* utf8_nfc skips normalising text that is NFC already: its answer must
 * always be utf8proc's. */
static void nfc_quick_path(void)
{
    static const char *const texts[] = {
        "ĐẨY MẠNH HỌC TẬP ấ ầ ẩ ẫ ậ ớ ờ ở ỡ ợ ứ ừ ử ữ ự đ – “trích” … ₫",
        "A\xCC\x81 e\xCC\x82\xCC\x81 o\xCC\x9B\xCC\xA3", /* NFD: Á ế ợ */
        "\xE1\xBA\xA1\xCC\x82",  /* ạ + combining circumflex = ậ */
        "em\xE2\x80\x80space",     /* U+2000 becomes U+2002 */
        "\xE2\x84\xA6hm",          /* U+2126 OHM becomes U+03A9 */
        "plain ASCII", ""};
    bool same = true;
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        size_t len;
        char *got = utf8_nfc(texts[i], strlen(texts[i]), &len);
        utf8proc_uint8_t *want = NULL;
        utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)texts[i],
                                          (utf8proc_ssize_t)strlen(texts[i]), &want,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (n < 0 || (size_t)n != len || memcmp(got, want, len) != 0) {
            fprintf(stderr, "utf8_nfc differs from utf8proc on text %zu\n", i);
            same = false;
        }
        free(got);
        free(want);
    }
    CHECK(same, "utf8: NFC with the quick path equals utf8proc's NFC (NFD, U+2000, U+2126)");
}

int main(void)
{
    nfc_quick_path();
    open_fonts();
    known_breaks();
    nfd_lines();
    shaping();
    break_opportunities();
    line_filling();
    shape_free(sh);
    fonts_free(fs);
    return harness_failed ? 1 : 0;
}
