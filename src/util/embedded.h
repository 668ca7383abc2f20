/*
 * embedded.h — data files compiled into the binary (schemas, built-in
 * styles and locales), so kokous needs no installed data to run.
 */
#ifndef KK_EMBEDDED_H
#define KK_EMBEDDED_H

#include <stddef.h>

typedef struct kk_embedded_file {
    const char *path;   /* repo-relative, e.g. "schema/kokous.xsd" */
    const char *data;   /* NUL-terminated (the NUL is not counted in len) */
    size_t len;
} kk_embedded_file;

extern const kk_embedded_file kk_embedded_files[];   /* ends with {0} */

/* The file at `path`, or NULL.  Borrowed, static. */
const kk_embedded_file *kk_embedded_find(const char *path);

/* The same for a path that may have been made absolute against the working
 * folder (a built-in style's logo: styles/logos/X.png read from anywhere). */
const kk_embedded_file *kk_embedded_find_file(const char *path);

#endif
