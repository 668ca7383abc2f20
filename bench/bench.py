#!/usr/bin/env python3
"""Run by bench/run.sh: every measurement of docs/performance.md in one run."""
import os, shutil, statistics, subprocess, sys, time

LIMIT, W = sys.argv[1], sys.argv[2]
ROOT = os.getcwd()
KK = os.path.join(ROOT, "build/kokous")
QUICK = os.environ.get("BENCH_QUICK")
SMOKE = os.environ.get("BENCH_SMOKE")  # tiny sizes: checks that the script runs, measures nothing
CPUS = len(os.sched_getaffinity(0))
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1500000000")
rows, notes = [], []
LOAD0 = " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(cmd, cwd=None, check=True):
    """Wall seconds and peak RSS (MB, the largest single process) of one command;
    with check=False its exit status does not matter (a binary's usage exit)."""
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(cwd or ROOT)
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.execvpe(cmd[0], cmd, ENV)
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    el = time.perf_counter() - t
    if status and check:
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({status})")
    return el, ru.ru_maxrss / 1024


def gen(*a):
    subprocess.run([sys.executable, "bench/gen.py", *map(str, a)], check=True)


def fresh(d):
    shutil.rmtree(d, ignore_errors=True)
    return d


def median_run(cmd, n, prep=None, check=True):
    ts = []
    for _ in range(n):
        if prep:
            prep()
        ts.append(run(cmd, check=check)[0])
    return statistics.median(ts)


def interleaved_medians(cmds, n, check=True):
    """Each command run n times, in turn (one of each, then again), so that
    a noisy minute touches all of them; the median time of each."""
    ts = [[] for _ in cmds]
    for _ in range(n):
        for i, cmd in enumerate(cmds):
            ts[i].append(run(cmd, check=check)[0])
    return [statistics.median(t) for t in ts]


def pages(pdf):
    out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    return int(next(l.split()[1] for l in out.splitlines() if l.startswith("Pages:")))


# ---- the yardstick's 3-page minutes, same content everywhere ----
Y = os.path.join(W, "y")
fresh(Y)
os.makedirs(Y + "/one")
gen("yardstick", f"{LIMIT}/minutes.txt", f"{Y}/one/minutes.yaml")
N = 5 if SMOKE else 50 if QUICK else 200
os.makedirs(Y + "/many")
os.makedirs(Y + "/typ")
os.makedirs(Y + "/lay")
for i in range(N):
    gen("yardstick-layout", f"{LIMIT}/minutes.txt", f"{Y}/lay/l{i:04d}.yaml", f"bench-layout-{i:04d}", i)
    # copies differ in every item ("[i]"), for Typst's memoisation; same for kokous
    gen("yardstick", f"{LIMIT}/minutes.txt", f"{Y}/many/m{i:04d}.yaml", f"bench-minutes-{i:04d}", i)
    gen("typst-kokous", f"{LIMIT}/minutes.txt", "styles/locale/fi.yaml", f"{Y}/typ/k{i:04d}.typ", i)
ys = os.path.join(W, "minutes2pdf")
os.makedirs(fresh(Y + "/yout"))
# ---- Typst, in one Node process: the same content laid out as kokous lays
# it out (bench/gen.py typst-kokous), and the yardstick's layout; measured in
# the same rounds as kokous and the yardstick, so that a noisy minute on
# this machine touches all of them ----
typst_dps = typst_fresh = typst_y_dps = None
node_mod = os.path.abspath(os.path.join(W, "node/node_modules/@myriaddreamin/typst-ts-node-compiler"))
have_typst = os.path.isdir(node_mod) and shutil.which("node") is not None
js = os.path.join(W, "typst-bench.js")
tout = os.path.join(Y, "tout")
if have_typst:
    os.makedirs(fresh(Y + "/typy"))
    for i in range(N):
        gen("typst", f"{LIMIT}/minutes.txt", f"{Y}/typy/y{i:04d}.typ", i)
    open(js, "w").write(r"""
const { NodeCompiler } = require(process.argv[2]);
const fs = require('fs'), path = require('path');
const dir = process.argv[3], n = +process.argv[4], out = process.argv[5];
const files = fs.readdirSync(dir).filter(f => f.endsWith('.typ')).sort().slice(0, n);
const srcs = files.map(f => fs.readFileSync(path.join(dir, f), 'utf8'));
const c = NodeCompiler.create({ workspace: dir });
const t0 = process.hrtime.bigint();
for (let i = 0; i < srcs.length; i++) {
  fs.writeFileSync(out + '/t' + i + '.pdf', c.pdf({ mainFileContent: srcs[i] }));
  c.evictCache(10);
}
fs.writeFileSync(out + '/time', String(Number(process.hrtime.bigint() - t0) / 1e9));
""")
else:
    notes.append("Typst: @myriaddreamin/typst-ts-node-compiler could not be installed; its rows are missing.")


def typst_round(src):
    """In-process seconds for N documents of `src` and the peak RSS of the Node process."""
    fresh(tout)
    os.makedirs(tout)
    _, r = run(["node", js, node_mod, src, str(N), tout])
    return float(open(tout + "/time").read()), r


# the ratios that matter most: five rounds, one of each in turn, medians
# (Typst and -j2 too: on this kind of machine one run can be 20% off)
ROUNDS = 1 if SMOKE else 5
rounds = {"y": [], "pub": [], "off": [], "lay": [], "typ": [], "typy": [], "j2": []}
typst_failed = None
for _ in range(ROUNDS):
    if have_typst and not typst_failed:
        try:
            rounds["typ"].append(typst_round(Y + "/typ"))
            tp = pages(tout + "/t0.pdf")
            rounds["typy"].append(typst_round(Y + "/typy"))
            typ_yp = pages(tout + "/t0.pdf")
        except (SystemExit, OSError, ValueError) as e:
            typst_failed = e
    rounds["y"].append(run([ys, "-n", str(N), f"{LIMIT}/minutes.txt", Y + "/yout/"]))
    rounds["pub"].append(run([KK, "build", "-q", "-j1", Y + "/many", "-o", fresh(Y + "/k1")]))
    rounds["off"].append(run([KK, "build", "-q", "-j1", "--no-public", Y + "/many", "-o", fresh(Y + "/k1o")]))
    rounds["lay"].append(run([KK, "build", "-q", "-j1", "--no-public", "--styles", "bench/styles", Y + "/lay", "-o", fresh(Y + "/k1l")]))
    rounds["j2"].append(run([KK, "build", "-q", "-j2", "--no-public", Y + "/many", "-o", fresh(Y + "/k2")]))
med = lambda k: (statistics.median(t for t, _ in rounds[k]), max(r for _, r in rounds[k]))
t_y1, _ = med("y")
y_dps = N / t_y1
t_kpub, rss_j1 = med("pub")
t_kj1, rss_off = med("off")
t_klay, _ = med("lay")
if typst_failed:
    notes.append(f"Typst run failed: {typst_failed}")
elif have_typst:
    typst_dps, rss_t = N / med("typ")[0], med("typ")[1]
    typst_y_dps = N / med("typy")[0]
    typst_fresh = median_run(["node", js, node_mod, Y + "/typ", "1", tout], 5)
klay_dps = N / t_klay
klp = pages(f"{Y}/k1l/bench-layout-0000.pdf")
t_kj2, rss_j2 = med("j2")
t_kjn, rss_jn = (t_kj2, rss_j2) if CPUS == 2 else run([KK, "build", "-q", f"-j{CPUS}", "--no-public", Y + "/many", "-o", fresh(Y + "/kn")])
k1_dps, kn_dps, k2_dps, kpub_dps = N / t_kj1, N / t_kjn, N / t_kj2, N / t_kpub
kp = pages(f"{Y}/k1/bench-minutes-0000.pdf")
yp = pages(f"{Y}/yout/minutes-0001.pdf") if os.path.exists(f"{Y}/yout/minutes-0001.pdf") else 3

FR = 2 if SMOKE else 7 if QUICK else 25
os.makedirs(Y + "/fo", exist_ok=True)
# fresh processes, the yardstick's and kokous's in turn (as the rounds above)
t_yf, t_kf, t_kfp, t_klf = interleaved_medians([
    [ys, f"{LIMIT}/minutes.txt", Y + "/fo/m.pdf"],
    [KK, "build", "-q", "--force", "-j1", "--no-public", Y + "/one/minutes.yaml", "-o", Y + "/fo"],
    [KK, "build", "-q", "--force", "-j1", Y + "/one/minutes.yaml", "-o", Y + "/fo"],
    [KK, "build", "-q", "--force", "-j1", "--no-public", "--styles", "bench/styles", f"{Y}/lay/l0000.yaml", "-o", Y + "/fol"],
], FR)
# process start alone: exec, dynamic linking of every library, exit
st_k, st_y = (t * 1000 for t in interleaved_medians([[KK, "--version"], [ys]], 4 * FR, check=False))

# ---- realistic batches: RSS flat in batch size, incremental rebuild ----
sizes = [3, 5, 10] if SMOKE else [10, 100, 1000] if QUICK else [10, 1000, 10000]
B = os.path.join(W, "batch")
fresh(B)
gen("batch", sizes[-1], B + "/all")
rss = {}
for s in sizes:
    d = fresh(f"{B}/in{s}")
    os.makedirs(d)
    for i in range(s):
        os.link(f"{B}/all/doc-{i:05d}.yaml", f"{d}/doc-{i:05d}.yaml")
    t, r1 = run([KK, "build", "-q", "-j1", d, "-o", fresh(f"{B}/o{s}-1")]) if s <= 1000 else (None, None)
    tn, rn = run([KK, "build", "-q", f"-j{CPUS}", d, "-o", fresh(f"{B}/o{s}")])
    rss[s] = (t, r1, tn, rn)
# the same batch size made of the biggest documents of the biggest batch:
# what the peak owes to batch size rather than to document size
big = fresh(f"{B}/big{sizes[0]}")
os.makedirs(big)
for f in sorted(os.listdir(f"{B}/in{sizes[-1]}"), key=lambda f: -os.path.getsize(f"{B}/in{sizes[-1]}/{f}"))[:sizes[0]]:
    os.link(f"{B}/in{sizes[-1]}/{f}", f"{big}/{f}")
_, rss_big_small = run([KK, "build", "-q", f"-j{CPUS}", big, "-o", fresh(f"{B}/obig")])
mid = sizes[1]
t_full = rss[mid][2]
t_noop, _ = run([KK, "build", "-q", f"-j{CPUS}", f"{B}/in{mid}", "-o", f"{B}/o{mid}"])
pg = sorted(pages(f"{B}/o{sizes[0]}/bench-{i:05d}.pdf") for i in range(sizes[0]))

# ---- linearity: 3 pages vs 40 pages ----
L = fresh(os.path.join(W, "lin"))
os.makedirs(L)
gen("pages", 3, f"{L}/p3.yaml")
gen("pages", 34, f"{L}/p40.yaml")
t3, t40 = interleaved_medians([[KK, "build", "-q", "--force", "-j1", f"{L}/p3.yaml", "-o", L + "/o"],
                               [KK, "build", "-q", "--force", "-j1", f"{L}/p40.yaml", "-o", L + "/o"]], 5)
p3, p40 = pages(f"{L}/o/pages-3.pdf"), pages(f"{L}/o/pages-34.pdf")
# the fixed start-up cost is in both; the per-document cost is what must be linear
t_empty = t_kf  # a fresh one-document process


def ok(b):
    return "yes" if b else "**no**"


md = []
md.append("# kokous performance\n")
md.append("Written by `make bench` (bench/run.sh, bench/bench.py); every number below comes from one run on one machine. "
          "Only the ratios mean something: these machines are noisy.\n")
md.append(f"Machine: {CPUS} CPUs (`nproc`), {os.uname().release}, load average before the run "
          f"{LOAD0}; batch size for throughput N = {N} (yardstick, kokous -j1 and -j2, Typst in-process: medians "
          f"of {ROUNDS} rounds, taken in turn; fresh processes: medians of {FR}, the yardstick's and kokous's in turn); "
          f"SOURCE_DATE_EPOCH set. "
          f"kokous's PDFs are finished (tagged, artifacts marked, XMP, /ID, bookmarks); the yardstick's are plain.\n")
md.append("## The same minutes (the yardstick's minutes.txt)\n")
md.append(f"The yardstick sets its 3-page minutes in {yp} plain pages. kokous sets the same content two ways. "
          f"*The yardstick's layout* (bench/styles/yardstick.yaml: its page, 10 pt DejaVu Sans justified over the "
          f"full measure, the proposal and decision labels run into the text, the participants as a list, no list of "
          f"items) gives the same pages plus the page of appeal instructions that minutes must have: {klp} pages. "
          f"*The SFS 2487 layout* (the default style: header, 46 mm text column, participant tables, item list, "
          f"signatures, verification, the correction instructions) gives {kp} pages. kokous rows: canonical XML + "
          f"official PDF (`--no-public`), the full pipeline (YAML, schema, rules, hyphenation, tagging, finishing); "
          f"the row marked *+ public* also writes the public version, a second finished PDF. "
          f"Typst is given the same content in each layout (bench/gen.py typst and typst-kokous), every copy "
          f"differing in every item, as kokous's copies do (Typst memoises what it has laid out before).\n")
md.append("| | pages | docs/s (one process) | ms/doc | ms/page | fresh process, ms | peak RSS, MB |")
md.append("|---|---|---|---|---|---|---|")
md.append(f"| yardstick (bare Pango+Cairo) | {yp} | {y_dps:.1f} | {1000 / y_dps:.1f} | {1000 / y_dps / yp:.2f} | {t_yf * 1000:.0f} | |")
md.append(f"| kokous -j1, the yardstick's layout | {klp} | {klay_dps:.1f} | {1000 / klay_dps:.1f} | {1000 / klay_dps / klp:.2f} | {t_klf * 1000:.0f} | |")
if typst_dps:
    md.append(f"| Typst, the yardstick's layout (typst-ts-node-compiler, in-process) | {typ_yp} | {typst_y_dps:.1f} | {1000 / typst_y_dps:.1f} | {1000 / typst_y_dps / typ_yp:.2f} | | |")
md.append(f"| kokous -j1, SFS 2487 layout | {kp} | {k1_dps:.1f} | {1000 / k1_dps:.1f} | {1000 / k1_dps / kp:.2f} | {t_kf * 1000:.0f} | {rss_off:.0f} |")
md.append(f"| kokous -j1 + public, SFS 2487 layout | {kp} + {kp} | {kpub_dps:.1f} | {1000 / kpub_dps:.1f} | {1000 / kpub_dps / kp / 2:.2f} | {t_kfp * 1000:.0f} | {rss_j1:.0f} |")
md.append(f"| kokous -j2, SFS 2487 layout | {kp} | {k2_dps:.1f} | {1000 / k2_dps:.1f} | | | |")
if CPUS != 2:
    md.append(f"| kokous -j{CPUS}, SFS 2487 layout | {kp} | {kn_dps:.1f} | {1000 / kn_dps:.1f} | | | {rss_jn:.0f} per process |")
if typst_dps:
    md.append(f"| Typst, kokous's SFS 2487 layout | {tp} | {typst_dps:.1f} | {1000 / typst_dps:.1f} | {1000 / typst_dps / tp:.2f} | {typst_fresh * 1000:.0f} (with Node) | {rss_t:.0f} |")
md.append("")
md.append(f"Process start alone (exec, loading and linking the shared libraries, exit; medians of {4 * FR}): "
          f"`kokous --version` {st_k:.1f} ms, the yardstick's binary without arguments {st_y:.1f} ms. "
          f"Every Debian library is linked with BIND_NOW, so each library in the process adds symbol "
          f"lookups at start; kokous also loads libxml2 (with ICU and libstdc++), libyaml, libcmark and "
          f"libhyphen, but not Cairo (with pixman and the X11 libraries), libcrypto, libqpdf or libvoikko, "
          f"which it opens when a document or a command first needs them (src/util/lazy.h).\n")
md.append("## Targets\n")
md.append("| target | measured | met |")
md.append("|---|---|---|")
md.append(f"| kokous -j1 ≥ 0.7× yardstick docs/s | the yardstick's layout: {klay_dps / y_dps:.2f}× per document "
          f"({klp} pages against {yp}), {(klay_dps * klp) / (y_dps * yp):.2f}× per page; SFS 2487 layout: "
          f"{k1_dps / y_dps:.2f}× ({kp} pages) | {ok(klay_dps / y_dps >= 0.7)} |")
if typst_dps:
    md.append(f"| kokous -j1 ≥ 2× Typst in-process docs/s (same content and layout) | the yardstick's layout: "
              f"{klay_dps / typst_y_dps:.2f}×; SFS 2487 layout: {k1_dps / typst_dps:.2f}× "
              f"({kpub_dps / typst_dps:.2f}× with the public version too) | "
              f"{ok(klay_dps / typst_y_dps >= 2 and k1_dps / typst_dps >= 2)} |")
md.append(f"| -j2 ≥ 1.7× -j1 | {k2_dps / k1_dps:.2f}× | {ok(k2_dps / k1_dps >= 1.7)} |")
md.append(f"| fresh process ≤ 1.5× yardstick fresh | the yardstick's layout: {t_klf / t_yf:.2f}×; "
          f"SFS 2487 layout: {t_kf / t_yf:.2f}× | {ok(t_klf / t_yf <= 1.5)} |")
r_small, r_big = rss[sizes[0]][3], rss[sizes[-1]][3]
md.append(f"| peak RSS {sizes[-1]} docs within 1.2× of {sizes[0]} docs | against its first {sizes[0]}: {r_big:.0f} / {r_small:.0f} MB = "
          f"{r_big / r_small:.2f}×; against its {sizes[0]} biggest documents (the same document sizes, only the batch size "
          f"differs): {r_big:.0f} / {rss_big_small:.0f} MB = {r_big / rss_big_small:.2f}× | {ok(r_big / r_small <= 1.2)} (first {sizes[0]}) |")
md.append(f"| under 60 MB per worker | {max(v[3] for v in rss.values()):.0f} MB | {ok(max(v[3] for v in rss.values()) < 60)} |")
md.append(f"| a 40-page document ≤ 15× a 3-page one | {p40} pages / {p3} pages: {t40 / t3:.1f}× (fresh processes) | {ok(t40 / t3 <= 15)} |")
md.append(f"| no-change rebuild of {mid} docs < 5% of the full build | {t_noop:.2f} s / {t_full:.2f} s = {100 * t_noop / t_full:.1f}% | {ok(t_noop / t_full < 0.05)} |")
md.append("")
md.append("## Realistic batches (bench/gen.py: 5–40 items, votes, participant tables)\n")
md.append(f"Pages of the first {sizes[0]}: {', '.join(map(str, pg))}.\n")
md.append("| documents | -j1 s | -j1 docs/s | -j1 peak RSS MB | " + f"-j{CPUS} s | -j{CPUS} docs/s | -j{CPUS} peak RSS MB per process |")
md.append("|---|---|---|---|---|---|---|")
for s in sizes:
    t, r1, tn, rn = rss[s]
    md.append(f"| {s} | {f'{t:.1f}' if t else '-'} | {f'{s / t:.1f}' if t else '-'} | {f'{r1:.0f}' if r1 else '-'} | {tn:.1f} | {s / tn:.1f} | {rn:.0f} |")
md.append(f"\nNo-change rebuild of {mid}: {t_noop:.3f} s.\n")
for n_ in notes:
    md.append(f"- {n_}")
md.append("")
prof = open("bench/profile.md").read() if os.path.exists("bench/profile.md") else ""
open(os.environ.get("BENCH_OUT", "docs/performance.md"), "w").write("\n".join(md) + "\n" + prof)
print("\n".join(md))
