/*
 * fs.h — files that are either complete or absent.
 */
#ifndef KK_FS_H
#define KK_FS_H

#include <stdbool.h>
#include <stddef.h>
#include "util/diag.h"

/* Write `len` bytes to `path` through a temporary file in the same folder
 * and rename(2): readers never see a partial file.  (No fsync: the rename
 * gives atomic visibility; durability across power loss is the caller's,
 * by syncing the folder once — a per-file fsync cost more than the
 * typesetting.)  Reports and returns
 * false on failure (leaving no temporary behind). */
bool kk_write_atomic(const char *path, const void *data, size_t len, kk_diag *diag);

/* A fresh temporary path next to `path` ("DIR/.NAME.XXXXXX", created empty
 * with mkstemp).  Caller unlinks and frees.  NULL after reporting. */
char *kk_temp_beside(const char *path, kk_diag *diag);

/* The whole file `path` in memory (caller frees), at most `max` bytes.
 * NULL when it cannot be opened or read, is larger than `max`, or memory
 * runs out; errno says which (EFBIG for too large).  Reports nothing. */
unsigned char *kk_read_file(const char *path, size_t max, size_t *len);

/* SOURCE_DATE_EPOCH when it is set and a valid time (0 .. year 9999): the
 * one place the reproducible-builds convention is read. */
bool kk_source_date_epoch(long long *out);

/* mkdir -p.  Reports and returns false on failure. */
bool kk_mkdirs(const char *dir, kk_diag *diag);

#endif
