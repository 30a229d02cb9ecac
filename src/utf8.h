#ifndef BULLETIN_UTF8_H
#define BULLETIN_UTF8_H
/* UTF-8 validation with source positions, NFC normalisation (utf8proc),
 * decoding, and detection of legacy Vietnamese encodings (TCVN3, VNI)
 * that were read as if they were UTF-8 / Windows-1252. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* Decodes one code point at s (len bytes available). Returns its length in
 * bytes, or 0 if the bytes are not valid UTF-8 (then *cp is U+FFFD). */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
size_t utf8_encode(uint32_t cp, char out[4]);

/* Line and column (both 1-based; column counted in code points) of byte
 * offset `offset` in text. */
void utf8_line_col(const char *text, size_t len, size_t offset, int *line, int *col);

/* Checks a whole input file: valid UTF-8, no NUL byte, no C0 control other
 * than tab/LF/CR, and no sign of a legacy Vietnamese encoding. Records an
 * error at the first problem (file:line:col) and returns false. */
bool utf8_check_input(const char *file, const char *text, size_t len, diag *d);

/* NFC of s as a malloc'd NUL-terminated string; *out_len gets its length.
 * s must be valid UTF-8. */
char *utf8_nfc(const char *s, size_t len, size_t *out_len);
bool utf8_is_nfc(const char *s, size_t len);

/* Removes a leading UTF-8 byte-order mark, in place; returns the new length. */
size_t utf8_strip_bom(char *text, size_t len);

/* Legacy Vietnamese encodings: TCVN3 (ABC, TCVN 5712 VN3) and VNI. */
enum legacy_encoding { LEGACY_NONE = 0, LEGACY_TCVN3 = 1, LEGACY_VNI = 2 };
bool utf8_legacy_parse(const char *name, int *out);
/* Which legacy encoding valid UTF-8 text shows as mojibake (TCVN3 or VNI
 * bytes read as Windows-1252), or LEGACY_NONE. */
int utf8_legacy_detect(const char *text, size_t len);

/* Converts a legacy-encoded file to NFC UTF-8 (malloc'd, NUL-terminated).
 * Accepts the raw bytes, or the same bytes already read as Windows-1252 and
 * saved as UTF-8 (what a copy through another program produces). */
char *utf8_from_legacy(const char *text, size_t len, int encoding, size_t *out_len);

/* Upper-cases s (Unicode simple case mapping), malloc'd. */
char *utf8_upper(const char *s, size_t len, size_t *out_len);

#endif
