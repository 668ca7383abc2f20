/*
 * document.h — stage 3: a validated document as plain C data.
 *
 * Promise: kk_doc_new reads a tree that passed kk_validate_document and
 * never fails on content (the validator already said everything); it fails
 * only when memory runs out.  Strings are borrowed from the XML tree, so the
 * kk_source must outlive the kk_doc.  Arrays are owned by the kk_doc.
 * Absent optional values are NULL / 0 / false.  § numbers are resolved
 * (items without `section` count on from first_section) and the id is
 * derived when the document does not give one (docs/format.md).  A missing
 * meeting title is made by the composer, which knows the labels.
 */
#ifndef KK_DOCUMENT_H
#define KK_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>
#include "load/load.h"

typedef enum { KK_AGENDA, KK_MINUTES, KK_MEMO, KK_NOTICE, KK_NEWSLETTER } kk_kind;

typedef struct kk_date { int y, m, d; } kk_date;         /* y == 0: absent */
typedef struct kk_time { int h, min; bool set; } kk_time;

typedef struct kk_strings { const char **v; size_t n; } kk_strings;

typedef struct kk_publicity {
    const char *cls;        /* "public" (default), "confidential", "partly_confidential" */
    const char *basis;
    kk_date until;
} kk_publicity;

typedef struct kk_contact { const char *name, *title, *email, *phone; } kk_contact;

typedef struct kk_participant {
    const char *name, *role, *title, *organization, *deputy_of, *items;
    bool present;
    const xmlNode *node;
} kk_participant;

typedef struct kk_vote {
    const char *question, *result;
    kk_strings yes, no, blank, absent;
} kk_vote;

typedef struct kk_named_text { const char *name, *text; } kk_named_text;

typedef struct kk_attachment { const char *title, *file; bool is_public; } kk_attachment;

typedef struct kk_item {
    int section;
    const char *title, *case_no, *presenter, *summary;
    kk_contact preparer;                    /* name == NULL: none */
    const char *body, *proposal, *discussion, *decision;   /* rich text */
    bool has_vote;
    kk_vote vote;
    kk_named_text *dissent; size_t ndissent;           /* name, text */
    kk_named_text *disqualified; size_t ndisqualified; /* name, reason */
    kk_attachment *attachments; size_t nattachments;
    const char *appeal;                     /* minutes default "correction" */
    kk_publicity publicity;
    kk_strings excerpt_to;
    const xmlNode *node;
} kk_item;

typedef struct kk_action { const char *task, *owner; kk_date due; } kk_action;
typedef struct kk_signature { const char *name, *role; } kk_signature;
typedef struct kk_link { const char *title, *url; } kk_link;

typedef struct kk_doc {
    kk_kind kind;
    const char *kind_name;                  /* "minutes" ... */
    const char *language, *style, *id, *organization, *unit, *title;
    kk_publicity publicity;
    const char *record_function, *retention, *personal_data;
    /* meetings */
    const char *body, *meeting_number, *place, *method;
    kk_date date;
    kk_time start, end;
    kk_time *breaks_from, *breaks_to; size_t nbreaks;
    kk_participant *participants; size_t nparticipants;
    bool has_quorum, quorum_lawful;
    const char *quorum_note;
    kk_strings minute_checkers;
    kk_item *items; size_t nitems;
    kk_strings key_messages;
    kk_action *actions; size_t nactions;
    kk_signature *signatures; size_t nsignatures;
    kk_date verification_date;
    const char *verification_place;
    bool verification_checked;
    kk_date display_from, display_to;
    const char *display_where;
    kk_date next_date;
    kk_time next_start;
    const char *next_place;
    const char *url;
    /* notices */
    const char *lead, *text;                /* text = notice body (rich) */
    kk_contact *contacts; size_t ncontacts;
    kk_link *links; size_t nlinks;
    /* newsletters */
    const char *issue, *intro, *order, *editor_name, *editor_email;
    kk_date period_from, period_to;
    kk_strings sources, bodies;
    char *owned_id;                         /* the derived id, when `id` is absent */
    const kk_source *src;
} kk_doc;

/* Build the model of a validated source.  NULL only on allocation failure
 * (reported).  Caller frees with kk_doc_free; `src` must outlive it. */
kk_doc *kk_doc_new(const kk_source *src, kk_diag *diag);
void kk_doc_free(kk_doc *doc);

/* Whether the document is a meeting document (agenda, minutes, memo). */
bool kk_doc_is_meeting(const kk_doc *doc);

/* The slug rule of derived ids (docs/format.md): lowercase ASCII, äöå
 * folded, other runs -> '-'.  Appends to `out` (size `cap`, NUL-terminated). */
void kk_slug_append(char *out, size_t cap, const char *text);

#endif
