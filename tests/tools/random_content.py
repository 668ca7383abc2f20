#!/usr/bin/env python3
"""random_content.py FILTER [N] — property test of the artifact marker.

Generates N random well-formed content streams (q/Q, BT/ET and marked
content nested every legal way, paths that paint or only clip, text, Do,
inline images), pipes each through FILTER (`pdf_content_test -f`) and checks
the result with check_artifacts.check_page: nothing painted unmarked, all
marked content balanced and nested with q/Q and BT/ET.  Deterministic seed.
"""
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_artifacts import check_page  # noqa: E402

rng = random.Random(20240513)
mcid = [0]


def bdc():
    mcid[0] += 1
    return "/P <</MCID %d>> BDC" % mcid[0]


def text_items(depth, marked):
    out = []
    for _ in range(rng.randint(0, 4)):
        r = rng.random()
        if r < 0.4:
            out.append(rng.choice(["(a) Tj", "[(b) -20 (c)] TJ", "(d) '", "1 2 (e) \""]))
        elif r < 0.6:
            out.append(rng.choice(["1 0 0 1 5 5 Tm", "/F1 9 Tf", "0 -12 Td", "0 g"]))
        elif depth < 4 and not marked:
            tag = rng.choice([bdc(), "/Span BMC"])
            out += [tag] + text_items(depth + 1, "/MCID" in tag) + ["EMC"]
    return out


def graphics(depth, marked):
    out = []
    for _ in range(rng.randint(0, 5)):
        r = rng.random()
        if r < 0.25:
            out.append(rng.choice(["0 0 m 1 1 l S", "0 0 5 5 re f", "0 0 m 2 2 l h B*",
                                   "0 0 5 5 re W n", "1 w", "0.5 g", "/a0 gs",
                                   "1 0 0 1 0 0 cm"]))
        elif r < 0.35:
            out.append(rng.choice(["/Im1 Do", "/Sh1 sh",
                                   "BI /W 2 /H 1 /BPC 8 /CS /G ID \x01\x02 EI"]))
        elif r < 0.55:
            out += ["BT"] + text_items(depth + 1, marked) + ["ET"]
        elif r < 0.75 and depth < 5:
            out += ["q"] + graphics(depth + 1, marked) + ["Q"]
        elif depth < 5 and not marked:
            tag = rng.choice([bdc(), "/Artifact BMC", "/Span BMC", "/OC /oc1 BDC",
                              "/Span <</ActualText (/MCID)>> BDC"])
            # Only /Artifact and MCIDs mark content; the others need it inside.
            inner = graphics(depth + 1, "/MCID " in tag or tag == "/Artifact BMC")
            out += [tag] + inner + ["EMC"]
    return out


def main():
    flt = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    bad = 0
    for i in range(n):
        stream = rng.choice([" ", "\n"]).join(graphics(0, False)).encode("latin-1")
        out = subprocess.run([flt, "-f"], input=stream, capture_output=True, check=True).stdout
        _, unmarked, errors = check_page(out)
        if unmarked or errors:
            bad += 1
            if bad <= 3:
                print("stream %d: unmarked %s, errors %s\n  in:  %r\n  out: %r" %
                      (i, unmarked, errors, stream, out))
    print("random_content.py: %d streams, %d bad" % (n, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
