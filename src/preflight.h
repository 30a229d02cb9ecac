#ifndef BULLETIN_PREFLIGHT_H
#define BULLETIN_PREFLIGHT_H
/* Preflight: what a print shop or the Press Law would object to, found on
 * the laid-out pages before any PDF is written: photos under 300 ppi or in
 * RGB for print, fonts that forbid embedding, images outside the bleed,
 * overset text, widows and orphans, and for a licensed bulletin (kind:
 * ban-tin) the legal format (trim, pages, masthead, colophon). Findings go
 * to the diag as warnings or errors with their source location. */

#include <stdbool.h>

#include "diag.h"
#include "doc.h"
#include "flow.h"
#include "fonts.h"
#include "template.h"

typedef enum preflight_profile { PREFLIGHT_PRINT, PREFLIGHT_SCREEN, PREFLIGHT_ARCHIVE } preflight_profile;

/* Legal limits of a bản tin (Press Law): trim and page count. */
#define BAN_TIN_MAX_WIDTH_MM 190.0
#define BAN_TIN_MAX_HEIGHT_MM 270.0
#define BAN_TIN_MAX_PAGES 64
#define PRINT_MIN_PPI 300.0

/* Returns false when an error-level finding was recorded. With
 * as_warnings (a build), errors are recorded as warnings instead. */
bool preflight_run(const issue *is, const template *t, const page_list *pl, font_set *fonts,
                   preflight_profile profile, bool as_warnings, diag *d);

#endif
