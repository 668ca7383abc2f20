/* tar.c — packages as plain POSIX ustar, written and read without a tar
 * program: names sorted, fixed mtime, owner 0, so the same package gives
 * the same bytes.  Also reads a package folder into the same in-memory
 * form, so verify has one code path for both. */
#define _XOPEN_SOURCE 700
#include "archive/archive_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BLOCK 512
#define RECORD (20 * BLOCK)
#define MAX_ENTRIES 100000

/* ---- collecting a folder ---- */

typedef struct { char **v; size_t n, cap; } names;

static bool push(names *s, char *name)
{
    if (!name)
        return false;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            free(name);
            return false;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = name;
    return true;
}

/* Relative paths under `base`/`rel`: folders end with '/'.  Symbolic links
 * and other special files are refused: a package holds plain files. */
static bool walk(const char *base, const char *rel, names *out, kk_diag *diag)
{
    char *dir = *rel ? kk_arc_join(base, rel) : strdup(base);
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d) {
        kk_sys_error(diag, dir ? dir : base, "cannot read the folder: %s", strerror(errno));
        free(dir);
        return false;
    }
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t len = strlen(rel) + strlen(e->d_name) + 3;
        char *r = malloc(len);
        if (!r) {
            ok = false;
            break;
        }
        snprintf(r, len, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        char *full = kk_arc_join(base, r);
        struct stat st;
        if (!full || lstat(full, &st) != 0) {
            kk_sys_error(diag, full ? full : r, "cannot stat: %s", strerror(errno));
            ok = false;
        } else if (S_ISDIR(st.st_mode)) {
            char *slash = malloc(strlen(r) + 2);
            if (slash)
                snprintf(slash, strlen(r) + 2, "%s/", r);
            ok = push(out, slash) && walk(base, r, out, diag);
        } else if (S_ISREG(st.st_mode)) {
            ok = push(out, strdup(r));
        } else {
            kk_error(diag, full, 0, 0, "not a plain file or folder (a link?): a package holds only plain files");
            ok = false;
        }
        free(full);
        free(r);
    }
    closedir(d);
    free(dir);
    return ok;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- writing ---- */

/* `width - 1` octal digits and a NUL; values too large keep their low
 * digits (callers stay far below: sizes of package files, 11 digits). */
static void octal(char *field, size_t width, unsigned long long v)
{
    field[width - 1] = 0;
    for (size_t i = width - 1; i-- > 0; v >>= 3)
        field[i] = (char)('0' + (v & 7));
}

/* ustar splits long names at a '/' into prefix (155) and name (100). */
static bool set_name(unsigned char *h, const char *name)
{
    size_t len = strlen(name);
    if (len <= 100) {
        memcpy(h, name, len);
        return true;
    }
    for (size_t cut = len; cut-- > 0;) {
        if (name[cut] == '/' && cut <= 155 && len - cut - 1 <= 100 && len - cut - 1 > 0) {
            memcpy(h + 345, name, cut);
            memcpy(h, name + cut + 1, len - cut - 1);
            return true;
        }
    }
    return false;
}

static bool header(FILE *out, const char *name, bool dir, unsigned long long size, long long mtime)
{
    unsigned char h[BLOCK] = { 0 };
    if (!set_name(h, name))
        return false;
    octal((char *)h + 100, 8, dir ? 0755 : 0644);
    octal((char *)h + 108, 8, 0);
    octal((char *)h + 116, 8, 0);
    octal((char *)h + 124, 12, size);
    octal((char *)h + 136, 12, (unsigned long long)(mtime < 0 ? 0 : mtime));
    memset(h + 148, ' ', 8);
    h[156] = dir ? '5' : '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    unsigned sum = 0;
    for (size_t i = 0; i < BLOCK; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    h[155] = ' ';
    return fwrite(h, 1, BLOCK, out) == BLOCK;
}

bool kk_arc_tar_write(const char *dir, const char *top, const char *out_path, long long mtime, kk_diag *diag)
{
    names list = { 0 };
    bool ok = walk(dir, "", &list, diag);
    qsort(list.v, list.n, sizeof *list.v, cmp_str);
    FILE *out = ok ? fopen(out_path, "wb") : NULL;
    if (ok && !out) {
        kk_sys_error(diag, out_path, "cannot write: %s", strerror(errno));
        ok = false;
    }
    unsigned long long written = 0;
    if (ok) {
        char name[1024];
        snprintf(name, sizeof name, "%s/", top);
        ok = header(out, name, true, 0, mtime);
        written += BLOCK;
    }
    for (size_t i = 0; ok && i < list.n; i++) {
        const char *r = list.v[i];
        bool is_dir = r[strlen(r) - 1] == '/';
        char name[1024];
        snprintf(name, sizeof name, "%s/%s", top, r);
        size_t len = 0;
        unsigned char *data = NULL;
        if (!is_dir) {
            char *full = kk_arc_join(dir, r);
            data = full ? kk_arc_read_file(full, &len, diag) : NULL;
            free(full);
            if (!data) {
                ok = false;
                break;
            }
        }
        if (!header(out, name, is_dir, len, mtime)) {
            kk_sys_error(diag, name, "name too long for a ustar archive");
            ok = false;
        } else if (len) {
            static const unsigned char zero[BLOCK];
            size_t pad = (BLOCK - len % BLOCK) % BLOCK;
            ok = fwrite(data, 1, len, out) == len && fwrite(zero, 1, pad, out) == pad;
        }
        written += BLOCK + len + (BLOCK - len % BLOCK) % BLOCK;
        free(data);
    }
    if (ok) {
        /* two zero blocks end the archive; pad to whole 10 KiB records as
         * tar programs do */
        unsigned long long total = written + 2 * BLOCK;
        total = (total + RECORD - 1) / RECORD * RECORD;
        for (unsigned long long z = written; ok && z < total; z += BLOCK) {
            static const unsigned char zero[BLOCK];
            ok = fwrite(zero, 1, BLOCK, out) == BLOCK;
        }
    }
    if (out && fclose(out) != 0)
        ok = false;
    if (!ok && out)
        kk_sys_error(diag, out_path, "write error");
    for (size_t i = 0; i < list.n; i++)
        free(list.v[i]);
    free(list.v);
    return ok;
}

/* ---- reading ---- */

static bool tree_add(kk_arc_tree *t, char *path, unsigned char *data, size_t len)
{
    if (!path || !data) {
        free(path);
        free(data);
        return false;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        kk_arc_entry *v = realloc(t->v, cap * sizeof *v);
        if (!v) {
            free(path);
            free(data);
            return false;
        }
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = (kk_arc_entry){ path, data, len };
    return true;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const kk_arc_entry *)a)->path, ((const kk_arc_entry *)b)->path);
}

void kk_arc_tree_free(kk_arc_tree *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].path);
        free(t->v[i].data);
    }
    free(t->v);
    free(t->label);
    memset(t, 0, sizeof *t);
}

const kk_arc_entry *kk_arc_tree_find(const kk_arc_tree *t, const char *path)
{
    kk_arc_entry key = { (char *)path, NULL, 0 };
    return t->n ? bsearch(&key, t->v, t->n, sizeof *t->v, cmp_entry) : NULL;
}

bool kk_arc_tree_from_dir(const char *path, kk_arc_tree *t, kk_diag *diag)
{
    names list = { 0 };
    bool ok = walk(path, "", &list, diag);
    for (size_t i = 0; ok && i < list.n; i++) {
        if (list.v[i][strlen(list.v[i]) - 1] == '/')
            continue;
        char *full = kk_arc_join(path, list.v[i]);
        size_t len = 0;
        unsigned char *data = full ? kk_arc_read_file(full, &len, diag) : NULL;
        free(full);
        ok = data && tree_add(t, strdup(list.v[i]), data, len);
    }
    for (size_t i = 0; i < list.n; i++)
        free(list.v[i]);
    free(list.v);
    t->label = strdup(path);
    if (ok)
        qsort(t->v, t->n, sizeof *t->v, cmp_entry);
    return ok && t->label;
}

static unsigned long long parse_octal(const unsigned char *f, size_t width, bool *bad)
{
    unsigned long long v = 0;
    size_t i = 0;
    while (i < width && f[i] == ' ')
        i++;
    for (; i < width && f[i] >= '0' && f[i] <= '7'; i++) {
        if (v > (~0ULL >> 3)) {
            *bad = true;
            return 0;
        }
        v = v * 8 + (unsigned)(f[i] - '0');
    }
    if (i < width && f[i] != 0 && f[i] != ' ')
        *bad = true;
    return v;
}

static bool safe_name(const char *name)
{
    if (!*name || name[0] == '/')
        return false;
    for (const char *s = name; s; s = strchr(s, '/')) {
        if (*s == '/')
            s++;
        if (!strncmp(s, "..", 2) && (s[2] == '/' || !s[2]))
            return false;
    }
    return true;
}

/* Every member must sit under one top folder (the package id), which is
 * stripped: the tree holds package-relative paths. */
bool kk_arc_tree_from_tar(const char *path, kk_arc_tree *t, kk_diag *diag)
{
    size_t len = 0;
    unsigned char *buf = kk_arc_read_file(path, &len, diag);
    if (!buf)
        return false;
    t->label = strdup(path);
    char top[256] = "";
    bool ok = t->label != NULL;
    size_t off = 0;
    while (ok && off + BLOCK <= len) {
        const unsigned char *h = buf + off;
        bool zero = true;
        for (size_t i = 0; i < BLOCK && zero; i++)
            zero = h[i] == 0;
        if (zero)
            break;
        bool bad = false;
        unsigned long long size = parse_octal(h + 124, 12, &bad);
        unsigned long long sum = parse_octal(h + 148, 8, &bad);
        unsigned actual = 0;
        for (size_t i = 0; i < BLOCK; i++)
            actual += (i >= 148 && i < 156) ? ' ' : h[i];
        char name[300];
        snprintf(name, sizeof name, "%.*s%s%.*s", h[345] ? 155 : 0, (const char *)h + 345, h[345] ? "/" : "", 100,
                 (const char *)h);
        if (bad || sum != actual || memcmp(h + 257, "ustar", 5)) {
            kk_error(diag, path, 0, 0, "damaged tar header at byte %zu", off);
            ok = false;
            break;
        }
        if (size > len - off - BLOCK || t->n >= MAX_ENTRIES) {
            kk_error(diag, path, 0, 0, "%s: truncated tar member", name);
            ok = false;
            break;
        }
        char type = (char)h[156];
        const char *slash = strchr(name, '/');
        size_t toplen = slash ? (size_t)(slash - name) : strlen(name);
        if (!*top && toplen < sizeof top)
            snprintf(top, sizeof top, "%.*s", (int)toplen, name);
        if (!safe_name(name) || !slash || toplen != strlen(top) || strncmp(name, top, toplen)) {
            kk_error(diag, path, 0, 0, "%s: member outside the package folder '%s/'", name, top);
            ok = false;
        } else if (type == '0' || type == 0) {
            unsigned char *data = malloc(size + 1);
            if (data) {
                memcpy(data, h + BLOCK, size);
                data[size] = 0;
            }
            ok = tree_add(t, strdup(slash + 1), data, size);
            if (!ok)
                kk_sys_error(diag, path, "out of memory");
        } else if (type != '5') {
            kk_error(diag, path, 0, 0, "%s: not a plain file or folder (tar type '%c')", name, type);
            ok = false;
        }
        off += BLOCK + (size + BLOCK - 1) / BLOCK * BLOCK;
    }
    free(buf);
    if (ok) {
        qsort(t->v, t->n, sizeof *t->v, cmp_entry);
        for (size_t i = 1; i < t->n && ok; i++)
            if (!strcmp(t->v[i].path, t->v[i - 1].path)) {
                kk_error(diag, path, 0, 0, "%s/%s: twice in the archive", top, t->v[i].path);
                ok = false;
            }
    }
    return ok;
}
