#include "image.h"

#include <errno.h>
#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct jpeg_failure {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} jpeg_failure;

static void jpeg_fail(j_common_ptr cinfo)
{
    jpeg_failure *f = (jpeg_failure *)cinfo->err;
    f->mgr.format_message(cinfo, f->message);
    longjmp(f->jump, 1);
}

static void jpeg_quiet(j_common_ptr cinfo, int level)
{
    (void)cinfo;
    (void)level;
}

static bool probe_jpeg(FILE *f, const char *path, src_loc loc, image_info *out, diag *d)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_failure err;
    memset(&err, 0, sizeof err);
    cinfo.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = jpeg_fail;
    err.mgr.emit_message = jpeg_quiet;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        diag_error(d, loc, "image '%s' is not a readable JPEG (%s)", path, err.message);
        return false;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, f);
    jpeg_read_header(&cinfo, TRUE);
    out->format = IMAGE_JPEG;
    out->width = (int)cinfo.image_width;
    out->height = (int)cinfo.image_height;
    out->components = cinfo.num_components;
    out->has_alpha = false;
    out->adobe_cmyk = cinfo.saw_Adobe_marker && cinfo.num_components == 4;
    jpeg_destroy_decompress(&cinfo);
    if (out->components != 1 && out->components != 3 && out->components != 4) {
        diag_error(d, loc, "image '%s' has %d colour components; use RGB, grayscale or CMYK",
                   path, out->components);
        return false;
    }
    return true;
}

/* libpng reports through our messages, not on stderr. */
static void png_fail(png_structp png, png_const_charp message)
{
    (void)message;
    png_longjmp(png, 1);
}

static void png_quiet(png_structp png, png_const_charp message)
{
    (void)png;
    (void)message;
}

static bool probe_png(FILE *f, const char *path, src_loc loc, image_info *out, diag *d)
{
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail, png_quiet);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_read_struct(&png, &info, NULL);
        diag_internal(d, loc, "cannot initialise libpng");
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        diag_error(d, loc, "image '%s' is not a readable PNG (corrupt header)", path);
        return false;
    }
    png_set_user_limits(png, 1000000, 1000000);
    png_init_io(png, f);
    png_read_info(png, info);
    out->format = IMAGE_PNG;
    out->width = (int)png_get_image_width(png, info);
    out->height = (int)png_get_image_height(png, info);
    int type = png_get_color_type(png, info);
    out->components = (type & PNG_COLOR_MASK_COLOR) ? 3 : 1;
    out->has_alpha = (type & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS);
    png_destroy_read_struct(&png, &info, NULL);
    return true;
}

bool image_probe(const char *path, src_loc loc, image_info *out, diag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_error(d, loc, "image '%s' cannot be opened: %s", path, strerror(errno));
        return false;
    }
    unsigned char magic[8] = {0};
    size_t n = fread(magic, 1, sizeof magic, f);
    rewind(f);
    bool ok;
    if (n == 0) {
        diag_error(d, loc, "image '%s' is empty (0 bytes)", path);
        ok = false;
    } else if (n >= 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF) {
        ok = probe_jpeg(f, path, loc, out, d);
    } else if (n == 8 && png_sig_cmp(magic, 0, 8) == 0) {
        ok = probe_png(f, path, loc, out, d);
    } else {
        diag_error(d, loc, "image '%s' is neither JPEG nor PNG; convert it to one of them", path);
        ok = false;
    }
    fclose(f);
    if (ok && (out->width <= 0 || out->height <= 0 ||
               (long)out->width * out->height > IMAGE_MAX_PIXELS)) {
        diag_error(d, loc, "image '%s' claims %d x %d pixels; the limit is %ld pixels", path,
                   out->width, out->height, IMAGE_MAX_PIXELS);
        ok = false;
    }
    return ok;
}

bool image_decode_png(const char *path, src_loc loc, image_pixels *out, diag *d)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_error(d, loc, "image '%s' cannot be opened: %s", path, strerror(errno));
        return false;
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail, png_quiet);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    /* Changed after setjmp, so volatile: longjmp must see their values. */
    unsigned char *volatile rgba = NULL;
    png_bytep *volatile rows = NULL;
    if (!png || !info) {
        png_destroy_read_struct(&png, &info, NULL);
        fclose(f);
        diag_internal(d, loc, "cannot initialise libpng");
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        fclose(f);
        free(rgba);
        free(rows);
        image_pixels_fini(out);
        diag_error(d, loc, "image '%s' is not a readable PNG (corrupt or truncated data)", path);
        return false;
    }
    png_set_user_limits(png, 1000000, 1000000);
    png_init_io(png, f);
    png_read_info(png, info);
    int w = (int)png_get_image_width(png, info), h = (int)png_get_image_height(png, info);
    if ((long)w * h > IMAGE_MAX_PIXELS)
        png_error(png, "too large");
    int type = png_get_color_type(png, info);
    /* Everything becomes 8-bit gray or RGB, plus alpha when there is any. */
    png_set_strip_16(png);
    png_set_packing(png);
    if (type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int channels = png_get_channels(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    rgba = malloc(rowbytes * (size_t)h);
    rows = malloc(sizeof *rows * (size_t)h);
    if (!rgba || !rows)
        png_error(png, "out of memory");
    for (int y = 0; y < h; y++)
        rows[y] = rgba + rowbytes * (size_t)y;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    int color = channels >= 3 ? 3 : 1;
    bool alpha = channels == 2 || channels == 4;
    out->width = w;
    out->height = h;
    out->channels = color;
    out->data = malloc((size_t)w * h * color);
    out->alpha = alpha ? malloc((size_t)w * h) : NULL;
    if (!out->data || (alpha && !out->alpha))
        png_error(png, "out of memory");
    bool any_transparent = false;
    for (size_t i = 0; i < (size_t)w * h; i++) {
        const unsigned char *px = rgba + i * channels;
        memcpy(out->data + i * color, px, (size_t)color);
        if (alpha) {
            out->alpha[i] = px[channels - 1];
            any_transparent |= px[channels - 1] != 255;
        }
    }
    if (alpha && !any_transparent) {
        free(out->alpha);
        out->alpha = NULL;
    }
    png_destroy_read_struct(&png, &info, NULL);
    fclose(f);
    free(rgba);
    free(rows);
    return true;
}

void image_pixels_fini(image_pixels *px)
{
    free(px->data);
    free(px->alpha);
    memset(px, 0, sizeof *px);
}
