/*
 * hyphenate.h — soft-hyphen insertion for the layout stage.
 *
 * Pango breaks lines only where Unicode allows it and does no dictionary
 * hyphenation, so long Finnish compounds overflow narrow columns.  This
 * module inserts U+00AD SOFT HYPHEN at the break points a dictionary allows;
 * Pango then breaks there and draws a visible hyphen only at the line end.
 *
 * Promises:
 *  - The output differs from the input only by inserted U+00AD characters:
 *    removing every U+00AD that was not in the input gives the input back
 *    byte for byte.  Markup tags and entities are copied verbatim.
 *  - Output is a pure function of (language, min_word, text, markup): the
 *    internal cache never changes results, only speed.
 *  - Backends: Finnish = libvoikko ("fi" dictionary), Swedish and English =
 *    libhyphen patterns from /usr/share/hyphen.  A missing dictionary means
 *    that language is silently not hyphenated; this module reports nothing.
 *  - Break points that would change letters (Voikko "=" points such as
 *    "vaa'an" -> "vaa-an", libhyphen non-standard rules) are never used.
 *  - Left alone: words shorter than min_word letters, words with digits,
 *    words of two or more letters written all in capitals (abbreviations
 *    and shouted headings alike), words already containing U+00AD, and
 *    whole whitespace-delimited chunks that look like URLs, e-mail addresses,
 *    domain or file names ("www.", "://", "@", "kunta.fi", "liite.pdf").
 *  - At least 2 letters stay before and after a break (Finnish), 2 before
 *    and 3 after (Swedish, English), counted inside each part of a compound
 *    with an explicit hyphen ("sote-uudistuksen": the hyphen is kept, and
 *    Pango may already break after it).
 *  - No break is placed before a combining mark or next to a hyphen or
 *    apostrophe; a combining mark with no letter before it is plain text.
 *  - Invalid UTF-8 input is returned as an untouched copy: deciding what to
 *    do with broken text belongs to validation, not to hyphenation.
 *
 * A kk_hyphenator is not thread-safe; make one per language per worker.
 * The prefetcher below is the one exception, and keeps to itself.
 */
#ifndef KK_HYPHENATE_H
#define KK_HYPHENATE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct kk_hyphenator kk_hyphenator;

/* lang: "fi", "sv" or "en", optionally followed by a region ("fi_FI",
 * "sv-FI").  NULL, an unsupported language or a missing dictionary gives a
 * hyphenator that inserts nothing.  Returns NULL only on allocation failure.
 * The caller owns the result and frees it with kk_hyphenator_free. */
kk_hyphenator *kk_hyphenator_new(const char *lang);

/* Frees h and everything it owns; NULL is allowed. */
void kk_hyphenator_free(kk_hyphenator *h);

/* Minimum number of letters a word needs before it is hyphenated; 0 means
 * the default, 6. */
void kk_hyphenator_set_min_word(kk_hyphenator *h, unsigned min_word);

/* True when h actually hyphenates (a dictionary was found). */
bool kk_hyphenator_active(const kk_hyphenator *h);

/* Returns a newly allocated string, owned by the caller (free()), equal to
 * text with U+00AD inserted at the allowed break points.  With markup true,
 * text is Pango markup: only character content is hyphenated, never the
 * inside of <...> tags, <!-- comments --> or &...; entities.  Returns NULL on
 * allocation failure or when h or text is NULL. */
char *kk_hyphenate(kk_hyphenator *h, const char *text, bool markup);

/* Dictionary look-ups are most of the cost of hyphenating a fresh
 * document.  This starts hyphenating `texts` (copied; plain text, in the
 * order they will be typeset) for `lang` on a second thread with its own
 * dictionary, so that the words are ready when kk_hyphenate meets them:
 * every kk_hyphenator of that language takes a word from there instead of
 * asking its dictionary again.  The results are the same with or without
 * it.  One at a time (starting one stops the last); false when it did not
 * start, which changes nothing.  Call only from the thread that uses the
 * hyphenators. */
bool kk_hyphenate_prefetch_start(const char *lang, const char *const *texts, size_t n);

/* Stops the prefetcher, waits for its thread and frees it; no-op when none. */
void kk_hyphenate_prefetch_stop(void);

#endif
