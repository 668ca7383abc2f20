/*
 * archive_int.h — what the files of src/archive/ share: the package being
 * built (its documents and its file list) and small helpers.  Not a stage
 * interface: only the files of src/archive/ include it.
 */
#ifndef KK_ARCHIVE_INT_H
#define KK_ARCHIVE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <libxml/xmlwriter.h>
#include "archive/archive.h"
#include "model/document.h"
#include "util/hash.h"

#define KK_ARC_PROFILE "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
#define KK_ARC_TYPE "Textual works \xe2\x80\x93 Digital"
#define KK_ARC_NS_METS "http://www.loc.gov/METS/"
#define KK_ARC_NS_XLINK "http://www.w3.org/1999/xlink"
#define KK_ARC_NS_CSIP "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
#define KK_ARC_NS_PREMIS "info:lc/xmlns/premis-v2"
#define KK_ARC_NS_SAHKE2 "http://www.arkisto.fi/skeemat/Sahke2/2019/08/29"
#define KK_ARC_NS_XSI "http://www.w3.org/2001/XMLSchema-instance"

/* Which METS lists a file. */
typedef enum { KK_ARC_ROOT, KK_ARC_REP_PDFA, KK_ARC_REP_SOURCE } kk_arc_where;

typedef struct kk_arc_file {
    char *path;            /* owned; package-relative, '/' separated */
    kk_arc_where where;
    const char *mime;      /* static */
    const char *group;     /* static: METS fileGrp USE */
    int doc;               /* index into kk_arc_package.docs, -1 = none */
    const char *ext;       /* static: "pdf", "xml", "yaml" for document files */
    size_t size;
    char sha256[KK_SHA256_HEX];
} kk_arc_file;

typedef struct kk_arc_doc {
    const kk_source *src;  /* borrowed */
    kk_doc *doc;           /* owned */
    char *title;           /* owned: the document title, or one made up */
    const char *publicity; /* strictest of document and items: static */
    char *reasons;         /* owned: publicity bases joined, or NULL */
    kk_date secret_until;  /* latest `until`, y == 0 when none */
    int casefile;          /* index of its case file */
} kk_arc_doc;

typedef struct kk_arc_terms kk_arc_terms;

typedef struct kk_arc_package {
    char *id;              /* owned */
    char *dir;             /* owned: the (temporary) folder being filled */
    long long created;     /* seconds since the epoch, UTC */
    char created_iso[32];  /* xs:dateTime */
    char created_day[16];  /* xs:date */
    int pdfa_part;
    kk_arc_doc *docs; size_t ndocs;        /* sorted by id */
    int ncasefiles;
    kk_arc_file *files; size_t nfiles, capfiles;
    kk_arc_terms *terms;   /* owned */
} kk_arc_package;

/* Add `rel` (already written under pkg->dir) to the file list: size and
 * SHA-256 are read from disk.  False after reporting. */
bool kk_arc_add_file(kk_arc_package *p, const char *rel, kk_arc_where where, const char *mime,
                     const char *group, int doc, const char *ext, kk_diag *diag);

/* "DIR/REL", caller frees; NULL on allocation failure. */
char *kk_arc_join(const char *dir, const char *rel);

/* Whole file into memory (NUL added, not counted).  Caller frees.  NULL
 * after reporting. */
unsigned char *kk_arc_read_file(const char *path, size_t *len, kk_diag *diag);

/* A writer into memory and, at the end, the document into `pkg->dir/rel`
 * through kk_write_atomic.  kk_arc_writer_end frees the writer. */
xmlTextWriterPtr kk_arc_writer_new(xmlBufferPtr *buf);
bool kk_arc_writer_end(xmlTextWriterPtr w, xmlBufferPtr buf, const char *dir, const char *rel, kk_diag *diag);

/* Terms of schema/archive-terms.txt; a missing key answers the key itself
 * (visible in the output, never a crash).  Borrowed strings. */
kk_arc_terms *kk_arc_terms_load(kk_diag *diag);
void kk_arc_terms_free(kk_arc_terms *t);
const char *kk_arc_term(const kk_arc_terms *t, const char *key);
const char *kk_arc_term2(const kk_arc_terms *t, const char *prefix, const char *key);

/* Shorthands over xmlTextWriter; prefixed names are written as they are
 * (the root element declares the prefixes).  Errors surface at
 * kk_arc_writer_end. */
static inline void kk_w_start(xmlTextWriterPtr w, const char *name)
{
    xmlTextWriterStartElement(w, BAD_CAST name);
}
static inline void kk_w_end(xmlTextWriterPtr w)
{
    xmlTextWriterEndElement(w);
}
static inline void kk_w_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
    xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST(value ? value : ""));
}
static inline void kk_w_elem(xmlTextWriterPtr w, const char *name, const char *text)
{
    xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST(text ? text : ""));
}

/* xs:date of a kk_date into buf (size >= 11). */
void kk_arc_date(kk_date d, char *buf, size_t n);

/* The writers (mets.c, sahke2.c, premis.c).  Each writes its file under
 * pkg->dir; false after reporting. */
bool kk_arc_write_rep_mets(kk_arc_package *p, kk_arc_where rep, kk_diag *diag);
bool kk_arc_write_root_mets(kk_arc_package *p, kk_diag *diag);
bool kk_arc_write_sahke2(kk_arc_package *p, kk_diag *diag);
bool kk_arc_write_premis(kk_arc_package *p, kk_diag *diag);
const char *kk_arc_rep_name(kk_arc_where rep);

/* tar.c: write the folder `dir` as a ustar archive at `out` with every name
 * under `top/`, sorted, mtime `mtime`, owner 0.  False after reporting. */
bool kk_arc_tar_write(const char *dir, const char *top, const char *out, long long mtime, kk_diag *diag);

/* tar.c: a package read back from a tar or a folder: every regular file with
 * its package-relative path (the top folder stripped), sorted by path. */
typedef struct kk_arc_entry { char *path; unsigned char *data; size_t len; } kk_arc_entry;
typedef struct kk_arc_tree { kk_arc_entry *v; size_t n, cap; char *label; } kk_arc_tree;
bool kk_arc_tree_from_tar(const char *path, kk_arc_tree *t, kk_diag *diag);
bool kk_arc_tree_from_dir(const char *path, kk_arc_tree *t, kk_diag *diag);
const kk_arc_entry *kk_arc_tree_find(const kk_arc_tree *t, const char *path);
void kk_arc_tree_free(kk_arc_tree *t);

#endif
