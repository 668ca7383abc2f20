/*
 * image.c — raster images for the canvases (layout.h: kk_image): a PNG
 * decoded once with libpng's simplified API into 8-bit RGBA.
 *
 * Not premultiplied, so the PDF canvas writes a logo's colours and its soft
 * mask exactly as the file has them; only the Cairo canvas premultiplies,
 * into a surface of its own.
 */
#include "layout/layout_int.h"

#include <png.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct kk_image {
    int width, height;
    unsigned char *rgba;   /* width * height * 4 bytes, rows top down */
    bool opaque;           /* every alpha 255 */
    int refs;
};

/* A logo is a few hundred pixels; this bounds what a hostile file may make
 * kokous allocate (64 M pixels, 256 MB). */
#define KK_IMAGE_MAX_PIXELS ((uint64_t)1 << 26)

kk_image *kk_image_new_png(const unsigned char *data, size_t len)
{
    if (!data || !len)
        return NULL;
    png_image png;
    memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&png, data, len))
        return NULL;
    kk_image *img = calloc(1, sizeof *img);
    uint64_t pixels = (uint64_t)png.width * png.height;
    if (!img || !pixels || pixels > KK_IMAGE_MAX_PIXELS) {
        png_image_free(&png);
        free(img);
        return NULL;
    }
    png.format = PNG_FORMAT_RGBA;
    img->width = (int)png.width;
    img->height = (int)png.height;
    img->rgba = malloc(PNG_IMAGE_SIZE(png));
    if (!img->rgba || !png_image_finish_read(&png, NULL, img->rgba, 0, NULL)) {
        png_image_free(&png);
        free(img->rgba);
        free(img);
        return NULL;
    }
    img->opaque = true;
    for (uint64_t i = 0; i < pixels && img->opaque; i++)
        img->opaque = img->rgba[i * 4 + 3] == 255;
    img->refs = 1;
    return img;
}

kk_image *kk_image_ref(kk_image *img)
{
    if (img)
        img->refs++;
    return img;
}

void kk_image_unref(kk_image *img)
{
    if (img && --img->refs == 0) {
        free(img->rgba);
        free(img);
    }
}

int kk_image_width(const kk_image *img) { return img->width; }
int kk_image_height(const kk_image *img) { return img->height; }
const unsigned char *kk_image_rgba(const kk_image *img) { return img->rgba; }
bool kk_image_opaque(const kk_image *img) { return img->opaque; }
