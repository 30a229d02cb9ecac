#ifndef BULLETIN_ISSUE_H
#define BULLETIN_ISSUE_H
/* Reads an issue manifest (issue.yaml) and every article it lists into the
 * doc.h model. Paths in the manifest are relative to the manifest. */

#include <stdbool.h>

#include "arena.h"
#include "diag.h"
#include "doc.h"

#define ISSUE_MAX_ARTICLES 500

bool issue_load(const char *path, issue *out, arena *a, diag *d);

/* Parses a manifest in memory without loading the articles (tests, fuzzing). */
bool issue_parse(const char *path, char *text, size_t len, issue *out, arena *a, diag *d);

/* Loads the articles listed by a parsed manifest. */
bool issue_load_articles(issue *is, arena *a, diag *d);

/* issue_load without the articles (issue_load_articles reads them later). */
bool issue_load_manifest(const char *path, issue *out, arena *a, diag *d);

#endif
