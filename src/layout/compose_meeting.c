/*
 * compose_meeting.c — agendas, minutes, memos and excerpts: the meeting
 * block, the § items, signatures, verification and appeal instructions.
 */
#define _POSIX_C_SOURCE 200809L
#include "layout/compose_int.h"
#include "util/text.h"
#include "util/xml.h"

#include <stdlib.h>
#include <string.h>

static bool is_public(const cctx *c) { return c->opts->public_version; }

/* ---- the meeting block ---- */

/* The title without the role word it repeats: "puheenjohtaja" of a chair
 * is not printed twice, "jäsen, saapui klo 17.15" of a member is printed
 * "jäsen, saapui klo 17.15".  Case-insensitive.  Borrowed from title. */
static const char *title_after_role(const char *title, const char *role)
{
    size_t n = strlen(role);
    if (!n || strlen(title) < n)
        return title;
    gchar *a = g_utf8_casefold(title, (gssize)n), *b = g_utf8_casefold(role, -1);
    bool same = a && b && !strcmp(a, b);
    g_free(a);
    g_free(b);
    if (!same)
        return title;
    if (!title[n])
        return "";
    if (title[n] == ',' && title[n + 1] == ' ')
        return title + n + 2;
    return title;
}

static const char *participant_role(cctx *c, const kk_participant *p)
{
    kk_buf b = { 0 };
    const char *role = "";
    if (p->deputy_of) {
        const char *names[] = { "name" };
        const char *values[] = { p->deputy_of };
        char *s = kk_style_format(c->style, c->loc, c->lang, "deputy_for", names, values, 1);
        kk_buf_add(&b, s ? s : "");
        free(s);
    } else {
        role = kk_c_role(c, p->role, false);
        kk_buf_add(&b, role);
    }
    const char *title = p->title ? title_after_role(p->title, role) : "";
    if (*title)
        kk_buf_addf(&b, "%s%s", b.len ? ", " : "", title);
    if (p->organization)
        kk_buf_addf(&b, "%s%s", b.len ? ", " : "", p->organization);
    char *s = kk_buf_take(&b);
    const char *markup = kk_c_plain(c, s ? s : "");
    free(s);
    return markup;
}

static bool is_member_role(const char *role)
{
    return role && (!strcmp(role, "chair") || !strcmp(role, "vice_chair") || !strcmp(role, "member")
                    || !strcmp(role, "deputy"));
}

static int participant_group(const kk_participant *p)
{
    return !p->present ? 2 : is_member_role(p->role) ? 0 : 1;
}

/* The style's `participants: list`: a line a person, the name in the
 * label column and the role (and the items attended) after it. */
static void participant_list(cctx *c, int group)
{
    const kk_doc *d = c->doc;
    const kk_style *s = c->style;
    kk_text_style name = c->body;
    name.space_after = 0;
    name.indent_left = c->indent;
    name.line_spacing = 0;   /* a wrapped role keeps the pitch of the rows */
    kk_text_style role = name;
    double width = s->page_width - s->margin_left - s->margin_right - c->indent;
    for (size_t i = 0; i < d->nparticipants; i++) {
        const kk_participant *p = &d->participants[i];
        if (participant_group(p) != group)
            continue;
        const char *what = participant_role(c, p);
        if (p->items) {
            const char *names[] = { "items" };
            const char *values[] = { p->items };
            const char *when = kk_c_plain(c, kk_c_format(c, "present_for_items", names, values, 1));
            what = kk_c_keep(c, g_strdup_printf("%s%s%s", what, *what ? ", " : "", when));
        }
        if (!kk_flow_field(c->flow, &name, &role, 0.4 * width, kk_c_plain(c, p->name), what))
            c->ok = false;
    }
    kk_flow_space(c->flow, s->paragraph_space);
}

/* One table (or list) per group: members present, others present, absent. */
static void participant_table(cctx *c, const char *label_key, int group)
{
    const kk_doc *d = c->doc;
    size_t n = 0;
    for (size_t i = 0; i < d->nparticipants; i++) {
        const kk_participant *p = &d->participants[i];
        n += participant_group(p) == group;
    }
    if (!n)
        return;
    kk_text_style st = c->label;
    st.space_before = c->style->paragraph_space;
    st.space_after = 2;
    kk_flow_heading(c->flow, 3, &st, kk_c_plain(c, kk_c_label(c, label_key)), NULL, NULL);
    if (c->style->participant_list) {
        participant_list(c, group);
        return;
    }
    /* the presence column only when someone was there for part of it */
    bool partial = false;
    for (size_t i = 0; i < d->nparticipants; i++)
        partial |= d->participants[i].items != NULL;
    const double widths3[] = { 0.34, 0.48, 0.18 }, widths2[] = { 0.4, 0.6 };
    size_t ncols = partial ? 3 : 2;
    kk_table *t = kk_flow_table_begin(c->flow, ncols, partial ? widths3 : widths2, &c->head, &c->cell);
    if (!t) {
        c->ok = false;
        return;
    }
    kk_table_set_rules(t, KK_RULES_ROWS);
    const char *head[] = { kk_c_plain(c, kk_c_label(c, "column_name")), kk_c_plain(c, kk_c_label(c, "column_role")),
                           kk_c_plain(c, kk_c_label(c, "column_presence")) };
    kk_table_row(t, true, head);
    for (size_t i = 0; i < d->nparticipants; i++) {
        const kk_participant *p = &d->participants[i];
        if (participant_group(p) != group)
            continue;
        const char *row[] = { kk_c_plain(c, p->name), participant_role(c, p), p->items ? kk_c_plain(c, p->items) : NULL };
        kk_table_row(t, false, row);
    }
    if (!kk_flow_table_end(c->flow, t))
        c->ok = false;
}

void kk_c_meeting_block(cctx *c)
{
    const kk_doc *d = c->doc;
    kk_buf when = { 0 };
    const char *dt_keys[] = { "date", "time" };
    const char *dt_values[] = { kk_c_date(c, d->date, true), kk_c_time_range(c, d->start, d->end) };
    kk_buf_add(&when, kk_c_format(c, "date_time", dt_keys, dt_values, 2));   /* "…2017, 09:00" in English */
    for (size_t i = 0; i < d->nbreaks; i++) {
        if (i == 0)
            kk_buf_addf(&when, "\n%s ", kk_c_label(c, "breaks"));
        kk_buf_addf(&when, "%s%s", i ? ", " : "", kk_c_time_range(c, d->breaks_from[i], d->breaks_to[i]));
    }
    char *w = kk_buf_take(&when);
    kk_c_field(c, "time", kk_c_plain(c, w ? w : ""));
    free(w);
    kk_c_field(c, "place", kk_c_plain(c, d->place));
    if (strcmp(d->method, "meeting")) {
        char key[48];
        snprintf(key, sizeof key, "method_%s", d->method);
        kk_c_field(c, "method", kk_c_plain(c, kk_c_label(c, key)));
    }
    if (c->opts->excerpt_section)
        return;   /* an excerpt names the meeting, not everyone in it */
    participant_table(c, "present", 0);
    participant_table(c, "others_present", 1);
    participant_table(c, "absent", 2);
    if (d->has_quorum) {
        kk_text_style st = c->h3;
        st.indent_left = 0;
        kk_flow_heading(c->flow, 3, &st, kk_c_plain(c, kk_c_label(c, "quorum")), NULL, NULL);
        kk_c_paragraph(c, &c->text, kk_c_plain(c, d->quorum_note ? d->quorum_note
                                                     : kk_c_label(c, d->quorum_lawful ? "quorum_lawful" : "quorum_not_lawful")));
    }
    if (d->minute_checkers.n) {
        kk_buf b = { 0 };
        for (size_t i = 0; i < d->minute_checkers.n; i++)
            kk_buf_addf(&b, "%s%s", i == 0 ? "" : i + 1 == d->minute_checkers.n ? kk_c_keep(c, g_strdup_printf(" %s ", kk_c_label(c, "and"))) : ", ",
                        d->minute_checkers.v[i]);
        char *names = kk_buf_take(&b);
        kk_text_style st = c->h3;
        st.indent_left = 0;
        kk_flow_heading(c->flow, 3, &st, kk_c_plain(c, kk_c_label(c, "minute_checkers")), NULL, NULL);
        kk_c_paragraph(c, &c->text, kk_c_plain(c, names ? names : ""));
        free(names);
    }
    if (d->key_messages.n) {
        kk_flow_heading(c->flow, 2, &c->h2, kk_c_plain(c, kk_c_label(c, "key_messages")),
                        kk_c_label(c, "key_messages"), "key-messages");
        kk_flow_list_begin(c->flow, false, 1);
        for (size_t i = 0; i < d->key_messages.n; i++)
            kk_flow_list_item(c->flow, &c->text, kk_c_plain(c, d->key_messages.v[i]));
        kk_flow_list_end(c->flow);
    }
}

/* ---- items ---- */

static const char *section_label(cctx *c, int n)
{
    char num[16];
    snprintf(num, sizeof num, "%d", n);
    const char *names[] = { "n" };
    const char *values[] = { num };
    return kk_c_format(c, "section", names, values, 1);
}

static void vote_table(cctx *c, const kk_vote *v)
{
    kk_c_rich_section(c, "vote", v->question);
    const double widths[] = { 0.5, 0.5 };
    kk_text_style cell = c->cell;
    kk_table *t = kk_flow_table_begin(c->flow, 2, widths, &c->head, &cell);
    if (!t) {
        c->ok = false;
        return;
    }
    kk_table_set_rules(t, KK_RULES_ROWS);
    const char *head[] = { kk_c_plain(c, kk_c_label(c, "column_name")), kk_c_plain(c, kk_c_label(c, "vote")) };
    kk_table_row(t, true, head);
    const kk_strings *lists[] = { &v->yes, &v->no, &v->blank, &v->absent };
    const char *keys[] = { "vote_yes", "vote_no", "vote_blank", "vote_absent" };
    for (size_t l = 0; l < 4; l++)
        for (size_t i = 0; i < lists[l]->n; i++) {
            const char *row[] = { kk_c_plain(c, lists[l]->v[i]), kk_c_plain(c, kk_c_label(c, keys[l])) };
            kk_table_row(t, false, row);
        }
    kk_flow_table_end(c->flow, t);
    char counts[4][16];
    for (size_t l = 0; l < 4; l++)
        snprintf(counts[l], sizeof counts[l], "%zu", lists[l]->n);
    const char *names[] = { "yes", "no", "blank", "absent" };
    const char *values[] = { counts[0], counts[1], counts[2], counts[3] };
    kk_c_paragraph(c, &c->text, kk_c_plain(c, kk_c_format(c, "vote_summary", names, values, 4)));
    if (v->result)
        kk_c_paragraph(c, &c->text, kk_c_plain(c, v->result));
}

static void attachments(cctx *c, const kk_item *it)
{
    if (!it->nattachments)
        return;
    kk_text_style st = c->label;
    st.indent_left = c->indent;
    st.space_before = c->style->paragraph_space;
    kk_c_paragraph(c, &st, kk_c_plain(c, kk_c_label(c, "attachments")));
    kk_flow_list_begin(c->flow, true, 1);
    for (size_t i = 0; i < it->nattachments; i++) {
        const kk_attachment *a = &it->attachments[i];
        /* the web version does not even name a non-public attachment:
         * its title may say what the secret is */
        const char *markup = a->is_public ? kk_c_plain(c, a->title)
            : is_public(c) ? kk_c_keep(c, g_strdup_printf("%s (%s)", kk_c_label(c, "attachment"), kk_c_label(c, "not_public")))
            : kk_c_keep(c, g_strdup_printf("%s (%s)", kk_c_plain(c, a->title), kk_c_label(c, "not_public")));
        kk_flow_list_item(c->flow, &c->text, markup);
    }
    kk_flow_list_end(c->flow);
}

static void item(cctx *c, const kk_item *it)
{
    const kk_doc *d = c->doc;
    bool confidential = (!strcmp(it->publicity.cls, "confidential") || !strcmp(d->publicity.cls, "confidential"));
    bool partly = !strcmp(it->publicity.cls, "partly_confidential") || !strcmp(d->publicity.cls, "partly_confidential");
    const char *sec = section_label(c, it->section);
    char dest[32];
    snprintf(dest, sizeof dest, "section-%d", it->section);
    kk_flow_struct_begin(c->flow, "Sect");
    if (is_public(c) && confidential) {
        /* KuntaL 140 §: the number stays, the content does not */
        kk_flow_heading(c->flow, 2, &c->h2, sec, sec, dest);
        const kk_publicity *p = !strcmp(it->publicity.cls, "confidential") ? &it->publicity : &d->publicity;
        const char *names[] = { "basis" };
        const char *values[] = { p->basis ? p->basis : "" };
        kk_c_paragraph(c, &c->text, kk_c_plain(c, kk_c_format(c, "confidential_basis", names, values, 1)));
        kk_flow_struct_end(c->flow);
        return;
    }
    const char *title = kk_c_plain(c, it->title);
    const char *bare = kk_c_bare(c, it->title);
    kk_flow_heading(c->flow, 2, &c->h2, kk_c_keep(c, g_strdup_printf("%s\t%s", sec, title)),
                    kk_c_keep(c, g_strdup_printf("%s %s", sec, bare)), dest);
    if (it->case_no)
        kk_c_field(c, "case", kk_c_plain(c, it->case_no));
    if (it->presenter)
        kk_c_field(c, "presenter", kk_c_plain(c, it->presenter));
    if (it->preparer.name) {
        kk_buf b = { 0 };
        kk_buf_add(&b, it->preparer.name);
        if (it->preparer.title) kk_buf_addf(&b, ", %s", it->preparer.title);
        if (it->preparer.phone) kk_buf_addf(&b, ", %s", it->preparer.phone);
        if (it->preparer.email) kk_buf_addf(&b, ", %s", it->preparer.email);
        char *s = kk_buf_take(&b);
        kk_c_field(c, "preparer", kk_c_plain(c, s ? s : ""));
        free(s);
    }
    if (is_public(c) && partly) {
        const kk_publicity *p = !strcmp(it->publicity.cls, "partly_confidential") ? &it->publicity : &d->publicity;
        const char *names[] = { "basis" };
        const char *values[] = { p->basis ? p->basis : "" };
        kk_c_paragraph(c, &c->text, kk_c_plain(c, kk_c_format(c, "confidential_basis", names, values, 1)));
    } else {
        if (it->summary)
            kk_c_paragraph(c, &c->lead, kk_c_plain(c, it->summary));
        kk_c_rich_section(c, NULL, it->body);
        kk_c_rich_section(c, d->kind == KK_AGENDA ? "proposal" : "proposal", it->proposal);
        kk_c_rich_section(c, "discussion", it->discussion);
    }
    if (it->has_vote)
        vote_table(c, &it->vote);
    if (d->kind != KK_AGENDA)
        kk_c_rich_section(c, "decision", it->decision);
    for (size_t i = 0; i < it->ndissent; i++) {
        const char *names[] = { "name" };
        const char *values[] = { it->dissent[i].name };
        kk_c_rich_section(c, i == 0 ? "dissent" : NULL, kk_c_format(c, "dissent_entry", names, values, 1));
        if (it->dissent[i].text)
            kk_c_rich_section(c, NULL, it->dissent[i].text);
    }
    for (size_t i = 0; i < it->ndisqualified; i++) {
        const char *names[] = { "name", "reason" };
        const char *values[] = { it->disqualified[i].name, it->disqualified[i].text ? it->disqualified[i].text : "" };
        kk_c_rich_section(c, i == 0 ? "disqualified" : NULL, kk_c_format(c, "disqualified_entry", names, values, 2));
    }
    attachments(c, it);
    if (it->excerpt_to.n && !is_public(c)) {
        kk_buf b = { 0 };
        for (size_t i = 0; i < it->excerpt_to.n; i++)
            kk_buf_addf(&b, "%s%s", i ? ", " : "", it->excerpt_to.v[i]);
        char *s = kk_buf_take(&b);
        kk_c_field(c, "excerpt_to", kk_c_plain(c, s ? s : ""));
        free(s);
    }
    kk_flow_struct_end(c->flow);
}

static void actions(cctx *c)
{
    const kk_doc *d = c->doc;
    if (!d->nactions)
        return;
    kk_flow_heading(c->flow, 2, &c->h2, kk_c_plain(c, kk_c_label(c, "actions")), kk_c_label(c, "actions"), "actions");
    const double widths[] = { 0.55, 0.28, 0.17 };
    kk_table *t = kk_flow_table_begin(c->flow, 3, widths, &c->head, &c->cell);
    if (!t) {
        c->ok = false;
        return;
    }
    kk_table_set_rules(t, KK_RULES_ROWS);
    const char *head[] = { kk_c_plain(c, kk_c_label(c, "action_task")), kk_c_plain(c, kk_c_label(c, "action_owner")),
                           kk_c_plain(c, kk_c_label(c, "action_due")) };
    kk_table_row(t, true, head);
    for (size_t i = 0; i < d->nactions; i++) {
        const char *row[] = { kk_c_plain(c, d->actions[i].task), kk_c_plain(c, d->actions[i].owner),
                              kk_c_date(c, d->actions[i].due, false) };
        kk_table_row(t, false, row);
    }
    kk_flow_table_end(c->flow, t);
}

void kk_c_items(cctx *c, int only_section)
{
    const kk_doc *d = c->doc;
    if (!only_section && d->nitems > 1 && d->kind != KK_MEMO && c->style->item_list) {
        /* the list of items (asialuettelo) */
        kk_flow_heading(c->flow, 2, &c->h2, kk_c_plain(c, kk_c_label(c, "item_list")), kk_c_label(c, "item_list"), "items");
        const double widths[] = { 0.12, 0.88 };
        kk_text_style cell = c->cell;
        kk_table *t = kk_flow_table_begin(c->flow, 2, widths, &c->head, &cell);
        if (t) {
            kk_table_set_rules(t, KK_RULES_ROWS);
            for (size_t i = 0; i < d->nitems; i++) {
                const kk_item *it = &d->items[i];
                bool hidden = is_public(c) && (!strcmp(it->publicity.cls, "confidential") || !strcmp(d->publicity.cls, "confidential"));
                const char *row[] = { section_label(c, it->section),
                                      hidden ? kk_c_plain(c, kk_c_label(c, "confidential")) : kk_c_plain(c, it->title) };
                kk_table_row(t, false, row);
            }
            kk_flow_table_end(c->flow, t);
        }
    }
    for (size_t i = 0; i < d->nitems; i++)
        if (!only_section || d->items[i].section == only_section)
            item(c, &d->items[i]);
    if (!only_section)
        actions(c);
    if (!only_section && d->next_date.y) {
        kk_buf b = { 0 };
        kk_buf_addf(&b, "%s %s", kk_c_date(c, d->next_date, true), kk_c_time_range(c, d->next_start, (kk_time){ 0, 0, false }));
        if (d->next_place)
            kk_buf_addf(&b, ", %s", d->next_place);
        char *s = kk_buf_take(&b);
        kk_flow_heading(c->flow, 2, &c->h2, kk_c_plain(c, kk_c_label(c, "next_meeting")), kk_c_label(c, "next_meeting"), "next-meeting");
        kk_c_paragraph(c, &c->text, kk_c_plain(c, s ? s : ""));
        free(s);
    }
}

/* ---- signatures, verification, appeals ---- */

static void signature_table(cctx *c, const char *const *names, const char *const *roles,
                            const char *const *notes, size_t n)
{
    const double widths[] = { 0.5, 0.5 };
    kk_text_style cell = c->body;
    cell.space_after = 0;
    for (size_t i = 0; i < n; i += 2) {
        kk_table *t = kk_flow_table_begin(c->flow, 2, widths, &c->head, &cell);
        if (!t)
            return;
        kk_table_set_rules(t, KK_RULES_NONE);
        const char *row[2] = { NULL, NULL };
        for (size_t j = 0; j < 2 && i + j < n; j++) {
            const char *note = notes ? notes[i + j] : NULL;
            row[j] = kk_c_keep(c, g_strdup_printf("\n\n____________________________\n%s\n%s%s%s%s",
                                                  kk_c_plain(c, names[i + j]), kk_c_plain(c, roles[i + j]),
                                                  note ? "\n<small>" : "", note ? note : "", note ? "</small>" : ""));
        }
        kk_table_row(t, false, row);
        kk_flow_table_end(c->flow, t);
    }
}

/* A role inside a sentence: the caption label with a small first letter,
 * or the free text as written. */
static const char *role_in_sentence(cctx *c, const char *role)
{
    const char *label = !strcmp(role, "checker") ? kk_c_label(c, "signature_checker")
                        : !strcmp(role, "chair") || !strcmp(role, "secretary") ? kk_c_role(c, role, true) : NULL;
    if (!label)
        return role;
    gunichar first = g_utf8_get_char(label);
    char lower[8] = { 0 };
    g_unichar_to_utf8(g_unichar_tolower(first), lower);
    return kk_c_keep(c, g_strconcat(lower, g_utf8_next_char(label), NULL));
}

/* "Sähköisesti allekirjoittanut NAME, ROLE, 21.6.2017 14.05" (markup) for
 * a signature with `signed` (YYYY-MM-DDTHH:MM, checked by the schema);
 * NULL without one. */
static const char *signed_note(cctx *c, const xmlNode *sig)
{
    const char *when = kk_child_text(sig, "signed"), *name = kk_child_text(sig, "name");
    const char *role = kk_child_text(sig, "role");
    int y, mo, dd, h, mi;
    if (!when || !name || !role || sscanf(when, "%4d-%2d-%2dT%2d:%2d", &y, &mo, &dd, &h, &mi) != 5)
        return NULL;
    const char *keys[] = { "name", "role", "date", "time" };
    const char *values[] = { name, role_in_sentence(c, role), kk_c_date(c, (kk_date){ y, mo, dd }, false),
                             kk_c_keep(c, kk_locale_time(c->loc, h, mi)) };
    if (!values[2] || !values[3])
        return NULL;
    return kk_c_plain(c, kk_c_format(c, "signed_electronically", keys, values, 4));
}

void kk_c_signatures(cctx *c, bool excerpt)
{
    const kk_doc *d = c->doc;
    size_t n = d->nsignatures, m = d->minute_checkers.n;
    size_t cap = (n > m ? n : m) + 1;
    const char **names = calloc(cap, sizeof *names), **roles = calloc(cap, sizeof *roles);
    const char **notes = calloc(cap, sizeof *notes);
    /* The notes come from the XML: the model keeps only name and role.
     * Checkers who signed are listed in `signatures` with role checker;
     * their note goes under their name in the verification block. */
    const xmlNode **sig_el = calloc(n + 1, sizeof *sig_el);
    size_t nsig = 0;
    xmlNodePtr list = kk_child(xmlDocGetRootElement(kk_source_doc(d->src)), "signatures");
    KK_FOR_CHILDREN(el, list, "signature")
        if (sig_el && nsig < n)
            sig_el[nsig++] = el;
    if (!names || !roles || !notes || !sig_el) {
        free(names);
        free(roles);
        free(notes);
        free(sig_el);
        c->ok = false;
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (d->signatures[i].role && !strcmp(d->signatures[i].role, "checker") && m)
            continue;
        names[k] = d->signatures[i].name;
        roles[k] = kk_c_role(c, d->signatures[i].role, true);
        notes[k++] = i < nsig && !excerpt ? signed_note(c, sig_el[i]) : NULL;
    }
    kk_flow_keep_begin(c->flow);
    kk_flow_heading(c->flow, 2, &c->h2, kk_c_plain(c, kk_c_label(c, "signatures")), kk_c_label(c, "signatures"), "signatures");
    signature_table(c, names, roles, notes, k);
    kk_flow_keep_end(c->flow);
    if (!excerpt && m) {
        kk_flow_keep_begin(c->flow);
        kk_flow_heading(c->flow, 2, &c->h2, kk_c_plain(c, kk_c_label(c, "verification")), kk_c_label(c, "verification"), "verification");
        kk_buf b = { 0 };
        kk_buf_add(&b, kk_c_label(c, "verified"));
        if (d->verification_place || d->verification_date.y)
            kk_buf_addf(&b, " %s %s", d->verification_place ? d->verification_place : "", kk_c_date(c, d->verification_date, false));
        char *s = kk_buf_take(&b);
        kk_c_paragraph(c, &c->text, kk_c_plain(c, s ? s : ""));
        free(s);
        for (size_t i = 0; i < m; i++) {
            names[i] = d->minute_checkers.v[i];
            roles[i] = kk_c_label(c, "signature_checker");
            notes[i] = NULL;
            for (size_t j = 0; j < nsig; j++)
                if (d->signatures[j].role && !strcmp(d->signatures[j].role, "checker") && d->signatures[j].name
                    && !strcmp(d->signatures[j].name, names[i]))
                    notes[i] = signed_note(c, sig_el[j]);
        }
        signature_table(c, names, roles, notes, m);
        kk_flow_keep_end(c->flow);
    }
    if (!excerpt && d->display_from.y) {
        const char *keys[] = { "where", "from", "to" };
        const char *values[] = { d->display_where ? d->display_where : "", kk_c_date(c, d->display_from, false),
                                 kk_c_date(c, d->display_to, false) };
        kk_flow_heading(c->flow, 2, &c->h2, kk_c_plain(c, kk_c_label(c, "public_display")), kk_c_label(c, "public_display"), "public-display");
        kk_c_paragraph(c, &c->text, kk_c_plain(c, kk_c_format(c, "public_display_text", keys, values, 3)));
    }
    if (excerpt) {
        kk_flow_keep_begin(c->flow);
        kk_flow_heading(c->flow, 2, &c->h2, kk_c_plain(c, kk_c_label(c, "excerpt_certified")), kk_c_label(c, "excerpt_certified"), "certified");
        const char *secretary = NULL;
        for (size_t i = 0; i < n; i++)
            if (d->signatures[i].role && !strcmp(d->signatures[i].role, "secretary"))
                secretary = d->signatures[i].name;
        const char *one_name[] = { secretary ? secretary : "" };
        const char *one_role[] = { kk_c_role(c, "secretary", true) };
        signature_table(c, one_name, one_role, NULL, 1);
        kk_flow_keep_end(c->flow);
    }
    free(names);
    free(roles);
    free(notes);
    free(sig_el);
}

void kk_c_appeals(cctx *c, int only_section)
{
    static const char *const kinds[] = { "correction", "municipal_appeal", "ban", "none" };
    const kk_doc *d = c->doc;
    bool first = true;
    for (size_t k = 0; k < 4; k++) {
        kk_buf secs = { 0 };
        size_t count = 0;
        for (size_t i = 0; i < d->nitems; i++) {
            const kk_item *it = &d->items[i];
            if ((only_section && it->section != only_section) || !it->appeal || strcmp(it->appeal, kinds[k]))
                continue;
            kk_buf_addf(&secs, "%s%d", count++ ? ", " : "", it->section);
        }
        char *list = kk_buf_take(&secs);
        if (count && list) {
            if (first) {
                kk_flow_page_break(c->flow);
                kk_flow_heading(c->flow, 1, &c->title, kk_c_plain(c, kk_c_label(c, "appeal_instructions")),
                                kk_c_label(c, "appeal_instructions"), "appeal");
                first = false;
            }
            char key[48];
            snprintf(key, sizeof key, "appeal_%s", kinds[k]);
            kk_flow_heading(c->flow, 2, &c->h2, kk_c_plain(c, kk_c_label(c, key)), kk_c_label(c, key), NULL);
            const char *names[] = { "sections" };
            const char *values[] = { list };
            kk_c_paragraph(c, &c->body, kk_c_plain(c, kk_c_format(c, "appeal_applies_to", names, values, 1)));
            char *text = kk_style_appeal_text(c->style, c->loc, c->lang, kinds[k]);
            /* the texts open with their own bold title: the heading above says it */
            if (text && !strncmp(text, "**", 2)) {
                char *end = strstr(text + 2, "**\n");
                if (end)
                    memmove(text, end + 3, strlen(end + 3) + 1);
            }
            if (text) {
                kk_rich r = c->rich;
                r.para = &c->body;
                r.redact = false;   /* a legal text has no personal data */
                if (!kk_rich_blocks(&r, text))
                    c->ok = false;
            }
            free(text);
        }
        free(list);
    }
}
