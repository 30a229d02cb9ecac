#include "image.h"

#include <errno.h>
#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
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
    jpeg_destroy_decompress(&cinfo);
    if (out->components != 1 && out->components != 3 && out->components != 4) {
        diag_error(d, loc, "image '%s' has %d colour components; use RGB, grayscale or CMYK",
                   path, out->components);
        return false;
    }
    return true;
}

static bool probe_png(FILE *f, const char *path, src_loc loc, image_info *out, diag *d)
{
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
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
