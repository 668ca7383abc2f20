/*
 * lazy.h — libraries kokous opens the first time it calls them, instead of
 * linking them: libqpdf (signing, verifying), libcairo (the fallback
 * canvas).  Every library linked is mapped and relocated by every run, the
 * runs that never call it too, and Debian links each with BIND_NOW.
 *
 * A *_lazy.c file lists the functions it stands in for as an X-macro of
 * R(return type, name, (parameters), (arguments)) and V(...) for void
 * functions, checked by the compiler against the library's own header,
 * defines `static void *real(int which)` (the address of the real
 * function), and then expands KK_LAZY_DEFINE over the list: definitions
 * with the library's names that jump to the real ones.  A function used
 * anywhere else must be added to the list, or the link fails naming it.
 * The executable exports none of these names (no linked library refers
 * to them), so the opened library's calls to itself stay its own.
 */
#ifndef KK_LAZY_H
#define KK_LAZY_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Opens soname and looks up n names into functions[]; false (and
 * functions[] unusable) when the library or one of the names is missing,
 * with dlerror()'s text in *error (static until the next dl* call). */
bool kk_lazy_open(const char *soname, const char *const *names, void **functions, size_t n,
                  const char **error);

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

#endif
