#include "lines.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "breaks.h"
#include "util.h"

/* Justification limits, as fractions of the natural word space. */
#define STRETCH_RATIO 0.6  /* comfortable stretch per space */
#define SHRINK_RATIO 0.25  /* most a space may shrink */
#define LOOSE_LIMIT 2.5    /* beyond this stretch ratio a line is not set */
#define LINE_PENALTY 10.0
#define EMERGENCY_PENALTY 5000.0

typedef struct node {
    double demerits;
    int prev;      /* index of the previous break node, -1 = start */
    int fitness;   /* 0 tight, 1 decent, 2 loose, 3 very loose */
} node;

/* Candidate line starts: indices of glyphs a line may begin with. */
typedef struct cand {
    size_t glyph;
    bool mandatory;
    bool emergency;
} cand;

static size_t trim_trailing_spaces(const glyph_run *run, size_t first, size_t end)
{
    while (end > first && (run->glyphs[end - 1].flags & GLYPH_SPACE))
        end--;
    return end;
}

static int fitness_of(double r)
{
    if (r < -0.5)
        return 0;
    if (r <= 0.5)
        return 1;
    if (r <= 1.0)
        return 2;
    return 3;
}

/* Runs the total-fit search over candidates; returns false when no set of
 * breaks keeps every line within limits. */
static bool search(const glyph_run *run, const cand *cands, size_t nc, const double *prefix,
                   const int *space_prefix, double space_em, double width_em, double indent_em, bool justify,
                   bool allow_any, node *nodes)
{
    for (size_t i = 0; i < nc; i++) {
        nodes[i].demerits = DBL_MAX;
        nodes[i].prev = -1;
    }
    nodes[0].demerits = 0;
    nodes[0].fitness = 1;
    for (size_t i = 0; i + 1 < nc; i++) {
        if (nodes[i].demerits == DBL_MAX)
            continue;
        double avail = width_em - (i == 0 ? indent_em : 0);
        for (size_t j = i + 1; j < nc; j++) {
            size_t end = trim_trailing_spaces(run, cands[i].glyph, cands[j].glyph);
            double w = prefix[end] - prefix[cands[i].glyph];
            int spaces = space_prefix[end] - space_prefix[cands[i].glyph];
            bool is_last = j == nc - 1 || cands[j].mandatory;
            double stretch = spaces * space_em * STRETCH_RATIO;
            double shrink = spaces * space_em * SHRINK_RATIO;
            double r;
            if (w > avail) {
                r = shrink > 0 ? (avail - w) / shrink : -INFINITY;
                if (r < -1.0) {
                    /* Too wide even when shrunk: later breaks only get wider,
                     * unless this line is a single unbreakable box. */
                    if (j == i + 1 && allow_any) {
                        double dm = nodes[i].demerits + 1e7;
                        if (dm < nodes[j].demerits) {
                            nodes[j].demerits = dm;
                            nodes[j].prev = (int)i;
                            nodes[j].fitness = 0;
                        }
                    }
                    break;
                }
            } else if (is_last || !justify || cands[j].emergency) {
                /* A word broken inside is set flush left, not spread out. */
                r = 0;
            } else if (stretch > 0) {
                r = (avail - w) / stretch;
            } else {
                /* One unbreakable word on the line: it cannot be justified,
                 * so it counts as loose as if it had one space to stretch. */
                r = (avail - w) / (space_em * STRETCH_RATIO);
            }
            double badness;
            if (!justify) {
                /* Ragged text: prefer even line lengths. */
                double slack = (avail - w) / avail;
                badness = is_last ? 0 : 100 * slack * slack * slack * 8;
            } else if (is_last && w <= avail) {
                badness = 0;
            } else {
                double ar = fabs(r) > 100 ? 100 : fabs(r);
                badness = 100 * ar * ar * ar;
            }
            if (justify && !is_last && r > LOOSE_LIMIT && !allow_any) {
                if (cands[j].mandatory)
                    break;
                continue;
            }
            int fit = fitness_of(justify && !is_last ? r : 0);
            double dm = (LINE_PENALTY + badness) * (LINE_PENALTY + badness);
            if (abs(fit - nodes[i].fitness) > 1)
                dm += 3000;
            if (cands[j].emergency)
                dm += EMERGENCY_PENALTY * EMERGENCY_PENALTY;
            dm += nodes[i].demerits;
            if (dm < nodes[j].demerits) {
                nodes[j].demerits = dm;
                nodes[j].prev = (int)i;
                nodes[j].fitness = fit;
            }
            if (cands[j].mandatory)
                break; /* a line cannot run past a hard break */
        }
    }
    return nodes[nc - 1].demerits < DBL_MAX;
}

line_list lines_break(const glyph_run *run, double size_pt, double width_pt,
                      double first_indent_pt, style_align align, src_loc loc, arena *a,
                      diag *d)
{
    line_list out = {0};
    size_t n = run->count;
    if (n == 0)
        return out;
    double to_em = 1000.0 / size_pt;
    double width_em = width_pt * to_em, indent_em = first_indent_pt * to_em;
    bool justify = align == ALIGN_JUSTIFY;

    double *prefix = xmalloc((n + 1) * sizeof(double));
    int *space_prefix = xmalloc((n + 1) * sizeof(int));
    prefix[0] = 0;
    space_prefix[0] = 0;
    double space_sum = 0;
    int space_count = 0;
    for (size_t i = 0; i < n; i++) {
        prefix[i + 1] = prefix[i] + run->glyphs[i].advance;
        space_prefix[i + 1] = space_prefix[i] + ((run->glyphs[i].flags & GLYPH_SPACE) ? 1 : 0);
        if (run->glyphs[i].flags & GLYPH_SPACE) {
            space_sum += run->glyphs[i].advance;
            space_count++;
        }
    }
    double space_em = space_count ? space_sum / space_count : 250;

    uint8_t *brk = xmalloc(run->text_len + 1);
    breaks_find(run->text, run->text_len, brk);

    cand *cands = xmalloc((n + 2) * sizeof(cand));
    node *nodes = xmalloc((n + 2) * sizeof(node));
    size_t nc = 0;
    bool ok = false;
    for (int pass = 0; pass < 3 && !ok; pass++) {
        /* Pass 0: normal breaks. Pass 1: also between clusters of words that
         * cannot fit. Pass 2: anything goes, so a result always exists. */
        nc = 0;
        cands[nc++] = (cand){0, false, false};
        for (size_t i = 1; i < n; i++) {
            const glyph *g = &run->glyphs[i];
            if (!(g->flags & GLYPH_CLUSTER_START))
                continue;
            bool hard = (g->flags & GLYPH_HARD_BREAK) != 0;
            uint8_t b = g->cluster <= run->text_len ? brk[g->cluster] : BREAK_NONE;
            bool allowed = b != BREAK_NONE && !(g->flags & GLYPH_SPACE);
            if (hard || allowed) {
                cands[nc++] = (cand){i, hard, false};
            } else if (pass >= 1 && !(g->flags & GLYPH_SPACE) &&
                       !(run->glyphs[i - 1].flags & GLYPH_SPACE)) {
                /* Inside a word: only when the word alone is wider than a line. */
                size_t ws = i, we = i;
                while (ws > 0 && !(run->glyphs[ws - 1].flags & GLYPH_SPACE))
                    ws--;
                while (we < n && !(run->glyphs[we].flags & GLYPH_SPACE))
                    we++;
                if (prefix[we] - prefix[ws] > width_em - indent_em)
                    cands[nc++] = (cand){i, false, true};
            }
        }
        cands[nc++] = (cand){n, false, false};
        ok = search(run, cands, nc, prefix, space_prefix, space_em, width_em, indent_em, justify, pass == 2,
                    nodes);
        if (pass == 1 && ok) {
            out.overlong = true;
            diag_warning(d, loc, "a word is wider than the column and was broken inside it");
        }
    }
    if (!ok) /* cannot happen: pass 2 accepts any line */
        abort();

    size_t count = 0;
    for (int k = (int)nc - 1; k > 0; k = nodes[k].prev)
        count++;
    out.lines = arena_alloc(a, (count ? count : 1) * sizeof(line));
    out.count = count;
    size_t li = count;
    for (int k = (int)nc - 1; k > 0; k = nodes[k].prev) {
        int p = nodes[k].prev;
        line *ln = &out.lines[--li];
        ln->first = cands[p].glyph;
        /* Leading spaces after a hard break are dropped too. */
        while (ln->first < cands[k].glyph && (run->glyphs[ln->first].flags & GLYPH_SPACE) &&
               p > 0)
            ln->first++;
        ln->end = trim_trailing_spaces(run, ln->first, cands[k].glyph);
        ln->last = k == (int)nc - 1 || cands[k].mandatory;
        double w = (prefix[ln->end] - prefix[ln->first]) / to_em;
        ln->width_pt = w;
        for (size_t g = ln->first; g < ln->end; g++)
            if (run->glyphs[g].flags & GLYPH_SPACE)
                ln->spaces++;
        double avail = width_pt - (p == 0 ? first_indent_pt : 0);
        ln->offset_pt = p == 0 ? first_indent_pt : 0;
        if (justify && ln->spaces && (!ln->last || w > avail)) {
            ln->space_adjust_pt = (avail - w) / ln->spaces;
            double limit = space_em * STRETCH_RATIO / to_em;
            if (ln->space_adjust_pt > limit)
                out.loose_lines++;
        } else if (align == ALIGN_CENTER) {
            ln->offset_pt += (avail - w) / 2;
        } else if (align == ALIGN_RIGHT) {
            ln->offset_pt += avail - w;
        }
    }
    free(cands);
    free(nodes);
    free(brk);
    free(prefix);
    free(space_prefix);
    return out;
}
