#ifndef BULLETIN_CAPS_H
#define BULLETIN_CAPS_H
/* Resource limits (caps.h: a name that cannot shadow <limits.h>), each with the reason for its default. Hitting one is a
 * user error (exit 1) with a message naming the limit and the option that
 * raises it. The CLI may change them before any input is read. */

#include <stdbool.h>
#include <stddef.h>

typedef struct bulletin_limits {
    /* A manifest, article or layout file: a long article is ~50 KB, so
     * 16 MiB is a mistake (a binary file, a whole database dump). */
    size_t max_input_bytes;
    /* A photo's pixels: 100 Mpx is beyond any camera; a bigger header is a
     * corrupt or hostile file, refused before pixel memory is allocated. */
    long max_image_pixels;
    /* Pages of one issue or volume: a bản tin has at most 64 and a yearly
     * volume a few thousand; more means a runaway layout. */
    size_t max_pages;
    /* Depth of nested YAML collections: templates need 3, manifests 2;
     * deeper input is refused before libyaml recurses into it. */
    int max_yaml_depth;
    /* Files an issue names (articles, photos) must lie inside its folder,
     * so a manifest from elsewhere cannot make the tool read /etc/passwd
     * into a PDF; --allow-outside lifts this. */
    bool allow_outside;
    /* Text files in a legacy Vietnamese encoding, converted when read:
     * 0 none (UTF-8), 1 TCVN3 (ABC), 2 VNI. */
    int input_encoding;
} bulletin_limits;

/* The limits in force (defaults until the CLI changes them). */
extern bulletin_limits limits;

#include "diag.h"

/* Reads an input file within max_input_bytes; on failure reports "cannot
 * read WHAT: reason" at the file and returns NULL. With convert, text in
 * the --input-encoding legacy encoding comes back as UTF-8. */
char *read_input(const char *path, const char *what, bool convert, size_t *len, diag *d);

#endif
