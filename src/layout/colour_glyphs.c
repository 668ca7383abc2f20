/*
 * colour_glyphs.c — HarfBuzz's colour-glyph questions answered once per face.
 *
 * Why: after shaping, Pango 1.50 asks of every glyph whether it is a colour
 * glyph (hb_ot_color_glyph_get_layers(face, glyph, 0, NULL, NULL), then
 * hb_ot_color_has_png(face) and hb_ot_color_has_svg(face)) to set its
 * is_color flag.  Each question goes through HarfBuzz's lazy table loaders:
 * ~130 instructions a glyph, 5% of a document once the words come from the
 * word shaping cache (bench/profile.md).  The two last answers are facts of
 * the face, and the first is 0 for every glyph of a face whose COLR table
 * has no layers, which is every face kokous sets text in.
 *
 * As with hb_shape() (shape_cache.c), kokous defines these three symbols
 * and the dynamic linker binds libpango's calls to them.  Each face's
 * answers are asked of HarfBuzz's own functions (dlsym RTLD_NEXT) once and
 * kept in the face's user data; a face with colour layers has its glyphs'
 * questions passed to HarfBuzz.  The last face asked is remembered per
 * thread, valid until any face with kept answers is destroyed, so that a
 * glyph costs a comparison instead of a user-data lookup.
 */
#define _GNU_SOURCE     /* RTLD_NEXT */
#include <dlfcn.h>
#include <glib.h>
#include <hb-ot.h>
#include <hb.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

enum { ANSWERED = 1, HAS_LAYERS = 2, HAS_PNG = 4, HAS_SVG = 8 };

typedef unsigned (*get_layers_fn)(hb_face_t *, hb_codepoint_t, unsigned, unsigned *, hb_ot_color_layer_t *);
typedef hb_bool_t (*face_fn)(hb_face_t *);

static struct {
    get_layers_fn get_layers;
    face_fn has_png, has_svg;
} harfbuzz;

static hb_user_data_key_t answers_key;
static atomic_uint faces_destroyed;
static _Thread_local const hb_face_t *last_face;
static _Thread_local unsigned last_generation, last_answers;

static gpointer find_harfbuzz(gpointer unused)
{
    (void)unused;
    harfbuzz.get_layers = (get_layers_fn)dlsym(RTLD_NEXT, "hb_ot_color_glyph_get_layers");
    harfbuzz.has_png = (face_fn)dlsym(RTLD_NEXT, "hb_ot_color_has_png");
    harfbuzz.has_svg = (face_fn)dlsym(RTLD_NEXT, "hb_ot_color_has_svg");
    return GINT_TO_POINTER(1);
}

static void face_destroyed(void *unused)
{
    (void)unused;
    atomic_fetch_add_explicit(&faces_destroyed, 1, memory_order_release);
}

/* ANSWERED | what HarfBuzz says of the face.  HarfBuzz's own functions are
 * always found (libharfbuzz is linked); were one missing, every answer
 * would be no, which is what a face without colour glyphs says.  Out of
 * line: the remembered face's answer is the common case and must not pay
 * for this one's registers. */
__attribute__((noinline)) static unsigned ask_face(hb_face_t *face, unsigned generation)
{
    unsigned answers = (unsigned)(uintptr_t)hb_face_get_user_data(face, &answers_key);
    if (!answers) {
        static GOnce once = G_ONCE_INIT;
        g_once(&once, find_harfbuzz, NULL);
        if (!harfbuzz.get_layers || !harfbuzz.has_png || !harfbuzz.has_svg)
            return ANSWERED;
        answers = ANSWERED | (hb_ot_color_has_layers(face) ? HAS_LAYERS : 0)
                | (harfbuzz.has_png(face) ? HAS_PNG : 0) | (harfbuzz.has_svg(face) ? HAS_SVG : 0);
        /* a face that takes no user data (the empty face) is asked every time */
        if (!hb_face_set_user_data(face, &answers_key, (void *)(uintptr_t)answers, face_destroyed, false))
            return answers;
    }
    last_face = face;
    last_generation = generation;
    last_answers = answers;
    return answers;
}

static inline unsigned face_answers(hb_face_t *face)
{
    unsigned generation = atomic_load_explicit(&faces_destroyed, memory_order_acquire);
    if (face == last_face && generation == last_generation)
        return last_answers;
    return ask_face(face, generation);
}

unsigned int hb_ot_color_glyph_get_layers(hb_face_t *face, hb_codepoint_t glyph, unsigned int start_offset,
                                          unsigned int *layer_count, hb_ot_color_layer_t *layers)
{
    if (face_answers(face) & HAS_LAYERS)
        return harfbuzz.get_layers(face, glyph, start_offset, layer_count, layers);
    if (layer_count)
        *layer_count = 0;
    return 0;
}

hb_bool_t hb_ot_color_has_png(hb_face_t *face)
{
    return (face_answers(face) & HAS_PNG) != 0;
}

hb_bool_t hb_ot_color_has_svg(hb_face_t *face)
{
    return (face_answers(face) & HAS_SVG) != 0;
}
