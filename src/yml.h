#ifndef BULLETIN_YML_H
#define BULLETIN_YML_H
/* Typed, located access to a YAML document (libyaml's document API): the
 * manifest, article front matter and layout templates go through here so
 * that every type error and unknown key names file:line:column. Owns the
 * libyaml document; strings it returns are copied into the caller's arena
 * (NFC-normalised). */

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"

typedef struct yml yml;
typedef int yml_node; /* 0 = absent */

/* Parses text as one YAML document. first_line is the file line the text
 * starts on (front matter starts on line 2). Returns NULL after recording
 * a syntax error. An empty document gives a yml whose root is absent. */
yml *yml_parse(const char *file, const char *text, size_t len, int first_line, diag *d);
void yml_free(yml *y);

yml_node yml_root(const yml *y);
src_loc yml_loc(const yml *y, yml_node n);
bool yml_is_map(const yml *y, yml_node n);
bool yml_is_seq(const yml *y, yml_node n);
bool yml_is_scalar(const yml *y, yml_node n);
/* Quoted scalars are always strings, even "12". */
bool yml_is_plain(const yml *y, yml_node n);
size_t yml_count(const yml *y, yml_node n); /* items of a seq or pairs of a map */
yml_node yml_seq_item(const yml *y, yml_node seq, size_t i);
yml_node yml_map_key(const yml *y, yml_node map, size_t i);
yml_node yml_map_value(const yml *y, yml_node map, size_t i);
const char *yml_scalar(const yml *y, yml_node n); /* NULL unless a scalar */
const char *yml_kind_name(const yml *y, yml_node n); /* "a mapping", "a list", ... */

/* Records an error unless n is a mapping whose keys are all in `allowed`
 * (NULL-terminated), each once. Unknown keys get a "did you mean". */
bool yml_check_map(const yml *y, yml_node n, const char *what, const char *const *allowed,
                   diag *d);
yml_node yml_get(const yml *y, yml_node map, const char *key);

/* Each getter leaves *out untouched and returns true when the key is
 * absent; records an error and returns false when the value has the wrong
 * type or range. */
bool yml_get_text(const yml *y, yml_node map, const char *key, arena *a, char **out, diag *d);
bool yml_get_int(const yml *y, yml_node map, const char *key, long lo, long hi, long *out,
                 diag *d);
bool yml_get_bool(const yml *y, yml_node map, const char *key, bool *out, diag *d);
bool yml_get_number(const yml *y, yml_node map, const char *key, double lo, double hi,
                    double *out, diag *d);
/* A length: "12pt", "15mm", "1.5cm", "0.5in" or a bare number of points. */
bool yml_get_length(const yml *y, yml_node map, const char *key, double lo_pt, double hi_pt,
                    double *out_pt, diag *d);
/* A length relative to the type size: "0.45em" or a bare number of em. */
bool yml_get_em(const yml *y, yml_node map, const char *key, double lo, double hi, double *out,
                diag *d);
/* A fraction: "2%" or a bare number (0.02). */
bool yml_get_fraction(const yml *y, yml_node map, const char *key, double lo, double hi,
                      double *out, diag *d);
/* A date "YYYY-MM-DD". */
bool yml_get_date(const yml *y, yml_node map, const char *key, int *year, int *month,
                  int *day, diag *d);
/* The text of a scalar node (NFC, in the arena); records an error if n is
 * not a scalar. */
char *yml_text(const yml *y, yml_node n, arena *a, const char *what, diag *d);

/* Edit distance, for "did you mean". */
int yml_edit_distance(const char *a, const char *b);
/* The closest of candidates to word, or NULL when none is close. */
const char *yml_closest(const char *word, const char *const *candidates);

#endif
