#include "lines.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "breaks.h"
#include "utf8.h"
#include "util.h"
#include "timing.h"

#define LINE_PENALTY 10.0
#define RAGGED_LINE_PENALTY 2000.0
#define FITNESS_PENALTY 3000.0   /* adjacent lines of very different looseness */
#define SHORT_LAST_PENALTY 2000.0 /* a last line shorter than SHORT_LAST of the measure */
#define SHORT_LAST 0.15
#define URL_BREAK_PENALTY 1000.0  /* inside an overlong word, after / or before . ? & = */
#define EMERGENCY_PENALTY 5000.0  /* inside an overlong word, anywhere */
/* Beyond this stretch ratio a line is rejected while a better set exists. */
#define LOOSE_LIMIT 2.0

typedef struct node {
    double demerits;
    int prev;    /* index of the previous break node, -1 = start */
    int fitness; /* 0 tight, 1 decent, 2 loose, 3 very loose */
} node;

typedef struct cand {
    size_t glyph;
    bool mandatory;
    double penalty; /* for breaks inside a word */
} cand;

/* How one line is justified. */
typedef struct fit {
    double r;            /* word-space stretch ratio: 1 = at the style's maximum */
    double space_adjust; /* em, per word space */
    double letter_adjust;/* em, per letter gap */
    double scale;
    double flex_used;    /* 0..1: share of letter/glyph tolerance used */
    bool overfull;
} fit;

typedef struct params {
    double space_em;              /* natural word space of the paragraph */
    double stretch_em, shrink_em; /* per space, to the style's limits */
    double letter_em, scale_max;
} params;

/* Justifies a line with `extra` em to absorb (negative: to remove), n word
 * spaces, g letter gaps and natural glyph width w: word spaces take the
 * first half of their stretch, then letter spacing and glyph scaling up to
 * their tolerance, then word spaces again up to and beyond their maximum. */
static fit fit_line(double extra, int n, int g, double w, const params *p)
{
    fit f = {0, 0, 0, 1, 0, false};
    double flex = g * p->letter_em + w * p->scale_max;
    if (extra >= 0) {
        double soft = n * p->stretch_em * 0.5;
        double take = extra < soft ? extra : soft;
        double rest = extra - take;
        double flex_take = rest < flex ? rest : flex;
        rest -= flex_take;
        if (flex > 0) {
            double k = flex_take / flex;
            f.letter_adjust = k * p->letter_em;
            f.scale = 1 + k * p->scale_max;
            f.flex_used = k;
        }
        double space_total = take + rest;
        if (n > 0) {
            f.space_adjust = space_total / n;
            f.r = p->stretch_em > 0 ? f.space_adjust / p->stretch_em : INFINITY;
        } else {
            /* Nothing to stretch: the line stays short, as loose as if it had
             * one space carrying all the slack. */
            f.r = p->stretch_em > 0 ? space_total / p->stretch_em : INFINITY;
        }
        return f;
    }
    /* Tightening letters reads worse than loosening them: a line that is
     * too long only shrinks its word spaces, then its glyphs a little. */
    double need = -extra;
    double from_spaces = n * p->shrink_em;
    double take = need < from_spaces ? need : from_spaces;
    double rest = need - take;
    double squeeze = w * p->scale_max + g * p->letter_em * 0.5;
    if (rest > 0 && squeeze > 0) {
        double k = rest < squeeze ? rest / squeeze : 1;
        f.scale = 1 - k * p->scale_max;
        f.letter_adjust = -k * p->letter_em * 0.5;
        f.flex_used = k;
        rest -= k * squeeze;
    }
    if (rest > 1e-9)
        f.overfull = true;
    if (n > 0) {
        f.space_adjust = -take / n;
        f.r = p->shrink_em > 0 ? -take / n / p->shrink_em : 0;
    }
    return f;
}

static double badness_of(const fit *f)
{
    double ar = fabs(f->r) > 100 ? 100 : fabs(f->r);
    return 100 * ar * ar * ar + 30 * f->flex_used * f->flex_used;
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

typedef struct sums {
    const double *width;  /* prefix sums of advances (em) */
    const int *spaces;    /* prefix counts of word spaces */
    const int *gaps;      /* prefix counts of letter gaps (gap before glyph i) */
} sums;

static size_t trim_trailing_spaces(const glyph_run *run, size_t first, size_t end)
{
    while (end > first && (run->glyphs[end - 1].flags & GLYPH_SPACE))
        end--;
    return end;
}

static size_t skip_leading_spaces(const glyph_run *run, size_t first, size_t end)
{
    while (first < end && (run->glyphs[first].flags & GLYPH_SPACE))
        first++;
    return first;
}

static int gaps_in(const sums *s, size_t first, size_t end)
{
    return end > first + 1 ? s->gaps[end] - s->gaps[first + 1] : 0;
}

/* Runs the total-fit search over candidates; returns false when no set of
 * breaks keeps every line within limits. */
static bool search(const glyph_run *run, const cand *cands, size_t nc, const sums *s,
                   const params *p, double width_em, double indent_em, style_align align,
                   bool allow_any, node *nodes)
{
    bool justify = align == ALIGN_JUSTIFY;
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
        size_t start = i == 0 ? 0 : skip_leading_spaces(run, cands[i].glyph, run->count);
        for (size_t j = i + 1; j < nc; j++) {
            size_t end = trim_trailing_spaces(run, start, cands[j].glyph);
            double w = s->width[end] - s->width[start];
            int n = s->spaces[end] - s->spaces[start];
            int g = gaps_in(s, start, end);
            bool is_last = j == nc - 1 || cands[j].mandatory;
            fit f = fit_line(avail - w, n, g, w, p);
            if (f.overfull) {
                /* Later breaks only make the line wider; a single box that
                 * does not fit is accepted only as a last resort. */
                if (j == i + 1 && allow_any) {
                    double dm = nodes[i].demerits + 1e9;
                    if (dm < nodes[j].demerits) {
                        nodes[j].demerits = dm;
                        nodes[j].prev = (int)i;
                        nodes[j].fitness = 0;
                    }
                }
                break;
            }
            double badness;
            int fitness;
            if (!justify || cands[j].penalty > 0) {
                /* Ragged text (and pieces of a broken word): even lengths. */
                /* The last line counts at half weight: headlines and
                 * captions look best with lines of similar length. */
                double slack = w <= avail ? (avail - w) / avail : 0;
                badness = (is_last ? 200 : 800) * slack * slack * slack;
                fitness = 1;
            } else if (is_last && w <= avail) {
                badness = 0;
                fitness = 1;
                if (w < width_em * SHORT_LAST && start > 0)
                    badness += SHORT_LAST_PENALTY * (1 - w / (width_em * SHORT_LAST));
            } else {
                if (f.r > LOOSE_LIMIT && !allow_any) {
                    if (cands[j].mandatory)
                        break;
                    continue;
                }
                badness = badness_of(&f);
                fitness = fitness_of(f.r);
            }
            double dm = (LINE_PENALTY + badness) * (LINE_PENALTY + badness);
            if (!justify)
                dm += RAGGED_LINE_PENALTY; /* ragged text: fewer lines first */
            if (abs(fitness - nodes[i].fitness) > 1)
                dm += FITNESS_PENALTY;
            dm += cands[j].penalty * cands[j].penalty;
            dm += nodes[i].demerits;
            if (dm < nodes[j].demerits) {
                nodes[j].demerits = dm;
                nodes[j].prev = (int)i;
                nodes[j].fitness = fitness;
            }
            if (cands[j].mandatory)
                break; /* a line cannot run past a hard break */
        }
    }
    return nodes[nc - 1].demerits < DBL_MAX;
}

/* A break inside an overlong word: URLs and codes break after a slash or
 * before . ? # & = _ - (the usual places), anything else is a last resort. */
static double inner_break_penalty(const glyph_run *run, size_t i)
{
    const char *t = run->text;
    uint32_t cur = 0;
    utf8_decode(t + run->glyphs[i].cluster, run->text_len - run->glyphs[i].cluster, &cur);
    size_t pc = run->glyphs[i - 1].cluster;
    char prev = t[pc];
    if (prev == '/' && cur != '/')
        return URL_BREAK_PENALTY;
    if (strchr(".?#&=_-", (int)cur) && cur && prev != '/' && prev != ':')
        return URL_BREAK_PENALTY;
    return EMERGENCY_PENALTY;
}

/* Natural width of the word spaces of a line, 1/1000 em. */
static double spaces_width(const glyph_run *run, const line *ln)
{
    double w = 0;
    for (size_t i = ln->first; i < ln->end; i++)
        if (run->glyphs[i].flags & GLYPH_SPACE)
            w += run->glyphs[i].advance;
    return w;
}

double lines_set_width(const line *ln)
{
    return ln->width_pt * ln->scale + ln->space_adjust_pt * ln->spaces +
           ln->letter_adjust_pt * ln->gaps;
}

static line_list lines_break_untimed(const glyph_run *run, const style *st, double width_pt,
                                     double first_indent_pt, src_loc loc, arena *a, diag *d)
{
    line_list out = {0};
    size_t n = run->count;
    if (n == 0)
        return out;
    double size_pt = st->size_pt;
    double to_em = 1000.0 / size_pt; /* positions are in 1/1000 em */
    double width_em = width_pt * to_em, indent_em = first_indent_pt * to_em;

    double *width = xmalloc((n + 1) * sizeof(double));
    int *spaces = xmalloc((n + 1) * sizeof(int));
    int *gaps = xmalloc((n + 1) * sizeof(int));
    width[0] = 0;
    spaces[0] = gaps[0] = 0;
    double space_sum = 0;
    int space_count = 0;
    for (size_t i = 0; i < n; i++) {
        const glyph *g = &run->glyphs[i];
        bool is_space = g->flags & GLYPH_SPACE;
        width[i + 1] = width[i] + g->advance;
        spaces[i + 1] = spaces[i] + (is_space ? 1 : 0);
        bool gap = i > 0 && (g->flags & GLYPH_CLUSTER_START) && !is_space &&
                   !(run->glyphs[i - 1].flags & GLYPH_SPACE);
        gaps[i + 1] = gaps[i] + (gap ? 1 : 0);
        if (is_space) {
            space_sum += g->advance;
            space_count++;
        }
    }
    sums s = {width, spaces, gaps};
    params p;
    p.space_em = space_count ? space_sum / space_count : 250;
    double max_em = st->word_space_max_em * 1000, min_em = st->word_space_min_em * 1000;
    p.stretch_em = max_em > p.space_em ? max_em - p.space_em : 1;
    p.shrink_em = min_em < p.space_em ? p.space_em - min_em : 0;
    p.letter_em = st->letter_spacing_max_em * 1000;
    p.scale_max = st->glyph_scaling_max;
    if (st->align != ALIGN_JUSTIFY) {
        p.letter_em = 0;
        p.scale_max = 0;
        p.shrink_em = 0;
    }

    uint8_t *brk = xmalloc(run->text_len + 1);
    breaks_find(run->text, run->text_len, st->keep_units ? BREAKS_KEEP_UNITS : 0, brk);

    cand *cands = xmalloc((n + 2) * sizeof(cand));
    node *nodes = xmalloc((n + 2) * sizeof(node));
    size_t nc = 0;
    bool ok = false;
    for (int pass = 0; pass < 3 && !ok; pass++) {
        /* Pass 0: normal breaks. Pass 1: also inside words wider than a
         * line. Pass 2: anything goes, so a result always exists. */
        nc = 0;
        cands[nc++] = (cand){0, false, 0};
        for (size_t i = 1; i < n; i++) {
            const glyph *g = &run->glyphs[i];
            if (!(g->flags & GLYPH_CLUSTER_START))
                continue;
            bool hard = (g->flags & GLYPH_HARD_BREAK) != 0;
            uint8_t b = g->cluster <= run->text_len ? brk[g->cluster] : BREAK_NONE;
            bool allowed = b != BREAK_NONE && !(g->flags & GLYPH_SPACE);
            if (hard || allowed) {
                cands[nc++] = (cand){i, hard, 0};
            } else if (pass >= 1 && !(g->flags & GLYPH_SPACE) &&
                       !(run->glyphs[i - 1].flags & GLYPH_SPACE)) {
                size_t ws = i, we = i;
                while (ws > 0 && !(run->glyphs[ws - 1].flags & GLYPH_SPACE))
                    ws--;
                while (we < n && !(run->glyphs[we].flags & GLYPH_SPACE))
                    we++;
                if (width[we] - width[ws] > width_em - indent_em)
                    cands[nc++] = (cand){i, false, inner_break_penalty(run, i)};
            }
        }
        cands[nc++] = (cand){n, false, 0};
        ok = search(run, cands, nc, &s, &p, width_em, indent_em, st->align, pass == 2, nodes);
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
        int pk = nodes[k].prev;
        line *ln = &out.lines[--li];
        ln->first = pk == 0 ? 0 : skip_leading_spaces(run, cands[pk].glyph, cands[k].glyph);
        ln->end = trim_trailing_spaces(run, ln->first, cands[k].glyph);
        ln->last = k == (int)nc - 1 || cands[k].mandatory;
        ln->spaces = spaces[ln->end] - spaces[ln->first];
        ln->gaps = gaps_in(&s, ln->first, ln->end);
        double w_em = width[ln->end] - width[ln->first];
        ln->width_pt = w_em / to_em;
        ln->scale = 1;
        double avail_em = width_em - (pk == 0 ? indent_em : 0);
        ln->offset_pt = pk == 0 ? first_indent_pt : 0;
        bool broken_word = cands[k].penalty > 0;
        if (broken_word && !out.overlong) {
            out.overlong = true;
            diag_warning(d, loc, "a word is wider than the column and was broken inside it");
        }
        if (st->align == ALIGN_JUSTIFY && (w_em > avail_em || (!broken_word && !ln->last))) {
            fit f = fit_line(avail_em - w_em, ln->spaces, ln->gaps, w_em, &p);
            if (ln->spaces || f.letter_adjust != 0 || f.scale != 1) {
                ln->space_adjust_pt = ln->spaces ? f.space_adjust / to_em : 0;
                ln->letter_adjust_pt = f.letter_adjust / to_em;
                ln->scale = f.scale;
            }
        } else if (st->align == ALIGN_CENTER) {
            ln->offset_pt += (avail_em - w_em) / to_em / 2;
        } else if (st->align == ALIGN_RIGHT) {
            ln->offset_pt += (avail_em - w_em) / to_em;
        }
        if (ln->spaces) {
            ln->word_space_em = (spaces_width(run, ln) / ln->spaces * ln->scale +
                                 ln->space_adjust_pt * to_em) / 1000.0;
            if (st->align == ALIGN_JUSTIFY && !ln->last &&
                ln->word_space_em > st->word_space_max_em + 1e-6) {
                ln->loose = true;
                out.loose_lines++;
            }
        }
    }
    free(cands);
    free(nodes);
    free(brk);
    free(width);
    free(spaces);
    free(gaps);
    return out;
}

line_list lines_break(const glyph_run *run, const style *st, double width_pt,
                      double first_indent_pt, src_loc loc, arena *a, diag *d)
{
    timing_push(STAGE_BREAKING);
    line_list result = lines_break_untimed(run, st, width_pt, first_indent_pt, loc, a, d);
    timing_pop();
    return result;
}
