/* stamp.c — build records and dependency fingerprints (see stamp.h). */
#define _POSIX_C_SOURCE 200809L
#include "render/stamp.h"
#include "util/embedded.h"
#include "util/fs.h"
#include "util/hash.h"

#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STAMP_MAGIC "kokous-stamp 1"

struct kk_stamp {
    kk_stamp_entry *v;
    size_t n, cap;
    bool sorted;
};

static void entry_clear(kk_stamp_entry *e)
{
    free(e->path);
    free(e->deps);
    free(e->id);
    for (size_t i = 0; i < e->noutputs; i++)
        free(e->outputs[i].name);
    free(e->outputs);
    *e = (kk_stamp_entry){ 0 };
}

void kk_stamp_free(kk_stamp *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        entry_clear(&s->v[i]);
    free(s->v);
    free(s);
}

static kk_stamp_entry *append(kk_stamp *s)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        kk_stamp_entry *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return NULL;
        s->v = v;
        s->cap = cap;
    }
    s->sorted = false;
    s->v[s->n] = (kk_stamp_entry){ 0 };
    return &s->v[s->n++];
}

static bool add_output(kk_stamp_entry *e, const char *name, long long size)
{
    kk_stamp_output *o = realloc(e->outputs, (e->noutputs + 1) * sizeof *o);
    if (!o)
        return false;
    e->outputs = o;
    char *copy = strdup(name);
    if (!copy)
        return false;
    o[e->noutputs++] = (kk_stamp_output){ copy, size };
    return true;
}

static bool add_dep(kk_stamp_entry *e, const char *dep)
{
    size_t have = e->deps ? strlen(e->deps) : 0, add = strlen(dep);
    char *d = realloc(e->deps, have + add + 2);
    if (!d)
        return false;
    memcpy(d + have, dep, add);
    d[have + add] = '\n';
    d[have + add + 1] = '\0';
    e->deps = d;
    return true;
}

static bool hex_ok(const char *h)
{
    size_t n = 0;
    for (; h[n]; n++)
        if (!((h[n] >= '0' && h[n] <= '9') || (h[n] >= 'a' && h[n] <= 'f')))
            return false;
    return n == KK_HASH_HEX - 1;
}

/* One "key\tvalue..." line into the open record; false = not a stamp. */
static bool parse_line(kk_stamp_entry *e, char *line)
{
    char *tab = strchr(line, '\t');
    if (!tab)
        return false;
    *tab = '\0';
    char *val = tab + 1;
    if (!strcmp(line, "yaml") && hex_ok(val))
        memcpy(e->yaml, val, KK_HASH_HEX);
    else if (!strcmp(line, "env") && hex_ok(val))
        memcpy(e->env, val, KK_HASH_HEX);
    else if (!strcmp(line, "dep"))
        return add_dep(e, val);
    else if (!strcmp(line, "id")) {
        char *t1 = strchr(val, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2 || e->id)
            return false;
        *t1 = '\0';
        e->id_line = (unsigned)strtoul(t1 + 1, NULL, 10);
        e->id_col = (unsigned)strtoul(t2 + 1, NULL, 10);
        return (e->id = strdup(val)) != NULL;
    } else if (!strcmp(line, "out")) {
        char *t = strchr(val, '\t');
        if (!t)
            return false;
        *t = '\0';
        return add_output(e, val, strtoll(t + 1, NULL, 10));
    } else
        return false;
    return true;
}

kk_stamp *kk_stamp_load(const char *file)
{
    kk_stamp *s = calloc(1, sizeof *s);
    FILE *f = s ? fopen(file, "r") : NULL;
    if (!f)
        return s;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    bool ok = (len = getline(&line, &cap, f)) > 0 && !strncmp(line, STAMP_MAGIC "\n", (size_t)len);
    kk_stamp_entry *e = NULL;
    while (ok && (len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        if (!strncmp(line, "doc\t", 4)) {
            ok = !e && (e = append(s)) && (e->path = strdup(line + 4));
        } else if (!strcmp(line, "end")) {
            ok = e && e->id && hex_ok(e->yaml) && hex_ok(e->env);
            e = NULL;
        } else {
            ok = e && parse_line(e, line);
        }
    }
    ok = ok && !e;
    free(line);
    fclose(f);
    if (!ok) {   /* half a stamp is no stamp */
        for (size_t i = 0; i < s->n; i++)
            entry_clear(&s->v[i]);
        s->n = 0;
    }
    return s;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const kk_stamp_entry *)a)->path, ((const kk_stamp_entry *)b)->path);
}

static kk_stamp_entry *find(kk_stamp *s, const char *path)
{
    if (!s->sorted) {
        if (s->n)
            qsort(s->v, s->n, sizeof *s->v, by_path);
        s->sorted = true;
    }
    kk_stamp_entry key = { .path = (char *)path };
    return s->n ? bsearch(&key, s->v, s->n, sizeof *s->v, by_path) : NULL;
}

const kk_stamp_entry *kk_stamp_find(const kk_stamp *s, const char *path)
{
    return find((kk_stamp *)s, path);   /* sorting in place does not change the records */
}

bool kk_stamp_outputs_present(const kk_stamp_entry *e, const char *dir)
{
    char path[4096];
    for (size_t i = 0; i < e->noutputs; i++) {
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->outputs[i].name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (long long)st.st_size != e->outputs[i].size)
            return false;
    }
    return true;
}

static bool clean(const char *s)   /* fits in one stamp field */
{
    return s && !strpbrk(s, "\t\n\r");
}

bool kk_stamp_put(kk_stamp *s, const kk_stamp_entry *e)
{
    kk_stamp_forget(s, e->path);
    if (!clean(e->path) || !clean(e->id))
        return true;   /* not recordable: simply built every time */
    kk_stamp_entry *n = append(s);
    if (!n)
        return false;
    memcpy(n->yaml, e->yaml, KK_HASH_HEX);
    memcpy(n->env, e->env, KK_HASH_HEX);
    n->id_line = e->id_line;
    n->id_col = e->id_col;
    bool ok = (n->path = strdup(e->path)) && (n->id = strdup(e->id))
              && (!e->deps || (n->deps = strdup(e->deps)));
    for (size_t i = 0; ok && i < e->noutputs; i++)
        ok = clean(e->outputs[i].name) && add_output(n, e->outputs[i].name, e->outputs[i].size);
    if (!ok) {
        entry_clear(n);
        s->n--;
    }
    return ok;
}

void kk_stamp_forget(kk_stamp *s, const char *path)
{
    kk_stamp_entry *e = find(s, path);
    if (!e)
        return;
    entry_clear(e);
    s->v[e - s->v] = s->v[--s->n];
    s->sorted = false;
}

bool kk_stamp_save(const kk_stamp *cs, const char *file, kk_diag *diag)
{
    kk_stamp *s = (kk_stamp *)cs;
    find(s, "");   /* sorts */
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) {
        kk_sys_error(diag, file, "out of memory");
        return false;
    }
    fputs(STAMP_MAGIC "\n", m);
    for (size_t i = 0; i < s->n; i++) {
        const kk_stamp_entry *e = &s->v[i];
        fprintf(m, "doc\t%s\nyaml\t%s\nenv\t%s\nid\t%s\t%u\t%u\n", e->path, e->yaml, e->env, e->id, e->id_line, e->id_col);
        for (const char *d = e->deps; d && *d;) {
            const char *nl = strchr(d, '\n');
            size_t l = nl ? (size_t)(nl - d) : strlen(d);
            fprintf(m, "dep\t%.*s\n", (int)l, d);
            d += l + (nl != NULL);
        }
        for (size_t k = 0; k < e->noutputs; k++)
            fprintf(m, "out\t%s\t%lld\n", e->outputs[k].name, e->outputs[k].size);
        fputs("end\n", m);
    }
    bool ok = fclose(m) == 0 && buf;
    ok = ok && kk_write_atomic(file, buf, len, diag);
    free(buf);
    return ok;
}

/* ---- hashing ---- */

bool kk_hash_file(const char *path, char out[KK_HASH_HEX])
{
    size_t len;
    unsigned char *b = kk_read_file(path, 256u << 20, &len);
    if (!b)
        return false;
    bool ok = kk_sha256_hex(b, len, out);
    free(b);
    return ok;
}

typedef struct cached { char *dep, *value; } cached;

struct kk_deps {
    char *styles_dir, *salt;
    cached *v;
    size_t n;
    bool fc_ready;
};

kk_deps *kk_deps_new(const char *styles_dir, const char *salt)
{
    kk_deps *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->salt = strdup(salt);
    d->styles_dir = styles_dir ? strdup(styles_dir) : NULL;
    if (!d->salt || (styles_dir && !d->styles_dir)) {
        kk_deps_free(d);
        return NULL;
    }
    return d;
}

void kk_deps_free(kk_deps *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].dep);
        free(d->v[i].value);
    }
    free(d->v);
    free(d->styles_dir);
    free(d->salt);
    free(d);
}

/* Append to a growing string; on OOM the string becomes NULL. */
static void cat(char **s, const char *fmt, const char *a, const char *b)
{
    if (!*s)
        return;
    size_t have = strlen(*s), add = strlen(fmt) + strlen(a) + strlen(b) + 1;
    char *n = realloc(*s, have + add);
    if (!n) {
        free(*s);
        *s = NULL;
        return;
    }
    snprintf(n + have, add, fmt, a, b);
    *s = n;
}

/* The top-level `extends:` of a style file, for following its chain; a
 * fingerprint that follows a little too much is harmless. */
static void extends_of(const char *text, size_t len, char *out, size_t cap)
{
    out[0] = '\0';
    for (size_t i = 0; i + 8 < len; i++) {
        if ((i == 0 || text[i - 1] == '\n') && !strncmp(text + i, "extends:", 8)) {
            const char *p = text + i + 8;
            while (*p == ' ' || *p == '"' || *p == '\'')
                p++;
            size_t n = 0;
            while (n + 1 < cap && p[n] && !strchr(" \t\r\n\"'#", p[n]))
                n++;
            memcpy(out, p, n);
            out[n] = '\0';
            return;
        }
    }
}

/* A file's bytes from disk, else the built-in copy; the hash and which. */
static void file_value(char **v, const char *path, const char *builtin, char *ext, size_t extcap)
{
    size_t len;
    unsigned char *b = path ? kk_read_file(path, 256u << 20, &len) : NULL;
    char hex[KK_HASH_HEX];
    if (b) {
        if (!kk_sha256_hex(b, len, hex))
            strcpy(hex, "?");   /* out of memory: never equal to a real hash */
        cat(v, "%s=%s;", path, hex);
        if (ext)
            extends_of((const char *)b, len, ext, extcap);
        free(b);
        return;
    }
    const kk_embedded_file *f = builtin ? kk_embedded_find_file(builtin) : NULL;
    if (f) {
        if (!kk_sha256_hex(f->data, f->len, hex))
            strcpy(hex, "?");
        cat(v, "%s=%s;", builtin, hex);
        if (ext)
            extends_of(f->data, f->len, ext, extcap);
        return;
    }
    cat(v, "%s=%s;", path ? path : builtin, "missing");
    if (ext)
        ext[0] = '\0';
}

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void style_value(kk_deps *d, char **v, const char *name)
{
    char want[128], path[4096], builtin[256];
    size_t l = strlen(name);
    if (l >= sizeof want)
        l = sizeof want - 1;   /* style names are at most 64 characters */
    memcpy(want, name, l);
    want[l] = '\0';
    for (int depth = 0; want[0] && depth < 16; depth++) {
        const char *dirs[] = { d->styles_dir, "styles" };
        const char *found = NULL;
        for (size_t i = 0; i < 2 && !found; i++) {
            if (!dirs[i])
                continue;
            snprintf(path, sizeof path, "%s/%s.yaml", dirs[i], want);
            if (exists(path))
                found = path;
        }
        snprintf(builtin, sizeof builtin, "styles/%s.yaml", want);
        file_value(v, found, found ? NULL : builtin, want, sizeof want);
    }
}

static void font_value(kk_deps *d, char **v, const char *family)
{
    if (!d->fc_ready)
        d->fc_ready = FcInit();
    static const int weights[2] = { FC_WEIGHT_REGULAR, FC_WEIGHT_BOLD };
    static const int slants[2] = { FC_SLANT_ROMAN, FC_SLANT_ITALIC };
    for (int w = 0; w < 2; w++)
        for (int s = 0; s < 2; s++) {
            FcPattern *p = FcPatternCreate();
            if (!p) {
                cat(v, "%s%s", "?", "");
                continue;
            }
            FcPatternAddString(p, FC_FAMILY, (const FcChar8 *)family);
            FcPatternAddInteger(p, FC_WEIGHT, weights[w]);
            FcPatternAddInteger(p, FC_SLANT, slants[s]);
            FcConfigSubstitute(NULL, p, FcMatchPattern);
            FcDefaultSubstitute(p);
            FcResult r;
            FcPattern *m = FcFontMatch(NULL, p, &r);
            FcChar8 *file = NULL;
            char info[96] = "none";
            if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) {
                struct stat st;
                if (stat((const char *)file, &st) == 0)
                    snprintf(info, sizeof info, "%lld:%lld.%09ld", (long long)st.st_size,
                             (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
            }
            cat(v, "%s@%s;", file ? (const char *)file : "none", info);
            if (m)
                FcPatternDestroy(m);
            FcPatternDestroy(p);
        }
}

static const char *resolve(kk_deps *d, const char *dep)
{
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->v[i].dep, dep))
            return d->v[i].value;
    char *v = strdup("");
    if (!strncmp(dep, "style ", 6))
        style_value(d, &v, dep + 6);
    else if (!strncmp(dep, "logo ", 5))
        file_value(&v, dep + 5, dep + 5, NULL, 0);
    else if (!strncmp(dep, "font ", 5))
        font_value(d, &v, dep + 5);
    else if (!strncmp(dep, "exists ", 7))
        cat(&v, "%s%s", exists(dep + 7) ? "yes" : "no", "");
    else if (!strncmp(dep, "root ", 5))
        cat(&v, "%s%s", "", "");
    else
        cat(&v, "%s%s", "unknown", "");
    cached *n = v ? realloc(d->v, (d->n + 1) * sizeof *n) : NULL;
    char *key = n ? strdup(dep) : NULL;
    if (!key) {
        if (n)
            d->v = n;
        free(v);
        return NULL;
    }
    d->v = n;
    d->v[d->n++] = (cached){ key, v };
    return v;
}

bool kk_deps_env(kk_deps *d, const char *deps, char out[KK_HASH_HEX])
{
    kk_sha256 *h = kk_sha256_new();
    if (!h)
        return false;
    kk_sha256_update(h, d->salt, strlen(d->salt) + 1);
    bool ok = true;
    char dep[1024];
    for (const char *p = deps; ok && p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        snprintf(dep, sizeof dep, "%.*s", (int)(l < sizeof dep ? l : sizeof dep - 1), p);
        p += l + (nl != NULL);
        const char *v = resolve(d, dep);
        ok = v != NULL;
        if (ok) {
            kk_sha256_update(h, dep, strlen(dep) + 1);
            kk_sha256_update(h, v, strlen(v) + 1);
        }
    }
    char hex[KK_SHA256_HEX];
    ok = kk_sha256_finish(h, hex) && ok;
    if (ok)
        memcpy(out, hex, KK_HASH_HEX);
    return ok;
}
