/* Page layout: on the sample issue and on generated articles, lines never
 * collide (real glyph ink), body lines sit on the baseline grid, subheads
 * never end a column, columns balance at article ends, and the widow and
 * orphan rules hold. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "flow.h"
#include "fonts.h"
#include "harness.h"
#include "issue.h"
#include "shape.h"
#include "template.h"
#include "util.h"

static font_set *fs;
static shaper *sh;

static page_list *build(const char *manifest, template *t, arena *a, diag *d)
{
    issue is;
    if (!issue_load(manifest, &is, a, d)) {
        harness_dump(d);
        return NULL;
    }
    issue *kept = arena_memdup(a, &is, sizeof is);
    return flow_issue(kept, t, fs, sh, a, d);
}

static bool overlap(double a0, double a1, double b0, double b1)
{
    return a0 < b1 - 0.01 && b0 < a1 - 0.01;
}

static void check_pages(const char *name, const page_list *pl, const template *t)
{
    bool rules = t->widows > 1 || t->orphans > 1;
    int collisions = 0, off_grid = 0, subhead_last = 0, outside = 0;
    double lead = t->styles[ROLE_BODY].leading_pt;
    for (size_t p = 0; p < pl->count; p++) {
        const placed_page *pg = &pl->pages[p];
        for (size_t i = 0; i < pg->count; i++) {
            if (pg->items[i].kind != PLACED_TEXT)
                continue;
            const placed_text *a = &pg->items[i].u.text;
            if (a->x_pt < t->margin_inside_pt - 0.01 ||
                a->x_pt + a->width_pt > pl->width_pt - t->margin_outside_pt + 0.01 ||
                a->ink_top_pt > pl->height_pt || a->ink_bottom_pt < 0)
                outside++;
            for (size_t j = i + 1; j < pg->count; j++) {
                if (pg->items[j].kind != PLACED_TEXT)
                    continue;
                const placed_text *b = &pg->items[j].u.text;
                if (overlap(a->x_pt, a->x_pt + a->width_pt, b->x_pt, b->x_pt + b->width_pt) &&
                    overlap(a->ink_bottom_pt, a->ink_top_pt, b->ink_bottom_pt, b->ink_top_pt))
                    collisions++;
            }
            if (a->role == ROLE_BODY) {
                /* Baselines are a whole number of leadings from the first. */
                double from_top = pl->height_pt - a->y_pt - t->margin_top_pt;
                double k = from_top / lead;
                double frac = k - floor(k);
                static double phase = -1;
                if (phase < 0)
                    phase = frac;
                if (fabs(frac - phase) > 0.01 && fabs(fabs(frac - phase) - 1) > 0.01)
                    off_grid++;
            }
            if (a->role == ROLE_SUBHEAD) {
                /* Something of the same column must follow it. */
                bool below = false;
                for (size_t j = 0; j < pg->count; j++) {
                    if (pg->items[j].kind != PLACED_TEXT)
                        continue;
                    const placed_text *b = &pg->items[j].u.text;
                    if (b->role == ROLE_BODY && fabs(b->x_pt - a->x_pt) < 20 && b->y_pt < a->y_pt)
                        below = true;
                }
                if (!below)
                    subhead_last++;
            }
        }
    }
    CHECK(collisions == 0, "flow %s: no two lines' glyph ink overlaps (%d)", name, collisions);
    CHECK(off_grid == 0, "flow %s: every body line sits on the baseline grid (%d off)", name,
          off_grid);
    CHECK(subhead_last == 0, "flow %s: no subhead ends a column (%d)", name, subhead_last);
    CHECK(outside == 0, "flow %s: no line outside the text area or page (%d)", name, outside);
    int widows = 0, orphans = 0, overset = 0;
    for (size_t i = 0; i < pl->stats_count; i++) {
        widows += pl->stats[i].widows;
        orphans += pl->stats[i].orphans;
        overset += pl->stats[i].overset_lines;
    }
    if (rules)
        CHECK(widows == 0 && orphans == 0 && overset == 0,
              "flow %s: no widows, orphans or overset lines (%d, %d, %d)", name, widows,
              orphans, overset);
    else
        CHECK(overset == 0, "flow %s: no overset lines", name);
}

/* Writes an issue of plain paragraphs (no subheads, no photos). */
static void write_plain_issue(const char *dir, int articles, int paragraphs)
{
    static const char *const sentences[] = {
        "Sáng 19/4/2021, Đảng ủy Sở tổ chức hội nghị sơ kết năm năm thực hiện Chỉ thị số "
        "05-CT/TW về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
        "Toàn tỉnh có 1.662 doanh nghiệp thành lập mới với tổng vốn đăng ký 21.576,5 tỷ đồng, "
        "tạo việc làm cho 33.008 lao động.",
        "Nhiều mô hình thiết thực đã ra đời, như “Mỗi tháng một sáng kiến”, “Thứ Sáu không "
        "giấy tờ”.",
        "Ông Quách Văn Sơn, ở xã Phú Cường, vừa nhận giấy chứng nhận quyền sử dụng đất sớm hơn "
        "hai ngày so với giấy hẹn.",
        "Ẩm ướt kéo dài khiến bà con phải phun thuốc theo cảm tính, vừa tốn kém vừa ảnh hưởng "
        "đến chất lượng quả.",
    };
    char *path = xasprintf("%s/articles", dir);
    char *cmd = xasprintf("mkdir -p '%s'", path);
    if (system(cmd) != 0)
        return;
    free(cmd);
    char *manifest = xasprintf("%s/issue.yaml", dir);
    FILE *m = fopen(manifest, "w");
    fprintf(m, "title: Thử nghiệm\nnumber: 1\ndate: 2021-05-01\narticles:\n");
    unsigned seed = 7;
    for (int k = 0; k < articles; k++) {
        char *file = xasprintf("%s/a%d.md", path, k);
        FILE *f = fopen(file, "w");
        fprintf(f, "---\ntitle: Bài %d\n---\n\n", k + 1);
        for (int p = 0; p < paragraphs + k * 3; p++) {
            int n = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 5;
            for (int s = 0; s < n; s++)
                fprintf(f, "%s ", sentences[((seed >> 8) + (unsigned)s) % 5]);
            fprintf(f, "\n\n");
        }
        fclose(f);
        fprintf(m, "  - articles/a%d.md\n", k);
        free(file);
    }
    fclose(m);
    free(manifest);
    free(path);
}

int main(void)
{
    diag *d = diag_new();
    fs = fonts_open("fonts/bulletin.conf", d);
    if (!fs)
        return 1;
    sh = shape_new(fs);

    arena *a = arena_new();
    template t;
    template_default(&t);
    page_list *pl = build("examples/ban-tin-mau/issue.yaml", &t, a, d);
    CHECK(pl != NULL && pl->count >= 2, "flow: the sample issue is laid out");
    if (pl)
        check_pages("sample", pl, &t);
    flow_free(pl);
    arena_free(a);

    write_plain_issue("build/t-plain", 6, 8);
    /* Balance: within one line when every line may start or end a column;
     * with the widow and orphan rules a paragraph of up to
     * widows + orphans - 1 lines cannot be split, so columns may differ
     * by up to that less one line. */
    for (int rules = 1; rules <= 2; rules++) {
        a = arena_new();
        template_default(&t);
        t.widows = t.orphans = rules;
        pl = build("build/t-plain/issue.yaml", &t, a, d);
        CHECK(pl != NULL, "flow: a generated plain issue is laid out (widows/orphans %d)", rules);
        if (!pl) {
            arena_free(a);
            continue;
        }
        check_pages(rules == 1 ? "plain, rules 1" : "plain, rules 2", pl, &t);
        int unbalanced = 0;
        double lead = t.styles[ROLE_BODY].leading_pt;
        double allowed = (rules == 1 ? 1 : t.widows + t.orphans - 2) * lead;
        for (size_t i = 0; i < pl->stats_count; i++) {
            const article_stats *s = &pl->stats[i];
            double lo = 1e9, hi = 0;
            for (int col = 0; col < s->end_columns; col++) {
                lo = s->end_depths_pt[col] < lo ? s->end_depths_pt[col] : lo;
                hi = s->end_depths_pt[col] > hi ? s->end_depths_pt[col] : hi;
            }
            if (s->end_columns && hi - lo > allowed + 0.01) {
                unbalanced++;
                fprintf(stderr, "rules %d, article %zu: depths %.1f..%.1f\n", rules, i + 1, lo,
                        hi);
            }
        }
        CHECK(unbalanced == 0,
              "flow: columns balance at article ends within %.0f line(s), widows/orphans %d "
              "(%d off)",
              allowed / lead, rules, unbalanced);
        flow_free(pl);
        arena_free(a);
    }

    /* Stricter rules from the template: 3 lines kept at column tops and feet. */
    a = arena_new();
    template_default(&t);
    t.widows = 3;
    t.orphans = 3;
    pl = build("build/t-plain/issue.yaml", &t, a, d);
    if (pl)
        check_pages("plain, widows/orphans 3", pl, &t);
    flow_free(pl);
    arena_free(a);

    shape_free(sh);
    fonts_free(fs);
    diag_free(d);
    return harness_failed ? 1 : 0;
}
