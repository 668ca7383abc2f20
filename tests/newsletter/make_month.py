#!/usr/bin/env python3
"""Write a month of N meeting memos and a newsletter for them (deterministic:
no randomness, no clock).  Usage: make_month.py OUTDIR [N]

Meeting k (1..N) is on day 1 + (k-1) % 30 of June 2024, body BODIES[k % 5],
with 1-3 key messages whose first words are "Viesti k." so the test can
find every entry in the PDF text.  The newsletter is OUTDIR/kuukausi.yaml
(id kuukausi-2024-06, order: date)."""
import os, sys

BODIES = ["Kunnanhallitus", "Sivistyslautakunta", "Tekninen lautakunta",
          "Ympäristölautakunta", "Perusturvalautakunta"]
WORDS = ("kunta päätti valmistella yhteistyössä asukkaiden kanssa uuden "
         "suunnitelman jonka tavoitteena on parantaa palveluiden saatavuutta "
         "ja vähentää kustannuksia pitkällä aikavälillä").split()

def text(k, j):
    n = 12 + (k * 7 + j * 5) % 40
    return " ".join(WORDS[(k + i) % len(WORDS)] for i in range(n))

def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    os.makedirs(os.path.join(out, "kokoukset"), exist_ok=True)
    for k in range(1, n + 1):
        day = 1 + (k - 1) % 30
        body = BODIES[k % 5]
        msgs = "\n".join(f"  - Viesti {k}.{j} {text(k, j)}." for j in range(1, 2 + k % 3))
        with open(os.path.join(out, "kokoukset", f"m{k:04d}.yaml"), "w", encoding="utf-8") as f:
            f.write(f"""kind: memo
language: fi
id: m{k:04d}
organization: Testikunta
body: {body}
date: 2024-06-{day:02d}
start: "09:00"
place: Kunnantalo
participants:
  - {{name: Matti Meikäläinen, role: chair}}
items:
  - title: Asia {k}
key_messages:
{msgs}
url: https://example.fi/m{k:04d}
""")
    with open(os.path.join(out, "kuukausi.yaml"), "w", encoding="utf-8") as f:
        f.write("""kind: newsletter
language: fi
id: kuukausi-2024-06
organization: Testikunta
title: Kuukauden kokoukset
issue: 6/2024
period: {from: 2024-06-01, to: 2024-06-30}
sources: [kokoukset]
intro: Kaikki kesäkuun kokoukset.
""")

main()
