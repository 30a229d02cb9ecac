#ifndef BULLETIN_ARTICLE_H
#define BULLETIN_ARTICLE_H
/* Reads one article file: YAML front matter (title, kicker, byline, date,
 * lead, images) and a CommonMark body (cmark) into doc.h blocks. Paths in
 * an article are relative to the article file; every image is probed
 * here, so a missing or broken photo is reported at its line and column. */

#include <stdbool.h>

#include "arena.h"
#include "diag.h"
#include "doc.h"
#include "util.h"

/* root: the issue folder; images must lie inside it (unless
 * caps.allow_outside). NULL: no such check. */
bool article_load(const char *path, const char *root, article *out, arena *a, diag *d);

/* Parses article text already in memory (used by tests and fuzzing);
 * `path` names it in messages and anchors relative image paths. When
 * probe_images is false image files are not opened. */
bool article_parse(const char *path, const char *root, char *text, size_t len,
                   bool probe_images, article *out, arena *a, diag *d);

/* The text of a CommonMark node's inlines as a reader sees it: literals,
 * line breaks as spaces, markup dropped. Appended to out. */
typedef struct cmark_node cmark_node;
void article_plain_text(cmark_node *n, buf *out);

#endif
