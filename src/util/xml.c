#define _POSIX_C_SOURCE 200809L
#include "util/xml.h"
#include <stdlib.h>
#include <string.h>

bool kk_is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

xmlNodePtr kk_child(const xmlNode *parent, const char *name)
{
    if (!parent)
        return NULL;
    for (xmlNodePtr c = parent->children; c; c = c->next)
        if (kk_is(c, name))
            return c;
    return NULL;
}

xmlNodePtr kk_next_named(const xmlNode *n)
{
    for (xmlNodePtr c = n->next; c; c = c->next)
        if (kk_is(c, (const char *)n->name))
            return c;
    return NULL;
}

const char *kk_text(const xmlNode *n)
{
    /* the loader writes a scalar as one text node */
    if (!n || !n->children || n->children->type != XML_TEXT_NODE || !n->children->content
        || !*n->children->content)
        return NULL;
    return (const char *)n->children->content;
}

const char *kk_child_text(const xmlNode *parent, const char *name)
{
    return kk_text(kk_child(parent, name));
}

char *kk_text_dup(const xmlNode *n)
{
    xmlChar *c = xmlNodeGetContent(n);
    char *s = strdup(c ? (const char *)c : "");
    xmlFree(c);
    return s;
}
