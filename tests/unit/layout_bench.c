/*
 * layout_bench.c — the yardstick's document through the layout engine.
 *
 *   layout_bench [-n N] minutes.txt OUTDIR
 *
 * Reads /work/shared/bench-limit/minutes.txt (the "@tag text" record format
 * of minutes2pdf.c), re-parsing it for every document as the yardstick does,
 * and builds the same blocks through the kk_flow API, with structure tags,
 * outlines and a running header: the extra cost over bare Pango + Cairo is
 * what this measures.
 */
#define _POSIX_C_SOURCE 200809L
#include "layout/layout.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

static kk_typesetter *ts;
static kk_text_style body, bold, title, small;
static char *doc_name;

static void decorate(kk_canvas *cv, int page, int pages, const kk_page_geometry *g, void *u)
{
    const char *left = u;
    char right[256];
    snprintf(right, sizeof right, "%s   %d (%d)", doc_name, page, pages);
    double w = g->width - g->margin_left - g->margin_right;
    PangoLayout *l = kk_typesetter_layout(ts, &small, left, w);
    PangoLayout *r = kk_typesetter_layout(ts, &small, right, w);
    pango_layout_set_alignment(r, PANGO_ALIGN_RIGHT);
    kk_canvas_show_layout(cv, l, g->margin_left, g->margin_top);
    kk_canvas_show_layout(cv, r, g->margin_left, g->margin_top);
    kk_canvas_fill_rect(cv, g->margin_left, g->margin_top + 15 - 0.25, g->width - g->margin_left - g->margin_right, 0.5);
    g_object_unref(l);
    g_object_unref(r);
}

static bool one(const char *in, const char *out, kk_diag *diag)
{
    static const kk_page_geometry a4 = { 595.276, 841.89, 33, 56.69, 70.87, 56.69, 52, 0 };
    gchar *buf;
    if (!g_file_get_contents(in, &buf, NULL, NULL))
        return false;
    kk_flow *f = kk_flow_new(ts, &a4, diag);
    kk_flow_struct_begin(f, "Document");
    char *org = NULL, *bodyname = NULL, *left = NULL;
    bool in_sect = false;
    char **lines = g_strsplit(buf, "\n", -1);
    for (char **l = lines; *l; l++) {
        char *line = *l, *sp = strchr(line, ' ');
        if (line[0] != '@' || !sp)
            continue;
        *sp = 0;
        const char *tag = line + 1;
        char *arg = g_markup_escape_text(sp + 1, -1);
        char **fl = g_strsplit(arg, " | ", -1);
        if (!strcmp(tag, "org")) {
            org = g_strdup(sp + 1);
        } else if (!strcmp(tag, "body")) {
            bodyname = g_strdup(sp + 1);
        } else if (!strcmp(tag, "doc")) {
            g_free(doc_name);
            doc_name = g_strdup(sp + 1);
            kk_flow_set_metadata(f, doc_name, org, "2024-05-13T19:48:00+03:00");
            char *t = g_markup_printf_escaped("<b>%s</b>\n%s\n<b>%s</b>", org, bodyname,
                                              doc_name);
            kk_flow_heading(f, 1, &title, t, doc_name, NULL);
            g_free(t);
        } else if (!strcmp(tag, "field")) {
            kk_flow_field(f, &body, &body, 70, fl[0], fl[1] ? fl[1] : "");
        } else if (!strcmp(tag, "person")) {
            kk_flow_field(f, &body, &body, 150, fl[0], fl[1] ? fl[1] : "");
        } else if (!strcmp(tag, "section")) {
            kk_flow_heading(f, 3, &bold, arg, NULL, NULL);
        } else if (!strcmp(tag, "item")) {
            if (in_sect)
                kk_flow_struct_end(f);
            kk_flow_struct_begin(f, "Sect");
            in_sect = true;
            char *h = g_strdup_printf("§ %s\t%s", fl[0], fl[1] ? fl[1] : "");
            kk_flow_heading(f, 2, &bold, h, h, fl[0]);
            g_free(h);
        } else if (!strcmp(tag, "proposal") || !strcmp(tag, "decision")) {
            char *p = g_strdup_printf("<b>%s</b> %s", tag[0] == 'p' ? "Ehdotus:" : "Päätös:",
                                      arg);
            kk_flow_paragraph(f, "P", &body, p);
            g_free(p);
        } else if (!strcmp(tag, "sign") && fl[1] && fl[2] && fl[3]) {
            kk_flow_keep_begin(f);
            kk_flow_space(f, 34);
            kk_flow_field(f, &body, &body, 240, fl[0], fl[2]);
            kk_flow_field(f, &body, &body, 240, fl[1], fl[3]);
            kk_flow_keep_end(f);
        } else if (!strcmp(tag, "note")) {
            kk_flow_space(f, 10);
            kk_flow_paragraph(f, "P", &body, arg);
        }
        g_strfreev(fl);
        g_free(arg);
    }
    if (in_sect)
        kk_flow_struct_end(f);
    kk_flow_struct_end(f);
    left = g_markup_printf_escaped("%s · %s", org ? org : "", bodyname ? bodyname : "");
    int pages = 0;
    bool ok = kk_flow_render_pdf(f, out, decorate, left, &pages, diag);
    kk_flow_free(f);
    g_strfreev(lines);
    g_free(buf);
    g_free(org);
    g_free(bodyname);
    g_free(left);
    return ok;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    int n = 1;
    if (argc == 5 && !strcmp(argv[1], "-n")) {
        n = atoi(argv[2]);
        argv += 2;
        argc -= 2;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: layout_bench [-n N] minutes.txt OUTDIR\n");
        return 2;
    }
    body = (kk_text_style){ .family = "DejaVu Sans", .size = 10, .space_after = 5,
                            .justify = true };
    bold = body;
    bold.bold = true; bold.justify = false; bold.space_before = 12; bold.space_after = 4;
    title = body;
    title.size = 13; title.justify = false; title.space_after = 10;
    small = body;
    small.size = 9; small.justify = false;
    kk_diag *diag = kk_diag_new(KK_DIAG_TEXT, stderr);
    ts = kk_typesetter_new("fi");
    char path[4096];
    double t0 = now();
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/minutes-%04d.pdf", argv[2], i + 1);
        if (!one(argv[1], path, diag))
            return 1;
    }
    double t = now() - t0;
    fprintf(stderr, "batch n=%d wall_ms=%.1f docs_per_s=%.1f\n", n, t * 1e3, n / t);
    g_free(doc_name);
    kk_typesetter_free(ts);
    kk_diag_free(diag);
    return 0;
}
