/*
 * rules.c — what the XSD cannot say.  Runs on a tree that passed the XSD,
 * so every value already has its type (dates are YYYY-MM-DD, times HH:MM).
 * Each rule reports at the YAML position a secretary has to edit.
 */
#define _POSIX_C_SOURCE 200809L
#include "validate/validate.h"
#include "util/text.h"
#include "util/xml.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct ctx {
    const kk_source *src;
    const char *input_root;
    kk_diag *diag;
    xmlNodePtr root;
    const char *kind;
    bool ok;
} ctx;

#define AT_VALUE(c, node, ...) do { kk_source_error_at_value((c)->src, (c)->diag, (node), __VA_ARGS__); (c)->ok = false; } while (0)
#define AT_KEY(c, node, ...) do { kk_source_error_at_key((c)->src, (c)->diag, (node), __VA_ARGS__); (c)->ok = false; } while (0)

static int minutes_of(const char *hhmm)
{
    return ((hhmm[0] - '0') * 10 + (hhmm[1] - '0')) * 60 + (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
}

/* ---- times and dates ---- */

static void check_times(ctx *c)
{
    xmlNodePtr start = kk_child(c->root, "start"), end = kk_child(c->root, "end");
    const char *s = kk_text(start), *e = kk_text(end);
    if (s && e && minutes_of(e) < minutes_of(s))
        AT_VALUE(c, end, "the meeting ends (%s) before it starts (%s); check `start` and `end`", e, s);
    KK_FOR_CHILDREN(br, kk_child(c->root, "breaks"), "break") {
        xmlNodePtr from = kk_child(br, "from"), to = kk_child(br, "to");
        const char *f = kk_text(from), *t = kk_text(to);
        if (f && t && minutes_of(t) <= minutes_of(f))
            AT_VALUE(c, to, "the break ends (%s) before it begins (%s)", t, f);
        else if (f && s && minutes_of(f) < minutes_of(s))
            AT_VALUE(c, from, "the break begins (%s) before the meeting starts (%s)", f, s);
        else if (t && e && minutes_of(t) > minutes_of(e))
            AT_VALUE(c, to, "the break ends (%s) after the meeting ends (%s)", t, e);
    }
}

/* ISO dates compare as strings once the XSD has fixed their form. */
static void check_period(ctx *c, const char *block, const char *what)
{
    xmlNodePtr b = kk_child(c->root, block);
    xmlNodePtr from = kk_child(b, "from"), to = kk_child(b, "to");
    const char *f = kk_text(from), *t = kk_text(to);
    if (f && t && strcmp(t, f) < 0)
        AT_VALUE(c, to, "%s ends (%s) before it begins (%s); check `from` and `to`", what, t, f);
}

/* ---- participants ---- */

static bool present(const xmlNode *p)
{
    const char *v = kk_child_text(p, "present");
    return !v || strcmp(v, "false") != 0;
}

/* NULL-terminated array of present participants' names (borrowed strings). */
static const char **present_names(const ctx *c)
{
    size_t n = 0;
    KK_FOR_CHILDREN(p, kk_child(c->root, "participants"), "participant")
        n++;
    const char **v = calloc(n + 1, sizeof *v);
    if (!v)
        return NULL;
    n = 0;
    KK_FOR_CHILDREN(p, kk_child(c->root, "participants"), "participant")
        if (present(p) && kk_child_text(p, "name"))
            v[n++] = kk_child_text(p, "name");
    return v;
}

static bool in_list(const char *const *v, const char *s)
{
    for (; v && *v; v++)
        if (!strcmp(*v, s))
            return true;
    return false;
}

static void not_present(ctx *c, xmlNodePtr at, const char *who, const char *name, const char *const *names)
{
    const char *guess = kk_closest(name, names);
    if (guess)
        AT_VALUE(c, at, "%s \"%s\" is not a present participant; did you mean \"%s\"?", who, name, guess);
    else
        AT_VALUE(c, at, "%s \"%s\" is not a present participant; add them to `participants` or check the spelling", who, name);
}

static void check_participants(ctx *c, const char *const *names)
{
    xmlNodePtr list = kk_child(c->root, "participants");
    KK_FOR_CHILDREN(p, list, "participant") {
        const char *name = kk_child_text(p, "name");
        xmlNodePtr dep = kk_child(p, "deputy_of");
        const char *role = kk_child_text(p, "role");
        if (name && present(p)) {
            KK_FOR_CHILDREN(q, list, "participant") {
                if (q == p)
                    break;
                const char *other = kk_child_text(q, "name");
                if (other && present(q) && !strcmp(other, name)) {
                    AT_VALUE(c, kk_child(p, "name"), "\"%s\" is listed as present twice (first at line %u); keep one entry",
                             name, kk_source_value_pos(c->src, kk_child(q, "name")).line);
                    break;
                }
            }
        }
        if (!dep)
            continue;
        if (role && strcmp(role, "deputy"))
            AT_KEY(c, dep, "`deputy_of` belongs to a participant whose role is deputy (this one is %s)", role);
        const char *whom = kk_text(dep);
        bool found = false;
        KK_FOR_CHILDREN(q, list, "participant") {
            const char *other = kk_child_text(q, "name");
            if (q != p && other && whom && !strcmp(other, whom))
                found = true;
        }
        if (whom && !found)
            AT_VALUE(c, dep, "`deputy_of` names \"%s\", who is not in `participants`; add the member the deputy stands in for (with present: false)", whom);
    }
    (void)names;
}

static void check_checkers(ctx *c, const char *const *names)
{
    KK_FOR_CHILDREN(n, kk_child(c->root, "minute_checkers"), "name") {
        const char *who = kk_text(n);
        if (who && !in_list(names, who))
            not_present(c, n, "minute checker", who, names);
    }
}

static void check_signatures(ctx *c)
{
    xmlNodePtr sigs = kk_child(c->root, "signatures");
    bool chair = false, secretary = false;
    KK_FOR_CHILDREN(s, sigs, "signature") {
        const char *role = kk_child_text(s, "role");
        chair |= role && !strcmp(role, "chair");
        secretary |= role && !strcmp(role, "secretary");
    }
    if (!chair || !secretary)
        AT_KEY(c, sigs ? sigs : c->root, "minutes are signed by the chair and the secretary: add a signature with role: %s",
               !chair ? "chair" : "secretary");
}

/* ---- items ---- */

static void check_vote(ctx *c, xmlNodePtr vote, const char *const *names)
{
    static const char *const lists[] = { "yes", "no", "blank", "absent" };
    for (size_t i = 0; i < 4; i++)
        KK_FOR_CHILDREN(n, kk_child(vote, lists[i]), "name") {
            const char *who = kk_text(n);
            if (!who)
                continue;
            if (i < 3 && !in_list(names, who)) {
                not_present(c, n, "voter", who, names);
                continue;
            }
            /* listed before, in this list or an earlier one? */
            for (size_t j = 0; j <= i; j++)
                KK_FOR_CHILDREN(m, kk_child(vote, lists[j]), "name") {
                    if (m == n)
                        goto next;
                    if (kk_text(m) && !strcmp(kk_text(m), who)) {
                        AT_VALUE(c, n, "voter \"%s\" is listed twice (also under `%s` at line %u); every voter is named once",
                                 who, lists[j], kk_source_value_pos(c->src, m).line);
                        goto next;
                    }
                }
        next:;
        }
}

static void check_publicity(ctx *c, xmlNodePtr pub)
{
    const char *cls = kk_child_text(pub, "class");
    if (cls && strcmp(cls, "public") && !kk_child_text(pub, "basis"))
        AT_VALUE(c, kk_child(pub, "class"), "%s information needs `basis`, the legal ground for secrecy, for example basis: \"JulkL 24.1 § 25 k\"",
                 !strcmp(cls, "confidential") ? "confidential" : "partly confidential");
}

static void check_attachment(ctx *c, xmlNodePtr att)
{
    xmlNodePtr fnode = kk_child(att, "file");
    const char *file = kk_text(fnode);
    if (!file)
        return;
    if (file[0] == '/' || strstr(file, "://")) {
        AT_VALUE(c, fnode, "attachment path \"%s\" is absolute; write it relative to this YAML file, inside the input folder", file);
        return;
    }
    for (const char *p = file; *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : p + strlen(p))
        if (!strncmp(p, "..", 2) && (p[2] == '/' || p[2] == '\0')) {
            AT_VALUE(c, fnode, "attachment path \"%s\" leaves the input folder (..); copy the file next to the document", file);
            return;
        }
    const char *path = kk_source_path(c->src);
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    char *full = malloc(dirlen + strlen(file) + 1);
    if (!full)
        return;
    memcpy(full, path, dirlen);
    strcpy(full + dirlen, file);
    struct stat st;
    if (stat(full, &st) != 0 || !S_ISREG(st.st_mode))
        AT_VALUE(c, fnode, "attachment file \"%s\" does not exist (looked for %s)", file, full);
    free(full);
}

/* Rich text is CommonMark without raw HTML; {{...}} marks personal data. */
static void check_rich(ctx *c, xmlNodePtr field)
{
    const char *text = kk_text(field);
    if (!text)
        return;
    cmark_node *doc = cmark_parse_document(text, strlen(text), CMARK_OPT_DEFAULT);
    cmark_iter *it = doc ? cmark_iter_new(doc) : NULL;
    cmark_event_type ev;
    while (it && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE)) {
            int line = cmark_node_get_start_line(n), col = cmark_node_get_start_column(n);
            kk_pos p = kk_source_pos_in_value(c->src, field, line > 0 ? (unsigned)line - 1 : 0, col > 0 ? (unsigned)col - 1 : 0);
            char snippet[40];
            const char *lit = cmark_node_get_literal(n);
            snprintf(snippet, sizeof snippet, "%s", lit ? lit : "<");
            char *nl = strchr(snippet, '\n');
            if (nl)
                *nl = '\0';
            kk_error(c->diag, kk_source_path(c->src), p.line, p.col,
                     "raw HTML (%s) is not allowed in `%s`; write Markdown instead (**bold**, *italic*, [text](url)), or escape the < as \\<",
                     snippet, (const char *)field->name);
            c->ok = false;
            break;
        }
    }
    cmark_iter_free(it);
    cmark_node_free(doc);
    /* {{ ... }} must pair up, one level, on one line */
    unsigned line = 0, col = 0;
    bool open = false;
    unsigned oline = 0, ocol = 0;
    for (const char *p = text; *p; p++) {
        if (p[0] == '{' && p[1] == '{') {
            if (open)
                break;
            open = true;
            oline = line;
            ocol = col;
            p++;
            col += 2;
            continue;
        }
        if (p[0] == '}' && p[1] == '}' && open) {
            open = false;
            p++;
            col += 2;
            continue;
        }
        if (*p == '\n') {
            if (open)
                break;
            line++;
            col = 0;
        } else if (((unsigned char)*p & 0xC0) != 0x80) {
            col++;
        }
    }
    if (open) {
        kk_pos p = kk_source_pos_in_value(c->src, field, oline, ocol);
        kk_error(c->diag, kk_source_path(c->src), p.line, p.col,
                 "personal data mark {{ is not closed; write {{Name}} on one line");
        c->ok = false;
    }
}

static void check_items(ctx *c, const char *const *names)
{
    const char *first = kk_child_text(c->root, "first_section");
    long next = first ? strtol(first, NULL, 10) : 1;
    long prev = 0;
    xmlNodePtr prev_node = NULL;
    KK_FOR_CHILDREN(item, kk_child(c->root, "items"), "item") {
        xmlNodePtr sec = kk_child(item, "section");
        long n = sec && kk_text(sec) ? strtol(kk_text(sec), NULL, 10) : next;
        if (prev_node && n == prev)
            AT_VALUE(c, sec ? sec : item, "§ %ld is used twice (also at line %u); every item needs its own § number",
                     n, kk_source_value_pos(c->src, prev_node).line);
        else if (prev_node && n < prev)
            AT_VALUE(c, sec ? sec : item, "§ %ld comes after § %ld; § numbers must increase in the order of the items", n, prev);
        prev = n;
        prev_node = sec ? sec : item;
        next = n + 1;

        xmlNodePtr vote = kk_child(item, "vote");
        if (vote)
            check_vote(c, vote, names);
        xmlNodePtr pub = kk_child(item, "publicity");
        if (pub)
            check_publicity(c, pub);
        KK_FOR_CHILDREN(att, kk_child(item, "attachments"), "attachment")
            check_attachment(c, att);
        static const char *const rich[] = { "body", "proposal", "discussion", "decision" };
        for (size_t i = 0; i < sizeof rich / sizeof *rich; i++) {
            xmlNodePtr f = kk_child(item, rich[i]);
            if (f)
                check_rich(c, f);
        }
    }
}

bool kk_rules_check(const kk_source *src, const char *input_root, kk_diag *diag)
{
    ctx c = { .src = src, .input_root = input_root, .diag = diag, .ok = true };
    c.root = xmlDocGetRootElement(kk_source_doc(src));
    c.kind = (const char *)c.root->name;
    bool meeting = !strcmp(c.kind, "agenda") || !strcmp(c.kind, "minutes") || !strcmp(c.kind, "memo");
    xmlNodePtr pub = kk_child(c.root, "publicity");
    if (pub)
        check_publicity(&c, pub);
    if (meeting) {
        const char **names = present_names(&c);
        check_times(&c);
        check_participants(&c, names);
        if (!strcmp(c.kind, "minutes")) {
            check_checkers(&c, names);
            check_signatures(&c);
        }
        check_items(&c, names);
        check_period(&c, "public_display", "the public display");
        free(names);
    } else if (!strcmp(c.kind, "newsletter")) {
        check_period(&c, "period", "the period");
        xmlNodePtr intro = kk_child(c.root, "intro");
        if (intro)
            check_rich(&c, intro);
    } else if (!strcmp(c.kind, "notice")) {
        xmlNodePtr body = kk_child(c.root, "body");
        if (body)
            check_rich(&c, body);
    }
    return c.ok;
}
