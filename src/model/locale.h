/*
 * locale.h — the words, patterns and appeal texts of one language.
 *
 * Promise: a validated <locale> tree (schema/locale.xsd, from
 * styles/locale/LANG.yaml) becomes a read-only lookup table.  Nothing here
 * asks the C library's locale or the clock, so output is the same on every
 * machine.  Labels and patterns share one key space (their keys are
 * distinct; tests/unit/locale_test.c checks it) and are listed in
 * styles/locale/fi.yaml.
 *
 * Patterns use {name} placeholders.  A placeholder that the caller gives no
 * value for is copied as written, so the gap is visible in the output.
 */
#ifndef KK_LOCALE_H
#define KK_LOCALE_H

#include <stdbool.h>
#include <stddef.h>
#include <libxml/tree.h>

#ifndef KK_NS
#define KK_NS "urn:kokous:1"
#endif

typedef struct kk_locale kk_locale;   /* opaque */

/* Month name forms (fi needs all three; sv and en repeat one). */
typedef enum { KK_MONTH_NOMINATIVE, KK_MONTH_GENITIVE, KK_MONTH_PARTITIVE } kk_month_form;

/* Build from a tree that has passed schema/locale.xsd.  Elements outside
 * KK_NS are ignored.  Returns NULL on allocation failure or when the root is
 * not <locale>.  Caller frees with kk_locale_free. */
kk_locale *kk_locale_from_xml(xmlDocPtr doc);
void kk_locale_free(kk_locale *loc);

/* "fi", "sv" or "en" as the file says; borrowed, "" when absent. */
const char *kk_locale_lang(const kk_locale *loc);

/* A label or pattern.  Borrowed, valid until kk_locale_free.  Never NULL:
 * a missing key (or a NULL loc) answers the key itself. */
const char *kk_locale_label(const kk_locale *loc, const char *key);

/* Fill the {name} placeholders of any text.  names[i] (without braces) is
 * replaced by values[i]; a NULL value counts as "".  Returns a new string
 * the caller frees, or NULL on allocation failure. */
char *kk_locale_fill(const char *text, const char *const *names,
                     const char *const *values, size_t n);

/* kk_locale_fill on the pattern (or label) `pattern_key`.  Caller frees. */
char *kk_locale_format(const kk_locale *loc, const char *pattern_key,
                       const char *const *names, const char *const *values,
                       size_t n);

/* 0 = Monday ... 6 = Sunday for a proleptic Gregorian date; -1 when the
 * date does not exist.  Pure arithmetic. */
int kk_weekday(int y, int m, int d);
bool kk_date_valid(int y, int m, int d);

/* Names; borrowed, never NULL ("" when out of range or absent).
 * weekday: 0 = Monday; month: 1 = January. */
const char *kk_locale_weekday(const kk_locale *loc, int weekday);
const char *kk_locale_month(const kk_locale *loc, int month, kk_month_form form);

/* A date through the pattern date_weekday or date_plain, e.g.
 * "keskiviikko 21.6.2017".  Placeholders: {weekday} {d} {dd} {m} {mm} {y}
 * {month} {month_gen} {month_part}.  NULL when the date does not exist or
 * on allocation failure; caller frees. */
char *kk_locale_date(const kk_locale *loc, int y, int m, int d, bool with_weekday);

/* Any date pattern by key (e.g. "date_long", "month_year"); as above. */
char *kk_locale_date_pattern(const kk_locale *loc, const char *pattern_key,
                             int y, int m, int d);

/* A time of day through time_of_day ({h} {hh} {min}), e.g. "12.00".
 * NULL when out of range (h 0..24, min 0..59) or on allocation failure. */
char *kk_locale_time(const kk_locale *loc, int h, int min);

/* "klo 12.00–14.00" through time_range, or "klo 12.00" through time_single
 * when h2 < 0.  NULL when a time is out of range; caller frees. */
char *kk_locale_time_range(const kk_locale *loc, int h1, int m1, int h2, int m2);

/* The raw appeal instruction (CommonMark with {authority} {address} {email}
 * {court} {court_address} {court_email}) for "correction",
 * "municipal_appeal", "ban" or "none".  Borrowed; NULL for another kind.
 * Its heading is the label "appeal_" + kind. */
const char *kk_locale_appeal_text(const kk_locale *loc, const char *appeal_kind);

/* Every key, in sorted order, for completeness checks: index 0..count-1,
 * NULL past the end.  Borrowed. */
size_t kk_locale_key_count(const kk_locale *loc);
const char *kk_locale_key_at(const kk_locale *loc, size_t i);

#endif
