/*
 * digest.h — what goes into a newsletter: the meeting documents and
 * notices its `sources` hold, filtered by `period` and `bodies`, sorted.
 *
 * Promises (docs/newsletter.md says the same for secretaries):
 *  - Sources are paths relative to the newsletter's folder (default: that
 *    folder); folders are searched recursively for *.yaml / *.yml in byte
 *    order of the path.  A file reached twice counts once.  Newsletters
 *    among the sources are ignored.
 *  - Each source goes through kk_load_document (XSD + rules).  An invalid
 *    source is skipped with a warning naming it and its first error; it
 *    never fails the newsletter.
 *  - Dates are inclusive: from <= date <= to.
 *  - meetings: minutes and memos dated in the period.  upcoming: agendas
 *    dated on or after period.from (a "coming meeting" can be after the
 *    period), except an agenda whose body and date already have minutes
 *    or a memo in `meetings`.  notices: notices dated in the period.
 *  - bodies: when given, meetings and agendas of other bodies are left
 *    out (exact match after trimming); notices have no body and stay.
 *  - Privacy: a document whose own publicity class is confidential is left
 *    out entirely.  Items are not filtered here; the composers use
 *    kk_digest_item_public.
 *  - Order: `date` (default) oldest first; `newest_first` newest first;
 *    `by_body` grouped by body (in the order of `bodies` when given, else
 *    by body name), oldest first inside a group.  Ties (same date, same
 *    body rank) keep the order of `sources`, then the file path, so the
 *    sources list decides the order of same-day meetings.  upcoming is
 *    always soonest first; notices follow the meetings' date direction.
 */
#ifndef KK_DIGEST_H
#define KK_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include "model/document.h"
#include "util/diag.h"

typedef struct kk_digest_entry {
    kk_source *src;          /* owned */
    kk_doc *doc;             /* owned; borrows from src */
    char *path;              /* owned: the file as found */
    size_t source_index;     /* which `sources` entry found it */
} kk_digest_entry;

typedef struct kk_digest_list { kk_digest_entry *v; size_t n, cap; } kk_digest_list;

typedef struct kk_digest {
    kk_digest_list meetings, upcoming, notices;
    size_t skipped;          /* invalid sources (warned about) */
    size_t files;            /* source files read */
} kk_digest;

/* Gather for the newsletter `nl` read from `nl_path`.  NULL after
 * reporting (a source path that does not exist, out of memory).  An empty
 * digest is not an error.  Caller frees with kk_digest_free. */
kk_digest *kk_digest_gather(const kk_doc *nl, const char *nl_path, kk_diag *diag);
void kk_digest_free(kk_digest *d);

/* Whether an item may be named in a newsletter at all (class public or
 * absent).  Confidential and partly confidential items are never
 * summarised; composers list an agenda's confidential item, if at all, by
 * its § number and legal basis only. */
bool kk_digest_item_public(const kk_item *it);

/* Whether there is nothing to tell. */
bool kk_digest_empty(const kk_digest *d);

#endif
