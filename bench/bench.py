#!/usr/bin/env python3
"""Run by bench/run.sh: every measurement of docs/performance.md in one run."""
import os, shutil, statistics, subprocess, sys, time

LIMIT, W = sys.argv[1], sys.argv[2]
ROOT = os.getcwd()
KK = os.path.join(ROOT, "build/kokous")
QUICK = os.environ.get("BENCH_QUICK")
CPUS = len(os.sched_getaffinity(0))
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1500000000")
rows, notes = [], []


def run(cmd, cwd=None):
    """Wall seconds and peak RSS (MB, the largest single process) of one command."""
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
    if status:
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({status})")
    return el, ru.ru_maxrss / 1024


def gen(*a):
    subprocess.run([sys.executable, "bench/gen.py", *map(str, a)], check=True)


def fresh(d):
    shutil.rmtree(d, ignore_errors=True)
    return d


def median_run(cmd, n, prep=None):
    ts = []
    for _ in range(n):
        if prep:
            prep()
        ts.append(run(cmd)[0])
    return statistics.median(ts)


def pages(pdf):
    out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    return int(next(l.split()[1] for l in out.splitlines() if l.startswith("Pages:")))


# ---- the yardstick's 3-page minutes, same content everywhere ----
Y = os.path.join(W, "y")
fresh(Y)
os.makedirs(Y + "/one")
gen("yardstick", f"{LIMIT}/minutes.txt", f"{Y}/one/minutes.yaml")
N = 50 if QUICK else 200
os.makedirs(Y + "/many")
for i in range(N):
    gen("yardstick", f"{LIMIT}/minutes.txt", f"{Y}/many/m{i:04d}.yaml", f"bench-minutes-{i:04d}")
ys = os.path.join(W, "minutes2pdf")
os.makedirs(fresh(Y + "/yout"))
t_y1, _ = run([ys, "-n", str(N), f"{LIMIT}/minutes.txt", Y + "/yout/"])
y_dps = N / t_y1
t_kj1, rss_j1 = run([KK, "build", "-q", "-j1", Y + "/many", "-o", fresh(Y + "/k1")])
t_kjn, rss_jn = run([KK, "build", "-q", f"-j{CPUS}", Y + "/many", "-o", fresh(Y + "/kn")])
t_kj2, _ = run([KK, "build", "-q", "-j2", Y + "/many", "-o", fresh(Y + "/k2")])
k1_dps, kn_dps, k2_dps = N / t_kj1, N / t_kjn, N / t_kj2
kp = pages(f"{Y}/k1/bench-minutes-0000.pdf")
yp = pages(f"{Y}/yout/minutes-0001.pdf") if os.path.exists(f"{Y}/yout/minutes-0001.pdf") else 3

FR = 7 if QUICK else 15
os.makedirs(Y + "/fo", exist_ok=True)
t_yf = median_run([ys, f"{LIMIT}/minutes.txt", Y + "/fo/m.pdf"], FR)
t_kf = median_run([KK, "build", "-q", "--force", "-j1", Y + "/one/minutes.yaml", "-o", Y + "/fo"], FR)

# ---- Typst, same content, in one Node process and fresh ----
typst_dps = typst_fresh = None
node_mod = os.path.abspath(os.path.join(W, "node/node_modules/@myriaddreamin/typst-ts-node-compiler"))
if os.path.isdir(node_mod) and shutil.which("node"):
    gen("typst", f"{LIMIT}/minutes.txt", f"{Y}/minutes.typ")
    js = os.path.join(W, "typst-bench.js")
    open(js, "w").write(r"""
const { NodeCompiler } = require(process.argv[2]);
const fs = require('fs');
const n = +process.argv[4];
const src = fs.readFileSync(process.argv[3], 'utf8');
const c = NodeCompiler.create({ workspace: require('path').dirname(process.argv[3]) });
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) {
  // a different title each time, as kokous's documents differ in id:
  // Typst's memoisation must not turn the batch into one document
  const pdf = c.pdf({ mainFileContent: src.replace('Pöytäkirja', 'Pöytäkirja ' + i) });
  fs.writeFileSync(process.argv[5] + '/t' + i + '.pdf', pdf);
  c.evictCache(10);
}
const el = Number(process.hrtime.bigint() - t0) / 1e9;
fs.writeFileSync(process.argv[5] + '/time', String(el));
""")
    tout = fresh(Y + "/tout")
    os.makedirs(tout)
    try:
        _, rss_t = run(["node", js, node_mod, f"{Y}/minutes.typ", str(N), tout])
        typst_dps = N / float(open(tout + "/time").read())
        typst_fresh = median_run(["node", js, node_mod, f"{Y}/minutes.typ", "1", tout], 5)
        tp = pages(tout + "/t0.pdf")
    except SystemExit as e:
        notes.append(f"Typst run failed: {e}")
else:
    notes.append("Typst: @myriaddreamin/typst-ts-node-compiler could not be installed; its rows are missing.")

# ---- realistic batches: RSS flat in batch size, incremental rebuild ----
sizes = [10, 100, 1000] if QUICK else [10, 1000, 10000]
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
mid = sizes[1]
t_full = rss[mid][2]
t_noop, _ = run([KK, "build", "-q", f"-j{CPUS}", f"{B}/in{mid}", "-o", f"{B}/o{mid}"])
pg = sorted(pages(f"{B}/o{sizes[0]}/bench-{i:05d}.pdf") for i in range(sizes[0]))

# ---- linearity: 3 pages vs 40 pages ----
L = fresh(os.path.join(W, "lin"))
os.makedirs(L)
gen("pages", 3, f"{L}/p3.yaml")
gen("pages", 34, f"{L}/p40.yaml")
t3 = median_run([KK, "build", "-q", "--force", "-j1", f"{L}/p3.yaml", "-o", L + "/o"], 5)
t40 = median_run([KK, "build", "-q", "--force", "-j1", f"{L}/p40.yaml", "-o", L + "/o"], 5)
p3, p40 = pages(f"{L}/o/pages-3.pdf"), pages(f"{L}/o/pages-34.pdf")
# the fixed start-up cost is in both; the per-document cost is what must be linear
t_empty = t_kf  # a fresh one-document process


def ok(b):
    return "yes" if b else "**no**"


md = []
md.append("# kokous performance\n")
md.append("Written by `make bench` (bench/run.sh, bench/bench.py); every number below comes from one run on one machine. "
          "Only the ratios mean something: these machines are noisy.\n")
md.append(f"Machine: {CPUS} CPUs (`nproc`), {os.uname().release}; batch size for throughput N = {N}; "
          f"SOURCE_DATE_EPOCH set. kokous makes, per document, the canonical XML and **two** finished PDFs "
          f"(official and public: tagged, XMP, /ID, qpdf-finished); the yardstick makes one plain PDF.\n")
md.append("## The same 3-page minutes (the yardstick's minutes.txt)\n")
md.append(f"kokous typesets the same content as {kp} pages (participant tables, § headings, signatures, appeal instructions); the yardstick as {yp}.\n")
md.append("| | docs/s (one process) | ms/doc | fresh process, ms | peak RSS, MB |")
md.append("|---|---|---|---|---|")
md.append(f"| yardstick (bare Pango+Cairo) | {y_dps:.1f} | {1000 / y_dps:.1f} | {t_yf * 1000:.0f} | |")
md.append(f"| kokous -j1 | {k1_dps:.1f} | {1000 / k1_dps:.1f} | {t_kf * 1000:.0f} | {rss_j1:.0f} |")
md.append(f"| kokous -j2 | {k2_dps:.1f} | {1000 / k2_dps:.1f} | | |")
md.append(f"| kokous -j{CPUS} | {kn_dps:.1f} | {1000 / kn_dps:.1f} | | {rss_jn:.0f} per process |")
if typst_dps:
    md.append(f"| Typst (typst-ts-node-compiler, in-process; {tp} pages) | {typst_dps:.1f} | {1000 / typst_dps:.1f} | {typst_fresh * 1000:.0f} | {rss_t:.0f} |")
md.append("")
md.append("## Targets\n")
md.append("| target | measured | met |")
md.append("|---|---|---|")
md.append(f"| kokous -j1 ≥ 0.7× yardstick docs/s | {k1_dps / y_dps:.2f}× | {ok(k1_dps / y_dps >= 0.7)} |")
if typst_dps:
    md.append(f"| kokous -j1 ≥ 2× Typst in-process docs/s | {k1_dps / typst_dps:.2f}× | {ok(k1_dps / typst_dps >= 2)} |")
md.append(f"| -j2 ≥ 1.7× -j1 | {k2_dps / k1_dps:.2f}× | {ok(k2_dps / k1_dps >= 1.7)} |")
md.append(f"| fresh process ≤ 1.5× yardstick fresh | {t_kf / t_yf:.2f}× | {ok(t_kf / t_yf <= 1.5)} |")
r_small, r_big = rss[sizes[0]][3], rss[sizes[-1]][3]
md.append(f"| peak RSS {sizes[-1]} docs within 1.2× of {sizes[0]} docs | {r_big:.0f} / {r_small:.0f} MB = {r_big / r_small:.2f}× | {ok(r_big / r_small <= 1.2)} |")
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
open("docs/performance.md", "w").write("\n".join(md) + "\n" + prof)
print("\n".join(md))
