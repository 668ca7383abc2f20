/*
 * locale_test.c — the language files, the style files and their readers.
 *
 * Run from the repository root (or pass it as the first argument).  The
 * fixtures under tests/unit/fixtures/ are the canonical XML of the YAML
 * files in styles/, as the loader makes it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "model/locale.h"
#include "model/style.h"

static int passed, failed;
static const char *root = ".";

static void check(bool ok, const char *what, ...)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    va_list ap;
    va_start(ap, what);
    fputs("FAIL: ", stdout);
    vprintf(what, ap);
    fputc('\n', stdout);
    va_end(ap);
}

/* Compares and frees `got`. */
static void check_str(char *got, const char *want, const char *what)
{
    check(got && strcmp(got, want) == 0, "%s: got \"%s\", want \"%s\"", what,
          got ? got : "(null)", want);
    free(got);
}

static char *path_of(const char *rel)
{
    static char buf[4][1024];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", root, rel);
    return buf[i];
}

static xmlDocPtr read_xml(const char *rel)
{
    xmlDocPtr d = xmlReadFile(path_of(rel), NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    check(d != NULL, "cannot read %s", rel);
    return d;
}

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* true when `xml` is valid against `xsd`. */
static bool valid(const char *xsd, const char *xml)
{
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path_of(xsd));
    xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaValidCtxtPtr vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
    bool ok = false;
    if (vc) {
        xmlSchemaSetValidErrors(vc, quiet, quiet, NULL);
        xmlDocPtr d = xmlReadFile(path_of(xml), NULL, XML_PARSE_NONET);
        ok = d && xmlSchemaValidateDoc(vc, d) == 0;
        xmlFreeDoc(d);
    }
    check(schema != NULL, "schema %s does not parse", xsd);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    return ok;
}

static void test_schemas(void)
{
    const char *loc[] = {"fi", "sv", "en"};
    char rel[256];
    for (int i = 0; i < 3; i++) {
        snprintf(rel, sizeof rel, "tests/unit/fixtures/locale-%s.xml", loc[i]);
        check(valid("schema/locale.xsd", rel), "%s is not valid", rel);
    }
    const char *sty[] = {"default", "uusimaa", "popsote", "lappi"};
    for (int i = 0; i < 4; i++) {
        snprintf(rel, sizeof rel, "tests/unit/fixtures/style-%s.xml", sty[i]);
        check(valid("schema/style.xsd", rel), "%s is not valid", rel);
    }
    check(!valid("schema/style.xsd", "tests/unit/fixtures/bad-style.xml"),
          "bad-style.xml should be rejected");
    check(!valid("schema/locale.xsd", "tests/unit/fixtures/bad-locale.xml"),
          "bad-locale.xml should be rejected (a label is missing)");
}

static void test_weekdays(void)
{
    check(kk_weekday(2017, 6, 21) == 2, "21.6.2017 is a Wednesday");
    check(kk_weekday(2021, 4, 13) == 1, "13.4.2021 is a Tuesday");
    check(kk_weekday(2017, 11, 21) == 1, "21.11.2017 is a Tuesday");
    check(kk_weekday(2000, 2, 29) == 1, "29.2.2000 is a Tuesday");
    check(kk_weekday(2024, 12, 29) == 6, "29.12.2024 is a Sunday");
    check(kk_weekday(1917, 12, 6) == 3, "6.12.1917 is a Thursday");
    check(kk_weekday(2023, 1, 1) == 6, "1.1.2023 is a Sunday");
    check(kk_weekday(1900, 2, 29) == -1, "29.2.1900 does not exist");
    check(kk_weekday(2017, 13, 1) == -1, "month 13 does not exist");
    check(kk_weekday(2017, 4, 31) == -1, "31.4. does not exist");
    check(kk_weekday(0, 1, 1) == -1, "year 0 is refused");
}

static void test_dates(kk_locale *fi, kk_locale *sv, kk_locale *en)
{
    check_str(kk_locale_date(fi, 2017, 6, 21, true), "keskiviikko 21.6.2017", "fi date");
    check_str(kk_locale_date(fi, 2021, 4, 13, false), "13.4.2021", "fi plain date");
    check_str(kk_locale_date(sv, 2017, 6, 21, true), "onsdag 21.6.2017", "sv date");
    check_str(kk_locale_date(en, 2017, 6, 21, true), "Wednesday 21 June 2017", "en date");
    check_str(kk_locale_date(en, 2017, 11, 21, false), "21 November 2017", "en plain date");
    check_str(kk_locale_date_pattern(fi, "date_long", 2017, 6, 21), "21. kesäkuuta 2017",
              "fi long date");
    check_str(kk_locale_date_pattern(fi, "month_year", 2017, 6, 21), "kesäkuu 2017",
              "fi month_year");
    check(kk_locale_date(fi, 2017, 2, 30, true) == NULL, "30.2. gives NULL");
    check(strcmp(kk_locale_month(fi, 6, KK_MONTH_GENITIVE), "kesäkuun") == 0, "fi genitive");
    check(strcmp(kk_locale_weekday(sv, 6), "söndag") == 0, "sv Sunday");
    check(strcmp(kk_locale_weekday(en, 7), "") == 0, "weekday 7 is empty");

    check_str(kk_locale_time_range(fi, 12, 0, 14, 0), "klo 12.00–14.00", "fi time range");
    check_str(kk_locale_time_range(fi, 9, 5, -1, 0), "klo 9.05", "fi single time");
    check_str(kk_locale_time_range(sv, 12, 0, 14, 0), "kl. 12.00–14.00", "sv time range");
    check_str(kk_locale_time_range(en, 9, 0, 14, 30), "09:00–14:30", "en time range");
    check(kk_locale_time_range(fi, 25, 0, -1, 0) == NULL, "25.00 gives NULL");
    check(kk_locale_time_range(fi, 12, 60, -1, 0) == NULL, "12.60 gives NULL");
    check(kk_locale_time_range(fi, 12, 0, 24, 1) == NULL, "24.01 gives NULL");

    /* the whole meeting time line, as the header prints it */
    const kk_locale *locs[] = {fi, sv, en};
    const char *want[] = {"keskiviikko 21.6.2017 klo 12.00–14.00",
                          "onsdag 21.6.2017 kl. 12.00–14.00",
                          "Wednesday 21 June 2017, 12:00–14:00"};
    for (int i = 0; i < 3; i++) {
        char *d = kk_locale_date(locs[i], 2017, 6, 21, true);
        char *t = kk_locale_time_range(locs[i], 12, 0, 14, 0);
        const char *names[] = {"date", "time"};
        const char *values[] = {d, t};
        check_str(kk_locale_format(locs[i], "date_time", names, values, 2), want[i],
                  "date_time");
        free(d);
        free(t);
    }
}

static void test_labels(kk_locale *fi, kk_locale *sv, kk_locale *en)
{
    check(strcmp(kk_locale_lang(fi), "fi") == 0, "fi language code");
    check(strcmp(kk_locale_label(fi, "minutes"), "PÖYTÄKIRJA") == 0, "fi minutes");
    check(strcmp(kk_locale_label(sv, "personal_data_removed"), "[personuppgift borttagen]") == 0,
          "sv personal data");
    check(strcmp(kk_locale_label(en, "vote_no"), "NO") == 0, "en NO stays text");
    check(strcmp(kk_locale_label(fi, "no_such_key"), "no_such_key") == 0, "gap shows the key");
    check(strcmp(kk_locale_label(NULL, "minutes"), "minutes") == 0, "NULL locale");

    const char *pn[] = {"page", "pages"}, *pv[] = {"1", "5"};
    check_str(kk_locale_format(fi, "page_of", pn, pv, 2), "1 (5)", "page_of");
    const char *dn[] = {"name"}, *dv[] = {"Liisa Virtanen"};
    check_str(kk_locale_format(sv, "deputy_for", dn, dv, 1), "ersättare (för Liisa Virtanen)",
              "deputy_for");
    check_str(kk_locale_fill("{a}{b} {unknown} {x", pn, pv, 0), "{a}{b} {unknown} {x",
              "unknown placeholders stay");
    const char *an[] = {"a"}, *av[] = {NULL};
    check_str(kk_locale_fill("<{a}>{{a}}", an, av, 1), "<>{}", "NULL value and braces");
    const char *sn[] = {"name", "role", "date", "time"};
    const char *sv_[] = {"Ossi Savolainen", "puheenjohtaja", "21.6.2017", "14.05"};
    check_str(kk_locale_format(fi, "signed_electronically", sn, sv_, 4),
              "Sähköisesti allekirjoittanut Ossi Savolainen, puheenjohtaja, 21.6.2017 14.05",
              "signed_electronically");

    static const char *kinds[] = {"correction", "municipal_appeal", "ban", "none"};
    const kk_locale *locs[] = {fi, sv, en};
    for (int l = 0; l < 3; l++)
        for (int k = 0; k < 4; k++)
            check(kk_locale_appeal_text(locs[l], kinds[k]) != NULL, "%s appeal %s",
                  kk_locale_lang(locs[l]), kinds[k]);
    check(kk_locale_appeal_text(fi, "other") == NULL, "unknown appeal kind");
    check(strstr(kk_locale_appeal_text(fi, "correction"), "14 päivän") != NULL,
          "correction has 14 days");
    check(strstr(kk_locale_appeal_text(fi, "municipal_appeal"), "30 päivän") != NULL,
          "municipal appeal has 30 days");
    check(strstr(kk_locale_appeal_text(fi, "ban"), "136 §") != NULL, "ban cites 136 §");
}

/* The {placeholders} of `s`, sorted and joined, into buf. */
static void placeholders(const char *s, char *buf, size_t size)
{
    char names[64][32];
    size_t n = 0;
    for (const char *p = strchr(s, '{'); p && n < 64; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e || (size_t)(e - p) >= 32)
            continue;
        memcpy(names[n], p + 1, (size_t)(e - p - 1));
        names[n][e - p - 1] = '\0';
        bool dup = false;
        for (size_t i = 0; i < n; i++)
            dup = dup || strcmp(names[i], names[n]) == 0;
        if (!dup)
            n++;
    }
    qsort(names, n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strncat(buf, names[i], size - strlen(buf) - 2);
        strcat(buf, ",");
    }
}

static void test_completeness(kk_locale *fi, kk_locale *sv, kk_locale *en)
{
    /* Date and time patterns pick the pieces their language needs. */
    static const char *free_form[] = {"date_plain", "date_weekday", "date_long",
                                      "month_year", "time_of_day"};
    const kk_locale *others[] = {sv, en};
    check(kk_locale_key_count(fi) > 100, "fi has its labels (%zu)", kk_locale_key_count(fi));
    for (size_t i = 0; i < kk_locale_key_count(fi); i++) {
        const char *key = kk_locale_key_at(fi, i);
        if (i > 0)
            check(strcmp(kk_locale_key_at(fi, i - 1), key) != 0,
                  "key %s is both a label and a pattern", key);
        bool skip = false;
        for (size_t f = 0; f < sizeof free_form / sizeof *free_form; f++)
            skip = skip || strcmp(key, free_form[f]) == 0;
        char want[512], got[512];
        placeholders(kk_locale_label(fi, key), want, sizeof want);
        for (int o = 0; o < 2; o++) {
            const char *text = kk_locale_label(others[o], key);
            check(text != key, "%s lacks %s", kk_locale_lang(others[o]), key);
            placeholders(text, got, sizeof got);
            check(skip || strcmp(want, got) == 0, "%s %s: placeholders {%s} vs fi {%s}",
                  kk_locale_lang(others[o]), key, got, want);
        }
    }
    for (int o = 0; o < 2; o++)
        check(kk_locale_key_count(others[o]) == kk_locale_key_count(fi),
              "%s has %zu keys, fi %zu", kk_locale_lang(others[o]),
              kk_locale_key_count(others[o]), kk_locale_key_count(fi));
    static const char *kinds[] = {"correction", "municipal_appeal", "ban", "none"};
    const kk_locale *all[] = {fi, sv, en};
    for (int k = 0; k < 4; k++) {
        char want[512], got[512];
        placeholders(kk_locale_appeal_text(fi, kinds[k]), want, sizeof want);
        for (int l = 1; l < 3; l++) {
            placeholders(kk_locale_appeal_text(all[l], kinds[k]), got, sizeof got);
            check(strcmp(want, got) == 0, "%s appeal %s placeholders differ",
                  kk_locale_lang(all[l]), kinds[k]);
        }
        char key[64];
        snprintf(key, sizeof key, "appeal_%s", kinds[k]);
        check(kk_locale_label(fi, key) != (const char *)key, "heading %s", key);
    }
}

static bool near(double a, double b)
{
    return a - b < 0.01 && b - a < 0.01;
}

static void test_styles(kk_locale *fi, kk_locale *en)
{
    xmlDocPtr def = read_xml("tests/unit/fixtures/style-default.xml");
    xmlDocPtr uus = read_xml("tests/unit/fixtures/style-uusimaa.xml");
    if (!def || !uus)
        return;
    kk_style *d = kk_style_from_xml(def, "styles");
    check(d != NULL, "default style");
    if (d) {
        check(near(d->page_width, 595.28) && near(d->page_height, 841.89), "A4 in points");
        check(near(d->margin_left, 56.69), "left margin 20mm");
        check(near(d->body.size, 11) && d->heading.weight == 700, "fonts");
        check(strcmp(d->body.family, "Noto Sans") == 0, "font family");
        check(d->n_tabs == 5 && near(d->tabs[1], 130.39), "tabs");
        check(!d->justify && d->hyphenate, "justify and hyphenate");
        check(d->logo_path == NULL && d->extends == NULL, "no logo, no parent");
        check(near(d->line_height, 1.25), "line height");
        char *t = kk_style_appeal_text(d, fi, "fi", "correction");
        check(t && strstr(t, "{authority}") != NULL, "default style leaves {authority} visible");
        free(t);
    }
    check(kk_style_extends(uus) && strcmp(kk_style_extends(uus), "default") == 0,
          "uusimaa extends default");
    check(d && kk_style_merge(d, uus, "/srv/kokous/styles"), "merge uusimaa");
    if (d) {
        check(near(d->colors.accent.r, 0.0) && near(d->colors.accent.g, 0x5E / 255.0) &&
              near(d->colors.accent.b, 0xB8 / 255.0), "accent #005EB8");
        check(near(d->margin_left, 56.69), "inherited margin");
        check(d->logo_path && strcmp(d->logo_path, "/srv/kokous/styles/logos/uusimaa.png") == 0,
              "logo path %s", d->logo_path ? d->logo_path : "(null)");
        check(near(d->logo_width, 113.39), "logo width 40mm");
        check(strcmp(kk_text3_get(&d->organization, "sv"), "Nylands förbund") == 0, "sv org");
        check(strcmp(kk_style_label(d, fi, "fi", "key_messages"), "Kokouksen ydinviestit") == 0,
              "fi override");
        check(strcmp(kk_style_label(d, en, "en", "key_messages"), "Key messages") == 0,
              "en falls back to the locale");
        check(strcmp(kk_style_label(d, fi, "fi", "minutes"), "PÖYTÄKIRJA") == 0, "no override");
        char *t = kk_style_appeal_text(d, fi, "fi", "municipal_appeal");
        check(t && strstr(t, "Valitus tehdään: Helsingin hallinto-oikeus") && !strchr(t, '{'),
              "appeal filled from the style");
        free(t);
        t = kk_style_appeal_text(d, en, "en", "correction");
        check(t && strstr(t, "Regional Board of the Helsinki-Uusimaa") != NULL, "en authority");
        free(t);
        check(kk_style_appeal_text(d, fi, "fi", "nope") == NULL, "unknown appeal kind");
    }
    kk_style_free(d);
    kk_style *r = kk_style_from_xml(uus, "styles");
    check(r && r->logo_path && r->logo_path[0] == '/', "relative style dir gives absolute logo");
    kk_style_free(r);
    check(kk_style_from_xml(NULL, "styles") == NULL, "NULL doc");
    check(kk_style_label(NULL, NULL, "fi", "x") != NULL, "NULL style and locale");
    xmlFreeDoc(def);
    xmlFreeDoc(uus);

    const char *others[] = {"popsote", "lappi"};
    for (int i = 0; i < 2; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "tests/unit/fixtures/style-%s.xml", others[i]);
        xmlDocPtr doc = read_xml(rel);
        kk_style *s = doc ? kk_style_from_xml(doc, "styles") : NULL;
        char *t = s ? kk_style_appeal_text(s, fi, "fi", "municipal_appeal") : NULL;
        check(t && strstr(t, "Pohjois-Suomen hallinto-oikeus") && !strchr(t, '{'),
              "%s appeal", others[i]);
        free(t);
        kk_style_free(s);
        xmlFreeDoc(doc);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1)
        root = argv[1];
    xmlDocPtr dfi = read_xml("tests/unit/fixtures/locale-fi.xml");
    xmlDocPtr dsv = read_xml("tests/unit/fixtures/locale-sv.xml");
    xmlDocPtr den = read_xml("tests/unit/fixtures/locale-en.xml");
    kk_locale *fi = kk_locale_from_xml(dfi), *sv = kk_locale_from_xml(dsv),
              *en = kk_locale_from_xml(den);
    check(fi && sv && en, "locales load");
    test_schemas();
    test_weekdays();
    if (fi && sv && en) {
        test_dates(fi, sv, en);
        test_labels(fi, sv, en);
        test_completeness(fi, sv, en);
        test_styles(fi, en);
    }
    kk_locale_free(fi);
    kk_locale_free(sv);
    kk_locale_free(en);
    xmlFreeDoc(dfi);
    xmlFreeDoc(dsv);
    xmlFreeDoc(den);
    xmlCleanupParser();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
