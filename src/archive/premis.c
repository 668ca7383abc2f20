/* premis.c — metadata/preservation/premis.xml (PREMIS 2.3): an object per
 * file with its fixity, format and creating application; the events that
 * made the files (validation, migration from YAML, packaging); the kokous
 * agent; and a rights statement for every record that is not public, so a
 * confidential record is marked in the preservation metadata too. */
#define _POSIX_C_SOURCE 200809L
#include "archive/archive_int.h"

#include <stdio.h>
#include <string.h>

#ifndef KK_VERSION
#define KK_VERSION "0.0.0"
#endif

#define PREMIS_REL "metadata/preservation/premis.xml"
#define AGENT_ID "kokous-" KK_VERSION

static void identifier(xmlTextWriterPtr w, const char *el, const char *prefix, const char *value, const char *role)
{
    char name[96];
    kk_w_start(w, el);
    snprintf(name, sizeof name, "%sType", prefix);
    kk_w_elem(w, name, "local");
    snprintf(name, sizeof name, "%sValue", prefix);
    kk_w_elem(w, name, value);
    if (role) {
        snprintf(name, sizeof name, "%s", prefix);
        /* premis:linkingObjectIdentifier -> premis:linkingObjectRole */
        char *tail = strstr(name, "Identifier");
        if (tail)
            snprintf(tail, sizeof name - (size_t)(tail - name), "Role");
        kk_w_elem(w, name, role);
    }
    kk_w_end(w);
}

static void format(xmlTextWriterPtr w, const kk_arc_package *p, const kk_arc_file *f)
{
    const char *version = NULL, *pronom = NULL;
    char pdfa[8];
    if (!strcmp(f->mime, "application/pdf")) {
        snprintf(pdfa, sizeof pdfa, "A-%db", p->pdfa_part);
        version = pdfa;
        pronom = p->pdfa_part == 1 ? "fmt/354" : "fmt/476";
    } else if (f->ext && !strcmp(f->ext, "xml")) {
        version = "1.0";
        pronom = "fmt/101";
    } else if (f->ext && !strcmp(f->ext, "yaml")) {
        version = "1.1";
    }
    kk_w_start(w, "premis:format");
    kk_w_start(w, "premis:formatDesignation");
    kk_w_elem(w, "premis:formatName", f->mime);
    if (version)
        kk_w_elem(w, "premis:formatVersion", version);
    kk_w_end(w);
    if (pronom) {
        kk_w_start(w, "premis:formatRegistry");
        kk_w_elem(w, "premis:formatRegistryName", "PRONOM");
        kk_w_elem(w, "premis:formatRegistryKey", pronom);
        kk_w_end(w);
    }
    kk_w_end(w);
}

static void object(xmlTextWriterPtr w, const kk_arc_package *p, const kk_arc_file *f)
{
    const kk_arc_doc *a = f->doc >= 0 ? &p->docs[f->doc] : NULL;
    char size[32], ev[300];
    kk_w_start(w, "premis:object");
    kk_w_attr(w, "xsi:type", "premis:file");
    identifier(w, "premis:objectIdentifier", "premis:objectIdentifier", f->path, NULL);
    if (a) {
        kk_w_start(w, "premis:significantProperties");
        kk_w_elem(w, "premis:significantPropertiesType", "publicity");
        kk_w_elem(w, "premis:significantPropertiesValue", a->publicity);
        kk_w_end(w);
    }
    kk_w_start(w, "premis:objectCharacteristics");
    kk_w_elem(w, "premis:compositionLevel", "0");
    kk_w_start(w, "premis:fixity");
    kk_w_elem(w, "premis:messageDigestAlgorithm", "SHA-256");
    kk_w_elem(w, "premis:messageDigest", f->sha256);
    kk_w_elem(w, "premis:messageDigestOriginator", "kokous");
    kk_w_end(w);
    snprintf(size, sizeof size, "%zu", f->size);
    kk_w_elem(w, "premis:size", size);
    format(w, p, f);
    /* the YAML is written by a person; every other document file by kokous */
    if (a && strcmp(f->ext, "yaml")) {
        kk_w_start(w, "premis:creatingApplication");
        kk_w_elem(w, "premis:creatingApplicationName", "kokous");
        kk_w_elem(w, "premis:creatingApplicationVersion", KK_VERSION);
        kk_w_elem(w, "premis:dateCreatedByApplication", p->created_iso);
        kk_w_end(w);
    }
    kk_w_end(w);
    if (a && !strcmp(f->ext, "yaml"))
        kk_w_elem(w, "premis:originalName", kk_source_path(a->src));
    if (a) {
        if (!strcmp(f->ext, "yaml")) {
            snprintf(ev, sizeof ev, "validation-%s", a->doc->id);
            identifier(w, "premis:linkingEventIdentifier", "premis:linkingEventIdentifier", ev, NULL);
        }
        snprintf(ev, sizeof ev, "migration-%s", a->doc->id);
        identifier(w, "premis:linkingEventIdentifier", "premis:linkingEventIdentifier", ev, NULL);
    }
    identifier(w, "premis:linkingEventIdentifier", "premis:linkingEventIdentifier", "packaging", NULL);
    if (a && strcmp(a->publicity, "public")) {
        snprintf(ev, sizeof ev, "rights-%s", a->doc->id);
        identifier(w, "premis:linkingRightsStatementIdentifier", "premis:linkingRightsStatementIdentifier", ev, NULL);
    }
    kk_w_end(w);
}

static void event_head(xmlTextWriterPtr w, const kk_arc_package *p, const char *id, const char *type,
                       const char *detail)
{
    kk_w_start(w, "premis:event");
    identifier(w, "premis:eventIdentifier", "premis:eventIdentifier", id, NULL);
    kk_w_elem(w, "premis:eventType", type);
    kk_w_elem(w, "premis:eventDateTime", p->created_iso);
    kk_w_elem(w, "premis:eventDetail", detail);
    kk_w_start(w, "premis:eventOutcomeInformation");
    kk_w_elem(w, "premis:eventOutcome", "success");
    kk_w_end(w);
    identifier(w, "premis:linkingAgentIdentifier", "premis:linkingAgentIdentifier", AGENT_ID, "executing program");
}

static void doc_events(xmlTextWriterPtr w, const kk_arc_package *p, size_t di)
{
    const kk_arc_doc *a = &p->docs[di];
    char id[300], detail[300];
    const kk_arc_file *yaml = NULL;
    for (size_t i = 0; i < p->nfiles; i++)
        if (p->files[i].doc == (int)di && p->files[i].ext && !strcmp(p->files[i].ext, "yaml"))
            yaml = &p->files[i];
    if (!yaml)
        return;
    snprintf(id, sizeof id, "validation-%s", a->doc->id);
    event_head(w, p, id, "validation",
               "YAML read and validated against kokous.xsd and the content rules of kokous");
    identifier(w, "premis:linkingObjectIdentifier", "premis:linkingObjectIdentifier", yaml->path, "source");
    kk_w_end(w);

    snprintf(id, sizeof id, "migration-%s", a->doc->id);
    if (a->doc->kind == KK_NEWSLETTER)
        snprintf(detail, sizeof detail, "YAML converted to canonical XML (newsletters are not typeset yet)");
    else
        snprintf(detail, sizeof detail, "YAML rendered as the official version (PDF/A-%db) and canonical XML",
                 p->pdfa_part);
    event_head(w, p, id, "migration", detail);
    identifier(w, "premis:linkingObjectIdentifier", "premis:linkingObjectIdentifier", yaml->path, "source");
    for (size_t i = 0; i < p->nfiles; i++)
        if (p->files[i].doc == (int)di && &p->files[i] != yaml)
            identifier(w, "premis:linkingObjectIdentifier", "premis:linkingObjectIdentifier", p->files[i].path,
                       "outcome");
    kk_w_end(w);
}

static void rights(xmlTextWriterPtr w, const kk_arc_package *p, size_t di)
{
    const kk_arc_doc *a = &p->docs[di];
    if (!strcmp(a->publicity, "public"))
        return;
    char id[300], note[300];
    snprintf(id, sizeof id, "rights-%s", a->doc->id);
    kk_w_start(w, "premis:rights");
    kk_w_start(w, "premis:rightsStatement");
    identifier(w, "premis:rightsStatementIdentifier", "premis:rightsStatementIdentifier", id, NULL);
    kk_w_elem(w, "premis:rightsBasis", "statute");
    kk_w_start(w, "premis:statuteInformation");
    kk_w_elem(w, "premis:statuteJurisdiction", "FI");
    kk_w_elem(w, "premis:statuteCitation", a->reasons ? a->reasons : "JulkL 621/1999");
    if (a->secret_until.y)
        snprintf(note, sizeof note, "%s until %04d-%02d-%02d", a->publicity, a->secret_until.y, a->secret_until.m,
                 a->secret_until.d);
    else
        snprintf(note, sizeof note, "%s", a->publicity);
    kk_w_elem(w, "premis:statuteNote", note);
    kk_w_end(w);
    kk_w_start(w, "premis:rightsGranted");
    kk_w_elem(w, "premis:act", "disseminate");
    kk_w_elem(w, "premis:restriction", "disallow");
    kk_w_elem(w, "premis:rightsGrantedNote",
              "the official version holds secret content; publish only the public version made by kokous build");
    kk_w_end(w);
    for (size_t i = 0; i < p->nfiles; i++)
        if (p->files[i].doc == (int)di)
            identifier(w, "premis:linkingObjectIdentifier", "premis:linkingObjectIdentifier", p->files[i].path, NULL);
    kk_w_end(w);
    kk_w_end(w);
}

bool kk_arc_write_premis(kk_arc_package *p, kk_diag *diag)
{
    xmlBufferPtr buf;
    xmlTextWriterPtr w = kk_arc_writer_new(&buf);
    if (!w) {
        kk_sys_error(diag, PREMIS_REL, "out of memory");
        return false;
    }
    kk_w_start(w, "premis:premis");
    kk_w_attr(w, "xmlns:premis", KK_ARC_NS_PREMIS);
    kk_w_attr(w, "xmlns:xsi", KK_ARC_NS_XSI);
    kk_w_attr(w, "xsi:schemaLocation", KK_ARC_NS_PREMIS " ../../schemas/premis-v2-3.xsd");
    kk_w_attr(w, "version", "2.3");
    for (size_t i = 0; i < p->nfiles; i++)
        object(w, p, &p->files[i]);
    for (size_t i = 0; i < p->ndocs; i++)
        doc_events(w, p, i);
    char detail[400];
    snprintf(detail, sizeof detail, "E-ARK SIP %s written: METS, SÄHKE2, PREMIS, %zu document%s", p->id, p->ndocs,
             p->ndocs == 1 ? "" : "s");
    event_head(w, p, "packaging", "packaging", detail);
    for (size_t i = 0; i < p->nfiles; i++)
        identifier(w, "premis:linkingObjectIdentifier", "premis:linkingObjectIdentifier", p->files[i].path, "outcome");
    kk_w_end(w);
    kk_w_start(w, "premis:agent");
    identifier(w, "premis:agentIdentifier", "premis:agentIdentifier", AGENT_ID, NULL);
    kk_w_elem(w, "premis:agentName", "kokous " KK_VERSION);
    kk_w_elem(w, "premis:agentType", "software");
    kk_w_end(w);
    for (size_t i = 0; i < p->ndocs; i++)
        rights(w, p, i);
    kk_w_end(w);
    return kk_arc_writer_end(w, buf, p->dir, PREMIS_REL, diag)
        && kk_arc_add_file(p, PREMIS_REL, KK_ARC_ROOT, "application/xml", "amd", -1, NULL, diag);
}
