/*
 * pdf_docinfo.c — the document information of a finished PDF as text:
 * cleaned strings, PDF and XMP dates, and the XMP packet.  No qpdf here.
 */
#include "render/pdf_docinfo.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small text helpers ------------------------------------------------ */

/* Control characters were removed earlier: only the XML specials remain. */
static void sb_xml(kk_buf *b, const char *s)
{
    kk_buf_add_escaped(b, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s, or 0.  Rejects overlongs,
 * surrogates and code points above U+10FFFF, as XML and qpdf would. */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (s[0] == 0xE0 && s[1] < 0xA0)
            return 0;
        if (s[0] == 0xED && s[1] >= 0xA0)
            return 0;
        return 3;
    }
    if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        if (s[0] == 0xF0 && s[1] < 0x90)
            return 0;
        if (s[0] == 0xF4 && s[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

/* A copy with C0 controls and DEL turned into spaces (XML 1.0 cannot carry
 * them, and Info must equal XMP), or NULL for NULL.  *bad is set when s is
 * not UTF-8.  Caller owns the result. */
char *kk_pdf_clean_text(const char *s, bool *bad, bool *oom)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (!out) {
        *oom = true;
        return NULL;
    }
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t k = utf8_len(u + i);
        if (k == 0) {
            *bad = true;
            free(out);
            return NULL;
        }
        for (size_t j = 0; j < k; j++)
            out[i + j] = (k == 1 && (u[i] < 0x20 || u[i] == 0x7F))
                             ? ' ' : (char)u[i + j];
        i += k;
    }
    out[n] = '\0';
    return out;
}

static bool lang_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 35)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

/* Our own UTC calendar so that neither TZ nor the C library's time_t range
 * can change the output (days-to-civil after H. Hinnant). */
static bool format_dates(long long t, kk_pdf_docinfo *m)
{
    if (t < 0 || t > 253402300799LL) /* 9999-12-31T23:59:59Z */
        return false;
    long long days = t / 86400, secs = t % 86400;
    long long z = days + 719468;
    long long era = z / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mo = (int)(mp < 10 ? mp + 3 : mp - 9);
    int y = (int)(yoe + era * 400 + (mo <= 2));
    int hh = (int)(secs / 3600), mm = (int)(secs / 60 % 60), ss = (int)(secs % 60);
    snprintf(m->info_date, sizeof m->info_date,
             "D:%04d%02d%02d%02d%02d%02d+00'00'", y, mo, d, hh, mm, ss);
    snprintf(m->xmp_date, sizeof m->xmp_date, "%04d-%02d-%02dT%02d:%02d:%02dZ",
             y, mo, d, hh, mm, ss);
    return true;
}

void kk_pdf_docinfo_free(kk_pdf_docinfo *m)
{
    free(m->title);
    free(m->author);
    free(m->subject);
    free(m->keywords);
    free(m->creator);
    free(m->lang);
    free(m->producer);
}

bool kk_pdf_docinfo_init(kk_pdf_docinfo *m, const kk_pdf_meta *in,
                         const char *out_path, kk_diag *diag)
{
    memset(m, 0, sizeof *m);
    if (!in || !in->title || !in->title[0]) {
        kk_diag_report(diag, KK_ERROR, KK_FAIL_INPUT, out_path, 0, 0,
                       "the document has no title; a PDF needs one for its "
                       "document information");
        return false;
    }
    if (in->pdfa_part < 0 || in->pdfa_part > 2) {
        kk_sys_error(diag, out_path, "unsupported PDF/A part %d (use 0, 1 or 2)",
                     in->pdfa_part);
        return false;
    }
    if (in->lang && !lang_ok(in->lang)) {
        kk_diag_report(diag, KK_ERROR, KK_FAIL_INPUT, out_path, 0, 0,
                       "'%s' is not a language tag; use e.g. fi, sv or en",
                       in->lang);
        return false;
    }
    if (!format_dates(in->created, m)) {
        kk_sys_error(diag, out_path, "creation time %lld is outside years 1970-9999",
                     in->created);
        return false;
    }
    bool bad = false, oom = false;
    m->title = kk_pdf_clean_text(in->title, &bad, &oom);
    m->author = kk_pdf_clean_text(in->author, &bad, &oom);
    m->subject = kk_pdf_clean_text(in->subject, &bad, &oom);
    m->keywords = kk_pdf_clean_text(in->keywords, &bad, &oom);
    m->creator = kk_pdf_clean_text(in->creator, &bad, &oom);
    m->lang = kk_pdf_clean_text(in->lang, &bad, &oom);
    m->pdfa_part = in->pdfa_part;
    if (bad || oom) {
        if (bad)
            kk_diag_report(diag, KK_ERROR, KK_FAIL_INPUT, out_path, 0, 0,
                           "document information (title, organization, "
                           "subject or keywords) is not valid UTF-8");
        else
            kk_sys_error(diag, out_path, "out of memory");
        kk_pdf_docinfo_free(m);
        return false;
    }
    return true;
}

/* The XMP packet; values are the same strings as in Info (PDF/A 6.7.3).
 * Caller frees the result. */
char *kk_pdf_xmp_build(const kk_pdf_docinfo *m)
{
    kk_buf b = {0};
    kk_buf_add(&b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                "  <rdf:Description rdf:about=\"\" "
                "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                "   <dc:format>application/pdf</dc:format>\n"
                "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
    sb_xml(&b, m->title);
    kk_buf_add(&b, "</rdf:li></rdf:Alt></dc:title>\n");
    if (m->author) {
        kk_buf_add(&b, "   <dc:creator><rdf:Seq><rdf:li>");
        sb_xml(&b, m->author);
        kk_buf_add(&b, "</rdf:li></rdf:Seq></dc:creator>\n");
    }
    if (m->subject) {
        kk_buf_add(&b, "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        sb_xml(&b, m->subject);
        kk_buf_add(&b, "</rdf:li></rdf:Alt></dc:description>\n");
    }
    if (m->lang) {
        kk_buf_add(&b, "   <dc:language><rdf:Bag><rdf:li>");
        sb_xml(&b, m->lang);
        kk_buf_add(&b, "</rdf:li></rdf:Bag></dc:language>\n");
    }
    kk_buf_add(&b, "  </rdf:Description>\n"
                "  <rdf:Description rdf:about=\"\" "
                "xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n");
    static const char *const dates[] = {"CreateDate", "ModifyDate", "MetadataDate"};
    for (size_t i = 0; i < 3; i++) {
        kk_buf_add(&b, "   <xmp:");
        kk_buf_add(&b, dates[i]);
        kk_buf_add(&b, ">");
        kk_buf_add(&b, m->xmp_date);
        kk_buf_add(&b, "</xmp:");
        kk_buf_add(&b, dates[i]);
        kk_buf_add(&b, ">\n");
    }
    if (m->creator) {
        kk_buf_add(&b, "   <xmp:CreatorTool>");
        sb_xml(&b, m->creator);
        kk_buf_add(&b, "</xmp:CreatorTool>\n");
    }
    kk_buf_add(&b, "  </rdf:Description>\n"
                "  <rdf:Description rdf:about=\"\" "
                "xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
                "   <pdf:Producer>");
    sb_xml(&b, m->producer);
    kk_buf_add(&b, "</pdf:Producer>\n");
    if (m->keywords) {
        kk_buf_add(&b, "   <pdf:Keywords>");
        sb_xml(&b, m->keywords);
        kk_buf_add(&b, "</pdf:Keywords>\n");
    }
    kk_buf_add(&b, "  </rdf:Description>\n");
    if (m->pdfa_part > 0) {
        kk_buf_add(&b, "  <rdf:Description rdf:about=\"\" "
                    "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
                    "   <pdfaid:part>");
        kk_buf_add(&b, m->pdfa_part == 1 ? "1" : "2");
        kk_buf_add(&b, "</pdfaid:part>\n"
                    "   <pdfaid:conformance>B</pdfaid:conformance>\n"
                    "  </rdf:Description>\n");
    }
    kk_buf_add(&b, " </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
    if (b.oom) {
        kk_buf_free(&b);
        return NULL;
    }
    return kk_buf_take(&b);
}
