/*
 * xml.h — tiny accessors for the canonical XML tree (all elements are in
 * the kokous namespace, so local names are enough).
 */
#ifndef KK_XML_H
#define KK_XML_H

#include <stdbool.h>
#include <libxml/tree.h>

/* First element child named `name`, or NULL.  Borrowed. */
xmlNodePtr kk_child(const xmlNode *parent, const char *name);
/* Next element sibling with the same name as `n` (iterate a list). */
xmlNodePtr kk_next_named(const xmlNode *n);
/* Text of the child `name`: borrowed pointer into the tree, or NULL when the
 * child is missing or empty.  Valid until the tree changes. */
const char *kk_child_text(const xmlNode *parent, const char *name);
/* Text of `n` itself (borrowed; NULL when empty). */
const char *kk_text(const xmlNode *n);
/* All text inside `n` as a new string (caller frees with free); "" when
 * empty, NULL only on allocation failure. */
char *kk_text_dup(const xmlNode *n);
/* Whether an element is named `name`. */
bool kk_is(const xmlNode *n, const char *name);

#define KK_FOR_CHILDREN(var, parent, name) \
    for (xmlNodePtr var = kk_child((parent), (name)); var; var = kk_next_named(var))

#endif
