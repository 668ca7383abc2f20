/* sahke2.c — metadata/descriptive/sahke2.xml: SÄHKE2 2019.03 transfer
 * metadata.  A CaseFile per meeting (or per notice), an Action in it, a
 * Record per document with its Documents (the files and their hashes).
 * Words come from schema/archive-terms.txt. */
#define _POSIX_C_SOURCE 200809L
#include "archive/archive_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef KK_VERSION
#define KK_VERSION "0.0.0"
#endif

#define SAHKE2_REL "metadata/descriptive/sahke2.xml"

/* -1 is "permanent" in SÄHKE2; a missing value is kept permanently too:
 * an archive must never suggest destroying what nobody decided about. */
static long retention_years(const kk_doc *d)
{
    if (!d->retention || !strcmp(d->retention, "permanent"))
        return -1;
    return strtol(d->retention, NULL, 10);
}

static const char *retention_reason(const kk_arc_terms *t, const kk_doc *d)
{
    if (!d->retention)
        return kk_arc_term(t, "retention.missing");
    return kk_arc_term(t, !strcmp(d->retention, "permanent") ? "retention.permanent" : "retention.years");
}

static int personal_rank(const char *v)
{
    return !v ? 1 : !strcmp(v, "none") ? 0 : !strcmp(v, "sensitive") ? 2 : 1;
}

static const char *personal_key(int rank)
{
    return rank == 0 ? "none" : rank == 2 ? "sensitive" : "contains";
}

static int publicity_rank(const char *cls)
{
    return !strcmp(cls, "public") ? 0 : !strcmp(cls, "partly_confidential") ? 1 : 2;
}

static void write_restriction(xmlTextWriterPtr w, const kk_arc_terms *t, const char *cls, kk_date until,
                              const char *reasons, int personal)
{
    kk_w_start(w, "Restriction");
    kk_w_elem(w, "PublicityClass", kk_arc_term2(t, "publicity", cls));
    if (until.y) {
        char day[16];
        kk_arc_date(until, day, sizeof day);
        kk_w_elem(w, "SecurityPeriodEnd", day);
    }
    if (reasons)
        kk_w_elem(w, "SecurityReason", reasons);
    kk_w_elem(w, "PersonalData", kk_arc_term2(t, "personal_data", personal_key(personal)));
    kk_w_end(w);
}

static void write_retention(xmlTextWriterPtr w, long years, const char *reason)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", years);
    kk_w_elem(w, "RetentionPeriod", buf);
    kk_w_elem(w, "RetentionReason", reason);
}

/* "00.01.01" -> main "00", class "00.01", sub "00.01.01".  The titles of
 * the classes are not in the documents: the code stands in for them. */
static void write_classification(xmlTextWriterPtr w, const char *code)
{
    char main_code[64] = "", class_code[64] = "";
    if (code) {
        const char *dot1 = strchr(code, '.');
        const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
        snprintf(main_code, sizeof main_code, "%.*s", dot1 ? (int)(dot1 - code) : 63, code);
        snprintf(class_code, sizeof class_code, "%.*s", dot2 ? (int)(dot2 - code) : 63, code);
    }
    kk_w_start(w, "ClassificationScheme");
    kk_w_start(w, "MainFunction");
    kk_w_elem(w, "Title", main_code);
    kk_w_elem(w, "FunctionCode", main_code);
    kk_w_start(w, "FunctionClassification");
    kk_w_elem(w, "Title", class_code);
    kk_w_elem(w, "FunctionCode", class_code);
    kk_w_start(w, "SubFunction");
    kk_w_elem(w, "Title", code ? code : "");
    kk_w_elem(w, "FunctionCode", code ? code : "");
    kk_w_end(w);
    kk_w_end(w);
    kk_w_end(w);
    kk_w_end(w);
}

static char *join_names(const kk_strings *s)
{
    size_t len = 1;
    for (size_t i = 0; i < s->n; i++)
        len += strlen(s->v[i]) + 2;
    char *out = malloc(len);
    if (!out)
        return NULL;
    out[0] = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (i)
            strcat(out, ", ");
        strcat(out, s->v[i]);
    }
    return out;
}

static void write_authenticity(xmlTextWriterPtr w, const kk_arc_package *p, const kk_doc *d)
{
    kk_w_start(w, "Authenticity");
    char *checkers = d->kind == KK_MINUTES && d->minute_checkers.n ? join_names(&d->minute_checkers) : NULL;
    char day[16];
    if (checkers) {
        kk_w_elem(w, "Checker", checkers);
        kk_arc_date(d->verification_date.y ? d->verification_date : d->date, day, sizeof day);
        kk_w_elem(w, "Date", day);
        kk_w_elem(w, "Description", kk_arc_term(p->terms, "authenticity.checked"));
    } else {
        kk_w_elem(w, "Checker", "kokous " KK_VERSION);
        kk_w_elem(w, "Date", p->created_day);
        kk_w_elem(w, "Description", kk_arc_term(p->terms, "authenticity.validated"));
    }
    free(checkers);
    kk_w_end(w);
}

static void write_documents(xmlTextWriterPtr w, const kk_arc_package *p, size_t di)
{
    for (size_t i = 0; i < p->nfiles; i++) {
        const kk_arc_file *f = &p->files[i];
        if (f->doc != (int)di || !f->ext)
            continue;
        const char *name = strrchr(f->path, '/') + 1;
        char version[16];
        if (!strcmp(f->ext, "pdf"))
            snprintf(version, sizeof version, "%db", p->pdfa_part);
        else
            snprintf(version, sizeof version, "%s", !strcmp(f->ext, "xml") ? "1.0" : "1.1");
        kk_w_start(w, "Document");
        kk_w_elem(w, "NativeId", name);
        kk_w_elem(w, "UseType", kk_arc_term2(p->terms, "use", f->ext));
        kk_w_start(w, "File");
        kk_w_elem(w, "Name", name);
        kk_w_elem(w, "Path", f->path);
        kk_w_end(w);
        kk_w_start(w, "Format");
        kk_w_elem(w, "Name", kk_arc_term2(p->terms, "format", f->ext));
        kk_w_elem(w, "Version", version);
        kk_w_end(w);
        kk_w_elem(w, "HashAlgorithm", "SHA-256");
        kk_w_elem(w, "HashValue", f->sha256);
        kk_w_end(w);
    }
}

static void write_record(xmlTextWriterPtr w, const kk_arc_package *p, size_t di, kk_diag *diag)
{
    const kk_arc_doc *a = &p->docs[di];
    const kk_doc *d = a->doc;
    const char *path = kk_source_path(a->src);
    if (!d->record_function)
        kk_diag_report(diag, KK_WARNING, KK_FAIL_NONE, path, 0, 0,
                       "no record.function (tehtäväluokka): the SÄHKE2 Function is left empty");
    if (!d->retention)
        kk_diag_report(diag, KK_WARNING, KK_FAIL_NONE, path, 0, 0,
                       "no record.retention: the package marks the record permanent (-1) until someone decides");
    char day[16];
    kk_date created = d->date.y ? d->date : d->period_from;
    kk_arc_date(created, day, sizeof day);
    kk_w_start(w, "Record");
    kk_w_elem(w, "Created", day);
    kk_w_elem(w, "NativeId", d->id);
    kk_w_elem(w, "Language", d->language);
    write_restriction(w, p->terms, a->publicity, a->secret_until, a->reasons, personal_rank(d->personal_data));
    kk_w_elem(w, "Title", a->title);
    write_retention(w, retention_years(d), retention_reason(p->terms, d));
    kk_w_elem(w, "Status", kk_arc_term(p->terms, "status.record"));
    kk_w_elem(w, "Function", d->record_function);
    kk_w_elem(w, "Type", kk_arc_term2(p->terms, "type", d->kind_name));
    write_authenticity(w, p, d);
    write_documents(w, p, di);
    kk_w_end(w);
}

/* The case file takes the strictest restriction and the longest retention
 * of its records, and the function of its first record. */
static void write_casefile(xmlTextWriterPtr w, const kk_arc_package *p, int cf, kk_diag *diag)
{
    const kk_arc_doc *first = NULL;
    int pub = 0, personal = 0;
    long years = 0;
    const kk_doc *longest = NULL;
    kk_date until = { 0, 0, 0 };
    char reasons[1024] = "";
    for (size_t i = 0; i < p->ndocs; i++) {
        const kk_arc_doc *a = &p->docs[i];
        if (a->casefile != cf)
            continue;
        if (!first)
            first = a;
        if (publicity_rank(a->publicity) > pub)
            pub = publicity_rank(a->publicity);
        /* every legal ground of the meeting's records, each once */
        for (const char *r = a->reasons; r && *r;) {
            const char *end = strstr(r, "; ");
            size_t len = end ? (size_t)(end - r) : strlen(r);
            char one[256];
            snprintf(one, sizeof one, "%.*s", (int)len, r);
            if (!strstr(reasons, one) && strlen(reasons) + len + 3 < sizeof reasons)
                snprintf(reasons + strlen(reasons), sizeof reasons - strlen(reasons), "%s%s", *reasons ? "; " : "", one);
            r = end ? end + 2 : NULL;
        }
        if (personal_rank(a->doc->personal_data) > personal)
            personal = personal_rank(a->doc->personal_data);
        long y = retention_years(a->doc);
        if (!longest || (years != -1 && (y == -1 || y > years))) {
            years = y;
            longest = a->doc;
        }
        if (a->secret_until.y && (a->secret_until.y > until.y || (a->secret_until.y == until.y
            && (a->secret_until.m > until.m || (a->secret_until.m == until.m && a->secret_until.d > until.d)))))
            until = a->secret_until;
    }
    if (!first)
        return;
    static const char *const classes[] = { "public", "partly_confidential", "confidential" };
    const kk_doc *d = first->doc;
    kk_date day = d->date.y ? d->date : d->period_from;
    char created[16], native[512] = "", title[512];
    kk_arc_date(day, created, sizeof created);
    if (kk_doc_is_meeting(d)) {
        kk_slug_append(native, sizeof native, d->organization);
        kk_slug_append(native, sizeof native, "-");
        kk_slug_append(native, sizeof native, d->body ? d->body : "");
        kk_slug_append(native, sizeof native, "-");
        kk_slug_append(native, sizeof native, created);
        snprintf(title, sizeof title, "%s %d.%d.%d", d->body ? d->body : d->organization, day.d, day.m, day.y);
    } else {
        snprintf(native, sizeof native, "%s", d->id);
        snprintf(title, sizeof title, "%s", first->title);
    }
    kk_w_start(w, "CaseFile");
    kk_w_elem(w, "Created", created);
    kk_w_elem(w, "NativeId", native);
    for (size_t i = 0; i < p->ndocs; i++) {
        bool seen = false;
        if (p->docs[i].casefile != cf)
            continue;
        for (size_t j = 0; j < i && !seen; j++)
            seen = p->docs[j].casefile == cf && !strcmp(p->docs[j].doc->language, p->docs[i].doc->language);
        if (!seen)
            kk_w_elem(w, "Language", p->docs[i].doc->language);
    }
    write_restriction(w, p->terms, classes[pub], until, *reasons ? reasons : NULL, personal);
    kk_w_elem(w, "Title", title);
    write_retention(w, years, retention_reason(p->terms, longest));
    kk_w_elem(w, "Status", kk_arc_term(p->terms, "status.casefile"));
    write_classification(w, d->record_function);
    kk_w_elem(w, "Function", d->record_function);
    const char *action = kk_doc_is_meeting(d) ? "meeting" : d->kind_name;
    kk_w_elem(w, "Type", kk_arc_term2(p->terms, "action", action));
    kk_w_start(w, "Action");
    kk_w_elem(w, "Created", created);
    kk_w_elem(w, "Title", title);
    kk_w_elem(w, "Type", kk_arc_term2(p->terms, "action", action));
    for (size_t i = 0; i < p->ndocs; i++)
        if (p->docs[i].casefile == cf)
            write_record(w, p, i, diag);
    kk_w_end(w);
    kk_w_end(w);
}

/* Who answers for the transfer: the secretary of the first meeting, else
 * the first contact of a notice. */
static void write_contact(xmlTextWriterPtr w, const kk_arc_package *p)
{
    const char *name = NULL, *email = NULL, *phone = NULL;
    for (size_t i = 0; i < p->ndocs && !name; i++) {
        const kk_doc *d = p->docs[i].doc;
        for (size_t j = 0; j < d->nparticipants && !name; j++)
            if (d->participants[j].role && !strcmp(d->participants[j].role, "secretary"))
                name = d->participants[j].name;
        if (!name && d->ncontacts) {
            name = d->contacts[0].name;
            email = d->contacts[0].email;
            phone = d->contacts[0].phone;
        }
    }
    const char *unknown = kk_arc_term(p->terms, "contact.unknown");
    kk_w_start(w, "ContactInformation");
    kk_w_start(w, "Organisation");
    kk_w_elem(w, "Name", p->docs[0].doc->organization);
    kk_w_end(w);
    kk_w_start(w, "ContactPerson");
    kk_w_elem(w, "Name", name ? name : unknown);
    kk_w_elem(w, "Address", unknown);
    kk_w_elem(w, "PhoneNumber", phone ? phone : unknown);
    kk_w_elem(w, "Email", email ? email : unknown);
    kk_w_end(w);
    kk_w_end(w);
}

bool kk_arc_write_sahke2(kk_arc_package *p, kk_diag *diag)
{
    xmlBufferPtr buf;
    xmlTextWriterPtr w = kk_arc_writer_new(&buf);
    if (!w) {
        kk_sys_error(diag, SAHKE2_REL, "out of memory");
        return false;
    }
    kk_w_start(w, "Metadata");
    kk_w_attr(w, "xmlns", KK_ARC_NS_SAHKE2);
    kk_w_start(w, "TransferInformation");
    kk_w_elem(w, "NativeId", p->id);
    kk_w_elem(w, "Title", p->id);
    /* the transfer contract is the archive's to give; the package id
     * stands in until it is known */
    kk_w_elem(w, "TransferContractId", p->id);
    kk_w_elem(w, "MetadataSchema", KK_ARC_NS_SAHKE2);
    kk_w_end(w);
    write_contact(w, p);
    for (int cf = 0; cf < p->ncasefiles; cf++)
        write_casefile(w, p, cf, diag);
    kk_w_end(w);
    return kk_arc_writer_end(w, buf, p->dir, SAHKE2_REL, diag)
        && kk_arc_add_file(p, SAHKE2_REL, KK_ARC_ROOT, "application/xml", "dmd", -1, NULL, diag);
}
