#include "yml.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "caps.h"
#include "utf8.h"
#include "util.h"

struct yml {
    const char *file;
    int first_line;
    bool empty;
    yaml_document_t doc;
};

static src_loc mark_loc(const yml *y, yaml_mark_t m)
{
    return (src_loc){y->file, (int)m.line + y->first_line, (int)m.column + 1};
}

/* libyaml builds documents recursively and has no depth limit, so a file
 * of ten thousand '[' would overflow the stack: nesting is measured first
 * (flow brackets outside quotes and comments, and block indentation). */
static bool nesting_ok(const char *file, const char *text, size_t len, int first_line, diag *d)
{
    int depth = 0, line = first_line, col = 1;
    bool single = false, dbl = false, comment = false, line_start = true;
    int indent = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (ch == '\n') {
            line++;
            col = 1;
            comment = false;
            line_start = true;
            indent = 0;
            continue;
        }
        if (line_start && ch == ' ') {
            if (++indent > 4 * limits.max_yaml_depth) {
                diag_error(d, (src_loc){file, line, col}, "YAML indented too deeply (more than %d "
                           "levels)", limits.max_yaml_depth);
                return false;
            }
        } else {
            line_start = false;
        }
        if (!comment) {
            if (ch == '\'' && !dbl)
                single = !single;
            else if (ch == '"' && !single && (i == 0 || text[i - 1] != '\\'))
                dbl = !dbl;
            else if (ch == '#' && !single && !dbl && (i == 0 || text[i - 1] == ' ' || col == 1))
                comment = true;
            else if (!single && !dbl && (ch == '[' || ch == '{')) {
                if (++depth > limits.max_yaml_depth) {
                    diag_error(d, (src_loc){file, line, col},
                               "YAML nested too deeply (more than %d levels)",
                               limits.max_yaml_depth);
                    return false;
                }
            } else if (!single && !dbl && (ch == ']' || ch == '}') && depth > 0)
                depth--;
        }
        if (((unsigned char)ch & 0xC0) != 0x80)
            col++;
    }
    return true;
}

yml *yml_parse(const char *file, const char *text, size_t len, int first_line, diag *d)
{
    if (!nesting_ok(diag_intern(d, file), text, len, first_line, d))
        return NULL;
    yml *y = xcalloc(1, sizeof(yml));
    y->file = diag_intern(d, file);
    y->first_line = first_line;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        diag_internal(d, loc_file(y->file), "cannot initialise the YAML parser");
        free(y);
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &y->doc)) {
        yaml_mark_t m = parser.problem_mark;
        src_loc loc = mark_loc(y, m);
        if (parser.context) {
            src_loc start = mark_loc(y, parser.context_mark);
            diag_error(d, loc, "YAML syntax error: %s %s that starts at line %d, column %d",
                       parser.problem ? parser.problem : "", parser.context, start.line,
                       start.col);
        }
        else
            diag_error(d, loc, "YAML syntax error: %s",
                       parser.problem ? parser.problem : "unreadable document");
        yaml_parser_delete(&parser);
        free(y);
        return NULL;
    }
    yaml_parser_delete(&parser);
    y->empty = yaml_document_get_root_node(&y->doc) == NULL;
    return y;
}

void yml_free(yml *y)
{
    if (!y)
        return;
    yaml_document_delete(&y->doc);
    free(y);
}

static yaml_node_t *node(const yml *y, yml_node n)
{
    if (n <= 0 || y->empty)
        return NULL;
    return yaml_document_get_node((yaml_document_t *)&y->doc, n);
}

yml_node yml_root(const yml *y)
{
    return y->empty ? 0 : 1;
}

src_loc yml_loc(const yml *y, yml_node n)
{
    yaml_node_t *p = node(y, n);
    if (!p)
        return loc_file(y->file);
    return mark_loc(y, p->start_mark);
}

bool yml_is_map(const yml *y, yml_node n)
{
    yaml_node_t *p = node(y, n);
    return p && p->type == YAML_MAPPING_NODE;
}

bool yml_is_seq(const yml *y, yml_node n)
{
    yaml_node_t *p = node(y, n);
    return p && p->type == YAML_SEQUENCE_NODE;
}

bool yml_is_scalar(const yml *y, yml_node n)
{
    yaml_node_t *p = node(y, n);
    return p && p->type == YAML_SCALAR_NODE;
}

bool yml_is_plain(const yml *y, yml_node n)
{
    yaml_node_t *p = node(y, n);
    return p && p->type == YAML_SCALAR_NODE && p->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

size_t yml_count(const yml *y, yml_node n)
{
    yaml_node_t *p = node(y, n);
    if (!p)
        return 0;
    if (p->type == YAML_SEQUENCE_NODE)
        return (size_t)(p->data.sequence.items.top - p->data.sequence.items.start);
    if (p->type == YAML_MAPPING_NODE)
        return (size_t)(p->data.mapping.pairs.top - p->data.mapping.pairs.start);
    return 0;
}

yml_node yml_seq_item(const yml *y, yml_node seq, size_t i)
{
    yaml_node_t *p = node(y, seq);
    if (!p || p->type != YAML_SEQUENCE_NODE || i >= yml_count(y, seq))
        return 0;
    return p->data.sequence.items.start[i];
}

yml_node yml_map_key(const yml *y, yml_node map, size_t i)
{
    yaml_node_t *p = node(y, map);
    if (!p || p->type != YAML_MAPPING_NODE || i >= yml_count(y, map))
        return 0;
    return p->data.mapping.pairs.start[i].key;
}

yml_node yml_map_value(const yml *y, yml_node map, size_t i)
{
    yaml_node_t *p = node(y, map);
    if (!p || p->type != YAML_MAPPING_NODE || i >= yml_count(y, map))
        return 0;
    return p->data.mapping.pairs.start[i].value;
}

const char *yml_scalar(const yml *y, yml_node n)
{
    yaml_node_t *p = node(y, n);
    if (!p || p->type != YAML_SCALAR_NODE)
        return NULL;
    return (const char *)p->data.scalar.value;
}

const char *yml_kind_name(const yml *y, yml_node n)
{
    yaml_node_t *p = node(y, n);
    if (!p)
        return "nothing";
    switch (p->type) {
    case YAML_MAPPING_NODE:
        return "a mapping";
    case YAML_SEQUENCE_NODE:
        return "a list";
    default:
        return p->data.scalar.length ? "a single value" : "an empty value";
    }
}

int yml_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    int row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag_prev = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag_prev + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag_prev = up;
        }
    }
    return row[lb];
}

const char *yml_closest(const char *word, const char *const *candidates)
{
    const char *best = NULL;
    int best_d = 99;
    for (size_t i = 0; candidates[i]; i++) {
        int dist = yml_edit_distance(word, candidates[i]);
        if (dist < best_d) {
            best_d = dist;
            best = candidates[i];
        }
    }
    int limit = strlen(word) <= 4 ? 1 : strlen(word) <= 8 ? 2 : 3;
    return best_d <= limit ? best : NULL;
}

bool yml_check_map(const yml *y, yml_node n, const char *what, const char *const *allowed,
                   diag *d)
{
    if (!yml_is_map(y, n)) {
        diag_error(d, yml_loc(y, n), "%s must be a mapping of 'key: value' lines, not %s", what,
                   yml_kind_name(y, n));
        return false;
    }
    bool ok = true;
    size_t count = yml_count(y, n);
    for (size_t i = 0; i < count; i++) {
        yml_node k = yml_map_key(y, n, i);
        const char *key = yml_scalar(y, k);
        if (!key) {
            diag_error(d, yml_loc(y, k), "a key in %s must be a plain word", what);
            ok = false;
            continue;
        }
        bool known = false;
        for (size_t j = 0; allowed[j]; j++)
            if (strcmp(key, allowed[j]) == 0)
                known = true;
        if (!known) {
            const char *guess = yml_closest(key, allowed);
            if (guess)
                diag_error(d, yml_loc(y, k), "unknown key '%s' in %s (did you mean '%s'?)", key,
                           what, guess);
            else
                diag_error(d, yml_loc(y, k), "unknown key '%s' in %s", key, what);
            ok = false;
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            const char *other = yml_scalar(y, yml_map_key(y, n, j));
            if (other && strcmp(other, key) == 0) {
                diag_error(d, yml_loc(y, k), "key '%s' given twice in %s", key, what);
                ok = false;
            }
        }
    }
    return ok;
}

yml_node yml_get(const yml *y, yml_node map, const char *key)
{
    size_t count = yml_count(y, map);
    for (size_t i = 0; i < count; i++) {
        const char *k = yml_scalar(y, yml_map_key(y, map, i));
        if (k && strcmp(k, key) == 0)
            return yml_map_value(y, map, i);
    }
    return 0;
}

char *yml_text(const yml *y, yml_node n, arena *a, const char *what, diag *d)
{
    yaml_node_t *p = node(y, n);
    if (!p || p->type != YAML_SCALAR_NODE) {
        diag_error(d, yml_loc(y, n), "%s must be a single text value, not %s", what,
                   yml_kind_name(y, n));
        return NULL;
    }
    size_t len;
    char *nfc = utf8_nfc((const char *)p->data.scalar.value, p->data.scalar.length, &len);
    char *r = arena_strndup(a, nfc, len);
    free(nfc);
    return r;
}

/* A plain scalar that YAML 1.1 would read as null counts as absent. */
static bool is_null_scalar(const yml *y, yml_node n)
{
    const char *s = yml_scalar(y, n);
    return s && yml_is_plain(y, n) && (!*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0);
}

bool yml_get_text(const yml *y, yml_node map, const char *key, arena *a, char **out, diag *d)
{
    yml_node v = yml_get(y, map, key);
    if (!v || is_null_scalar(y, v))
        return true;
    char what[96];
    snprintf(what, sizeof what, "'%s'", key);
    char *s = yml_text(y, v, a, what, d);
    if (!s)
        return false;
    *out = s;
    return true;
}

static bool parse_long(const char *s, long *out)
{
    const char *p = s;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (!*p)
        return false;
    long v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || v > 100000000L)
            return false;
        v = v * 10 + (*p - '0');
    }
    *out = neg ? -v : v;
    return true;
}

bool yml_get_int(const yml *y, yml_node map, const char *key, long lo, long hi, long *out,
                 diag *d)
{
    yml_node v = yml_get(y, map, key);
    if (!v || is_null_scalar(y, v))
        return true;
    const char *s = yml_scalar(y, v);
    long n;
    if (!s || !parse_long(s, &n)) {
        diag_error(d, yml_loc(y, v), "'%s' must be a whole number, not '%s'", key,
                   s ? s : yml_kind_name(y, v));
        return false;
    }
    if (n < lo || n > hi) {
        diag_error(d, yml_loc(y, v), "'%s' must be between %ld and %ld, not %ld", key, lo, hi, n);
        return false;
    }
    *out = n;
    return true;
}

bool yml_get_bool(const yml *y, yml_node map, const char *key, bool *out, diag *d)
{
    yml_node v = yml_get(y, map, key);
    if (!v || is_null_scalar(y, v))
        return true;
    const char *s = yml_scalar(y, v);
    if (s && (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)) {
        *out = true;
        return true;
    }
    if (s && (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)) {
        *out = false;
        return true;
    }
    diag_error(d, yml_loc(y, v), "'%s' must be true or false, not '%s'", key,
               s ? s : yml_kind_name(y, v));
    return false;
}

bool yml_get_number(const yml *y, yml_node map, const char *key, double lo, double hi,
                    double *out, diag *d)
{
    yml_node v = yml_get(y, map, key);
    if (!v || is_null_scalar(y, v))
        return true;
    const char *s = yml_scalar(y, v);
    double n;
    if (!s || !parse_decimal(s, &n)) {
        diag_error(d, yml_loc(y, v), "'%s' must be a number, not '%s'", key,
                   s ? s : yml_kind_name(y, v));
        return false;
    }
    if (n < lo || n > hi) {
        diag_error(d, yml_loc(y, v), "'%s' must be between %g and %g", key, lo, hi);
        return false;
    }
    *out = n;
    return true;
}

bool yml_get_length(const yml *y, yml_node map, const char *key, double lo_pt, double hi_pt,
                    double *out_pt, diag *d)
{
    yml_node v = yml_get(y, map, key);
    if (!v || is_null_scalar(y, v))
        return true;
    const char *s = yml_scalar(y, v);
    if (!s)
        goto bad;
    size_t len = strlen(s);
    static const struct {
        const char *unit;
        double pt;
    } units[] = {{"mm", 72.0 / 25.4}, {"cm", 72.0 / 2.54}, {"in", 72.0}, {"pt", 1.0}};
    double factor = 1.0;
    char num[64];
    if (len >= sizeof num)
        goto bad;
    memcpy(num, s, len + 1);
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        size_t ul = strlen(units[i].unit);
        if (len > ul && strcmp(s + len - ul, units[i].unit) == 0) {
            factor = units[i].pt;
            num[len - ul] = '\0';
            while (len - ul > 0 && num[len - ul - 1] == ' ')
                num[--len - ul] = '\0';
            break;
        }
    }
    double n;
    if (!parse_decimal(num, &n))
        goto bad;
    n *= factor;
    if (n < lo_pt - 1e-9 || n > hi_pt + 1e-9) {
        diag_error(d, yml_loc(y, v), "'%s' is out of range: %s (allowed %g pt to %g pt)", key, s,
                   lo_pt, hi_pt);
        return false;
    }
    *out_pt = n;
    return true;
bad:
    diag_error(d, yml_loc(y, v),
               "'%s' must be a length such as 12pt, 15mm or 1.5cm, not '%s'", key,
               s ? s : yml_kind_name(y, v));
    return false;
}

/* Reads "<number><suffix>" or a bare number; scale applies to the suffixed form. */
static bool get_suffixed(const yml *y, yml_node map, const char *key, const char *suffix,
                         double scale, double lo, double hi, double *out, const char *example,
                         diag *d)
{
    yml_node v = yml_get(y, map, key);
    if (!v || is_null_scalar(y, v))
        return true;
    const char *s = yml_scalar(y, v);
    char num[64];
    size_t len = s ? strlen(s) : 0, sl = strlen(suffix);
    double n, f = 1;
    if (!s || len >= sizeof num)
        goto bad;
    memcpy(num, s, len + 1);
    if (len > sl && strcmp(s + len - sl, suffix) == 0) {
        num[len - sl] = '\0';
        f = scale;
    }
    if (!parse_decimal(num, &n))
        goto bad;
    n *= f;
    if (n < lo - 1e-12 || n > hi + 1e-12) {
        diag_error(d, yml_loc(y, v), "'%s' is out of range: %s", key, s);
        return false;
    }
    *out = n;
    return true;
bad:
    diag_error(d, yml_loc(y, v), "'%s' must be a value such as %s, not '%s'", key, example,
               s ? s : yml_kind_name(y, v));
    return false;
}

bool yml_get_em(const yml *y, yml_node map, const char *key, double lo, double hi, double *out,
                diag *d)
{
    return get_suffixed(y, map, key, "em", 1.0, lo, hi, out, "0.45em", d);
}

bool yml_get_fraction(const yml *y, yml_node map, const char *key, double lo, double hi,
                      double *out, diag *d)
{
    return get_suffixed(y, map, key, "%", 0.01, lo, hi, out, "2%", d);
}

bool yml_get_date(const yml *y, yml_node map, const char *key, int *year, int *month, int *day,
                  diag *d)
{
    yml_node v = yml_get(y, map, key);
    if (!v || is_null_scalar(y, v))
        return true;
    const char *s = yml_scalar(y, v);
    int yy, mm, dd;
    char extra;
    static const int days_in[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &yy, &mm, &dd, &extra) != 3 ||
        yy < 1900 || yy > 2999 || mm < 1 || mm > 12 || dd < 1 || dd > days_in[mm - 1] ||
        (mm == 2 && dd == 29 && !((yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0))) {
        diag_error(d, yml_loc(y, v), "'%s' must be a date written YYYY-MM-DD, not '%s'", key,
                   s ? s : yml_kind_name(y, v));
        return false;
    }
    *year = yy;
    *month = mm;
    *day = dd;
    return true;
}
