/*
 * cairo_lazy.h — libcairo, opened when a document first needs the Cairo
 * canvas (layout/canvas.h: a font the PDF canvas cannot embed, or
 * KOKOUS_CAIRO_PDF).  kokous is not linked with Cairo: with pixman and
 * the X11 client libraries it brings it was 13 of the 50 libraries every
 * run mapped and relocated, ~2 ms of a one-document build (docs/performance.md).
 */
#ifndef KK_CAIRO_LAZY_H
#define KK_CAIRO_LAZY_H

#include <stdbool.h>

/* The Makefile passes the soname of the installed library. */
#ifndef KK_CAIRO_SONAME
#define KK_CAIRO_SONAME "libcairo.so.2"
#endif

/* Opens libcairo (once; thread-safe).  false when it cannot be opened:
 * no cairo_* function may then be called. */
bool kk_cairo_open(void);

#endif
