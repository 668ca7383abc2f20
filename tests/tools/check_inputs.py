#!/usr/bin/env python3
"""Check the sample inputs under input/ against the input format contract.

An independent cross-check of docs/spec input-format.md version 1, written
from the spec, not from kokous' code, so that a disagreement points at one of
the two. Usage: check_inputs.py [INPUT_DIR [SEEDS_DIR]]. With SEEDS_DIR it also
checks that every key message is a passage of a seed (whitespace-normalised).
Exit status 0 when all files pass.
"""
import datetime
import os
import re
import sys

import yaml

EXTENSIONS = {"newsletter": {"order"}}  # additions beyond version 1

COMMON = {"kind", "language", "style", "id", "organization", "unit", "title",
          "publicity", "record"}
MEETING = {"body", "meeting_number", "date", "start", "end", "breaks", "place",
           "method", "participants", "quorum", "minute_checkers", "items",
           "first_section", "key_messages", "actions", "signatures",
           "verification", "public_display", "next_meeting", "url"}
NOTICE = {"date", "title", "lead", "body", "contacts", "links", "url"}
NEWSLETTER = {"title", "issue", "period", "sources", "bodies", "intro", "editor"}
ITEM = {"section", "title", "case", "presenter", "preparer", "summary", "body",
        "proposal", "discussion", "vote", "decision", "dissent", "disqualified",
        "attachments", "appeal", "publicity", "excerpt_to"}
PARTICIPANT = {"name", "role", "title", "organization", "deputy_of", "present",
               "items"}
ROLES = {"chair", "vice_chair", "member", "deputy", "presenter", "secretary",
         "expert", "other"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class UniqueKeyLoader(yaml.SafeLoader):
    pass


def _mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, "duplicate key %r" % key, key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


class Checker:
    def __init__(self, path):
        self.path = path
        self.errors = []

    def err(self, msg):
        self.errors.append("%s: %s" % (self.path, msg))

    def keys(self, where, d, allowed, required=()):
        if not isinstance(d, dict):
            self.err("%s: expected a mapping" % where)
            return False
        for k in d:
            if k not in allowed:
                self.err("%s: unknown key %r" % (where, k))
        for k in required:
            if k not in d or d[k] is None or d[k] == "" or d[k] == []:
                self.err("%s: missing required key %r" % (where, k))
        return True

    def date(self, where, v):
        if not isinstance(v, datetime.date):
            self.err("%s: %r is not a YYYY-MM-DD date" % (where, v))

    def time(self, where, v):
        if not isinstance(v, str) or not TIME_RE.match(v):
            self.err("%s: %r is not a quoted HH:MM time" % (where, v))

    def text(self, where, v):
        if not isinstance(v, str) or not v.strip():
            self.err("%s: expected text, got %r" % (where, v))

    def rich(self, where, v):
        self.text(where, v)
        if isinstance(v, str):
            if re.search(r"<[A-Za-z/!]", v):
                self.err("%s: raw HTML is not allowed" % where)
            for line in v.splitlines():
                # A wrapped line that starts "12. " would turn into a list.
                if re.match(r"^\s*\d{1,9}[.)](\s|$)", line):
                    self.err("%s: line starts like an ordered list: %r"
                             % (where, line))

    def record(self, r):
        if self.keys("record", r, {"function", "retention", "personal_data"}):
            ret = r.get("retention")
            if ret is not None and ret != "permanent" and not (
                    isinstance(ret, int) and ret > 0):
                self.err("record.retention: %r" % ret)
            pd = r.get("personal_data")
            if pd is not None and pd not in ("none", "contains", "sensitive"):
                self.err("record.personal_data: %r" % pd)

    def publicity(self, where, p):
        if self.keys(where, p, {"class", "basis", "until"}, ("class",)):
            if p.get("class") not in ("public", "confidential",
                                      "partly_confidential"):
                self.err("%s.class: %r" % (where, p.get("class")))
            if p.get("class") != "public" and not p.get("basis"):
                self.err("%s: basis required unless public" % where)

    def meeting(self, d, kind):
        required = ["body", "date", "start", "place", "items"]
        if kind in ("minutes", "memo"):
            required.append("participants")
        if kind == "minutes":
            required += ["quorum", "minute_checkers", "signatures"]
        self.keys("document", d, COMMON | MEETING, ["organization"] + required)
        self.date("date", d.get("date"))
        self.time("start", d.get("start"))
        if "end" in d:
            self.time("end", d["end"])
            if isinstance(d.get("start"), str) and isinstance(d["end"], str) \
                    and d["end"] < d["start"]:
                self.err("end precedes start")
        if d.get("method", "meeting") not in ("meeting", "remote", "hybrid",
                                              "electronic"):
            self.err("method: %r" % d.get("method"))
        present = set()
        for i, p in enumerate(d.get("participants") or []):
            w = "participants[%d]" % i
            if not self.keys(w, p, PARTICIPANT, ("name", "role")):
                continue
            if p.get("role") not in ROLES:
                self.err("%s.role: %r" % (w, p.get("role")))
            if ("deputy_of" in p) != (p.get("role") == "deputy"):
                self.err("%s: deputy_of goes with role deputy only" % w)
            if p.get("present", True):
                if p["name"] in present:
                    self.err("%s: %s present twice" % (w, p["name"]))
                present.add(p["name"])
        if kind == "minutes":
            q = d.get("quorum")
            if q is not None and \
                    self.keys("quorum", q, {"lawful", "note"}, ("lawful",)) and \
                    not isinstance(q.get("lawful"), bool):
                self.err("quorum.lawful must be a boolean")
            for n in d.get("minute_checkers") or []:
                if n not in present:
                    self.err("minute checker %r is not present" % n)
        for i, s in enumerate(d.get("signatures") or []):
            self.keys("signatures[%d]" % i, s, {"name", "role"},
                      ("name", "role"))
        items = d.get("items") or []
        for i, it in enumerate(items):
            w = "items[%d]" % i
            req = ["title"]
            if kind in ("agenda", "minutes"):
                req.append("proposal")
            if kind == "minutes":
                req.append("decision")
            if not self.keys(w, it, ITEM, req):
                continue
            for k in ("body", "proposal", "discussion", "decision"):
                if k in it:
                    self.rich("%s.%s" % (w, k), it[k])
            if "presenter" in it and it["presenter"] not in present:
                self.err("%s.presenter %r is not a participant" %
                         (w, it["presenter"]))
            for j, a in enumerate(it.get("attachments") or []):
                self.keys("%s.attachments[%d]" % (w, j), a,
                          {"title", "file", "public"}, ("title",))
            if "vote" in it and kind != "minutes":
                self.err("%s: vote is for minutes only" % w)
            if "publicity" in it:
                self.publicity(w + ".publicity", it["publicity"])
        for i, m in enumerate(d.get("key_messages") or []):
            self.text("key_messages[%d]" % i, m)
        nm = d.get("next_meeting")
        if nm is not None and self.keys("next_meeting", nm,
                                        {"date", "start", "place"}):
            if "date" in nm:
                self.date("next_meeting.date", nm["date"])
            if "start" in nm:
                self.time("next_meeting.start", nm["start"])

    def notice(self, d):
        self.keys("document", d, COMMON | NOTICE,
                  ("organization", "date", "title", "body"))
        self.date("date", d.get("date"))
        self.rich("body", d.get("body"))
        for i, c in enumerate(d.get("contacts") or []):
            self.keys("contacts[%d]" % i, c, {"name", "title", "email",
                                              "phone"}, ("name",))
            if "(at)" in str(c.get("email", "")):
                self.err("contacts[%d].email uses (at)" % i)
        for i, ln in enumerate(d.get("links") or []):
            self.keys("links[%d]" % i, ln, {"title", "url"}, ("title", "url"))

    def newsletter(self, d):
        self.keys("document", d, COMMON | NEWSLETTER | EXTENSIONS["newsletter"],
                  ("organization", "title", "period"))
        p = d.get("period")
        if self.keys("period", p, {"from", "to"}, ("from", "to")):
            self.date("period.from", p.get("from"))
            self.date("period.to", p.get("to"))
        base = os.path.dirname(self.path)
        for s in d.get("sources") or []:
            full = os.path.normpath(os.path.join(base, s))
            if not os.path.exists(full):
                self.err("source %r does not exist" % s)
        if "intro" in d:
            self.rich("intro", d["intro"])

    def run(self):
        with open(self.path, encoding="utf-8") as f:
            text = f.read()
        try:
            docs = list(yaml.load_all(text, Loader=UniqueKeyLoader))
        except (yaml.YAMLError, ValueError) as e:
            self.err("YAML: %s" % e)
            return None
        if len(docs) != 1:
            self.err("expected one YAML document, found %d" % len(docs))
            return None
        d = docs[0]
        if not isinstance(d, dict):
            self.err("top level is not a mapping")
            return None
        kind = d.get("kind")
        if d.get("language", "fi") not in ("fi", "sv", "en"):
            self.err("language: %r" % d.get("language"))
        if "id" in d and not (isinstance(d["id"], str) and ID_RE.match(d["id"])):
            self.err("id: %r" % d.get("id"))
        if "record" in d:
            self.record(d["record"])
        if "publicity" in d:
            self.publicity("publicity", d["publicity"])
        if kind in ("agenda", "minutes", "memo"):
            self.meeting(d, kind)
        elif kind == "notice":
            self.notice(d)
        elif kind == "newsletter":
            self.newsletter(d)
        else:
            self.err("kind: %r" % kind)
        return d


def norm(s):
    return " ".join(s.split())


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "input"
    seeds = sys.argv[2] if len(sys.argv) > 2 else None
    seed_text = ""
    if seeds:
        for name in sorted(os.listdir(seeds)):
            with open(os.path.join(seeds, name), encoding="utf-8") as f:
                seed_text += " " + f.read()
        # The one copy artefact corrected in the inputs (see input/README.md).
        seed_text = norm(seed_text.replace("so-siaaliohjaus", "sosiaaliohjaus"))
    errors, ids, count = [], {}, 0
    for dirpath, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")):
                continue
            path = os.path.join(dirpath, name)
            c = Checker(path)
            d = c.run()
            count += 1
            if d is not None and "id" in d:
                if d["id"] in ids:
                    c.err("id %r also in %s" % (d["id"], ids[d["id"]]))
                ids[d["id"]] = path
            if d is not None and seeds:
                for i, m in enumerate(d.get("key_messages") or []):
                    if isinstance(m, str) and norm(m) not in seed_text:
                        c.err("key_messages[%d] is not a seed passage" % i)
            errors += c.errors
    for e in errors:
        print(e)
    print("%d files, %d errors" % (count, len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
