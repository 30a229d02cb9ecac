#include "image.h"
#include <errno.h>
#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"

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

/* libjpeg errors jump back to the caller's setjmp; its warnings stay
 * off stderr. */
static struct jpeg_error_mgr *quiet_jpeg_errors(jpeg_failure *err)
{
    memset(err, 0, sizeof *err);
    struct jpeg_error_mgr *mgr = jpeg_std_error(&err->mgr);
    err->mgr.error_exit = jpeg_fail;
    err->mgr.emit_message = jpeg_quiet;
    return mgr;
}

static bool probe_jpeg(FILE *f, const char *path, src_loc loc, image_info *out, diag *d)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_failure err;
    cinfo.err = quiet_jpeg_errors(&err);
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

/* The size a PNG claims, read from its IHDR before libpng sees the file,
 * so a hostile header is refused before anything is allocated for it. */
static bool png_too_large(FILE *f, const char *path, src_loc loc, diag *d)
{
    unsigned char h[24];
    bool large = false;
    if (fseek(f, 0, SEEK_SET) == 0 && fread(h, 1, 24, f) == 24 && memcmp(h + 12, "IHDR", 4) == 0) {
        unsigned long w = (unsigned long)h[16] << 24 | (unsigned long)h[17] << 16 |
                          (unsigned long)h[18] << 8 | h[19];
        unsigned long ht = (unsigned long)h[20] << 24 | (unsigned long)h[21] << 16 |
                           (unsigned long)h[22] << 8 | h[23];
        if (w && ht && (double)w * (double)ht > (double)limits.max_image_pixels) {
            diag_error(d, loc,
                       "image '%s' claims %lu x %lu pixels; the limit is %ld pixels "
                       "(--max-image-pixels)",
                       path, w, ht, limits.max_image_pixels);
            large = true;
        }
    }
    rewind(f);
    return large;
}

/* A PNG cut short or with a broken chunk structure: walk the chunk
 * headers (cheap: no decoding) to the IEND chunk. */
static bool png_is_complete(FILE *f, const char *path, src_loc loc, diag *d)
{
    if (fseek(f, 8, SEEK_SET) != 0)
        return true;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    long pos = 8;
    while (pos + 12 <= size) {
        unsigned char h[8];
        if (fseek(f, pos, SEEK_SET) != 0 || fread(h, 1, 8, f) != 8)
            break;
        unsigned long chunk = (unsigned long)h[0] << 24 | (unsigned long)h[1] << 16 |
                              (unsigned long)h[2] << 8 | h[3];
        if (memcmp(h + 4, "IEND", 4) == 0)
            return true;
        if (chunk > 0x7FFFFFFFUL || pos + 12 + (long)chunk > size)
            break;
        pos += 12 + (long)chunk;
    }
    diag_error(d, loc, "image '%s' is truncated or corrupt (the PNG ends before its last "
               "chunk); copy it again",
               path);
    return false;
}

/* A JPEG cut short (an interrupted copy, a partial download) has no end
 * marker; libharu would embed it as it is and viewers show grey. Some
 * cameras append data after the marker, so the tail is searched. */
static bool jpeg_is_complete(FILE *f, const char *path, src_loc loc, diag *d)
{
    unsigned char tail[65536];
    if (fseek(f, 0, SEEK_END) != 0)
        return true;
    long size = ftell(f);
    long from = size > (long)sizeof tail ? size - (long)sizeof tail : 0;
    if (fseek(f, from, SEEK_SET) != 0)
        return true;
    size_t n = fread(tail, 1, sizeof tail, f);
    for (size_t i = n; i >= 2; i--)
        if (tail[i - 2] == 0xFF && tail[i - 1] == 0xD9)
            return true;
    diag_error(d, loc, "image '%s' is truncated (the JPEG has no end marker); copy it again",
               path);
    return false;
}

/* The image file for reading, or NULL with the reason reported at loc. */
static FILE *open_image(const char *path, src_loc loc, diag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        diag_error(d, loc, "image '%s' cannot be opened: %s", path, strerror(errno));
    return f;
}

bool image_probe(const char *path, src_loc loc, image_info *out, diag *d)
{
    FILE *f = open_image(path, loc, d);
    if (!f)
        return false;
    unsigned char magic[8] = {0};
    size_t n = fread(magic, 1, sizeof magic, f);
    rewind(f);
    bool ok;
    if (n == 0) {
        diag_error(d, loc, "image '%s' is empty (0 bytes)", path);
        ok = false;
    } else if (n >= 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF) {
        ok = probe_jpeg(f, path, loc, out, d) && jpeg_is_complete(f, path, loc, d);
    } else if (n == 8 && png_sig_cmp(magic, 0, 8) == 0 && !png_too_large(f, path, loc, d)) {
        ok = probe_png(f, path, loc, out, d) && png_is_complete(f, path, loc, d);
    } else if (n == 8 && png_sig_cmp(magic, 0, 8) == 0) {
        ok = false; /* too large: reported by png_too_large */
    } else {
        diag_error(d, loc, "image '%s' is neither JPEG nor PNG; convert it to one of them", path);
        ok = false;
    }
    fclose(f);
    if (ok && (out->width <= 0 || out->height <= 0 ||
               (long)out->width * out->height > limits.max_image_pixels)) {
        diag_error(d, loc,
                   "image '%s' claims %d x %d pixels; the limit is %ld pixels "
                   "(--max-image-pixels)",
                   path, out->width, out->height, limits.max_image_pixels);
        ok = false;
    }
    return ok;
}

bool image_decode_png(const char *path, src_loc loc, image_pixels *out, diag *d)
{
    memset(out, 0, sizeof *out);
    FILE *f = open_image(path, loc, d);
    if (!f)
        return false;
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
    if ((long)w * h > limits.max_image_pixels)
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

bool image_decode_jpeg(const char *path, src_loc loc, image_pixels *out, diag *d)
{
    memset(out, 0, sizeof *out);
    FILE *f = open_image(path, loc, d);
    if (!f)
        return false;
    struct jpeg_decompress_struct cinfo;
    jpeg_failure err;
    cinfo.err = quiet_jpeg_errors(&err);
    unsigned char *volatile row = NULL;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        fclose(f);
        free(row);
        image_pixels_fini(out);
        diag_error(d, loc, "image '%s' is not a readable JPEG (%s)", path, err.message);
        return false;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, f);
    jpeg_read_header(&cinfo, TRUE);
    bool cmyk = cinfo.num_components == 4;
    bool inverted = cmyk && cinfo.saw_Adobe_marker;
    if (cmyk)
        cinfo.out_color_space = JCS_CMYK;
    else if (cinfo.num_components == 1)
        cinfo.out_color_space = JCS_GRAYSCALE;
    else
        cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    int w = (int)cinfo.output_width, h = (int)cinfo.output_height;
    int in_ch = cinfo.output_components;
    out->width = w;
    out->height = h;
    out->channels = in_ch == 1 ? 1 : 3;
    out->data = malloc((size_t)w * h * out->channels);
    row = malloc((size_t)w * in_ch);
    if (!out->data || !row)
        longjmp(err.jump, 1);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW rows[1] = {row};
        int y = (int)cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, rows, 1);
        unsigned char *dst = out->data + (size_t)y * w * out->channels;
        for (int x = 0; x < w; x++) {
            if (!cmyk) {
                memcpy(dst + x * out->channels, row + x * in_ch, (size_t)out->channels);
                continue;
            }
            /* Adobe CMYK is stored inverted; convert ink to light. */
            double c = row[x * 4] / 255.0, m = row[x * 4 + 1] / 255.0,
                   yy = row[x * 4 + 2] / 255.0, k = row[x * 4 + 3] / 255.0;
            if (inverted) {
                c = 1 - c;
                m = 1 - m;
                yy = 1 - yy;
                k = 1 - k;
            }
            dst[x * 3] = (unsigned char)(255 * (1 - c) * (1 - k) + 0.5);
            dst[x * 3 + 1] = (unsigned char)(255 * (1 - m) * (1 - k) + 0.5);
            dst[x * 3 + 2] = (unsigned char)(255 * (1 - yy) * (1 - k) + 0.5);
        }
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    fclose(f);
    free(row);
    return true;
}

void image_flatten_alpha(image_pixels *px)
{
    if (!px->alpha)
        return;
    size_t n = (size_t)px->width * px->height;
    for (size_t i = 0; i < n; i++) {
        unsigned a = px->alpha[i];
        for (int c = 0; c < px->channels; c++) {
            unsigned char *v = &px->data[i * px->channels + c];
            *v = (unsigned char)((*v * a + 255 * (255 - a) + 127) / 255); /* over white */
        }
    }
    free(px->alpha);
    px->alpha = NULL;
}

void image_resize(image_pixels *px, int w, int h)
{
    if (w <= 0 || h <= 0 || (w >= px->width && h >= px->height))
        return;
    int ch = px->channels;
    unsigned char *out = malloc((size_t)w * h * ch);
    unsigned char *alpha = px->alpha ? malloc((size_t)w * h) : NULL;
    if (!out || (px->alpha && !alpha)) {
        free(out);
        free(alpha);
        return;
    }
    /* Box filter: each output pixel averages the source pixels it covers. */
    for (int y = 0; y < h; y++) {
        int y0 = (int)((long)y * px->height / h), y1 = (int)((long)(y + 1) * px->height / h);
        if (y1 <= y0)
            y1 = y0 + 1;
        for (int x = 0; x < w; x++) {
            int x0 = (int)((long)x * px->width / w), x1 = (int)((long)(x + 1) * px->width / w);
            if (x1 <= x0)
                x1 = x0 + 1;
            unsigned long sum[4] = {0, 0, 0, 0}, n = 0;
            for (int sy = y0; sy < y1; sy++)
                for (int sx = x0; sx < x1; sx++) {
                    size_t i = (size_t)sy * px->width + sx;
                    for (int c = 0; c < ch; c++)
                        sum[c] += px->data[i * ch + c];
                    if (alpha)
                        sum[3] += px->alpha[i];
                    n++;
                }
            for (int c = 0; c < ch; c++)
                out[((size_t)y * w + x) * ch + c] = (unsigned char)(sum[c] / n);
            if (alpha)
                alpha[(size_t)y * w + x] = (unsigned char)(sum[3] / n);
        }
    }
    free(px->data);
    free(px->alpha);
    px->data = out;
    px->alpha = alpha;
    px->width = w;
    px->height = h;
}

bool image_encode_jpeg(const image_pixels *px, int quality, unsigned char **data, size_t *len)
{
    struct jpeg_compress_struct cinfo;
    jpeg_failure err;
    memset(&err, 0, sizeof err);
    cinfo.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = jpeg_fail;
    unsigned char *buf = NULL;
    unsigned long size = 0;
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buf);
        return false;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buf, &size);
    cinfo.image_width = (JDIMENSION)px->width;
    cinfo.image_height = (JDIMENSION)px->height;
    cinfo.input_components = px->channels;
    cinfo.in_color_space = px->channels == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    /* Deterministic output: no timestamps or random tables. */
    cinfo.write_JFIF_header = TRUE;
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = px->data + (size_t)cinfo.next_scanline * px->width * px->channels;
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *data = buf;
    *len = size;
    return true;
}
