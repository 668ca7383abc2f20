#!/usr/bin/env python3
"""check_streams.py FILE.pdf: every stream of more than 64 bytes is
Flate-compressed, except XMP metadata (PDF/A wants it plain).  kokous has
Cairo write its page content plain and compresses it once while finishing;
a stream left plain means that step was missed.  Exit 1 with the list."""
import re
import sys

data = open(sys.argv[1], "rb").read()
plain = []
for m in re.finditer(rb"(\d+) 0 obj\s*<<(.*?)>>\s*stream\r?\n", data, re.S):
    d = m.group(2)
    length = re.search(rb"/Length (\d+)", d)
    if b"/Filter" in d or b"/Metadata" in d or (length and int(length.group(1)) <= 64):
        continue
    plain.append(m.group(1).decode())
if plain:
    print("plain streams: objects " + ", ".join(plain))
    sys.exit(1)
