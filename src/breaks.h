#ifndef BULLETIN_BREAKS_H
#define BULLETIN_BREAKS_H
/* Line-break opportunities: UAX #14 (libunibreak) tailored for Vietnamese.
 * Vietnamese is never hyphenated and its numbers, dates and document
 * numbers (1.662, 20/4/2021, 05-CT/TW, 393/CĐ-BVHTTDL) must not be split,
 * so a break is only taken after a space that UAX #14 also allows. */

#include <stddef.h>
#include <stdint.h>

enum break_kind { BREAK_NONE = 0, BREAK_ALLOWED = 1, BREAK_MANDATORY = 2 };

enum break_options {
    /* No break between a number and the unit after it (21,78 km2, 62,58 %,
     * 1.662 tỷ đồng keeps "1.662 tỷ" together). */
    BREAKS_KEEP_UNITS = 1,
};

/* For each byte offset i in [0, len], out[i] says whether a line may begin
 * at i. out must hold len + 1 bytes. */
void breaks_find(const char *text, size_t len, unsigned options, uint8_t *out);

#endif
