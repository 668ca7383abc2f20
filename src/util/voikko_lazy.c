/*
 * voikko_lazy.c — libvoikko, opened when the first Finnish hyphenator is
 * made (util/lazy.h says why kokous is not linked with it).
 *
 * With its dictionary engine and archive libraries it was a fifth of the
 * libraries every run mapped and relocated, also the runs that never
 * hyphenate Finnish (check, Swedish documents); in a build the first
 * Finnish hyphenator is made on the prefetch thread (hyphenate.h).  These
 * are the libvoikko functions kokous uses, checked against voikko.h.  When
 * the library cannot be opened, voikkoInit fails as it does without a
 * dictionary, and Finnish is not hyphenated.
 */
#include "util/lazy.h"

#include <libvoikko/voikko.h>

/* The Makefile passes the soname of the installed library. */
#ifndef KK_VOIKKO_SONAME
#define KK_VOIKKO_SONAME "libvoikko.so.1"
#endif

/* Reached only through a handle voikkoInit made, so the library is open. */
#define KK_VOIKKO_HANDLE_FUNCTIONS(R, V) \
    R(int, voikkoSetBooleanOption, (struct VoikkoHandle *handle, int option, int value), (handle, option, value)) \
    R(char *, voikkoHyphenateCstr, (struct VoikkoHandle *handle, const char *word), (handle, word)) \
    V(void, voikkoFreeCstr, (char *cstr), (cstr)) \
    V(void, voikkoTerminate, (struct VoikkoHandle *handle), (handle))
#define KK_VOIKKO_FUNCTIONS(R, V) \
    R(struct VoikkoHandle *, voikkoInit, (const char **error, const char *langcode, const char *path), \
      (error, langcode, path)) \
    KK_VOIKKO_HANDLE_FUNCTIONS(R, V)

KK_LAZY_LIBRARY(KK_VOIKKO_FUNCTIONS, KK_VOIKKO_SONAME)

/* Not kk_lazy_function's internal error: without the library Finnish is
 * simply not hyphenated, as without a dictionary. */
struct VoikkoHandle *voikkoInit(const char **error, const char *langcode, const char *path)
{
    if (!kk_lazy_load(&lib)) {
        *error = "cannot open " KK_VOIKKO_SONAME;
        return NULL;
    }
    KK_LAZY_CALL(struct VoikkoHandle *, voikkoInit, (const char **, const char *, const char *))
    return fn(error, langcode, path);
}

KK_LAZY_DEFINE(KK_VOIKKO_HANDLE_FUNCTIONS)
