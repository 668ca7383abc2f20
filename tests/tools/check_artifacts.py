#!/usr/bin/env python3
"""check_artifacts.py QDF [--expect-unmarked]

Reads a PDF written by `qpdf --qdf --object-streams=disable` and checks
every page's content: each painting operator (text showing, path painting
other than n, Do, sh, inline images) must lie inside a BDC whose properties
carry /MCID or inside an /Artifact sequence; BMC/BDC/EMC must balance on
each page and nest with q/Q and BT/ET.  Prints a summary; exit 1 on
violations.  With --expect-unmarked the exit status is inverted for the
painting rule (a sanity check that the checker sees Cairo's raw output as
unmarked).
"""
import re
import sys

WS = b" \t\r\n\f\x00"
DELIM = b"()<>[]{}/%"
PAINT = {b"Tj", b"TJ", b"'", b'"', b"S", b"s", b"f", b"F", b"f*", b"B", b"B*",
         b"b", b"b*", b"Do", b"sh", b"BI"}


def tokens(data):
    """Yields (kind, bytes): kind is 'op' or 'arg'."""
    i, n = 0, len(data)
    while i < n:
        c = data[i:i + 1]
        if c in WS and c != b"":
            i += 1
        elif c == b"%":
            while i < n and data[i] not in b"\r\n":
                i += 1
        elif c == b"(":
            depth, j = 0, i
            while j < n:
                ch = data[j]
                if ch == 0x5C:
                    j += 2
                    continue
                if ch == 0x28:
                    depth += 1
                elif ch == 0x29:
                    depth -= 1
                    if depth == 0:
                        j += 1
                        break
                j += 1
            yield "arg", data[i:j]
            i = j
        elif c == b"<":
            if data[i:i + 2] == b"<<":
                yield "arg", b"<<"
                i += 2
            else:
                j = data.find(b">", i)
                j = n if j < 0 else j + 1
                yield "arg", data[i:j]
                i = j
        elif c == b">":
            yield "arg", b">>"
            i += 2
        elif c in b"[]{}":
            yield "arg", c
            i += 1
        else:
            j = i + 1
            while j < n and data[j] not in WS and data[j] not in DELIM:
                j += 1
            w = data[i:j]
            i = j
            if c == b"/" or re.match(rb"^[-+.0-9]", w) or w in (b"true", b"false", b"null"):
                yield "arg", w
                continue
            if w == b"BI":
                # Skip the inline image: dictionary, ID, data, EI.
                m = re.compile(rb"\sID\s").search(data, i)
                e = re.compile(rb"\sEI(?=[\s]|$)").search(data, m.end() if m else i)
                i = e.end() if e else n
            yield "op", w


def pages(qdf):
    """{page number: concatenated content bytes}."""
    out = {}
    pat = re.compile(rb"%% Contents for page (\d+)\n(?:%%[^\n]*\n)*\d+ 0 obj\n.*?\nstream\n(.*?)endstream", re.S)
    for m in pat.finditer(qdf):
        p = int(m.group(1))
        out[p] = out.get(p, b"") + b"\n" + m.group(2)
    return out


def check_page(data):
    stack = []          # (marked?, qdepth, textdepth)
    args = []
    q = t = 0
    unmarked, errors, painted = [], [], 0
    for kind, w in tokens(data):
        if kind == "arg":
            args.append(w)
            continue
        if w in (b"BDC", b"BMC"):
            tag = args[0] if args else b""
            marked = tag == b"/Artifact" or (w == b"BDC" and b"/MCID" in args)
            stack.append((marked, q, t))
        elif w == b"EMC":
            if not stack:
                errors.append("EMC without BMC/BDC")
            else:
                _, q0, t0 = stack.pop()
                if (q0, t0) != (q, t):
                    errors.append("marked content straddles q/Q or BT/ET")
        elif w == b"q":
            q += 1
        elif w == b"Q":
            q -= 1
            if stack and stack[-1][1] > q:
                errors.append("Q pops a q opened inside marked content")
        elif w == b"BT":
            t += 1
        elif w == b"ET":
            t -= 1
        elif w in PAINT:
            painted += 1
            if not any(m for m, _, _ in stack):
                unmarked.append(w.decode())
        args = []
    if stack:
        errors.append("%d marked-content sequence(s) left open" % len(stack))
    return painted, unmarked, errors


def main():
    path = sys.argv[1]
    expect_unmarked = "--expect-unmarked" in sys.argv
    with open(path, "rb") as fp:
        qdf = fp.read()
    pg = pages(qdf)
    total = bad = 0
    structural = []
    for p in sorted(pg):
        painted, unmarked, errors = check_page(pg[p])
        total += painted
        bad += len(unmarked)
        if unmarked and not expect_unmarked:
            print("page %d: %d unmarked painting operator(s): %s" %
                  (p, len(unmarked), " ".join(sorted(set(unmarked)))))
        for e in errors:
            structural.append("page %d: %s" % (p, e))
    for e in structural:
        print(e)
    print("%s: %d page(s), %d painting operators, %d unmarked, %d nesting error(s)" %
          (path, len(pg), total, bad, len(structural)))
    if not pg or structural:
        return 1
    if expect_unmarked:
        return 0 if bad > 0 else 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
