/*
 * verify_changes.c — did the revisions after a signature only add
 * signatures?
 *
 * Both states are read with libqpdf (the file cut at the end of the signed
 * revision, and the whole file) and compared object by object.  An object
 * may differ only when it is the catalog (a new /AcroForm or /DSS), a page
 * (its /Annots grew) or an annotation array (it grew), and everything added
 * to /Annots and to the AcroForm's /Fields must be a signature field.  This
 * is the rule of a certification with "form filling and signing allowed"
 * (DocMDP P=2), narrowed to signatures.
 */
#define _POSIX_C_SOURCE 200809L
#include "sign/sign_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static qpdf_data open_quiet(const unsigned char *data, size_t len)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    if (qpdf_read_memory(q, "revision", (const char *)data, (unsigned long long)len, NULL) & QPDF_ERRORS)
        qpdf_cleanup(&q);
    return q;
}

typedef struct strs { char **v; size_t n; } strs;

static void strs_free(strs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static strs array_items(qpdf_data q, qpdf_oh arr)
{
    strs s = { 0 };
    int n = qpdf_oh_is_array(q, arr) ? qpdf_oh_get_array_n_items(q, arr) : 0;
    if (n > 0 && !(s.v = calloc((size_t)n, sizeof *s.v)))
        return s;
    for (int i = 0; i < n; i++)
        if ((s.v[s.n] = strdup(qpdf_oh_unparse(q, qpdf_oh_get_array_item(q, arr, i)))))
            s.n++;
    return s;
}

static strs dict_keys(qpdf_data q, qpdf_oh d)
{
    strs s = { 0 };
    size_t cap = 0;
    qpdf_oh_begin_dict_key_iter(q, d);
    while (qpdf_oh_dict_more_keys(q)) {
        const char *k = qpdf_oh_dict_next_key(q);
        if (s.n == cap) {
            char **nv = realloc(s.v, (cap = cap ? 2 * cap : 16) * sizeof *nv);
            if (!nv)
                break;
            s.v = nv;
        }
        if ((s.v[s.n] = strdup(k)))
            s.n++;
    }
    return s;
}

static bool in_list(const char *k, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(k, *list))
            return true;
    return false;
}

/* Whether the two dictionaries agree on every key outside `ignore`. */
static bool dicts_equal_except(qpdf_data qa, qpdf_oh a, qpdf_data qb, qpdf_oh b, const char *const *ignore)
{
    bool eq = true;
    for (int pass = 0; pass < 2 && eq; pass++) {
        strs keys = dict_keys(pass ? qb : qa, pass ? b : a);
        for (size_t i = 0; i < keys.n && eq; i++) {
            if (in_list(keys.v[i], ignore))
                continue;
            char *va = qpdf_oh_has_key(qa, a, keys.v[i]) ? strdup(qpdf_oh_unparse(qa, qpdf_oh_get_key(qa, a, keys.v[i]))) : NULL;
            const char *vb = qpdf_oh_has_key(qb, b, keys.v[i]) ? qpdf_oh_unparse(qb, qpdf_oh_get_key(qb, b, keys.v[i])) : NULL;
            eq = va && vb && !strcmp(va, vb);
            free(va);
        }
        strs_free(&keys);
    }
    return eq;
}

/* A signature field or its widget, in the new file. */
static bool is_sig_field(qpdf_data q, qpdf_oh f)
{
    for (int depth = 0; depth < 8 && qpdf_oh_is_dictionary(q, f); depth++) {
        if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, f, "/FT"), "/Sig"))
            return true;
        f = qpdf_oh_get_key(q, f, "/Parent");
    }
    return false;
}

/* `old` is a prefix of `now`, and the rest are signature fields. */
static bool grows_by_signatures(qpdf_data qn, qpdf_oh arr_now, const strs *old, const strs *now, char *why,
                                size_t wl, const char *what)
{
    for (size_t i = 0; i < old->n; i++)
        if (i >= now->n || strcmp(old->v[i], now->v[i])) {
            snprintf(why, wl, "%s lost or reordered entries", what);
            return false;
        }
    for (size_t i = old->n; i < now->n; i++)
        if (!is_sig_field(qn, qpdf_oh_get_array_item(qn, arr_now, (int)i))) {
            snprintf(why, wl, "%s got an entry that is not a signature (%s)", what, now->v[i]);
            return false;
        }
    return true;
}

static bool acroform_ok(qpdf_data qo, qpdf_data qn, char *why, size_t wl)
{
    qpdf_oh fo = qpdf_oh_get_key_if_dict(qo, qpdf_oh_get_key_if_dict(qo, qpdf_get_root(qo), "/AcroForm"), "/Fields");
    qpdf_oh fn = qpdf_oh_get_key_if_dict(qn, qpdf_oh_get_key_if_dict(qn, qpdf_get_root(qn), "/AcroForm"), "/Fields");
    strs so = array_items(qo, fo), sn = array_items(qn, fn);
    bool ok = grows_by_signatures(qn, fn, &so, &sn, why, wl, "the form's field list");
    strs_free(&so);
    strs_free(&sn);
    return ok;
}

/* Canonical text of an object's own content; streams add their raw data
 * length and bytes compare separately.  Caller frees. */
static char *own_text(qpdf_data q, qpdf_oh oh)
{
    if (qpdf_oh_is_stream(q, oh))
        return strdup(qpdf_oh_unparse_resolved(q, qpdf_oh_get_dict(q, oh)));
    return strdup(qpdf_oh_unparse_resolved(q, oh));
}

static bool stream_data_equal(qpdf_data qo, qpdf_oh a, qpdf_data qn, qpdf_oh b)
{
    unsigned char *da = NULL, *db = NULL;
    size_t la = 0, lb = 0;
    QPDF_BOOL fa, fb;
    bool eq = !(qpdf_oh_get_stream_data(qo, a, qpdf_dl_none, &fa, &da, &la) & QPDF_ERRORS)
              && !(qpdf_oh_get_stream_data(qn, b, qpdf_dl_none, &fb, &db, &lb) & QPDF_ERRORS)
              && la == lb && (la == 0 || !memcmp(da, db, la));
    free(da);
    free(db);
    return eq;
}

static bool object_change_ok(qpdf_data qo, qpdf_oh o, qpdf_data qn, qpdf_oh n, int id, int root_id, char *why, size_t wl)
{
    if (id == root_id) {
        static const char *const ign[] = { "/AcroForm", "/DSS", NULL };
        if (qpdf_oh_is_dictionary(qn, n) && dicts_equal_except(qo, o, qn, n, ign))
            return true;
        snprintf(why, wl, "the document catalog changed");
        return false;
    }
    if (qpdf_oh_is_dictionary(qo, o) && qpdf_oh_is_dictionary(qn, n) && qpdf_oh_is_name_and_equals(qo, qpdf_oh_get_key(qo, o, "/Type"), "/Page")) {
        static const char *const ign[] = { "/Annots", NULL };
        if (!dicts_equal_except(qo, o, qn, n, ign)) {
            snprintf(why, wl, "page object %d changed", id);
            return false;
        }
        qpdf_oh an = qpdf_oh_get_key(qn, n, "/Annots");
        strs so = array_items(qo, qpdf_oh_get_key(qo, o, "/Annots")), sn = array_items(qn, an);
        bool ok = grows_by_signatures(qn, an, &so, &sn, why, wl, "a page's annotations");
        strs_free(&so);
        strs_free(&sn);
        return ok;
    }
    if (qpdf_oh_is_array(qo, o) && qpdf_oh_is_array(qn, n)) {
        strs so = array_items(qo, o), sn = array_items(qn, n);
        bool ok = grows_by_signatures(qn, n, &so, &sn, why, wl, "an array");
        strs_free(&so);
        strs_free(&sn);
        if (!ok)
            snprintf(why, wl, "object %d changed", id);
        return ok;
    }
    /* The old AcroForm dictionary: its fields are checked as a whole. */
    if (qpdf_oh_is_dictionary(qo, o) && qpdf_oh_is_dictionary(qn, n) && qpdf_oh_has_key(qo, o, "/Fields")) {
        static const char *const ign[] = { "/Fields", "/SigFlags", NULL };
        if (dicts_equal_except(qo, o, qn, n, ign))
            return true;
    }
    snprintf(why, wl, "object %d changed", id);
    return false;
}

bool kk_pdf_only_signatures_after(const unsigned char *data, size_t end, size_t len, char *why, size_t wl)
{
    if (end >= len)
        return true;
    qpdf_data qo = open_quiet(data, end), qn = open_quiet(data, len);
    bool ok = false;
    if (!qo || !qn) {
        snprintf(why, wl, "a revision cannot be read");
        goto out;
    }
    int size = qpdf_oh_get_int_value_as_int(qo, qpdf_oh_get_key(qo, qpdf_get_trailer(qo), "/Size"));
    int root_id = qpdf_oh_get_object_id(qo, qpdf_get_root(qo));
    if (root_id != qpdf_oh_get_object_id(qn, qpdf_get_root(qn))) {
        snprintf(why, wl, "the document catalog was replaced");
        goto out;
    }
    ok = acroform_ok(qo, qn, why, wl);
    for (int id = 1; ok && id < size && id < (1 << 23); id++) {
        qpdf_oh o = qpdf_get_object_by_id(qo, id, 0), n = qpdf_get_object_by_id(qn, id, 0);
        if (qpdf_oh_is_null(qo, o))
            continue;
        char *to = own_text(qo, o), *tn = qpdf_oh_is_null(qn, n) ? NULL : own_text(qn, n);
        bool same = to && tn && !strcmp(to, tn) && qpdf_oh_is_stream(qo, o) == qpdf_oh_is_stream(qn, n)
                    && (!qpdf_oh_is_stream(qo, o) || stream_data_equal(qo, o, qn, n));
        free(to);
        free(tn);
        if (!same && qpdf_oh_is_null(qn, n)) {
            snprintf(why, wl, "object %d was removed", id);
            ok = false;
        } else if (!same && qpdf_oh_is_stream(qo, o)) {
            snprintf(why, wl, "stream object %d changed", id);
            ok = false;
        } else if (!same) {
            ok = object_change_ok(qo, o, qn, n, id, root_id, why, wl);
        }
        qpdf_oh_release_all(qo);
        qpdf_oh_release_all(qn);
    }
out:
    if (qo)
        qpdf_cleanup(&qo);
    if (qn)
        qpdf_cleanup(&qn);
    return ok;
}
