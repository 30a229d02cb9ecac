#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static void put_string(buf *b, const char *s)
{
    buf_puts(b, "\"");
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_printf(b, "\\%c", *p);
        else if (*p == '\n')
            buf_puts(b, "\\n");
        else if (*p < 0x20)
            buf_printf(b, "\\u%04x", *p);
        else
            buf_append(b, p, 1);
    }
    buf_puts(b, "\"");
}

static void put_num(buf *b, double v, int decimals)
{
    buf_put_num(b, v, decimals);
}

static void put_counts(buf *b, const article_stats *s, const char *indent)
{
    buf_printf(b, "%s\"lines\": %d,\n", indent, s->lines);
    buf_printf(b, "%s\"justified_lines\": %d,\n", indent, s->justified_lines);
    buf_printf(b, "%s\"loose_lines\": %d,\n", indent, s->loose_lines);
    buf_printf(b, "%s\"widows\": %d,\n", indent, s->widows);
    buf_printf(b, "%s\"orphans\": %d,\n", indent, s->orphans);
    buf_printf(b, "%s\"overset_lines\": %d,\n", indent, s->overset_lines);
    buf_printf(b, "%s\"worst_line\": {\"word_space_em\": ", indent);
    put_num(b, s->worst_word_space_em, 4);
    buf_printf(b, ", \"page\": %zu, \"text\": ", s->worst_text ? s->worst_page + 1 : 0);
    put_string(b, s->worst_text);
    buf_puts(b, "}");
}

bool report_write(const char *path, const issue *is, const page_list *pl, const char *profile,
                  diag *d)
{
    buf b;
    buf_init(&b);
    article_stats total = {0};
    buf_puts(&b, "{\n  \"issue\": ");
    put_string(&b, is->title);
    buf_printf(&b, ",\n  \"number\": %ld,\n  \"profile\": \"%s\",\n  \"pages\": %zu,\n",
               is->number, profile, pl->count);
    int errors = 0, warnings = 0;
    buf_puts(&b, "  \"findings\": [");
    for (int i = 0; diag_message(d, i); i++) {
        bool err = diag_message_level(d, i) == DIAG_ERROR;
        errors += err;
        warnings += !err;
        buf_puts(&b, i ? ",\n    " : "\n    ");
        buf_printf(&b, "{\"level\": \"%s\", \"message\": ", err ? "error" : "warning");
        put_string(&b, diag_message(d, i));
        buf_puts(&b, "}");
    }
    buf_printf(&b, "\n  ],\n  \"errors\": %d,\n  \"warnings\": %d,\n  \"articles\": [", errors,
               warnings);
    for (size_t i = 0; i < pl->stats_count; i++) {
        const article_stats *s = &pl->stats[i];
        buf_puts(&b, i ? ",\n    {\n" : "\n    {\n");
        buf_puts(&b, "      \"title\": ");
        put_string(&b, s->title);
        buf_puts(&b, ",\n      \"file\": ");
        put_string(&b, s->path);
        buf_printf(&b, ",\n      \"first_page\": %zu,\n      \"last_page\": %zu,\n",
                   s->first_page + 1, s->last_page + 1);
        put_counts(&b, s, "      ");
        buf_puts(&b, ",\n      \"end_columns_depth_pt\": [");
        for (int c = 0; c < s->end_columns && c < 12; c++) {
            if (c)
                buf_puts(&b, ", ");
            put_num(&b, s->end_depths_pt[c], 2);
        }
        buf_puts(&b, "],\n      \"body_leading_pt\": ");
        put_num(&b, s->body_leading_pt, 2);
        buf_puts(&b, "\n    }");
        total.lines += s->lines;
        total.justified_lines += s->justified_lines;
        total.loose_lines += s->loose_lines;
        total.widows += s->widows;
        total.orphans += s->orphans;
        total.overset_lines += s->overset_lines;
        if (s->worst_word_space_em > total.worst_word_space_em) {
            total.worst_word_space_em = s->worst_word_space_em;
            total.worst_text = s->worst_text;
            total.worst_page = s->worst_page;
        }
    }
    buf_puts(&b, "\n  ],\n  \"total\": {\n");
    put_counts(&b, &total, "    ");
    buf_puts(&b, "\n  }\n}\n");
    char *error = write_file_atomic(path, b.data, b.len);
    buf_fini(&b);
    if (error) {
        diag_error(d, loc_file(path), "%s", error);
        free(error);
        return false;
    }
    return true;
}
