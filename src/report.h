#ifndef BULLETIN_REPORT_H
#define BULLETIN_REPORT_H
/* The machine-readable build report (`bulletin build --report FILE.json`):
 * per article and in total, lines set, loose lines, widows, orphans,
 * overset lines and the worst line with its text, plus the balance of the
 * columns where each article ends. Reads the flow's statistics; owns
 * nothing. */

#include <stdbool.h>

#include "diag.h"
#include "doc.h"
#include "flow.h"

/* Writes the report atomically to path ("-" = standard output): the
 * statistics of pl, the profile, and every message recorded in d so far
 * (preflight findings among them). */
bool report_write(const char *path, const issue *is, const page_list *pl, const char *profile,
                  diag *d);

#endif
