/*
 * lazy.h — libraries kokous opens the first time it calls them, instead of
 * linking them: libqpdf and libcrypto (signing, verifying), libvoikko
 * (Finnish hyphenation), libcairo (the fallback canvas).  Every library
 * linked is mapped and relocated by every run, the runs that never call
 * it too, and Debian links each with BIND_NOW.
 *
 * A *_lazy.c file lists the functions it stands in for as an X-macro of
 * R(return type, name, (parameters), (arguments)) and V(...) for void
 * functions, checked by the compiler against the library's own header;
 * KK_LAZY_LIBRARY(list, soname) makes the file's library `lib` and
 * `real()` from it, and KK_LAZY_DEFINE(list) the definitions with the
 * library's names that jump to the real ones.  A function used
 * anywhere else must be added to the list, or the link fails naming it.
 * The executable exports none of these names (no linked library refers
 * to them), so the opened library's calls to itself stay its own.
 */
#ifndef KK_LAZY_H
#define KK_LAZY_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* A library and the functions looked up in it; a *_lazy.c file has one,
 * static: { soname, names, functions, count, G_ONCE_INIT }. */
typedef struct kk_lazy_lib {
    const char *soname;
    const char *const *names;
    void **functions;           /* filled by the first kk_lazy_load */
    size_t n;
    GOnce once;
} kk_lazy_lib;

/* Opens the library and looks up every name, once (thread-safe); false
 * when the library or one of the names is missing. */
bool kk_lazy_load(kk_lazy_lib *lib);

/* The real function number `which`, loading the library first; when it
 * cannot be loaded kokous stops with an internal error (exit 3): Debian
 * installs the library with kokous, so only a broken installation gets
 * there. */
void *kk_lazy_function(kk_lazy_lib *lib, int which);

#define KK_LAZY_ENUM(ret, name, params, args) KK_LAZY_##name,
#define KK_LAZY_NAME(ret, name, params, args) #name,

#define KK_LAZY_CALL(ret, name, params) \
    ret(*fn) params;                    \
    void *p = real(KK_LAZY_##name);     \
    memcpy(&fn, &p, sizeof p); /* POSIX: a data pointer holds a function */
#define KK_LAZY_R(ret, name, params, args) \
    ret name params                        \
    {                                      \
        KK_LAZY_CALL(ret, name, params)    \
        return fn args;                    \
    }
#define KK_LAZY_V(ret, name, params, args) \
    ret name params                        \
    {                                      \
        KK_LAZY_CALL(ret, name, params)    \
        fn args;                           \
    }
#define KK_LAZY_DEFINE(list) list(KK_LAZY_R, KK_LAZY_V)

/* The file's `static kk_lazy_lib lib` of the functions in `list`, and
 * `real(which)`: their addresses, the library opened on the first call. */
#define KK_LAZY_LIBRARY(list, soname)                                                          \
    enum { list(KK_LAZY_ENUM, KK_LAZY_ENUM) KK_LAZY_COUNT };                                   \
    static const char *const lazy_names[KK_LAZY_COUNT] = { list(KK_LAZY_NAME, KK_LAZY_NAME) }; \
    static void *lazy_functions[KK_LAZY_COUNT];                                                \
    static kk_lazy_lib lib = { soname, lazy_names, lazy_functions, KK_LAZY_COUNT, G_ONCE_INIT }; \
    static void *real(int which) { return kk_lazy_function(&lib, which); }

#endif
