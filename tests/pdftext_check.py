#!/usr/bin/env python3
"""Every item title, proposal and decision of a canonical XML document must
appear in the PDF's text (pdftotext), after joining hyphenated lines and
removing Markdown syntax.  Words are compared as a sequence, so line breaks,
columns and soft hyphens do not matter.  Usage: pdftext_check.py DOC.xml TEXT.txt"""
import re, sys, xml.etree.ElementTree as ET

NS = '{urn:kokous:1}'

def words(s):
    s = s.replace('\u00ad\n', '').replace('\u00ad', '')  # soft hyphen at a line end
    s = re.sub(r'-\n', '-', s)                        # a real hyphen at a line end
    s = re.sub(r'\{\{(.*?)\}\}', r'\1', s)            # personal data marks
    s = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', s)    # links: keep the text
    s = re.sub(r'[*_`#>]', ' ', s)
    s = re.sub(r'^\s*(\d+\.|-)\s', ' ', s, flags=re.M)  # list markers
    return [w for w in re.findall(r'\w+', s.lower())]

def without_running_headers(raw):
    """The running header is drawn first on every page, so pdftotext puts it
    at the top of each page's text, in the middle of a paragraph that
    crosses pages.  Lines at the top of every page are dropped."""
    pages = [p.splitlines() for p in raw.split('\f') if p.strip()]
    if len(pages) < 2:
        return raw
    common = set(l for l in pages[0][:10] if l.strip())
    for p in pages[1:]:
        common &= set(p[:10])
    out = []
    for p in pages:
        i = 0
        while i < len(p) and (p[i] in common or not p[i].strip() or re.fullmatch(r'\d+ \(\d+\)', p[i])):
            i += 1
        out.append('\n'.join(p[i:]).rstrip(' \n'))
    return '\n'.join(out)

doc = ET.parse(sys.argv[1]).getroot()
text = words(without_running_headers(open(sys.argv[2], encoding='utf-8').read()))
joined = ' ' + ' '.join(text) + ' '
missing = []
for item in doc.iter(NS + 'item'):
    for key in ('title', 'proposal', 'decision'):
        el = item.find(NS + key)
        if el is None or not (el.text or '').strip():
            continue
        if doc.tag == NS + 'agenda' and key == 'decision':
            continue
        w = words(el.text)
        if ' ' + ' '.join(w) + ' ' not in joined:
            missing.append(f'{key}: {el.text.strip()[:70]}')
for m in missing:
    print('missing', m)
sys.exit(1 if missing else 0)
