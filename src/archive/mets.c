/* mets.c — the METS files of a package (E-ARK CSIP/SIP 2.x): one per
 * representation listing its data, and the root one listing everything
 * else, with the metadata files in dmdSec/amdSec. */
#define _POSIX_C_SOURCE 200809L
#include "archive/archive_int.h"

#include <stdio.h>
#include <string.h>

#ifndef KK_VERSION
#define KK_VERSION "0.0.0"
#endif

const char *kk_arc_rep_name(kk_arc_where rep)
{
    return rep == KK_ARC_REP_PDFA ? "pdfa" : rep == KK_ARC_REP_SOURCE ? "source" : "";
}

static void start_mets(xmlTextWriterPtr w, const kk_arc_package *p, const char *objid, const char *label,
                       const char *schemas)
{
    char loc[512];
    kk_w_start(w, "mets:mets");
    kk_w_attr(w, "xmlns:mets", KK_ARC_NS_METS);
    kk_w_attr(w, "xmlns:xlink", KK_ARC_NS_XLINK);
    kk_w_attr(w, "xmlns:csip", KK_ARC_NS_CSIP);
    kk_w_attr(w, "xmlns:xsi", KK_ARC_NS_XSI);
    snprintf(loc, sizeof loc, KK_ARC_NS_METS " %smets.xsd " KK_ARC_NS_XLINK " %sxlink.xsd " KK_ARC_NS_CSIP
             " %sDILCISExtensionMETS.xsd", schemas, schemas, schemas);
    kk_w_attr(w, "xsi:schemaLocation", loc);
    kk_w_attr(w, "OBJID", objid);
    kk_w_attr(w, "LABEL", label);
    kk_w_attr(w, "TYPE", KK_ARC_TYPE);
    kk_w_attr(w, "PROFILE", KK_ARC_PROFILE);
    kk_w_attr(w, "csip:CONTENTINFORMATIONTYPE", "OTHER");
    kk_w_attr(w, "csip:OTHERCONTENTINFORMATIONTYPE", "SAHKE2 2019.03");

    kk_w_start(w, "mets:metsHdr");
    kk_w_attr(w, "CREATEDATE", p->created_iso);
    kk_w_attr(w, "RECORDSTATUS", "NEW");
    kk_w_attr(w, "csip:OAISPACKAGETYPE", "SIP");
    kk_w_start(w, "mets:agent");
    kk_w_attr(w, "ROLE", "CREATOR");
    kk_w_attr(w, "TYPE", "OTHER");
    kk_w_attr(w, "OTHERTYPE", "SOFTWARE");
    kk_w_elem(w, "mets:name", "kokous");
    kk_w_start(w, "mets:note");
    kk_w_attr(w, "csip:NOTETYPE", "SOFTWARE VERSION");
    xmlTextWriterWriteString(w, BAD_CAST KK_VERSION);
    kk_w_end(w);
    kk_w_end(w);
    /* the records creators (arkistonmuodostajat), each named once */
    for (size_t i = 0; i < p->ndocs; i++) {
        const char *org = p->docs[i].doc->organization;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(p->docs[j].doc->organization, org);
        if (seen)
            continue;
        kk_w_start(w, "mets:agent");
        kk_w_attr(w, "ROLE", "ARCHIVIST");
        kk_w_attr(w, "TYPE", "ORGANIZATION");
        kk_w_elem(w, "mets:name", org);
        kk_w_end(w);
    }
    kk_w_end(w);
}

static void file_attrs(xmlTextWriterPtr w, const kk_arc_package *p, const kk_arc_file *f)
{
    char size[32];
    snprintf(size, sizeof size, "%zu", f->size);
    kk_w_attr(w, "MIMETYPE", f->mime);
    kk_w_attr(w, "SIZE", size);
    kk_w_attr(w, "CREATED", p->created_iso);
    kk_w_attr(w, "CHECKSUM", f->sha256);
    kk_w_attr(w, "CHECKSUMTYPE", "SHA-256");
}

static void link_attrs(xmlTextWriterPtr w, const char *href)
{
    kk_w_attr(w, "LOCTYPE", "URL");
    kk_w_attr(w, "xlink:type", "simple");
    kk_w_attr(w, "xlink:href", href);
}

/* `f->path` relative to the folder of the METS file that lists it */
static const char *href_of(const kk_arc_file *f)
{
    if (f->where == KK_ARC_ROOT)
        return f->path;
    const char *data = strstr(f->path, "/data/");
    return data ? data + 1 : f->path;
}

static void file_entry(xmlTextWriterPtr w, const kk_arc_package *p, size_t i)
{
    const kk_arc_file *f = &p->files[i];
    char id[32];
    snprintf(id, sizeof id, "file-%04zu", i + 1);
    kk_w_start(w, "mets:file");
    kk_w_attr(w, "ID", id);
    file_attrs(w, p, f);
    kk_w_start(w, "mets:FLocat");
    link_attrs(w, href_of(f));
    kk_w_end(w);
    kk_w_end(w);
}

static void fptrs(xmlTextWriterPtr w, const kk_arc_package *p, kk_arc_where where, const char *group)
{
    for (size_t i = 0; i < p->nfiles; i++) {
        if (p->files[i].where != where || strcmp(p->files[i].group, group))
            continue;
        char id[32];
        snprintf(id, sizeof id, "file-%04zu", i + 1);
        kk_w_start(w, "mets:fptr");
        kk_w_attr(w, "FILEID", id);
        kk_w_end(w);
    }
}

static void file_group(xmlTextWriterPtr w, const kk_arc_package *p, kk_arc_where where, const char *group)
{
    char id[64];
    snprintf(id, sizeof id, "grp-%s", group);
    for (char *c = id; *c; c++)
        if (*c == '/')
            *c = '-';
    kk_w_start(w, "mets:fileGrp");
    kk_w_attr(w, "ID", id);
    kk_w_attr(w, "USE", group);
    for (size_t i = 0; i < p->nfiles; i++)
        if (p->files[i].where == where && !strcmp(p->files[i].group, group))
            file_entry(w, p, i);
    kk_w_end(w);
}

bool kk_arc_write_rep_mets(kk_arc_package *p, kk_arc_where rep, kk_diag *diag)
{
    const char *name = kk_arc_rep_name(rep);
    char objid[300], label[128], rel[128];
    snprintf(objid, sizeof objid, "%s/%s", p->id, name);
    snprintf(label, sizeof label, rep == KK_ARC_REP_PDFA ? "Official versions, PDF/A-%db" : "Sources (YAML) and canonical XML",
             p->pdfa_part);
    snprintf(rel, sizeof rel, "representations/%s/METS.xml", name);
    xmlBufferPtr buf;
    xmlTextWriterPtr w = kk_arc_writer_new(&buf);
    if (!w) {
        kk_sys_error(diag, rel, "out of memory");
        return false;
    }
    start_mets(w, p, objid, label, "../../schemas/");
    kk_w_start(w, "mets:fileSec");
    kk_w_attr(w, "ID", "filesec-1");
    file_group(w, p, rep, "Data");
    kk_w_end(w);
    kk_w_start(w, "mets:structMap");
    kk_w_attr(w, "ID", "structmap-1");
    kk_w_attr(w, "TYPE", "PHYSICAL");
    kk_w_attr(w, "LABEL", "CSIP");
    kk_w_start(w, "mets:div");
    kk_w_attr(w, "ID", "div-rep");
    kk_w_attr(w, "LABEL", name);
    kk_w_start(w, "mets:div");
    kk_w_attr(w, "ID", "div-data");
    kk_w_attr(w, "LABEL", "Data");
    fptrs(w, p, rep, "Data");
    kk_w_end(w);
    kk_w_end(w);
    kk_w_end(w);
    kk_w_end(w);
    return kk_arc_writer_end(w, buf, p->dir, rel, diag)
        && kk_arc_add_file(p, rel, KK_ARC_ROOT, "application/xml", rep == KK_ARC_REP_PDFA ? "Representations/pdfa"
                           : "Representations/source", -1, NULL, diag);
}

static const kk_arc_file *find_group(const kk_arc_package *p, const char *group)
{
    for (size_t i = 0; i < p->nfiles; i++)
        if (p->files[i].where == KK_ARC_ROOT && !strcmp(p->files[i].group, group))
            return &p->files[i];
    return NULL;
}

static void md_ref(xmlTextWriterPtr w, const kk_arc_package *p, const kk_arc_file *f, const char *mdtype,
                   const char *other)
{
    kk_w_start(w, "mets:mdRef");
    link_attrs(w, f->path);
    kk_w_attr(w, "MDTYPE", mdtype);
    if (other)
        kk_w_attr(w, "OTHERMDTYPE", other);
    file_attrs(w, p, f);
    kk_w_end(w);
}

bool kk_arc_write_root_mets(kk_arc_package *p, kk_diag *diag)
{
    const kk_arc_file *dmd = find_group(p, "dmd"), *amd = find_group(p, "amd");
    if (!dmd || !amd) {
        kk_sys_error(diag, "METS.xml", "internal error: metadata files missing");
        return false;
    }
    xmlBufferPtr buf;
    xmlTextWriterPtr w = kk_arc_writer_new(&buf);
    if (!w) {
        kk_sys_error(diag, "METS.xml", "out of memory");
        return false;
    }
    char label[512];
    snprintf(label, sizeof label, "%s (%zu document%s)", p->id, p->ndocs, p->ndocs == 1 ? "" : "s");
    start_mets(w, p, p->id, label, "schemas/");
    kk_w_start(w, "mets:dmdSec");
    kk_w_attr(w, "ID", "dmd-sahke2");
    kk_w_attr(w, "CREATED", p->created_iso);
    kk_w_attr(w, "STATUS", "CURRENT");
    md_ref(w, p, dmd, "OTHER", "SAHKE2");
    kk_w_end(w);
    kk_w_start(w, "mets:amdSec");
    kk_w_attr(w, "ID", "amd-1");
    kk_w_start(w, "mets:digiprovMD");
    kk_w_attr(w, "ID", "digiprov-premis");
    kk_w_attr(w, "CREATED", p->created_iso);
    kk_w_attr(w, "STATUS", "CURRENT");
    md_ref(w, p, amd, "PREMIS", NULL);
    kk_w_end(w);
    kk_w_end(w);

    static const char *const groups[] = { "Documentation", "Schemas", "Representations/pdfa", "Representations/source" };
    kk_w_start(w, "mets:fileSec");
    kk_w_attr(w, "ID", "filesec-1");
    for (size_t g = 0; g < 4; g++)
        file_group(w, p, KK_ARC_ROOT, groups[g]);
    kk_w_end(w);

    kk_w_start(w, "mets:structMap");
    kk_w_attr(w, "ID", "structmap-1");
    kk_w_attr(w, "TYPE", "PHYSICAL");
    kk_w_attr(w, "LABEL", "CSIP");
    kk_w_start(w, "mets:div");
    kk_w_attr(w, "ID", "div-root");
    kk_w_attr(w, "LABEL", p->id);
    kk_w_start(w, "mets:div");
    kk_w_attr(w, "ID", "div-metadata");
    kk_w_attr(w, "LABEL", "Metadata");
    kk_w_attr(w, "DMDID", "dmd-sahke2");
    kk_w_attr(w, "ADMID", "digiprov-premis");
    kk_w_end(w);
    for (size_t g = 0; g < 2; g++) {
        char id[32];
        snprintf(id, sizeof id, "div-%s", g ? "schemas" : "documentation");
        kk_w_start(w, "mets:div");
        kk_w_attr(w, "ID", id);
        kk_w_attr(w, "LABEL", groups[g]);
        fptrs(w, p, KK_ARC_ROOT, groups[g]);
        kk_w_end(w);
    }
    for (size_t g = 2; g < 4; g++) {
        const kk_arc_file *rep = find_group(p, groups[g]);
        char id[32];
        snprintf(id, sizeof id, "div-rep-%s", g == 2 ? "pdfa" : "source");
        kk_w_start(w, "mets:div");
        kk_w_attr(w, "ID", id);
        kk_w_attr(w, "LABEL", groups[g]);
        kk_w_start(w, "mets:mptr");
        link_attrs(w, rep ? rep->path : "");
        kk_w_attr(w, "xlink:title", "METS.xml");
        kk_w_end(w);
        kk_w_end(w);
    }
    kk_w_end(w);
    kk_w_end(w);
    kk_w_end(w);
    return kk_arc_writer_end(w, buf, p->dir, "METS.xml", diag);
}
