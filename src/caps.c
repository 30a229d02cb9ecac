#include "caps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

bulletin_limits limits = {
    .max_input_bytes = 16u << 20,
    .max_image_pixels = 100L * 1000 * 1000,
    .max_pages = 20000,
    .max_yaml_depth = 32,
};

char *read_input(const char *path, const char *what, bool convert, size_t *len, diag *d)
{
    char *text = read_file(path, limits.max_input_bytes, len);
    if (!text) {
        diag_error(d, loc_file(diag_intern(d, path)), "cannot read %s: %s", what,
                   errno == EFBIG ? "file larger than the limit (--max-input-bytes)"
                                  : strerror(errno));
        return NULL;
    }
    if (convert && limits.input_encoding) {
        size_t converted_len;
        char *converted = utf8_from_legacy(text, *len, limits.input_encoding, &converted_len);
        free(text);
        text = converted;
        *len = converted_len;
    }
    return text;
}
