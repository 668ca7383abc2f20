/*
 * stamp.h — what a build made from what, so that a rebuild can skip the
 * documents whose inputs have not changed.
 *
 * Promise: the stamp file (DIR/.kokous-stamp, or DIR/.kokous-stamp-K-of-N
 * for a shard, so shards sharing one folder never write the same file)
 * holds one record per document built: the input path, the SHA-256 of its
 * YAML bytes, the SHA-256 "environment" of everything else it was made
 * from, its id and the output files it wrote with their sizes.  The
 * environment covers the kokous version and binary, the build options, and
 * each dependency the worker recorded:
 *     style NAME     the bytes of the style file kokous would pick now
 *                    (--styles DIR, ./styles, built in) and of the styles
 *                    it extends
 *     logo PATH      the bytes of the logo
 *     font FAMILY    the font files fontconfig picks now for the family
 *                    (regular, bold, italic, bold italic): path, size, mtime
 * A document is up to date when its record exists, both hashes match what
 * they would be now, and every output file exists with the recorded size.
 * Anything unreadable or unknown in a stamp only means "rebuild": a stamp
 * can make a build slower, never wrong.  The file is written atomically and
 * sorted by input path, so it too is deterministic.
 */
#ifndef KK_STAMP_H
#define KK_STAMP_H

#include <stdbool.h>
#include <stddef.h>
#include "util/diag.h"
#include "util/hash.h"

enum { KK_HASH_HEX = KK_SHA256_HEX };   /* a SHA-256 in hex (util/hash.h) */

typedef struct kk_stamp_output { char *name; long long size; } kk_stamp_output;

typedef struct kk_stamp_entry {
    char *path;                    /* input path, as found on the command line */
    char yaml[KK_HASH_HEX];        /* SHA-256 of the YAML bytes */
    char env[KK_HASH_HEX];         /* kk_deps_env of `deps` */
    char *deps;                    /* "style default\nfont DejaVu Sans\n..." */
    char *id;
    unsigned id_line, id_col;      /* where the id is (duplicate-id errors) */
    kk_stamp_output *outputs;
    size_t noutputs;
} kk_stamp_entry;

typedef struct kk_stamp kk_stamp;

/* The records of `file`; an empty stamp when it is missing or not a stamp.
 * NULL only on allocation failure.  Caller frees. */
kk_stamp *kk_stamp_load(const char *file);
void kk_stamp_free(kk_stamp *s);

/* The record for an input path, or NULL.  Borrowed until the next put. */
const kk_stamp_entry *kk_stamp_find(const kk_stamp *s, const char *path);

/* Whether every output of `e` exists in `dir` with its recorded size. */
bool kk_stamp_outputs_present(const kk_stamp_entry *e, const char *dir);

/* Record `e` (deep-copied), replacing a record of the same path. */
bool kk_stamp_put(kk_stamp *s, const kk_stamp_entry *e);

/* Forget the record of `path` (a document that failed: rebuild it next time). */
void kk_stamp_forget(kk_stamp *s, const char *path);

/* Write atomically.  Reports and returns false on failure. */
bool kk_stamp_save(const kk_stamp *s, const char *file, kk_diag *diag);

/* SHA-256 of a file's bytes, hex.  False when it cannot be read. */
bool kk_hash_file(const char *path, char out[KK_HASH_HEX]);

/* Resolves dependencies to what they are now, each once per run. */
typedef struct kk_deps kk_deps;

/* `salt`: the version and the options that change output.  Caller frees. */
kk_deps *kk_deps_new(const char *styles_dir, const char *salt);
void kk_deps_free(kk_deps *d);

/* The environment hash of a dependency list (see the top of this file). */
bool kk_deps_env(kk_deps *d, const char *deps, char out[KK_HASH_HEX]);

#endif
