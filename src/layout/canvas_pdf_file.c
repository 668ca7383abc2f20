/*
 * canvas_pdf_file.c — the PDF canvas's file, written when the last page is
 * done (canvas_pdf.h): fonts, images, one resource dictionary for every
 * page, the pages, the structure tree with its parent tree, outlines,
 * named destinations, document information and catalog.
 */
#define _POSIX_C_SOURCE 200809L
#include "layout/canvas_pdf_int.h"

#include <stdlib.h>
#include <string.h>

static long page_obj(kk_pdfc *p, int i)
{
    return g_array_index(p->pages, pdf_page, i).obj;
}

static void write_image(kk_pdfc *p, image *im)
{
    int w = kk_image_width(im->img), h = kk_image_height(im->img);
    const unsigned char *px = kk_image_rgba(im->img);
    bool translucent = !kk_image_opaque(im->img);
    size_t n = (size_t)w * (size_t)h;
    unsigned char *rgb = malloc(n * 3), *a = translucent ? malloc(n) : NULL;
    if (!rgb || (translucent && !a)) {
        free(rgb);
        free(a);
        kk_pdf_out_begin(p->out, im->obj);   /* keep the file whole */
        kk_pdf_out_printf(p->out, "null");
        kk_pdf_out_end(p->out);
        return;
    }
    for (size_t o = 0; o < n; o++) {
        memcpy(rgb + o * 3, px + o * 4, 3);
        if (a)
            a[o] = px[o * 4 + 3];
    }
    char dict[160];
    long smask = 0;
    if (translucent) {
        smask = kk_pdf_out_reserve(p->out);
        snprintf(dict, sizeof dict, "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8", w, h);
        kk_pdf_out_stream(p->out, smask, dict, a, n);
    }
    int k = snprintf(dict, sizeof dict, "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8", w, h);
    if (smask)
        snprintf(dict + k, sizeof dict - (size_t)k, " /SMask %ld 0 R", smask);
    kk_pdf_out_stream(p->out, im->obj, dict, rgb, n * 3);
    free(rgb);
    free(a);
}

static int cmp_dest(const void *a, const void *b)
{
    return strcmp(((const dest *)a)->name, ((const dest *)b)->name);
}

/* Named destinations (a name tree's one leaf, sorted); 0 when none. */
static long write_dests(kk_pdfc *p)
{
    if (!p->dests->len)
        return 0;
    g_array_sort(p->dests, cmp_dest);
    long names = kk_pdf_out_reserve(p->out), tree = kk_pdf_out_reserve(p->out);
    kk_buf b = { 0 };
    kk_buf_add(&b, "<< /Names [");
    for (guint i = 0; i < p->dests->len; i++) {
        const dest *d = &g_array_index(p->dests, dest, i);
        if (i && !strcmp(d->name, g_array_index(p->dests, dest, i - 1).name))
            continue;   /* a name tree has each key once */
        kk_buf_add(&b, " ");
        kk_buf_add_pdf_text(&b, d->name);
        kk_buf_addf(&b, " [%ld 0 R /XYZ ", page_obj(p, d->page));
        kk_pdfc_nums(&b, (double[]){ d->x, p->h - d->y }, 2, 2, "0]");
    }
    kk_buf_add(&b, " ] >>");
    kk_pdf_out_object(p->out, tree, b.s, b.len);
    kk_pdf_out_begin(p->out, names);
    kk_pdf_out_printf(p->out, "<< /Dests %ld 0 R >>", tree);
    kk_pdf_out_end(p->out);
    kk_buf_free(&b);
    return names;
}

/* The outline: items in order, each knowing its parent. */
static long write_outlines(kk_pdfc *p)
{
    guint n = p->outlines->len;
    if (!n)
        return 0;
    long root = kk_pdf_out_reserve(p->out);
    for (guint i = 0; i < n; i++)
        g_array_index(p->outlines, outline, i).obj = kk_pdf_out_reserve(p->out);
    int top = 0;
    for (guint i = 0; i < n; i++) {
        outline *o = &g_array_index(p->outlines, outline, i);
        long first = 0, last = 0, prev = 0, next = 0;
        int kids = 0;
        for (guint j = 0; j < n; j++) {
            outline *q = &g_array_index(p->outlines, outline, j);
            if (q->parent == (int)i + 1) {
                if (!first)
                    first = q->obj;
                last = q->obj;
                kids++;
            }
            if (q->parent == o->parent && j < i)
                prev = q->obj;
            if (q->parent == o->parent && j > i && !next)
                next = q->obj;
        }
        if (!o->parent)
            top++;
        kk_buf b = { 0 };
        kk_buf_add(&b, "<< /Title ");
        kk_buf_add_pdf_text(&b, o->title);
        kk_buf_addf(&b, " /Parent %ld 0 R", o->parent ? g_array_index(p->outlines, outline, o->parent - 1).obj : root);
        if (prev)
            kk_buf_addf(&b, " /Prev %ld 0 R", prev);
        if (next)
            kk_buf_addf(&b, " /Next %ld 0 R", next);
        if (kids)
            kk_buf_addf(&b, " /First %ld 0 R /Last %ld 0 R /Count -%d", first, last, kids);
        if (o->dest) {
            kk_buf_add(&b, " /Dest ");
            kk_buf_add_pdf_text(&b, o->dest);
        } else {
            kk_buf_addf(&b, " /Dest [%ld 0 R /XYZ ", page_obj(p, o->page));
            kk_pdfc_nums(&b, (double[]){ o->x, p->h - o->y }, 2, 2, "0]");
        }
        kk_buf_add(&b, " >>");
        kk_pdf_out_object(p->out, o->obj, b.s, b.len);
        kk_buf_free(&b);
    }
    long first = 0, last = 0;
    for (guint i = 0; i < n; i++)
        if (!g_array_index(p->outlines, outline, i).parent) {
            if (!first)
                first = g_array_index(p->outlines, outline, i).obj;
            last = g_array_index(p->outlines, outline, i).obj;
        }
    kk_pdf_out_begin(p->out, root);
    kk_pdf_out_printf(p->out, "<< /Type /Outlines /First %ld 0 R /Last %ld 0 R /Count %d >>", first, last, top);
    kk_pdf_out_end(p->out);
    return root;
}

/* Each element; the parent tree (each page's MCIDs, then each link
 * annotation); the root.  0 when nothing is tagged. */
static long write_structure(kk_pdfc *p)
{
    if (!p->elems->len)
        return 0;
    long root = kk_pdf_out_reserve(p->out), tree = kk_pdf_out_reserve(p->out);
    kk_buf b = { 0 };
    for (guint i = 0; i < p->elems->len; i++) {
        elem *e = &g_array_index(p->elems, elem, i);
        b.len = 0;
        kk_buf_addf(&b, "<< /Type /StructElem /S /%s /P %ld 0 R", e->tag,
                    e->parent >= 0 ? g_array_index(p->elems, elem, e->parent).obj : root);
        int pg = -1;
        bool one_page = true;
        for (guint k = 0; k < e->kids->len; k++) {
            const kid *c = &g_array_index(e->kids, kid, k);
            if (c->kind == KID_ELEM)
                continue;
            if (pg >= 0 && c->page != pg)
                one_page = false;
            pg = c->page;
        }
        if (pg >= 0 && one_page)
            kk_buf_addf(&b, " /Pg %ld 0 R", page_obj(p, pg));
        kk_buf_add(&b, " /K [");
        for (guint k = 0; k < e->kids->len; k++) {
            const kid *c = &g_array_index(e->kids, kid, k);
            if (c->kind == KID_ELEM)
                kk_buf_addf(&b, " %ld 0 R", g_array_index(p->elems, elem, c->n).obj);
            else if (c->kind == KID_ANNOT)
                kk_buf_addf(&b, " << /Type /OBJR /Obj %ld 0 R /Pg %ld 0 R >>", c->n, page_obj(p, c->page));
            else if (one_page)
                kk_buf_addf(&b, " %ld", c->n);
            else
                kk_buf_addf(&b, " << /Type /MCR /Pg %ld 0 R /MCID %ld >>", page_obj(p, c->page), c->n);
        }
        kk_buf_add(&b, " ] >>");
        kk_pdf_out_object(p->out, e->obj, b.s, b.len);
    }
    b.len = 0;
    kk_buf_add(&b, "<< /Nums [");
    /* keys in order: the link annotations as they were drawn, then the
     * pages with marked content (kk_pdfc_take numbers them so) */
    for (guint i = 0; i < p->elems->len; i++) {
        elem *e = &g_array_index(p->elems, elem, i);
        if (e->annot)
            kk_buf_addf(&b, " %d %ld 0 R", e->annot_key, e->obj);
    }
    for (guint i = 0; i < p->pages->len; i++) {
        pdf_page *pg = &g_array_index(p->pages, pdf_page, i);
        if (pg->struct_parents < 0)
            continue;
        kk_buf_addf(&b, " %d [", pg->struct_parents);
        for (guint m = 0; m < pg->mcids->len; m++)
            kk_buf_addf(&b, " %ld 0 R", g_array_index(p->elems, elem, g_array_index(pg->mcids, int, m)).obj);
        kk_buf_add(&b, " ]");
    }
    kk_buf_add(&b, " ] >>");
    kk_pdf_out_object(p->out, tree, b.s, b.len);
    b.len = 0;
    kk_buf_addf(&b, "<< /Type /StructTreeRoot /ParentTree %ld 0 R /ParentTreeNextKey %d /K [", tree, p->next_key);
    for (guint i = 0; i < p->elems->len; i++)
        if (g_array_index(p->elems, elem, i).parent < 0)
            kk_buf_addf(&b, " %ld 0 R", g_array_index(p->elems, elem, i).obj);
    kk_buf_add(&b, " ] >>");
    kk_pdf_out_object(p->out, root, b.s, b.len);
    kk_buf_free(&b);
    return root;
}

unsigned char *kk_pdfc_take(kk_pdfc *p, size_t *len)
{
    *len = 0;
    kk_pdfc_cur_page(p);
    while (p->stack->len)      /* unbalanced input: close what is open */
        kk_pdfc_end(p, NULL);
    kk_pdfc_end_page(p);
    int nfonts = kk_pdf_fonts_count(p->fonts);
    long *fobj = calloc((size_t)nfonts + 1, sizeof *fobj);
    if (!fobj || !kk_pdf_fonts_write(p->fonts, p->out, fobj)) {
        free(fobj);
        return NULL;
    }
    for (guint i = 0; i < p->images->len; i++)
        write_image(p, &g_array_index(p->images, image, i));
    long res = kk_pdf_out_reserve(p->out);
    kk_buf b = { 0 };
    kk_buf_add(&b, "<< /Font <<");
    for (int i = 0; i < nfonts; i++)
        kk_buf_addf(&b, " /F%d %ld 0 R", i, fobj[i]);
    kk_buf_add(&b, " >>");
    free(fobj);
    if (p->images->len) {
        kk_buf_add(&b, " /XObject <<");
        for (guint i = 0; i < p->images->len; i++)
            kk_buf_addf(&b, " /Im%u %ld 0 R", i, g_array_index(p->images, image, i).obj);
        kk_buf_add(&b, " >>");
    }
    kk_buf_add(&b, " >>");
    kk_pdf_out_object(p->out, res, b.s, b.len);
    /* parent-tree keys for the pages come after the annotations' */
    for (guint i = 0; i < p->pages->len; i++) {
        pdf_page *pg = &g_array_index(p->pages, pdf_page, i);
        if (pg->mcids->len)
            pg->struct_parents = p->next_key++;
    }
    long pages = kk_pdf_out_reserve(p->out);
    for (guint i = 0; i < p->pages->len; i++) {
        pdf_page *pg = &g_array_index(p->pages, pdf_page, i);
        b.len = 0;
        kk_buf_addf(&b, "<< /Type /Page /Parent %ld 0 R /MediaBox [ 0 0 ", pages);
        kk_pdfc_nums(&b, (double[]){ p->w, p->h }, 2, 3, "]");
        kk_buf_addf(&b, " /Contents %ld 0 R /Resources %ld 0 R", pg->contents, res);
        if (pg->struct_parents >= 0)
            kk_buf_addf(&b, " /StructParents %d", pg->struct_parents);
        if (pg->annots->len) {
            kk_buf_add(&b, " /Annots [");
            for (guint k = 0; k < pg->annots->len; k++)
                kk_buf_addf(&b, " %ld 0 R", g_array_index(pg->annots, long, k));
            kk_buf_add(&b, " ]");
        }
        kk_buf_add(&b, " >>");
        kk_pdf_out_object(p->out, pg->obj, b.s, b.len);
    }
    b.len = 0;
    kk_buf_addf(&b, "<< /Type /Pages /Kids [");
    for (guint i = 0; i < p->pages->len; i++)
        kk_buf_addf(&b, " %ld 0 R", page_obj(p, (int)i));
    kk_buf_addf(&b, " ] /Count %u >>", p->pages->len);
    kk_pdf_out_object(p->out, pages, b.s, b.len);
    long structure = write_structure(p), outlines = write_outlines(p), names = write_dests(p);
    long info = kk_pdf_out_reserve(p->out), catalog = kk_pdf_out_reserve(p->out);
    b.len = 0;
    kk_buf_add(&b, "<< /Producer ");
    kk_buf_add_pdf_text(&b, "kokous");
    kk_buf_add(&b, " /Creator ");
    kk_buf_add_pdf_text(&b, "kokous");
    if (p->title) {
        kk_buf_add(&b, " /Title ");
        kk_buf_add_pdf_text(&b, p->title);
    }
    if (p->author) {
        kk_buf_add(&b, " /Author ");
        kk_buf_add_pdf_text(&b, p->author);
    }
    kk_buf_add(&b, " >>");
    kk_pdf_out_object(p->out, info, b.s, b.len);
    b.len = 0;
    kk_buf_addf(&b, "<< /Type /Catalog /Pages %ld 0 R", pages);
    if (structure)
        kk_buf_addf(&b, " /StructTreeRoot %ld 0 R /MarkInfo << /Marked true >>", structure);
    if (outlines)
        kk_buf_addf(&b, " /Outlines %ld 0 R", outlines);
    if (names)
        kk_buf_addf(&b, " /Names %ld 0 R", names);
    kk_buf_add(&b, " >>");
    kk_pdf_out_object(p->out, catalog, b.s, b.len);
    kk_buf_free(&b);
    return kk_pdf_out_finish(p->out, catalog, info, len);
}
