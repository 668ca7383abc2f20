#!/usr/bin/env python3
"""Reference YAML -> canonical XML conversion, read off schema/kokous.xsd.

A developer aid, not part of the build: it produced the *.xml files next to
the *.yaml files in tests/schema/valid/ (which were then read through by
hand), so the C loader can be compared with it.  It also lints the schema
for the loader's two conventions: a list key has one item name everywhere,
and every xs:all lists its children in canonical order.

Needs python3 and python3-yaml.  Usage: yaml2xml.py SCHEMA FILE.yaml
"""
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import yaml

XS = "{http://www.w3.org/2001/XMLSchema}"
NS = "urn:kokous:1"


def read_schema(path):
    """Rank of each element name by first appearance, and list item names."""
    root = ET.parse(path).getroot()
    rank = {}
    for el in root.iter(XS + "element"):
        name = el.get("name")
        if name is not None and name not in rank:
            rank[name] = len(rank)
    list_types = {}
    for ct in root.findall(XS + "complexType"):
        seq = ct.find(XS + "sequence")
        if seq is None:
            continue
        kids = list(seq)
        if len(kids) == 1 and kids[0].get("maxOccurs") == "unbounded":
            list_types[ct.get("name")] = kids[0].get("name")
    items = {}
    problems = []
    for el in root.iter(XS + "element"):
        t = (el.get("type") or "").split(":")[-1]
        if t in list_types:
            key, item = el.get("name"), list_types[t]
            if items.setdefault(key, item) != item:
                problems.append(f"list key {key}: item names {items[key]} and {item}")
    for group in root.iter(XS + "all"):
        names = [e.get("name") for e in group.findall(XS + "element")]
        ranks = [rank[n] for n in names]
        if ranks != sorted(ranks):
            problems.append(f"xs:all not in canonical order: {names}")
    return rank, items, problems


def emit(out, name, value, rank, items, depth):
    pad = "  " * depth
    if isinstance(value, dict):
        out.append(f"{pad}<{name}>")
        for k in sorted(value, key=lambda k: (rank.get(k, 1 << 30), k)):
            emit(out, k, value[k], rank, items, depth + 1)
        out.append(f"{pad}</{name}>")
    elif isinstance(value, list):
        item = items.get(name, "entry")
        if not value:
            out.append(f"{pad}<{name}/>")
            return
        out.append(f"{pad}<{name}>")
        for v in value:
            emit(out, item, v, rank, items, depth + 1)
        out.append(f"{pad}</{name}>")
    else:
        text = "" if value is None else str(value)
        out.append(f"{pad}<{name}>{escape(text)}</{name}>")


def main():
    rank, items, problems = read_schema(sys.argv[1])
    for p in problems:
        print("schema: " + p, file=sys.stderr)
    with open(sys.argv[2], encoding="utf-8") as f:
        doc = yaml.load(f, Loader=yaml.BaseLoader)  # no YAML 1.1 resolving
    kind = doc.pop("kind")
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    body = []
    emit(body, kind, doc, rank, items, 0)
    body[0] = f'<{kind} xmlns="{NS}">'
    out += body
    print("\n".join(out))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
