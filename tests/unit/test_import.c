/* The importer's pieces: decoding of every encoding an editor meets, and
 * the recognisers for dates, portal cruft, bylines and photo credits. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "import.h"

/* "Thông báo cấp đổi thẻ người Việt Nam." in NFC */
static const char vietnamese[] = "Th\xC3\xB4ng b\xC3\xA1o c\xE1\xBA\xA5p \xC4\x91\xE1\xBB\x95i "
                                 "th\xE1\xBA\xBB ng\xC6\xB0\xE1\xBB\x9Di Vi\xE1\xBB\x87t Nam.";

static void check_decode(const char *name, const char *bytes, size_t len, const char *want_what)
{
    diag *d = diag_new();
    const char *what = NULL;
    size_t out_len = 0;
    char *text = import_decode("t.txt", bytes, len, &out_len, &what, d);
    CHECK(text && strcmp(text, vietnamese) == 0 && out_len == strlen(vietnamese),
          "decode %s gives the NFC text (got '%s')", name, text ? text : "(null)");
    CHECK(what && strstr(what, want_what), "decode %s says '%s' (said '%s')", name, want_what,
          what ? what : "(null)");
    free(text);
    diag_free(d);
}

static void test_decode(void)
{
    check_decode("UTF-8", vietnamese, strlen(vietnamese), "UTF-8");
    char bom[256];
    snprintf(bom, sizeof bom, "\xEF\xBB\xBF%s", vietnamese);
    check_decode("UTF-8 with BOM", bom, strlen(bom), "byte-order mark");
    static const char nfd[] = "Tho\xCC\x82ng ba\xCC\x81o ca\xCC\x82\xCC\x81p \xC4\x91o\xCC\x82\xCC\x89i "
                              "the\xCC\x89 ngu\xCC\x9Bo\xCC\x9B\xCC\x80i Vie\xCC\xA3\xCC\x82t Nam.";
    check_decode("NFD", nfd, strlen(nfd), "NFD");
    /* UTF-16LE with a BOM, and big-endian without one */
    char u16[512], u16be[512];
    size_t n = 0, m = 0;
    u16[n++] = (char)0xFF, u16[n++] = (char)0xFE;
    for (size_t i = 0; i < strlen(vietnamese);) {
        uint32_t cp;
        extern size_t utf8_decode(const char *, size_t, uint32_t *);
        i += utf8_decode(vietnamese + i, strlen(vietnamese) - i, &cp);
        u16[n++] = (char)(cp & 0xFF), u16[n++] = (char)(cp >> 8);
        u16be[m++] = (char)(cp >> 8), u16be[m++] = (char)(cp & 0xFF);
    }
    check_decode("UTF-16LE with BOM", u16, n, "UTF-16 (little-endian)");
    check_decode("UTF-16BE without BOM", u16be, m, "UTF-16 (big-endian)");
    /* Windows-1258: precomposed letters it has, combining tones for the rest */
    static const char cp1258[] = "Th\xF4ng b\xE1o c\xE2\xECp \xF0\xF4\xD2i the\xD2 ng\xFD\xF5\xCCi "
                                 "Vi\xEA\xF2t Nam.";
    check_decode("Windows-1258", cp1258, strlen(cp1258), "Windows-1258");
    /* TCVN3 (ABC): one byte per letter */
    static const char tcvn3[] = "Th\xABng b\xB8o c\xCAp \xAE\xE6i th\xCE ng\xAD\xEAi Vi\xD6t Nam.";
    check_decode("TCVN3", tcvn3, strlen(tcvn3), "TCVN3");
    /* VNI: base letters followed by mark bytes */
    static const char vni[] = "Tho\xE2ng ba\xF9o ca\xE1p \xF1o\xE5i the\xFB ng\xF6\xF4\xF8i Vie\xE4t Nam.";
    check_decode("VNI", vni, strlen(vni), "VNI");
    /* VNI saved through a program that took it for Windows-1252 */
    static const char vni_moji[] = "Tho\xC3\xA2ng ba\xC3\xB9o ca\xC3\xA1p \xC3\xB1o\xC3\xA5i the\xC3\xBB "
                                   "ng\xC3\xB6\xC3\xB4\xC3\xB8i Vie\xC3\xA4t Nam.";
    check_decode("VNI read as Windows-1252", vni_moji, strlen(vni_moji), "VNI read as Windows-1252");

    diag *d = diag_new();
    const char *what;
    size_t len;
    static const char junk[] = "\x81\x8D\x8F\x90\x9D\x81\x8D\x8F";
    char *text = import_decode("t.txt", junk, strlen(junk), &len, &what, d);
    CHECK(!text && DIAG_HAS(d, "t.txt:1:1: error: invalid UTF-8 byte 0x81"),
          "bytes in no Vietnamese encoding are refused with the place");
    free(text);
    diag_free(d);
}

static void test_dates(void)
{
    static const struct {
        const char *text;
        int y, m, d;
        bool only;
    } cases[] = {
        {"17:08 22/04/2021", 2021, 4, 22, true},
        {"Thứ Năm, 22/4/2021 | 17:08 (GMT+7)", 2021, 4, 22, true},
        {"Cập nhật: 08:30 ngày 14-05-2021", 2021, 5, 14, true},
        {"2021-05-14T08:30:00+07:00", 2021, 5, 14, true},
        {"Ngày 3 tháng 9 năm 2020", 2020, 9, 3, true},
        {"Sáng 22/4/2021, hội nghị khai mạc tại hội trường tỉnh.", 2021, 4, 22, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int y = 0, m = 0, d = 0;
        bool only = false;
        bool found = import_find_date(cases[i].text, &y, &m, &d, &only);
        CHECK(found && y == cases[i].y && m == cases[i].m && d == cases[i].d &&
                  only == cases[i].only,
              "date in '%s' (got %d-%d-%d, %s)", cases[i].text, y, m, d, only ? "only" : "in text");
    }
    int y, m, d;
    bool only;
    CHECK(!import_find_date("Số 05-CT/TW và 33/2021 không phải ngày 45/13/2021", &y, &m, &d, &only),
          "numbers that are not dates are not taken for one");
}

static void test_recognisers(void)
{
    static const char *const cruft[] = {"EmailPrintAa", "Chia sẻ Facebook Zalo", "In bài viết",
                                        "A+ A-", "Lượt xem: 1.024"};
    static const char *const ending[] = {"Ý kiến bạn đọc", "Tin liên quan", "Bình luận (3)",
                                         "CÁC TIN KHÁC"};
    static const char *const text[] = {"Ảnh", "In ấn tài liệu", "Hà Nội", "17:08 22/04/2021",
                                       "Email là công cụ làm việc hằng ngày của cán bộ."};
    bool ends;
    for (size_t i = 0; i < sizeof cruft / sizeof *cruft; i++)
        CHECK(import_is_cruft(cruft[i], &ends) && !ends, "'%s' is portal furniture", cruft[i]);
    for (size_t i = 0; i < sizeof ending / sizeof *ending; i++)
        CHECK(import_is_cruft(ending[i], &ends) && ends, "'%s' ends the article", ending[i]);
    for (size_t i = 0; i < sizeof text / sizeof *text; i++)
        CHECK(!import_is_cruft(text[i], &ends), "'%s' is text", text[i]);

    static const char *const bylines[] = {"Phan Văn An (Đảng ủy Khối các cơ quan tỉnh)",
                                          "Minh Anh - Hoàng Long", "Theo baochinhphu.vn",
                                          "Tin, ảnh: Thu Hà", "Nguyễn Thu Trang"};
    static const char *const not_bylines[] = {"Kết quả nổi bật của năm qua",
                                              "Năm 2021, huyện đặt mục tiêu mới.",
                                              "Hội nghị đã thành công tốt đẹp"};
    for (size_t i = 0; i < sizeof bylines / sizeof *bylines; i++)
        CHECK(import_is_byline(bylines[i]), "'%s' is a byline", bylines[i]);
    for (size_t i = 0; i < sizeof not_bylines / sizeof *not_bylines; i++)
        CHECK(!import_is_byline(not_bylines[i]), "'%s' is not a byline", not_bylines[i]);

    static const struct {
        const char *in, *caption, *credit;
    } credits[] = {
        {"Lãnh đạo tỉnh tặng hoa (Ảnh: Minh Anh)", "Lãnh đạo tỉnh tặng hoa", "Minh Anh"},
        {"Đồi chè xã Phấn Mễ. Ảnh: Thu Hà", "Đồi chè xã Phấn Mễ", "Thu Hà"},
        {"Ảnh: TTXVN", "", "TTXVN"},
        {"Ảnh hưởng của mưa lớn đến mùa màng", "Ảnh hưởng của mưa lớn đến mùa màng", NULL},
    };
    for (size_t i = 0; i < sizeof credits / sizeof *credits; i++) {
        char *cap = xstrdup(credits[i].in);
        char *credit = import_split_credit(cap);
        CHECK(strcmp(cap, credits[i].caption) == 0 &&
                  (credits[i].credit ? credit && strcmp(credit, credits[i].credit) == 0 : !credit),
              "credit of '%s' (caption '%s', credit '%s')", credits[i].in, cap,
              credit ? credit : "(none)");
        free(cap);
        free(credit);
    }
}

/* Emphasis, escapes and lists come back through CommonMark unchanged. */
static void test_article_text(void)
{
    imported_article im = {0};
    buf_init(&im.report);
    im.title = xstrdup("Tiêu đề có \"ngoặc kép\" và \\");
    im.year = 2021, im.month = 4, im.day = 22;
    import_block *b = import_add_block(&im, IMPORT_PARAGRAPH, 1);
    import_block_add(b, "1. Số liệu *không* phải ", strlen("1. Số liệu *không* phải "), 0);
    import_block_add(b, "chữ đậm ", strlen("chữ đậm "), IMPORT_BOLD);
    import_block_add(b, "và [ghi chú] <b> &amp; #", strlen("và [ghi chú] <b> &amp; #"), 0);
    b = import_add_block(&im, IMPORT_BULLET, 2);
    import_block_add(b, "- một", strlen("- một"), 0);
    b = import_add_block(&im, IMPORT_BULLET, 3);
    import_block_add(b, "hai", 3, IMPORT_ITALIC);
    char *text = import_article_text(&im, NULL);
    const char *want = "---\n"
                       "title: \"Tiêu đề có \\\"ngoặc kép\\\" và \\\\\"\n"
                       "date: 2021-04-22\n"
                       "---\n"
                       "\n"
                       "1\\. Số liệu \\*không\\* phải **chữ đậm** và \\[ghi chú\\] \\<b> \\&amp; \\#\n"
                       "\n"
                       "- \\- một\n"
                       "- *hai*\n";
    CHECK(strcmp(text, want) == 0, "article text escapes Markdown and YAML");
    if (strcmp(text, want) != 0)
        fprintf(stderr, "got:\n%s\nwant:\n%s\n", text, want);
    free(text);
    import_free(&im);
}

int main(void)
{
    test_decode();
    test_dates();
    test_recognisers();
    test_article_text();
    return harness_failed ? 1 : 0;
}
