/*
 * layout_int.h — private data shared by the layout engine's files
 * (text.c: typesetter and Pango layouts, flow.c: block building,
 * paginate.c: page breaking, render.c: drawing).
 */
#ifndef KK_LAYOUT_INT_H
#define KK_LAYOUT_INT_H

#include "layout/layout.h"
#include <pango/pangofc-font.h>
#include <stdint.h>

/* An image's pixels: width * height * 4 bytes (RGBA, not premultiplied),
 * rows top down; opaque when every alpha is 255 (image.c). */
const unsigned char *kk_image_rgba(const kk_image *img);
bool kk_image_opaque(const kk_image *img);

/* HarfBuzz shaping a word at a time, the words kept (shape_cache.c).
 * Counts of runs shaped from words, runs shaped whole, and words found in
 * or added to the cache, since the process started. */
typedef struct kk_shape_cache_counts {
    unsigned long runs, whole, hits, misses;
} kk_shape_cache_counts;
void kk_shape_cache_get_counts(kk_shape_cache_counts *out);
/* Off: every run shaped whole, as KOKOUS_NO_SHAPE_CACHE=1 does; the words
 * kept so far are forgotten either way. */
void kk_shape_cache_set_enabled(bool on);

/* PangoFT2's glyph extents from a small table per font (glyph_extents.c):
 * installed into the PangoFT2Font class from the first font `layout`
 * uses; once per process.  _original: the class's own answer, for the
 * unit test (false before the table is installed). */
void kk_glyph_extents_install(PangoLayout *layout);
bool kk_glyph_extents_original(PangoFont *font, PangoGlyph glyph, PangoRectangle *ink, PangoRectangle *logical);

/* A laid-out text kept for when it comes back (kept.c). */
typedef struct kk_kept_layout {
    char *key;               /* owned (g_free): style, width and markup */
    PangoLayout *layout;     /* one reference */
    struct kk_line *lines;   /* owned */
    int nlines;
    double height;
    unsigned long used;      /* for least-recently-used eviction */
} kk_kept_layout;

struct kk_typesetter {
    PangoFontMap *fontmap;   /* owned */
    PangoContext *ctx;       /* owned */
    struct kk_kept *kept;    /* owned; NULL = nothing is kept */
};

typedef struct kk_link {
    int start, end;          /* byte range in the layout's text */
    char *uri;               /* owned */
} kk_link;

typedef struct kk_line {
    double top, height, baseline;  /* relative to the layout's top */
    double x, width;               /* logical extents */
} kk_line;

/* One Pango layout and where its lines are. */
typedef struct kk_cell {
    PangoLayout *layout;     /* owned */
    double x, width;         /* relative to the body's left edge */
    kk_link *links;          /* owned */
    size_t nlinks;
    kk_line *lines;          /* owned */
    int nlines;
    double height;
    const char *tag;         /* static string: leaf structure type */
    double r, g, b;
} kk_cell;

/* Laid-out texts kept across blocks and documents (kept.c).  A kk_kept
 * belongs to one typesetter, and so to one thread. */
typedef struct kk_kept kk_kept;
kk_kept *kk_kept_new(void);              /* NULL when out of memory */
void kk_kept_free(kk_kept *k);
/* Everything a cell's layout depends on; NULL for a text with links (never
 * kept).  Caller g_frees. */
char *kk_kept_key(const kk_text_style *st, const char *markup, double width);
/* The layout kept under key, or NULL (also for a NULL key or kept). */
const kk_kept_layout *kk_kept_find(kk_kept *k, const char *key);
/* Keeps c's layout under key (which it takes) if the key was seen before,
 * else notes the sighting; either way the caller is done with key. */
void kk_kept_offer(kk_kept *k, char *key, const kk_cell *c);

typedef enum {
    B_TEXT,        /* body cell split by lines, optional side cell (label) */
    B_ROW,         /* cells side by side, kept whole */
    B_SPACE, B_RULE, B_BREAK,
    B_OPEN, B_CLOSE,         /* structure elements with no content of their own */
    B_KEEP_BEGIN, B_KEEP_END,
    B_COLS_BEGIN, B_COLS_END /* a multi-column region (ncols, amount = gap) */
} kk_block_kind;

typedef struct kk_block {
    kk_block_kind kind;
    char *tag;               /* owned; B_OPEN: element, B_TEXT: leaf of body */
    double space_before, space_after;
    bool keep_with_next;
    kk_cell body;            /* B_TEXT */
    kk_cell *side;           /* B_TEXT, owned, optional: list label, field label */
    kk_cell *cells;          /* B_ROW, owned */
    size_t ncells;
    int table;               /* B_ROW: index into flow->tables */
    bool header;             /* B_ROW: a header row */
    double amount;           /* B_SPACE height, B_RULE thickness, B_COLS_BEGIN gap */
    double width;            /* B_RULE: width of the column it was made in */
    int ncols;               /* B_COLS_BEGIN */
    int level;               /* heading level, 0 = not a heading */
    char *outline, *dest;    /* owned, headings */
} kk_block;

#define KK_CELL_PAD 3.0

struct kk_table {
    kk_flow *flow;
    int index;
    size_t ncols;
    double *colx, *colw;     /* owned, pt */
    kk_text_style header_style, cell_style;
    char *hfamily, *cfamily; /* owned copies of the style families */
    kk_table_rules rules;
    int *header_rows;        /* owned, block indices */
    size_t nheader;
    bool open;
};

/* A piece of a block placed on a page. */
typedef struct kk_frag {
    int block, page;
    double y, h;             /* page y of the fragment's top, its height */
    double x, w;             /* its column: offset from the body's left edge, width */
    int col;                 /* column index, 0 outside column regions */
    int from, to;            /* B_TEXT: lines [from, to); B_ROW tall rows: chunk */
    int *cell_from, *cell_to;/* owned, B_ROW split over pages: per cell lines */
    bool repeat;             /* repeated table header: draw as artifact */
    bool first;              /* the block's first fragment */
} kk_frag;

struct kk_flow {
    kk_typesetter *ts;
    bool artifacts_marked;   /* by the last render: the PDF canvas's */
    kk_diag *diag;
    kk_page_geometry g;
    double body_w, body_top, body_bottom;
    kk_block *blocks;
    size_t nblocks, cap;
    kk_table **tables;       /* owned */
    size_t ntables;
    int list_depth;
    int list_counter[8];
    bool list_ordered[8];
    bool list_item_open[8];
    int struct_depth;
    int keep_depth;
    double cur_w;            /* width new blocks are measured at: body or column */
    int cols_open;           /* ncols of the open column region, 0 = none */
    char *title, *author, *date;
    kk_frag *frags;          /* owned, valid when paginated */
    size_t nfrags, fcap;
    int pages;               /* 0 = not paginated */
};

/* text.c */
bool kk_cell_init(kk_flow *f, kk_cell *c, const kk_text_style *st, const char *markup,
                  double x, double width, const char *tag);
void kk_cell_clear(kk_cell *c);
PangoFontDescription *kk_font_for(const kk_text_style *st);

/* flow.c */
kk_block *kk_flow_push(kk_flow *f, kk_block_kind kind);
void kk_flow_unpaginate(kk_flow *f);

/* paginate.c */
double kk_row_height(const kk_block *b);

#endif
