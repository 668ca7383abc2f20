/*
 * voikko_lazy.c — libvoikko, opened when the first Finnish hyphenator is
 * made (see qpdf_lazy.c for why kokous is not linked with it).
 *
 * With its dictionary engine and archive libraries it was a fifth of the
 * libraries every run mapped and relocated, also the runs that never
 * hyphenate Finnish (check, Swedish documents); in a build the first
 * Finnish hyphenator is made on the prefetch thread (hyphenate.h).  These
 * are the libvoikko functions kokous uses, checked against voikko.h.  When
 * the library cannot be opened, voikkoInit fails as it does without a
 * dictionary, and Finnish is not hyphenated.
 */
#include <dlfcn.h>
#include <glib.h>
#include <libvoikko/voikko.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* The Makefile passes the soname of the installed library. */
#ifndef KK_VOIKKO_SONAME
#define KK_VOIKKO_SONAME "libvoikko.so.1"
#endif

static struct {
    void *init, *set_bool, *hyphenate, *free_cstr, *terminate;
} fn;

static gpointer open_voikko(gpointer unused)
{
    (void)unused;
    void *lib = dlopen(KK_VOIKKO_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib || !(fn.init = dlsym(lib, "voikkoInit")) || !(fn.set_bool = dlsym(lib, "voikkoSetBooleanOption"))
        || !(fn.hyphenate = dlsym(lib, "voikkoHyphenateCstr")) || !(fn.free_cstr = dlsym(lib, "voikkoFreeCstr"))
        || !(fn.terminate = dlsym(lib, "voikkoTerminate")))
        return NULL;
    return &fn;
}

static bool opened(void)
{
    static GOnce once = G_ONCE_INIT;
    return g_once(&once, open_voikko, NULL) != NULL;
}

typedef struct VoikkoHandle *init_fn(const char **, const char *, const char *);
typedef int set_bool_fn(struct VoikkoHandle *, int, int);
typedef char *hyphenate_fn(struct VoikkoHandle *, const char *);
typedef void free_cstr_fn(char *);
typedef void terminate_fn(struct VoikkoHandle *);

/* POSIX: a data pointer holds a function. */
#define KK_FN(type, p, f) \
    type *f;              \
    memcpy(&f, &(p), sizeof f)

struct VoikkoHandle *voikkoInit(const char **error, const char *langcode, const char *path)
{
    if (!opened()) {
        *error = "cannot open " KK_VOIKKO_SONAME;
        return NULL;
    }
    KK_FN(init_fn, fn.init, f);
    return f(error, langcode, path);
}

/* The others are reached only through a handle voikkoInit made. */
int voikkoSetBooleanOption(struct VoikkoHandle *handle, int option, int value)
{
    KK_FN(set_bool_fn, fn.set_bool, f);
    return f(handle, option, value);
}

char *voikkoHyphenateCstr(struct VoikkoHandle *handle, const char *word)
{
    KK_FN(hyphenate_fn, fn.hyphenate, f);
    return f(handle, word);
}

void voikkoFreeCstr(char *cstr)
{
    KK_FN(free_cstr_fn, fn.free_cstr, f);
    f(cstr);
}

void voikkoTerminate(struct VoikkoHandle *handle)
{
    KK_FN(terminate_fn, fn.terminate, f);
    f(handle);
}
