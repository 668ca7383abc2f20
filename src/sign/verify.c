/*
 * verify.c — kk_sign_verify_pdf: list and check every signature of a PDF.
 */
#define _POSIX_C_SOURCE 200809L
#include "sign/sign_int.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sig {
    char *field, *name, *reason, *when, *subfilter;
    long long br[4];
    int nbr;
    unsigned char *contents;
    size_t clen;
} sig;

typedef struct sigs { sig *v; size_t n, cap; } sigs;

static char *dup_text(qpdf_data q, qpdf_oh d, const char *key)
{
    qpdf_oh v = qpdf_oh_get_key_if_dict(q, d, key);
    if (qpdf_oh_is_string(q, v))
        return strdup(qpdf_oh_get_utf8_value(q, v));
    if (qpdf_oh_is_name(q, v))
        return strdup(qpdf_oh_get_name(q, v));
    return NULL;
}

static void add_sig(qpdf_data q, qpdf_oh field, const char *name, qpdf_oh v, sigs *out)
{
    if (out->n == out->cap) {
        sig *nv = realloc(out->v, (out->cap = out->cap ? 2 * out->cap : 8) * sizeof *nv);
        if (!nv)
            return;
        out->v = nv;
    }
    sig *s = &out->v[out->n++];
    memset(s, 0, sizeof *s);
    (void)field;
    s->field = strdup(name);
    s->name = dup_text(q, v, "/Name");
    s->reason = dup_text(q, v, "/Reason");
    s->when = dup_text(q, v, "/M");
    s->subfilter = dup_text(q, v, "/SubFilter");
    qpdf_oh br = qpdf_oh_get_key(q, v, "/ByteRange");
    s->nbr = qpdf_oh_is_array(q, br) ? qpdf_oh_get_array_n_items(q, br) : 0;
    for (int i = 0; i < s->nbr && i < 4; i++) {
        qpdf_oh x = qpdf_oh_get_array_item(q, br, i);
        s->br[i] = qpdf_oh_is_integer(q, x) ? qpdf_oh_get_int_value(q, x) : -1;
    }
    qpdf_oh c = qpdf_oh_get_key(q, v, "/Contents");
    if (qpdf_oh_is_string(q, c)) {
        size_t n = 0;
        const char *b = qpdf_oh_get_binary_string_value(q, c, &n);
        if ((s->contents = malloc(n ? n : 1))) {
            memcpy(s->contents, b, n);
            s->clen = n;
        }
    }
}

static void walk_fields(qpdf_data q, qpdf_oh arr, const char *prefix, bool sig_inherited, int depth, sigs *out)
{
    int n = qpdf_oh_is_array(q, arr) ? qpdf_oh_get_array_n_items(q, arr) : 0;
    for (int i = 0; i < n && depth < 16; i++) {
        qpdf_oh f = qpdf_oh_get_array_item(q, arr, i);
        if (!qpdf_oh_is_dictionary(q, f))
            continue;
        char *t = dup_text(q, f, "/T");
        char name[512];
        int w = snprintf(name, sizeof name, "%s%s%s", prefix, *prefix && t ? "." : "", t ? t : "");
        if (w < 0 || (size_t)w >= sizeof name)
            memcpy(name + sizeof name - 4, "...", 4);   /* a display name: shortened, said so */
        free(t);
        qpdf_oh ft = qpdf_oh_get_key(q, f, "/FT");
        bool is_sig = qpdf_oh_is_null(q, ft) ? sig_inherited : qpdf_oh_is_name_and_equals(q, ft, "/Sig");
        qpdf_oh v = qpdf_oh_get_key(q, f, "/V");
        if (is_sig && qpdf_oh_is_dictionary(q, v))
            add_sig(q, f, name, v, out);
        walk_fields(q, qpdf_oh_get_key(q, f, "/Kids"), name, is_sig, depth + 1, out);
    }
}

static void sigs_free(sigs *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].field);
        free(s->v[i].name);
        free(s->v[i].reason);
        free(s->v[i].when);
        free(s->v[i].subfilter);
        free(s->v[i].contents);
    }
    free(s->v);
}

static long long sig_end(const sig *s)
{
    return s->nbr == 4 ? s->br[2] + s->br[3] : 0;
}

static int by_end(const void *a, const void *b)
{
    long long x = sig_end(a), y = sig_end(b);
    return (x > y) - (x < y);
}

/* Offsets just past each "%%EOF" line: the ends of the revisions. */
static size_t revision_ends(const unsigned char *d, size_t len, size_t *ends, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i + 5 <= len && n < max; i++)
        if (d[i] == '%' && !memcmp(d + i, "%%EOF", 5)) {
            size_t e = i + 5;
            if (e < len && d[e] == '\r')
                e++;
            if (e < len && d[e] == '\n')
                e++;
            ends[n++] = e;
            i = e - 1;
        }
    return n;
}

/* The byte range is well-formed and its gap is exactly this /Contents. */
static bool gap_ok(const sig *s, const unsigned char *d, size_t len, char *why, size_t wl)
{
    if (s->nbr != 4 || s->br[0] != 0 || s->br[1] <= 0 || s->br[2] <= s->br[1] || s->br[3] < 0
        || (unsigned long long)(s->br[2] + s->br[3]) > len) {
        snprintf(why, wl, "malformed /ByteRange");
        return false;
    }
    size_t a = (size_t)s->br[1], b = (size_t)s->br[2];
    if (d[a] != '<' || d[b - 1] != '>' || (b - a - 2) % 2 || (b - a - 2) / 2 < s->clen) {
        snprintf(why, wl, "the unsigned gap is not the /Contents string");
        return false;
    }
    for (size_t i = a + 1; i + 1 < b - 1; i += 2) {
        int hi = g_ascii_xdigit_value(d[i]), lo = g_ascii_xdigit_value(d[i + 1]);
        size_t k = (i - a - 1) / 2;
        if (hi < 0 || lo < 0 || (k < s->clen ? s->contents[k] : 0) != (unsigned char)(hi * 16 + lo)) {
            snprintf(why, wl, "the unsigned gap is not the /Contents string");
            return false;
        }
    }
    return true;
}

static void print_time(const char *m)
{
    int y, mo, d, h = 0, mi = 0, s = 0;
    if (m && sscanf(m, "D:%4d%2d%2d%2d%2d%2d", &y, &mo, &d, &h, &mi, &s) >= 3) {
        const char *tz = m + 2;
        while (*tz >= '0' && *tz <= '9')
            tz++;
        printf("%04d-%02d-%02d %02d:%02d:%02d%s%s\n", y, mo, d, h, mi, s, *tz == 'Z' ? " UTC" : *tz ? " " : "",
               *tz == 'Z' ? "" : tz);
    } else {
        printf("%s\n", m ? m : "(not given)");
    }
}

bool kk_sign_verify_pdf(const char *path, kk_diag *diag)
{
    return kk_sign_verify_pdf_ca(path, NULL, diag);
}

bool kk_sign_verify_pdf_ca(const char *path, const char *ca_file, kk_diag *diag)
{
    ca_file = kk_sign_ca_file(ca_file);
    size_t len;
    unsigned char *data = kk_sign_read_file(path, &len, diag);
    if (!data)
        return false;
    if (len < 8 || memcmp(data, "%PDF-", 5)) {
        kk_error(diag, path, 0, 0, "not a PDF file (it does not start with %%PDF-)");
        free(data);
        return false;
    }
    X509_STORE *store = ca_file ? kk_sign_trust_store(ca_file, diag) : NULL;
    qpdf_data q = (!ca_file || store) ? kk_pdf_open(path, data, len, diag) : NULL;
    if (!q) {
        X509_STORE_free(store);
        free(data);
        return false;
    }
    sigs all = { 0 };
    walk_fields(q, qpdf_oh_get_key_if_dict(q, qpdf_oh_get_key_if_dict(q, qpdf_get_root(q), "/AcroForm"), "/Fields"), "",
                false, 0, &all);
    qpdf_cleanup(&q);
    if (all.n > 1)
        qsort(all.v, all.n, sizeof *all.v, by_end);
    size_t ends[256];
    size_t nrev = revision_ends(data, len, ends, 256);
    size_t last_end = nrev ? ends[nrev - 1] : len;
    size_t bad = 0;
    printf("%s: %zu signature%s, %zu revision%s\n", path, all.n, all.n == 1 ? "" : "s", nrev, nrev == 1 ? "" : "s");
    for (size_t i = 0; i < all.n; i++) {
        const sig *s = &all.v[i];
        char why[512] = "";
        bool ok = gap_ok(s, data, len, why, sizeof why);
        size_t end = ok ? (size_t)sig_end(s) : 0, rev = 0;
        for (size_t r = 0; ok && r < nrev; r++)
            if (ends[r] == end)
                rev = r + 1;
        kk_cms_check c = { 0 };
        if (ok) {
            size_t a = (size_t)s->br[1], b = (size_t)s->br[2];
            unsigned char *range = malloc(end - (b - a) + 1);
            if (range) {
                memcpy(range, data, a);
                memcpy(range + a, data + b, end - b);
                kk_cms_verify_detached(s->contents, s->clen, range, end - (b - a), store, &c);
                free(range);
            }
            if (!c.digest_ok) {
                ok = false;
                snprintf(why, sizeof why, "%s", c.error[0] ? c.error : "cannot check the CMS signature");
            } else if (c.cert_checked && !c.cert_ok) {
                ok = false;
                snprintf(why, sizeof why, "%s", c.error);
            }
        }
        char later[200] = "";
        bool later_ok = ok && rev && kk_pdf_only_signatures_after(data, end, len, later, sizeof later);
        if (ok && !rev) {
            ok = false;
            snprintf(why, sizeof why, "the signed range does not end at the end of a revision");
        } else if (ok && !later_ok) {
            ok = false;
            snprintf(why, sizeof why, "a later revision changed the document: %s", later);
        }
        printf("%zu. field %s: %s\n", i + 1, s->field, ok ? "valid" : "NOT VALID");
        printf("   signer:      %s", s->name ? s->name : "(no /Name)");
        if (c.signer)
            printf(" (certificate: %s)", c.signer);
        printf("\n   role:        %s\n   time:        ", s->reason ? s->reason : "(no /Reason)");
        print_time(s->when);
        if (rev)
            printf("   covers:      bytes 0-%zu, revision %zu of %zu%s\n", end, rev, nrev,
                   end >= last_end ? " (the whole document)" : "");
        else
            printf("   covers:      %s\n", ok || s->nbr == 4 ? "not a whole revision" : "unknown");
        if (rev)
            printf("   later:       %s\n", end >= last_end ? "no later changes"
                                           : later_ok ? "only further signatures" : later);
        printf("   format:      %s%s\n", s->subfilter ? s->subfilter : "(no /SubFilter)",
               c.has_signing_cert_v2 ? ", signingCertificateV2" : "");
        printf("   certificate: %s\n", !c.digest_ok ? "-" : c.cert_checked ? (c.cert_ok ? "trusted" : "NOT trusted")
                                                     : "not checked (no trust anchors: --ca FILE)");
        if (!ok) {
            printf("   problem:     %s\n", why);
            kk_error(diag, path, 0, 0, "signature '%s' is not valid: %s", s->field, why);
            bad++;
        }
        free(c.signer);
    }
    if (all.n == 0)
        kk_error(diag, path, 0, 0, "the PDF has no signatures");
    bool valid = all.n > 0 && bad == 0;
    sigs_free(&all);
    X509_STORE_free(store);
    free(data);
    return valid;
}
