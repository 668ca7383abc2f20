#define _POSIX_C_SOURCE 200809L
#include "model/ids.h"
#include "model/document.h"
#include "util/xml.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry { char *id, *path; } entry;
struct kk_idset { entry *v; size_t n, cap; };

kk_idset *kk_idset_new(void) { return calloc(1, sizeof(kk_idset)); }

void kk_idset_free(kk_idset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].id);
        free(s->v[i].path);
    }
    free(s->v);
    free(s);
}

bool kk_idset_claim(kk_idset *s, const kk_source *src, kk_diag *diag)
{
    kk_doc *doc = kk_doc_new(src, diag);
    if (!doc)
        return false;
    bool ok = true;
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i].id, doc->id)) {
            xmlNodePtr at = kk_child(xmlDocGetRootElement(kk_source_doc(src)), "id");
            kk_pos p = at ? kk_source_value_pos(src, at) : (kk_pos){ 1, 1 };
            kk_idset_report(diag, kk_source_path(src), p.line, p.col, doc->id, s->v[i].path);
            ok = false;
            break;
        }
    if (ok && s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        entry *v = realloc(s->v, cap * sizeof *v);
        if (v) {
            s->v = v;
            s->cap = cap;
        }
    }
    if (ok && s->n < s->cap) {
        char *id = strdup(doc->id), *path = strdup(kk_source_path(src));
        if (id && path)
            s->v[s->n++] = (entry){ id, path };
        else {
            free(id);
            free(path);
        }
    }
    kk_doc_free(doc);
    return ok;
}

void kk_idset_report(kk_diag *diag, const char *file, unsigned line, unsigned col,
                     const char *id, const char *earlier)
{
    kk_error(diag, file, line, col,
             "the id \"%s\" is also the id of %s; every document needs its own: write a different `id:`", id, earlier);
}
