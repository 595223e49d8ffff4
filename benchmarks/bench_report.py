"""``bench.py``'s tables and plot, from its results (OUT/results.json).

A cold row: ``tool``, ``engine``, ``corpus``, ``n``, the medians of its runs
(``wall``, ``cpu``, ``rss_mib``, ``tree_mib``, ``files``, ``html``) and, for
digest, ``steps``. A ``digest`` row: digest's warm and one-edit rebuilds of one
(engine, corpus, n).
"""
from __future__ import annotations

from pathlib import Path

from bench_sites import CORPORA, ENGINES, TOOLS

TARGET_N = 10000


def _order(r: dict) -> tuple:
    engine = ENGINES.index(r["engine"]) if r["tool"] == "digest" and r["engine"] in ENGINES else 0
    return (r["n"], list(CORPORA).index(r["corpus"]), TOOLS.index(r["tool"]), engine)


def label(r: dict) -> str:
    return f"digest ({r['engine']})" if r["tool"] == "digest" else r["tool"].capitalize()


def _hugo(cold: list[dict]) -> dict[tuple[str, int], dict]:
    return {(r["corpus"], r["n"]): r for r in cold if r["tool"] == "hugo"}


def tables(results: dict) -> str:
    m = results["machine"]
    head = (f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['os']}; "
            f"Python {m['python']}; {m['hugo']}, Pelican {m['pelican']}.")
    used = {r["date"] for r in results["cold"] + results["digest"]}
    runs = "; ".join(f"{r['date']}: {r['digest']}, N = {', '.join(f'{n:,}' for n in r['sizes'])}, "
                     f"{', '.join(r['tools'])}, corpora {', '.join(r.get('corpora', ['plain']))}, "
                     f"engines {', '.join(r.get('engines', ['python-markdown']))}, "
                     + (f"output on {r['filesystem']}, " if "filesystem" in r else "") +
                     f"load average {r['load']} at the start" + (f", {r['load_end']} at the end" if "load_end" in r else "")
                     for r in results["runs"] if r["date"] in used)
    rows = sorted(results["cold"], key=_order)
    lines = [head, "", f"Runs: {runs}.", ""]
    lines += side_by_side(rows) + cold_table(rows) + time_steps(rows) + rebuilds(results["digest"]) + targets(results)
    return "\n".join(lines)


def side_by_side(rows: list[dict]) -> list[str]:
    """Each builder's cold wall time on each corpus, and its ratio to Hugo's on the same corpus."""
    corpora = [c for c in CORPORA if any(r["corpus"] == c for r in rows)]
    hugo = _hugo(rows)
    lines = ["| builder | N | " + " | ".join(f"{c}: wall s (÷ Hugo)" for c in corpora) + " |",
             "|---|---:|" + "---:|" * len(corpora)]
    seen = []
    for r in rows:
        key = (r["n"], r["tool"], r["engine"])
        if key in seen:
            continue
        seen.append(key)
        cells = []
        for c in corpora:
            same = next((x for x in rows if (x["n"], x["tool"], x["engine"], x["corpus"]) == (*key, c)), None)
            h = hugo.get((c, r["n"]))
            cells.append("–" if same is None else f"{same['wall']:.2f}" + (f" ({same['wall'] / h['wall']:.2f}×)" if h else ""))
        lines.append(f"| {label(r)} | {r['n']:,} | " + " | ".join(cells) + " |")
    return lines + ["", "Cold builds, wall time, the median of the runs; the ratio is to Hugo's time on the same corpus "
                        "and N, measured in the same interleaved run.", ""]


def cold_table(rows: list[dict]) -> list[str]:
    lines = ["| corpus | builder | N | runs | wall s | CPU s | peak RSS MiB | all processes MiB | files "
             "| HTML pages | wall ÷ Hugo | wall ÷ Pelican |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    by = {(r["tool"], r["corpus"], r["n"]): r["wall"] for r in rows if r["tool"] != "digest"}
    for r in rows:
        ratios = [f"{r['wall'] / by[o, r['corpus'], r['n']]:.2f}×" if (o, r["corpus"], r["n"]) in by else "–"
                  for o in ("hugo", "pelican")]
        lines.append(f"| {r['corpus']} | {label(r)} | {r['n']:,} | {r['runs']} | {r['wall']:.2f} | {r['cpu']:.2f} "
                     f"| {r['rss_mib']:.0f} | {r['tree_mib']:.0f} | {r['files']:,} | {r['html']:,} | {ratios[0]} | {ratios[1]} |")
    return lines + ["", "Cold builds, the median of the runs. Peak RSS: the largest single process (`wait4`); "
                        "all processes: their RSS summed, sampled every 0.1 s (pages shared after a fork count once "
                        "per process).", ""]


def time_steps(rows: list[dict]) -> list[str]:
    """Where digest's cold builds spend their time, step by step (``digest -v build``)."""
    sized = [r for r in rows if r["tool"] == "digest" and "steps" in r]
    if not sized:
        return []
    names: list[str] = []
    for r in sized:
        names += [name for name in r["steps"] if name not in names]
    lines = ["| step of a cold build | " + " | ".join(f"{r['corpus']}, {r['engine']}, N = {r['n']:,}: wall s / CPU s"
                                                     for r in sized) + " |",
             "|---|" + "---:|" * len(sized)]
    for name in names:
        cells = [f"{r['steps'][name][0]:.2f} / {r['steps'][name][1]:.2f}" if name in r["steps"] else "–" for r in sized]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines + ["", "digest's cold builds step by step (the median of the runs), as `digest -v build` reports them. "
                        "CPU counts the main process and its workers; \"start and exit\" is the rest of the run: "
                        "starting Python, imports, and exit.", ""]


def rebuilds(rows: list[dict]) -> list[str]:
    if not rows:
        return []
    lines = ["| corpus | engine | N | cold, cache filled s | warm, nothing changed s | one entry edited, `digest build` s "
             "| one entry edited, in-process s (median / max) | files rendered / written per edit |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in sorted(rows, key=lambda r: _order({**r, "tool": "digest"})):
        lines.append(f"| {r['corpus']} | {r['engine']} | {r['n']:,} | {r['cold_cached']:.2f} | {r['warm']:.2f} "
                     f"| {r['edit_build']:.2f} | {r['edit_serve']:.3f} / {r['edit_serve_max']:.3f} "
                     f"| {r['rendered']:.0f} / {r['written']:.0f} |")
    return lines + ["", "digest alone: wall time of a fresh `digest build` process with the cache, except the "
                        "in-process column: a second `Builder.build()` in the same process after one file is edited, "
                        "as in `digest serve` (each edit changes a title, so the entry's URL moves).", ""]


def targets(results: dict) -> list[str]:
    """The speed targets, met or not, in these results: the first speed issue's on the
    plain corpus, the Markdown issue's on the Markdown corpus."""
    cold = {(r["tool"], r["engine"], r["corpus"], r["n"]): r for r in results["cold"]}
    dig = {(r["engine"], r["corpus"], r["n"]): r for r in results["digest"]}
    pm, cm = ENGINES
    rows: list[str] = []

    def check(what: str, where: str, shown: str, ok: bool) -> None:
        rows.append(f"| {what} | {where} | {shown} | {'met' if ok else '**not met**'} |")

    def ratio(what: str, engine: str, corpus: str, limit: float) -> None:
        d = cold.get(("digest", engine, corpus, TARGET_N))
        h = cold.get(("hugo", "goldmark", corpus, TARGET_N))
        if d and h:
            check(what, f"{corpus}, {engine}", f"{d['wall'] / h['wall']:.2f} × ({d['wall']:.2f} s / {h['wall']:.2f} s)",
                  d["wall"] <= limit * h["wall"])

    def one_edit(engine: str, corpus: str) -> None:
        if r := dig.get((engine, corpus, TARGET_N)):
            check("one entry edited, a fresh `digest build` ≤ 0.5 s", f"{corpus}, {engine}", f"{r['edit_build']:.2f} s",
                  r["edit_build"] <= 0.5)

    ratio("cold build ≤ 1.0 × Hugo's wall time", pm, "markdown", 1.0)
    ratio("cold build ≤ 0.6 × Hugo's wall time", cm, "markdown", 0.6)
    one_edit(pm, "markdown")
    one_edit(cm, "markdown")
    if big := cold.get(("digest", cm, "markdown", 100000)):
        check("100,000 entries cold ≤ 45 s", f"markdown, {cm}", f"{big['wall']:.1f} s", big["wall"] <= 45)
        check("100,000 entries cold ≤ 1 GiB peak (largest process)", f"markdown, {cm}", f"{big['rss_mib']:.0f} MiB",
              big["rss_mib"] <= 1024)
    ratio("cold build ≤ 0.7 × Hugo's wall time", pm, "plain", 0.7)
    d, p = cold.get(("digest", pm, "plain", TARGET_N)), cold.get(("pelican", "python-markdown", "plain", TARGET_N))
    if d and p:
        check("cold build ≥ 10 × faster than Pelican", f"plain, {pm}",
              f"{p['wall'] / d['wall']:.1f} × ({p['wall']:.2f} s / {d['wall']:.2f} s)", p["wall"] >= 10 * d["wall"])
    if r := dig.get((pm, "plain", TARGET_N)):
        check("warm build, nothing changed ≤ 1 s", f"plain, {pm}", f"{r['warm']:.2f} s", r["warm"] <= 1)
        check("one entry edited, inside `digest serve` ≤ 0.1 s", f"plain, {pm}",
              f"{r['edit_serve']:.3f} s (max {r['edit_serve_max']:.3f})", r["edit_serve"] <= 0.1)
    one_edit(pm, "plain")
    if big := cold.get(("digest", pm, "plain", 100000)):
        check("100,000 entries cold ≤ 60 s", f"plain, {pm}", f"{big['wall']:.1f} s", big["wall"] <= 60)
        check("100,000 entries cold ≤ 1 GiB peak (largest process)", f"plain, {pm}", f"{big['rss_mib']:.0f} MiB",
              big["rss_mib"] <= 1024)
    if not rows:
        return []
    return ["| target (10,000 entries unless said) | corpus, engine | measured | met |", "|---|---|---:|---|", *rows,
            "", "The targets of the speed issues, checked against the figures above: the Markdown corpus's "
                "first, then the plain corpus's.", ""]


COLORS = {("digest", "python-markdown"): "#c0392b", ("digest", "cmarkgfm"): "#e67e22",
          ("hugo", "goldmark"): "#2c7fb8", ("pelican", "python-markdown"): "#41ab5d"}
STYLES = {"plain": "-", "markdown": "--", "trilingual": ":"}


def plot(results: dict, path: Path) -> None:
    """Left: every builder on every corpus at one N (10,000 if measured); right:
    wall time against N, a line per builder and corpus."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    rows = sorted(results["cold"], key=_order)
    sizes = sorted({r["n"] for r in rows})
    at = TARGET_N if TARGET_N in sizes else max(sizes, key=lambda n: (sum(r["n"] == n for r in rows), n))
    fig, (bars, lines) = plt.subplots(1, 2, figsize=(11, 4.8), dpi=120, gridspec_kw={"width_ratios": [1.2, 1]})

    corpora = [c for c in CORPORA if any(r["corpus"] == c and r["n"] == at for r in rows)]
    series = list(dict.fromkeys((r["tool"], r["engine"]) for r in rows))
    width = 0.8 / len(series)
    for i, (tool, engine) in enumerate(series):
        xs, ys = [], []
        for j, c in enumerate(corpora):
            r = next((r for r in rows if (r["tool"], r["engine"], r["corpus"], r["n"]) == (tool, engine, c, at)), None)
            if r:
                xs.append(j + (i - (len(series) - 1) / 2) * width)
                ys.append(r["wall"])
        name = label({"tool": tool, "engine": engine})
        bars.bar(xs, ys, width * 0.95, color=COLORS.get((tool, engine), "grey"), label=name)
        for x, y in zip(xs, ys):
            bars.annotate(f"{y:.1f}", (x, y), textcoords="offset points", xytext=(0, 2), ha="center", fontsize=7)
    bars.set_xticks(range(len(corpora)), [f"{c} corpus" for c in corpora])
    bars.set_ylabel("cold build, wall seconds (median)")
    bars.set_title(f"{at:,} entries", fontsize=10)
    bars.legend(fontsize=8)
    bars.grid(True, axis="y", alpha=0.3)

    for tool, engine in series:
        for c in CORPORA:
            pts = [(r["n"], r["wall"]) for r in rows if (r["tool"], r["engine"], r["corpus"]) == (tool, engine, c)]
            if pts:
                lines.plot(*zip(*pts), "o" + STYLES[c], color=COLORS.get((tool, engine), "grey"), lw=1.5, ms=4,
                           label=f"{label({'tool': tool, 'engine': engine})}, {c}")
    lines.set_xscale("log")
    lines.set_yscale("log")
    lines.margins(x=0.15)
    lines.set_xticks(sizes, [f"{n:,}" for n in sizes])
    lines.xaxis.set_minor_formatter(NullFormatter())
    lines.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    lines.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}" if f"{v:g}"[0] in "25" else ""))
    lines.set_xlabel("entries (N)")
    lines.set_title("against N", fontsize=10)
    lines.grid(True, which="both", alpha=0.3)
    lines.legend(fontsize=6.5)
    m = results["machine"]
    fig.suptitle(f"Cold build time — {m['cores']} cores, {m['cpu']}", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    print(f"plot: {path}")
