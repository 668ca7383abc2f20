/* document.c — the canonical XML tree as kk_doc (see document.h). */
#define _POSIX_C_SOURCE 200809L
#include "model/document.h"
#include "util/xml.h"

#include <stdlib.h>
#include <string.h>

static kk_date date_of(const char *s)
{
    kk_date d = { 0, 0, 0 };
    if (s && strlen(s) == 10)
        d = (kk_date){ atoi(s), atoi(s + 5), atoi(s + 8) };
    return d;
}

static kk_time time_of(const char *s)
{
    kk_time t = { 0, 0, false };
    if (s && strlen(s) == 5)
        t = (kk_time){ atoi(s), atoi(s + 3), true };
    return t;
}

static size_t count(const xmlNode *list, const char *item)
{
    size_t n = 0;
    KK_FOR_CHILDREN(c, list, item)
        n++;
    return n;
}

/* calloc that tolerates n == 0 (returns a unique pointer or NULL) */
static void *alloc_n(size_t n, size_t size, bool *oom)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        *oom = true;
    return p;
}

static kk_strings strings_of(const xmlNode *list, const char *item, bool *oom)
{
    kk_strings s = { NULL, 0 };
    s.v = alloc_n(count(list, item), sizeof *s.v, oom);
    if (!s.v)
        return s;
    KK_FOR_CHILDREN(c, list, item)
        if (kk_text(c))
            s.v[s.n++] = kk_text(c);
    return s;
}

static kk_publicity publicity_of(const xmlNode *p)
{
    kk_publicity pub = { "public", NULL, { 0, 0, 0 } };
    if (p) {
        if (kk_child_text(p, "class"))
            pub.cls = kk_child_text(p, "class");
        pub.basis = kk_child_text(p, "basis");
        pub.until = date_of(kk_child_text(p, "until"));
    }
    return pub;
}

static kk_contact contact_of(const xmlNode *c)
{
    return (kk_contact){ kk_child_text(c, "name"), kk_child_text(c, "title"),
                         kk_child_text(c, "email"), kk_child_text(c, "phone") };
}

static bool is_true(const char *v) { return v && !strcmp(v, "true"); }

static void read_item(kk_doc *doc, kk_item *it, const xmlNode *n, int section, bool *oom)
{
    it->node = n;
    it->section = section;
    it->title = kk_child_text(n, "title");
    it->case_no = kk_child_text(n, "case");
    it->presenter = kk_child_text(n, "presenter");
    it->summary = kk_child_text(n, "summary");
    xmlNodePtr prep = kk_child(n, "preparer");
    if (prep)
        it->preparer = contact_of(prep);
    it->body = kk_child_text(n, "body");
    it->proposal = kk_child_text(n, "proposal");
    it->discussion = kk_child_text(n, "discussion");
    it->decision = kk_child_text(n, "decision");
    xmlNodePtr vote = kk_child(n, "vote");
    if (vote) {
        it->has_vote = true;
        it->vote.question = kk_child_text(vote, "question");
        it->vote.result = kk_child_text(vote, "result");
        it->vote.yes = strings_of(kk_child(vote, "yes"), "name", oom);
        it->vote.no = strings_of(kk_child(vote, "no"), "name", oom);
        it->vote.blank = strings_of(kk_child(vote, "blank"), "name", oom);
        it->vote.absent = strings_of(kk_child(vote, "absent"), "name", oom);
    }
    xmlNodePtr list = kk_child(n, "dissent");
    if ((it->dissent = alloc_n(count(list, "opinion"), sizeof *it->dissent, oom)))
        KK_FOR_CHILDREN(o, list, "opinion")
            it->dissent[it->ndissent++] = (kk_named_text){ kk_child_text(o, "name"), kk_child_text(o, "text") };
    list = kk_child(n, "disqualified");
    if ((it->disqualified = alloc_n(count(list, "person"), sizeof *it->disqualified, oom)))
        KK_FOR_CHILDREN(o, list, "person")
            it->disqualified[it->ndisqualified++] = (kk_named_text){ kk_child_text(o, "name"), kk_child_text(o, "reason") };
    list = kk_child(n, "attachments");
    if ((it->attachments = alloc_n(count(list, "attachment"), sizeof *it->attachments, oom)))
        KK_FOR_CHILDREN(a, list, "attachment") {
            const char *pub = kk_child_text(a, "public");
            it->attachments[it->nattachments++] = (kk_attachment){ kk_child_text(a, "title"), kk_child_text(a, "file"),
                                                                   !pub || strcmp(pub, "false") != 0 };
        }
    it->appeal = kk_child_text(n, "appeal");
    if (!it->appeal && doc->kind == KK_MINUTES)
        it->appeal = "correction";
    it->publicity = publicity_of(kk_child(n, "publicity"));
    it->excerpt_to = strings_of(kk_child(n, "excerpt_to"), "recipient", oom);
}

void kk_slug_append(char *out, size_t cap, const char *text)
{
    size_t len = strlen(out);
    bool dash = len > 0 && out[len - 1] != '-';
    for (const unsigned char *c = (const unsigned char *)text; *c && len + 2 < cap; c++) {
        char ch = 0;
        if ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9'))
            ch = (char)*c;
        else if (*c >= 'A' && *c <= 'Z')
            ch = (char)(*c - 'A' + 'a');
        else if (c[0] == 0xC3 && c[1]) {
            /* ä Ä å Å -> a, ö Ö -> o (UTF-8 C3 xx) */
            unsigned char x = c[1];
            if (x == 0xA4 || x == 0x84 || x == 0xA5 || x == 0x85)
                ch = 'a';
            else if (x == 0xB6 || x == 0x96)
                ch = 'o';
            if (ch)
                c++;
        }
        if (ch) {
            if (dash && len > 0)
                out[len++] = '-';
            dash = false;
            out[len++] = ch;
        } else {
            dash = true;
        }
    }
    out[len] = '\0';
}

static char *derive_id(const kk_doc *doc)
{
    char buf[512] = "";
    char date[16];
    kk_slug_append(buf, sizeof buf, doc->organization ? doc->organization : "");
    if (doc->kind == KK_NEWSLETTER) {
        kk_slug_append(buf, sizeof buf, "newsletter");
        snprintf(date, sizeof date, "%04d-%02d-%02d", doc->period_from.y, doc->period_from.m, doc->period_from.d);
        kk_slug_append(buf, sizeof buf, date);
    } else {
        if (doc->kind != KK_NOTICE)
            kk_slug_append(buf, sizeof buf, doc->body ? doc->body : "");
        snprintf(date, sizeof date, "%04d-%02d-%02d", doc->date.y, doc->date.m, doc->date.d);
        kk_slug_append(buf, sizeof buf, date);
        if (doc->kind == KK_NOTICE && doc->title) {
            char t[96] = "";
            kk_slug_append(t, 81, doc->title);
            size_t tl = strlen(t);
            while (tl && t[tl - 1] == '-')
                t[--tl] = '\0';
            kk_slug_append(buf, sizeof buf, t);
        }
    }
    return strdup(buf);
}

kk_doc *kk_doc_new(const kk_source *src, kk_diag *diag)
{
    kk_doc *doc = calloc(1, sizeof *doc);
    bool oom = !doc;
    if (oom) {
        kk_sys_error(diag, kk_source_path(src), "out of memory");
        return NULL;
    }
    xmlNodePtr r = xmlDocGetRootElement(kk_source_doc(src));
    doc->src = src;
    doc->kind_name = (const char *)r->name;
    static const char *const kinds[] = { "agenda", "minutes", "memo", "notice", "newsletter" };
    for (size_t i = 0; i < 5; i++)
        if (!strcmp(doc->kind_name, kinds[i]))
            doc->kind = (kk_kind)i;
    doc->language = kk_child_text(r, "language") ? kk_child_text(r, "language") : "fi";
    doc->style = kk_child_text(r, "style") ? kk_child_text(r, "style") : "default";
    doc->organization = kk_child_text(r, "organization");
    doc->unit = kk_child_text(r, "unit");
    doc->title = kk_child_text(r, "title");
    doc->publicity = publicity_of(kk_child(r, "publicity"));
    xmlNodePtr rec = kk_child(r, "record");
    doc->record_function = kk_child_text(rec, "function");
    doc->retention = kk_child_text(rec, "retention");
    doc->personal_data = kk_child_text(rec, "personal_data");
    doc->url = kk_child_text(r, "url");

    doc->body = kk_child_text(r, "body");
    doc->meeting_number = kk_child_text(r, "meeting_number");
    doc->date = date_of(kk_child_text(r, "date"));
    doc->start = time_of(kk_child_text(r, "start"));
    doc->end = time_of(kk_child_text(r, "end"));
    doc->place = kk_child_text(r, "place");
    doc->method = kk_child_text(r, "method") ? kk_child_text(r, "method") : "meeting";

    xmlNodePtr list = kk_child(r, "breaks");
    size_t n = count(list, "break");
    doc->breaks_from = alloc_n(n, sizeof *doc->breaks_from, &oom);
    doc->breaks_to = alloc_n(n, sizeof *doc->breaks_to, &oom);
    if (!oom)
        KK_FOR_CHILDREN(b, list, "break") {
            doc->breaks_from[doc->nbreaks] = time_of(kk_child_text(b, "from"));
            doc->breaks_to[doc->nbreaks++] = time_of(kk_child_text(b, "to"));
        }

    list = kk_child(r, "participants");
    if ((doc->participants = alloc_n(count(list, "participant"), sizeof *doc->participants, &oom)))
        KK_FOR_CHILDREN(p, list, "participant") {
            const char *present = kk_child_text(p, "present");
            doc->participants[doc->nparticipants++] = (kk_participant){
                kk_child_text(p, "name"), kk_child_text(p, "role"), kk_child_text(p, "title"),
                kk_child_text(p, "organization"), kk_child_text(p, "deputy_of"), kk_child_text(p, "items"),
                !present || strcmp(present, "false") != 0, p };
        }
    xmlNodePtr q = kk_child(r, "quorum");
    doc->has_quorum = q != NULL;
    doc->quorum_lawful = is_true(kk_child_text(q, "lawful"));
    doc->quorum_note = kk_child_text(q, "note");
    doc->minute_checkers = strings_of(kk_child(r, "minute_checkers"), "name", &oom);

    list = kk_child(r, "items");
    const char *first = kk_child_text(r, "first_section");
    int section = first ? atoi(first) : 1;
    if ((doc->items = alloc_n(count(list, "item"), sizeof *doc->items, &oom)))
        KK_FOR_CHILDREN(it, list, "item") {
            const char *s = kk_child_text(it, "section");
            if (s)
                section = atoi(s);
            read_item(doc, &doc->items[doc->nitems++], it, section++, &oom);
        }
    doc->key_messages = strings_of(kk_child(r, "key_messages"), "message", &oom);
    list = kk_child(r, "actions");
    if ((doc->actions = alloc_n(count(list, "action"), sizeof *doc->actions, &oom)))
        KK_FOR_CHILDREN(a, list, "action")
            doc->actions[doc->nactions++] = (kk_action){ kk_child_text(a, "task"), kk_child_text(a, "owner"),
                                                         date_of(kk_child_text(a, "due")) };
    list = kk_child(r, "signatures");
    if ((doc->signatures = alloc_n(count(list, "signature"), sizeof *doc->signatures, &oom)))
        KK_FOR_CHILDREN(s, list, "signature")
            doc->signatures[doc->nsignatures++] = (kk_signature){ kk_child_text(s, "name"), kk_child_text(s, "role") };
    xmlNodePtr v = kk_child(r, "verification");
    doc->verification_date = date_of(kk_child_text(v, "date"));
    doc->verification_place = kk_child_text(v, "place");
    doc->verification_checked = is_true(kk_child_text(v, "checked"));
    xmlNodePtr pd = kk_child(r, "public_display");
    doc->display_from = date_of(kk_child_text(pd, "from"));
    doc->display_to = date_of(kk_child_text(pd, "to"));
    doc->display_where = kk_child_text(pd, "where");
    xmlNodePtr nm = kk_child(r, "next_meeting");
    doc->next_date = date_of(kk_child_text(nm, "date"));
    doc->next_start = time_of(kk_child_text(nm, "start"));
    doc->next_place = kk_child_text(nm, "place");

    doc->lead = kk_child_text(r, "lead");
    if (doc->kind == KK_NOTICE)
        doc->text = kk_child_text(r, "body");
    list = kk_child(r, "contacts");
    if ((doc->contacts = alloc_n(count(list, "contact"), sizeof *doc->contacts, &oom)))
        KK_FOR_CHILDREN(c, list, "contact")
            doc->contacts[doc->ncontacts++] = contact_of(c);
    list = kk_child(r, "links");
    if ((doc->links = alloc_n(count(list, "link"), sizeof *doc->links, &oom)))
        KK_FOR_CHILDREN(l, list, "link")
            doc->links[doc->nlinks++] = (kk_link){ kk_child_text(l, "title"), kk_child_text(l, "url") };

    doc->issue = kk_child_text(r, "issue");
    doc->intro = kk_child_text(r, "intro");
    doc->order = kk_child_text(r, "order") ? kk_child_text(r, "order") : "date";
    xmlNodePtr ed = kk_child(r, "editor");
    doc->editor_name = kk_child_text(ed, "name");
    doc->editor_email = kk_child_text(ed, "email");
    xmlNodePtr per = kk_child(r, "period");
    doc->period_from = date_of(kk_child_text(per, "from"));
    doc->period_to = date_of(kk_child_text(per, "to"));
    doc->sources = strings_of(kk_child(r, "sources"), "source", &oom);
    doc->bodies = strings_of(kk_child(r, "bodies"), "body", &oom);

    doc->id = kk_child_text(r, "id");
    if (!doc->id && !oom) {
        doc->owned_id = derive_id(doc);
        doc->id = doc->owned_id;
        oom = !doc->id;
    }
    if (oom) {
        kk_sys_error(diag, kk_source_path(src), "out of memory");
        kk_doc_free(doc);
        return NULL;
    }
    return doc;
}

static void free_item(kk_item *it)
{
    free(it->vote.yes.v);
    free(it->vote.no.v);
    free(it->vote.blank.v);
    free(it->vote.absent.v);
    free(it->dissent);
    free(it->disqualified);
    free(it->attachments);
    free(it->excerpt_to.v);
}

void kk_doc_free(kk_doc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->nitems; i++)
        free_item(&doc->items[i]);
    free(doc->items);
    free(doc->breaks_from);
    free(doc->breaks_to);
    free(doc->participants);
    free(doc->minute_checkers.v);
    free(doc->key_messages.v);
    free(doc->actions);
    free(doc->signatures);
    free(doc->contacts);
    free(doc->links);
    free(doc->sources.v);
    free(doc->bodies.v);
    free(doc->owned_id);
    free(doc);
}

bool kk_doc_is_meeting(const kk_doc *doc)
{
    return doc->kind == KK_AGENDA || doc->kind == KK_MINUTES || doc->kind == KK_MEMO;
}
