/* inputs.c — which files are documents: PATHs expanded (see inputs.h). */
#define _POSIX_C_SOURCE 200809L
#include "load/inputs.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct list { kk_input *v; size_t n, cap; } list;

static bool add(list *l, const char *path, const char *root)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        kk_input *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return false;
        l->v = v;
        l->cap = cap;
    }
    char *p = strdup(path), *r = strdup(root);
    if (!p || !r) {
        free(p);
        free(r);
        return false;
    }
    l->v[l->n++] = (kk_input){ p, r };
    return true;
}

static bool is_yaml(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, so that batches (and their output) do not depend on the order
 * the file system happens to list. */
static bool walk(list *l, const char *dir, const char *root, int depth, kk_diag *diag)
{
    if (depth > 64) {
        kk_sys_error(diag, dir, "folders nested too deep");
        return false;
    }
    DIR *d = opendir(dir);
    if (!d) {
        kk_sys_error(diag, dir, "cannot open folder: %s", strerror(errno));
        return false;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    bool ok = true;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;   /* ., .., and hidden files such as editor backups */
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **v = realloc(names, cap * sizeof *v);
            if (!v) { ok = false; break; }
            names = v;
        }
        if (!(names[n] = strdup(e->d_name))) { ok = false; break; }
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *p = malloc(len);
        if (p) {
            snprintf(p, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
            struct stat st;
            if (ok && stat(p, &st) == 0) {
                if (S_ISDIR(st.st_mode))
                    ok = walk(l, p, root, depth + 1, diag) && ok;
                else if (S_ISREG(st.st_mode) && is_yaml(names[i]))
                    ok = add(l, p, root) && ok;
            }
            free(p);
        }
        free(names[i]);
    }
    free(names);
    return ok;
}

bool kk_collect_inputs(char *const *paths, int npaths, kk_input **out, size_t *n, kk_diag *diag)
{
    list l = { 0 };
    bool ok = true;
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            kk_sys_error(diag, paths[i], "no such file or folder");
            ok = false;
        } else if (S_ISDIR(st.st_mode)) {
            ok = walk(&l, paths[i], paths[i], 0, diag) && ok;
        } else {
            /* a single file: its own folder is the input tree */
            char *dir = strdup(paths[i]);
            char *slash = dir ? strrchr(dir, '/') : NULL;
            if (slash)
                slash[slash == dir ? 1 : 0] = '\0';
            ok = add(&l, paths[i], slash ? dir : ".") && ok;
            free(dir);
        }
    }
    *out = l.v;
    *n = l.n;
    return ok;
}

void kk_inputs_free(kk_input *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].path);
        free(v[i].root);
    }
    free(v);
}

