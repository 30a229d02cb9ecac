#ifndef BULLETIN_IMAGE_H
#define BULLETIN_IMAGE_H
/* Reads the header of a photo (JPEG through libjpeg, PNG through libpng)
 * to learn its format and pixel size before layout, and rejects files the
 * PDF stage could not embed. Owns nothing. */

#include <stdbool.h>

#include "diag.h"

typedef enum image_format { IMAGE_JPEG = 1, IMAGE_PNG } image_format;

typedef struct image_info {
    image_format format;
    int width, height;
    int components; /* 1 gray, 3 RGB, 4 CMYK (JPEG) */
    bool has_alpha;
    bool adobe_cmyk; /* CMYK JPEG with an Adobe marker: stored inverted */
} image_info;

/* A PNG decoded to 8-bit gray or RGB, with its alpha channel apart. */
typedef struct image_pixels {
    int width, height;
    int channels;           /* 1 gray, 3 RGB */
    unsigned char *data;    /* width * height * channels */
    unsigned char *alpha;   /* width * height, or NULL when opaque */
} image_pixels;

/* Probes path. On failure records an error at `loc` naming the file and the
 * reason, and returns false. */
bool image_probe(const char *path, src_loc loc, image_info *out, diag *d);

/* Decodes a PNG of any kind libpng reads (palette, gray, RGB, alpha,
 * 16-bit, interlaced) to 8-bit pixels. Records an error at loc on failure. */
bool image_decode_png(const char *path, src_loc loc, image_pixels *out, diag *d);
void image_pixels_fini(image_pixels *px);

/* Decodes a JPEG to 8-bit gray or RGB; CMYK (Adobe-inverted or not) is
 * converted to RGB. */
bool image_decode_jpeg(const char *path, src_loc loc, image_pixels *out, diag *d);
/* Composites the alpha channel over white and drops it (PDF/A-1). */
void image_flatten_alpha(image_pixels *px);
/* Scales down to w x h (box filter); never scales up. */
void image_resize(image_pixels *px, int w, int h);
/* Encodes as a baseline JPEG (malloc'd buffer). */
bool image_encode_jpeg(const image_pixels *px, int quality, unsigned char **data, size_t *len);

#endif
