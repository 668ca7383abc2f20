#!/usr/bin/env python3
"""Deterministic benchmark documents for kokous (bench/).

  gen.py yardstick MINUTES.TXT OUT.yaml [ID [VARY]]
                                               the yardstick's 3-page minutes as kokous YAML
  gen.py yardstick-layout MINUTES.TXT OUT.yaml [ID [VARY]]
                                               the same in the yardstick's page (style
                                               bench/styles/yardstick.yaml) and without
                                               appeal instructions, which it does not have
  gen.py typst MINUTES.TXT OUT.typ [VARY]      the same content as a Typst document
                                               in the yardstick's layout
  gen.py typst-kokous MINUTES.TXT LOCALE.yaml OUT.typ [VARY]
                                               the same content as kokous typesets it
  gen.py batch N DIR [SEED]                    N realistic documents (2-20 pages,
                                               5-40 items, votes, participant tables)
  gen.py pages P OUT.yaml                      one minutes document of about P pages

Same arguments, same bytes: the generator uses its own seeded PRNG and no clock.
"""
import os
import random
import sys

WORDS = ("kunnanhallitus valtuusto talousarvio määräraha henkilöstö varhaiskasvatus "
         "asemakaava hankinta urakka tarjous lausunto hyvinvointialue sopimus vuokra "
         "kiinteistö liikenneturvallisuus ympäristö tilinpäätös toimintakertomus "
         "esittää hyväksyy päättää todetaan valmistellaan merkitään tiedoksi "
         "yksimielisesti kokouksessa kustannukset euroa vuodelle suunnitelma "
         "toteutetaan edellyttää muutos tarkistetaan työryhmä nimetään selvitys").split()
FIRST = "Aino Bertta Cecilia Daniel Eero Fanni Gustav Helmi Ilkka Jaana Kalle Liisa Mikko Noora Olli Päivi".split()
LAST = "Aaltonen Dahl Grönroos Järvinen Castrén Forsman Ikonen Björk Eskola Hämäläinen Mäenpää Öhman Nyström Väisänen".split()


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_yardstick(path, vary=None):
    """The yardstick's minutes.txt; with `vary`, every proposal and decision
    ends in "[vary]", so that copies differ in every item (Typst memoises
    what it has laid out before; kokous does not, and real minutes differ)."""
    doc = {"fields": [], "people": {}, "items": [], "signs": [], "notes": []}
    section = None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.startswith("@"):
            continue
        tag, _, text = line.partition(" ")
        parts = [p.strip() for p in text.split("|")]
        if tag == "@section":
            section = text
            doc["people"][section] = []
        elif tag == "@person":
            doc["people"][section].append(parts)
        elif tag == "@item":
            doc["items"].append({"no": int(parts[0]), "title": parts[1]})
        elif tag in ("@proposal", "@decision"):
            doc["items"][-1][tag[1:]] = text + (f" [{vary}]" if vary is not None else "")
        elif tag == "@field":
            doc["fields"].append(parts)
        elif tag == "@sign":
            doc["signs"].append(parts)
        elif tag == "@note":
            doc["notes"].append(text)
        else:
            doc[tag[1:]] = text
    return doc


ROLE_FI = {"chair": "puheenjohtaja", "member": "jäsen", "secretary": "sihteeri"}


def participants(d):
    """(section, name, role, title): the title without the role word, which
    kokous prints itself ("jäsen, jäsen" otherwise)."""
    out = []
    for section, people in d["people"].items():
        for name, title in people:
            r = "chair" if title.startswith("puheenjohtaja") else "secretary" if "pöytäkirjanpitäjä" in title else "member"
            word = ROLE_FI[r]
            if title.startswith(word):
                title = title[len(word):].lstrip(", ")
            out.append((section, name, r, title))
    return out


def yardstick_yaml(src, out, ident="bench-minutes", vary=None, layout=False):
    d = parse_yardstick(src, vary)
    role = {"puheenjohtaja": "chair", "pöytäkirjanpitäjä": "secretary"}
    lines = ["kind: minutes", f"id: {ident}", f"organization: {d['org']}", f"body: {d['body']}",
             "meeting_number: 5/2024", "date: 2024-05-13", 'start: "17:00"', 'end: "19:48"',
             "place: " + q(d["fields"][1][1]), "participants:"]
    for section, name, r, title in participants(d):
        pres = ", present: false" if section == "Poissa" else ""
        lines.append(f"  - {{name: {name}, role: {r}" + (f", title: {q(title)}" if title else "") + f"{pres}}}")
    lines += ["quorum: {lawful: true}", "minute_checkers: [Tuula Mäenpää, Henrik Öhman]",
              f"first_section: {d['items'][0]['no']}", "items:"]
    for it in d["items"]:
        lines += [f"  - title: {q(it['title'])}", f"    proposal: {q(it['proposal'])}", f"    decision: {q(it['decision'])}"]
        if layout:
            lines.append("    appeal: none")
    lines += ["signatures:"] + [f"  - {{name: {s[0]}, role: {role.get(s[1], 'chair')}}}" for s in d["signs"][:1]] \
        + [f"  - {{name: {d['signs'][0][2]}, role: secretary}}"]
    if layout:
        lines.insert(1, "style: yardstick")
    open(out, "w", encoding="utf-8").write("\n".join(lines) + "\n")


def typst_doc(src, out, vary=None):
    d = parse_yardstick(src, vary)
    esc = lambda s: s.replace("\\", "\\\\").replace("#", "\\#").replace("*", "\\*").replace("_", "\\_").replace("$", "\\$").replace("@", "\\@").replace("<", "\\<")
    t = ['#set page(paper: "a4", margin: (left: 25mm, right: 20mm, top: 30mm, bottom: 20mm),',
         f'  header: context [{esc(d["doc"])} #h(1fr) #counter(page).display() (#counter(page).final().first())])',
         '#set text(font: "DejaVu Sans", size: 10pt, lang: "fi")', '#set par(justify: true)',
         f'*{esc(d["org"])}* #h(1fr) {esc(d["body"])}', '']
    for k, v in d["fields"]:
        t.append(f"#grid(columns: (30mm, 1fr), [{esc(k)}], [{esc(v)}])")
    for section, people in d["people"].items():
        t.append(f"\n== {esc(section)}")
        t.append("#table(columns: (60mm, 1fr), stroke: none, " + ", ".join(f"[{esc(n)}], [{esc(r)}]" for n, r in people) + ")")
    for it in d["items"]:
        t += [f"\n#block(breakable: false)[== {it['no']} § {esc(it['title'])}]",
              f"*Ehdotus:* {esc(it['proposal'])}", "", f"*Päätös:* {esc(it['decision'])}"]
    for s in d["signs"]:
        t.append(f"#block(breakable: false, grid(columns: (1fr, 1fr), [{esc(s[0])} \\ {esc(s[1])}], [{esc(s[2])} \\ {esc(s[3])}]))")
    for n in d["notes"]:
        t.append(esc(n) + "\n")
    open(out, "w", encoding="utf-8").write("\n".join(t) + "\n")


def locale_block(path, key):
    """A `key: |` block scalar under `appeals:` in a locale YAML file."""
    lines, grab = [], False
    for line in open(path, encoding="utf-8"):
        if grab:
            if line.strip() and not line.startswith("    "):
                break
            lines.append(line[4:].rstrip("\n"))
        elif line.rstrip() == f"  {key}: |":
            grab = True
    return "\n".join(lines).strip()


def typst_kokous(src, locale, out, vary=None):
    """The yardstick's minutes as kokous typesets them (built-in style,
    SFS 2487): header block with "page (pages)", 46 mm text column, participant
    tables, item list, § items with proposal and decision, signatures,
    verification and the correction instructions, Noto Sans 11 pt, Finnish
    hyphenation.  For a like-for-like comparison with Typst."""
    d = parse_yardstick(src, vary)
    esc = lambda s: "".join("\\" + c if c in "\\#*_$@<>[]{}`~=/-+" and c not in "-/" else c for c in s)
    nos = [it["no"] for it in d["items"]]
    t = ['#set page(paper: "a4", margin: (left: 20mm, right: 15mm, top: 35mm, bottom: 20mm), header-ascent: 11mm,',
         '  header: context (grid(columns: (104mm, 52mm, 1fr), row-gutter: 0pt,',
         f'    [*{esc(d["org"])}* \\ {esc(d["body"])}], [*PÖYTÄKIRJA* \\ 5/2024 \\ 13.5.2024],',
         '    align(right)[#counter(page).display() (#counter(page).final().first())])))',
         '#set text(font: "Noto Sans", size: 11pt, lang: "fi", hyphenate: true)',
         '#set par(leading: 0.54em, spacing: 6pt + 0.54em)',  # 1.25 x 11 pt lines and 6 pt after a paragraph, as kokous
         '#show heading: set block(above: 12pt, below: 4pt)',
         '#show heading: set text(11pt)',
         '#set table(stroke: 0.5pt + gray, inset: (x: 3pt, y: 4pt))',
         '#let ind(x) = pad(left: 46mm, x)',
         '#let lbl(x) = { v(12pt, weak: true); block(below: 4pt, strong(x)) }',
         '#let lab(l, v) = grid(columns: (46mm, 1fr), l, v)',
         '#let sig(a, b) = block(breakable: false, above: 24pt, grid(columns: (1fr, 1fr), column-gutter: 12mm,',
         '  [#line(length: 70%, stroke: 0.5pt) #a.at(0) \\ #a.at(1)], [#line(length: 70%, stroke: 0.5pt) #b.at(0) \\ #b.at(1)]))',
         f'#text(14pt, weight: "bold")[{esc(d["body"])}, pöytäkirja 5/2024 13.5.2024]',
         '#lab[Aika][maanantai 13.5.2024 klo 17.00–19.48]',
         f'#lab[Paikka][{esc(d["fields"][1][1])}]']
    groups = {"Läsnä": [], "Muut läsnäolijat": [], "Poissa": []}
    for section, name, r, title in participants(d):
        g = "Poissa" if section == "Poissa" else "Muut läsnäolijat" if r == "secretary" else "Läsnä"
        groups[g].append((name, ", ".join([ROLE_FI[r]] + ([title] if title else []))))
    for g, people in groups.items():
        t.append(f"\n=== {g}")
        t.append("#table(columns: (60mm, 1fr), table.header([*Nimi*], [*Tehtävä*]), "
                 + ", ".join(f"[{esc(n)}], [{esc(r)}]" for n, r in people) + ")")
    t += ["\n=== Kokouksen laillisuus ja päätösvaltaisuus",
          "#ind[Kokous todettiin laillisesti koolle kutsutuksi ja päätösvaltaiseksi.]",
          "\n=== Pöytäkirjantarkastajat", "#ind[Tuula Mäenpää ja Henrik Öhman]",
          "#pagebreak()\n=== Asialuettelo",
          "#table(columns: (20mm, 1fr), " + ", ".join(f"[{it['no']} §], [{esc(it['title'])}]" for it in d["items"]) + ")"]
    for it in d["items"]:
        t += [f"\n#block(above: 18pt, sticky: true)[#grid(columns: (23mm, 1fr), [*{it['no']} §*], [*{esc(it['title'])}*])]",
              f"#ind[#lbl[Päätösehdotus] {esc(it['proposal'])}]",
              f"#ind[#lbl[Päätös] {esc(it['decision'])}]"]
    s0 = d["signs"][0]
    t += ["\n=== Allekirjoitukset", f"#sig(([{esc(s0[0])}], [Puheenjohtaja]), ([{esc(s0[2])}], [Pöytäkirjanpitäjä]))",
          "\n=== Pöytäkirjan tarkastus", "#ind[Pöytäkirja on tarkastettu ja todettu kokouksen kulun mukaiseksi.]",
          "#sig(([Tuula Mäenpää], [Pöytäkirjantarkastaja]), ([Henrik Öhman], [Pöytäkirjantarkastaja]))",
          "#pagebreak()", '#text(14pt, weight: "bold")[Muutoksenhakuohjeet]', "", "*OIKAISUVAATIMUSOHJE*", "",
          "Pykälät: " + ", ".join(map(str, nos)), ""]
    for line in locale_block(locale, "correction").splitlines():
        line = line.strip()
        if line.startswith("**") and line.endswith("**"):
            t.append(f"*{esc(line[2:-2])}*")
        elif line.startswith("- "):
            t.append("- " + esc(line[2:]))
        else:
            t.append(esc(line))
    open(out, "w", encoding="utf-8").write("\n".join(t) + "\n")


def sentence(r, n):
    w = [r.choice(WORDS) for _ in range(n)]
    return " ".join(w).capitalize() + "."


def paragraph(r, sentences):
    return " ".join(sentence(r, r.randint(8, 18)) for _ in range(sentences))


def person(r, i):
    return f"{FIRST[i % len(FIRST)]} {LAST[(i * 7 + i // len(FIRST)) % len(LAST)]}"


def minutes(r, ident, items, body_paras, members=None):
    members = members or r.randint(7, 15)
    names = [person(r, i) for i in range(members + 2)]
    present = names[:members]
    lines = ["kind: minutes", f"id: {ident}", "organization: Jäämäjärven kunta",
             f"body: {r.choice(['Kunnanhallitus', 'Sivistyslautakunta', 'Tekninen lautakunta', 'Kunnanvaltuusto'])}",
             f"meeting_number: {r.randint(1, 12)}/2024",
             f"date: 2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}", 'start: "17:00"', 'end: "19:30"',
             "place: Kunnantalo, valtuustosali", "participants:"]
    lines.append(f"  - {{name: {present[0]}, role: chair}}")
    for n in present[1:-1]:
        lines.append(f"  - {{name: {n}, role: member, title: jäsen}}")
    lines.append(f"  - {{name: {present[-1]}, role: secretary, title: hallintojohtaja}}")
    lines.append(f"  - {{name: {names[-1]}, role: member, present: false}}")
    lines += ["quorum: {lawful: true}", f"minute_checkers: [{present[1]}, {present[2]}]",
              f"first_section: {r.randint(1, 80)}", "items:"]
    voters = present[:-1]
    for k in range(items):
        lines.append(f"  - title: {q(sentence(r, r.randint(3, 7))[:-1])}")
        paras = r.randint(max(0, body_paras - 1), body_paras + 1)
        if paras:
            lines.append("    body: |")
            for p in range(paras):
                lines.append("      " + paragraph(r, r.randint(2, 5)))
                if p == 0 and r.random() < 0.3:
                    lines += ["", "      - " + sentence(r, 6), "      - " + sentence(r, 8), "      - **" + sentence(r, 4) + "**"]
                lines.append("")
        lines.append(f"    proposal: {q(paragraph(r, r.randint(1, 3)))}")
        if r.random() < 0.15 and len(voters) >= 5:
            cut = r.randint(len(voters) // 2 + 1, len(voters) - 1)
            lines += ["    vote:", "      question: Esittelijän ehdotus JAA, vastaehdotus EI",
                      "      yes: [" + ", ".join(voters[:cut]) + "]", "      no: [" + ", ".join(voters[cut:]) + "]",
                      f"      result: Esittelijän ehdotus hyväksyttiin äänin {cut}-{len(voters) - cut}"]
        lines.append(f"    decision: {q(paragraph(r, r.randint(1, 2)))}")
    lines += ["signatures:", f"  - {{name: {present[0]}, role: chair}}", f"  - {{name: {present[-1]}, role: secretary}}"]
    return "\n".join(lines) + "\n"


def batch(n, outdir, seed=7):
    r = random.Random(seed)
    os.makedirs(outdir, exist_ok=True)
    for i in range(n):
        items = r.randint(5, 40)
        # about 2-20 pages: more items, shorter bodies; a few long meetings
        body = r.choice([0, 0, 0, 1]) if items > 20 else r.choice([0, 1, 1, 2])
        with open(os.path.join(outdir, f"doc-{i:05d}.yaml"), "w", encoding="utf-8") as f:
            f.write(minutes(r, f"bench-{i:05d}", items, body))


def pages(p, out):
    r = random.Random(1000 + p)
    # calibrated on the built-in style: about one item of this size per page
    open(out, "w", encoding="utf-8").write(minutes(r, f"pages-{p}", max(1, round((p - 2.5) * 1.6)), 1, members=10))


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["yardstick"]:
        yardstick_yaml(a[1], a[2], *(a[3:4]), *(int(v) for v in a[4:5]))
    elif a[:1] == ["yardstick-layout"]:
        yardstick_yaml(a[1], a[2], *(a[3:4]), *(int(v) for v in a[4:5]), layout=True)
    elif a[:1] == ["typst"]:
        typst_doc(a[1], a[2], *(int(v) for v in a[3:4]))
    elif a[:1] == ["typst-kokous"]:
        typst_kokous(a[1], a[2], a[3], *(int(v) for v in a[4:5]))
    elif a[:1] == ["batch"]:
        batch(int(a[1]), a[2], int(a[3]) if len(a) > 3 else 7)
    elif a[:1] == ["pages"]:
        pages(int(a[1]), a[2])
    else:
        sys.exit(__doc__)
