/* pdf_out.c — a PDF file object by object (see pdf_out.h). */
#include "layout/pdf_out.h"
#include "util/text.h"

#include <stdarg.h>
#include <stdlib.h>

struct kk_pdf_out {
    kk_buf b;
    size_t *offset;   /* per object number; 0 = not written */
    size_t nobj, cap; /* numbers 1..nobj reserved */
    bool oom;
};

kk_pdf_out *kk_pdf_out_new(void)
{
    kk_pdf_out *w = calloc(1, sizeof *w);
    if (w)
        kk_buf_add(&w->b, "%PDF-1.5\n%\xb5\xed\xae\xfb\n");
    return w;
}

void kk_pdf_out_free(kk_pdf_out *w)
{
    if (!w)
        return;
    kk_buf_free(&w->b);
    free(w->offset);
    free(w);
}

long kk_pdf_out_reserve(kk_pdf_out *w)
{
    if (w->nobj + 1 >= w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 256;
        size_t *o = realloc(w->offset, cap * sizeof *o);
        if (!o) {
            w->oom = true;
            return 0;
        }
        for (size_t i = w->cap; i < cap; i++)
            o[i] = 0;
        w->offset = o;
        w->cap = cap;
    }
    return (long)++w->nobj;
}

void kk_pdf_out_begin(kk_pdf_out *w, long num)
{
    if (num <= 0 || (size_t)num > w->nobj) {
        w->oom = true;   /* a number never reserved: the file would be wrong */
        return;
    }
    w->offset[num] = w->b.len;
    kk_buf_addf(&w->b, "%ld 0 obj\n", num);
}

void kk_pdf_out_end(kk_pdf_out *w)
{
    kk_buf_add(&w->b, "\nendobj\n");
}

void kk_pdf_out_printf(kk_pdf_out *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!kk_buf_vaddf(&w->b, fmt, ap))
        w->oom = true;   /* a formatting failure would leave the file wrong */
    va_end(ap);
}

void kk_pdf_out_object(kk_pdf_out *w, long num, const char *data, size_t len)
{
    kk_pdf_out_begin(w, num);
    kk_buf_addn(&w->b, data ? data : "", data ? len : 0);
    kk_pdf_out_end(w);
}

void kk_pdf_out_stream(kk_pdf_out *w, long num, const char *dict, const void *data, size_t len)
{
    kk_pdf_out_begin(w, num);
    kk_pdf_out_printf(w, "<< %s /Length %zu >>\nstream\n", dict ? dict : "", len);
    kk_buf_addn(&w->b, data, len);
    kk_buf_add(&w->b, "\nendstream");
    kk_pdf_out_end(w);
}

bool kk_pdf_out_failed(const kk_pdf_out *w)
{
    return w->oom || w->b.oom;
}

unsigned char *kk_pdf_out_finish(kk_pdf_out *w, long root, long info, size_t *len)
{
    size_t xref = w->b.len;
    kk_buf_addf(&w->b, "xref\n0 %zu\n0000000000 65535 f \n", w->nobj + 1);
    for (size_t i = 1; i <= w->nobj; i++) {
        if (w->offset[i])
            kk_buf_addf(&w->b, "%010zu 00000 n \n", w->offset[i]);
        else
            kk_buf_add(&w->b, "0000000000 00000 f \n");
    }
    kk_buf_addf(&w->b, "trailer\n<< /Size %zu /Root %ld 0 R", w->nobj + 1, root);
    if (info > 0)
        kk_buf_addf(&w->b, " /Info %ld 0 R", info);
    kk_buf_addf(&w->b, " >>\nstartxref\n%zu\n%%%%EOF\n", xref);
    if (kk_pdf_out_failed(w)) {
        *len = 0;
        return NULL;
    }
    *len = w->b.len;
    return (unsigned char *)kk_buf_take(&w->b);
}
