/*
 * glyph_extents.c — PangoFT2's glyph extents kept per font in a small table.
 *
 * Why: Pango measures every line it lays out glyph by glyph
 * (pango_glyph_string_extents: each line's height and width, once per
 * layout), and a PangoFT2 font answers each glyph through a GHashTable
 * lookup, and the empty glyph Pango leaves where a soft hyphen does not
 * break through a fontconfig lookup of the space: ~120 and ~400
 * instructions, 3% of a document once the words come from the word
 * shaping cache (bench/profile.md).  Pango's Cairo fonts keep a small
 * direct-mapped table of extents for this; its FreeType fonts do not.
 *
 * kk_glyph_extents_install() gives the PangoFT2Font class such a table: its
 * get_glyph_extents becomes one that answers from 256 slots per font and
 * asks the class's own function for what a slot lacks.  That function's
 * answers are fixed for a font (it keeps them itself), so the answers, and
 * every line Pango measures with them, are the same; a unit test compares
 * the two on every glyph of three fonts.  Like PangoFT2's own glyph table,
 * a font's slots are filled without a lock: a worker lays out on one
 * thread at a time.
 */
#include "layout/layout_int.h"
#include <glib.h>
#include <pango/pangofc-font.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#define SLOTS 256

typedef void (*extents_fn)(PangoFont *, PangoGlyph, PangoRectangle *, PangoRectangle *);

typedef struct slot {
    PangoGlyph glyph;
    bool filled;
    PangoRectangle ink, logical;
} slot;

typedef struct font_slots { slot s[SLOTS]; } font_slots;

static extents_fn class_extents;     /* the PangoFT2Font class's own */
static GQuark slots_quark;
static atomic_uint tables_freed;
static _Thread_local PangoFont *last_font;
static _Thread_local unsigned last_generation;
static _Thread_local font_slots *last_slots;

static void free_slots(gpointer p)
{
    g_free(p);
    atomic_fetch_add_explicit(&tables_freed, 1, memory_order_release);
}

__attribute__((noinline)) static font_slots *attach_slots(PangoFont *font, unsigned generation)
{
    font_slots *t = g_object_get_qdata(G_OBJECT(font), slots_quark);
    if (!t) {
        t = g_new0(font_slots, 1);
        g_object_set_qdata_full(G_OBJECT(font), slots_quark, t, free_slots);
    }
    last_font = font;
    last_generation = generation;
    last_slots = t;
    return t;
}

static void kept_extents(PangoFont *font, PangoGlyph glyph, PangoRectangle *ink, PangoRectangle *logical)
{
    unsigned generation = atomic_load_explicit(&tables_freed, memory_order_acquire);
    font_slots *t = font == last_font && generation == last_generation ? last_slots
                  : attach_slots(font, generation);
    slot *s = &t->s[(glyph ^ glyph >> 8) & (SLOTS - 1)];
    if (!s->filled || s->glyph != glyph) {
        class_extents(font, glyph, &s->ink, &s->logical);
        s->glyph = glyph;
        s->filled = true;
    }
    if (ink)
        *ink = s->ink;
    if (logical)
        *logical = s->logical;
}

bool kk_glyph_extents_original(PangoFont *font, PangoGlyph glyph, PangoRectangle *ink, PangoRectangle *logical)
{
    if (!class_extents)
        return false;
    class_extents(font, glyph, ink, logical);
    return true;
}

void kk_glyph_extents_install(PangoLayout *layout)
{
    static bool done;     /* the layout thread's */
    if (done)
        return;
    PangoLayoutLine *line = pango_layout_get_line_readonly(layout, 0);
    PangoGlyphItem *run = line && line->runs ? line->runs->data : NULL;
    PangoFont *font = run ? run->item->analysis.font : NULL;
    if (!font)
        return;     /* an empty text: the next layout will do */
    done = true;
    /* only the class whose answers are known to be fixed for a font */
    if (strcmp(G_OBJECT_TYPE_NAME(font), "PangoFT2Font") != 0)
        return;
    PangoFontClass *k = PANGO_FONT_GET_CLASS(font);
    if (k->get_glyph_extents == kept_extents)
        return;
    slots_quark = g_quark_from_static_string("kokous-glyph-extents");
    class_extents = k->get_glyph_extents;
    k->get_glyph_extents = kept_extents;
}
