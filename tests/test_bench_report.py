"""bench.py's report: the Markdown issue's targets said met or not met, per
engine and corpus, from the rows bench.py writes (no build is run here)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench import merge  # noqa: E402
from bench_report import side_by_side, targets  # noqa: E402


def _cold(tool: str, engine: str, corpus: str, wall: float, n: int = 10000, rss: float = 100) -> dict:
    return {"tool": tool, "engine": engine, "corpus": corpus, "n": n, "runs": 3, "wall": wall, "cpu": wall,
            "rss_mib": rss, "tree_mib": rss, "files": 1, "html": 1}


def _edit(engine: str, corpus: str, edit: float) -> dict:
    return {"engine": engine, "corpus": corpus, "n": 10000, "cold_cached": 9, "warm": 0.5, "warm_rss_mib": 90,
            "edit_build": edit, "edit_serve": 0.05, "edit_serve_max": 0.07, "edits": 10, "rendered": 14, "written": 14}


def test_markdown_targets_met_and_not_met():
    results = {"cold": [_cold("digest", "python-markdown", "markdown", 9.0), _cold("digest", "cmarkgfm", "markdown", 7.0),
                        _cold("hugo", "goldmark", "markdown", 10.0),
                        _cold("digest", "cmarkgfm", "markdown", 44.0, n=100000, rss=1100)],
               "digest": [_edit("python-markdown", "markdown", 0.45), _edit("cmarkgfm", "markdown", 0.62)]}
    rows = [line for line in targets(results) if line.startswith("| ") and "markdown," in line]
    assert rows == [
        "| cold build ≤ 1.0 × Hugo's wall time | markdown, python-markdown | 0.90 × (9.00 s / 10.00 s) | met |",
        "| cold build ≤ 0.6 × Hugo's wall time | markdown, cmarkgfm | 0.70 × (7.00 s / 10.00 s) | **not met** |",
        "| one entry edited, a fresh `digest build` ≤ 0.5 s | markdown, python-markdown | 0.45 s | met |",
        "| one entry edited, a fresh `digest build` ≤ 0.5 s | markdown, cmarkgfm | 0.62 s | **not met** |",
        "| 100,000 entries cold ≤ 45 s | markdown, cmarkgfm | 44.0 s | met |",
        "| 100,000 entries cold ≤ 1 GiB peak (largest process) | markdown, cmarkgfm | 1100 MiB | **not met** |",
    ]


def test_each_corpus_side_by_side_against_its_own_hugo():
    rows = [_cold("digest", "python-markdown", "plain", 4.0), _cold("hugo", "goldmark", "plain", 5.0),
            _cold("digest", "python-markdown", "markdown", 6.0), _cold("hugo", "goldmark", "markdown", 8.0)]
    table = side_by_side(rows)
    assert table[2] == "| digest (python-markdown) | 10,000 | 4.00 (0.80×) | 6.00 (0.75×) |"
    assert table[3] == "| Hugo | 10,000 | 5.00 (1.00×) | 8.00 (1.00×) |"


def test_older_results_are_the_plain_corpus_and_the_default_engine():
    old = {"cold": [{"tool": "digest", "n": 10000, "wall": 4.0}, {"tool": "hugo", "n": 10000, "wall": 5.0}],
           "digest": [{"n": 10000, "warm": 0.5}], "runs": []}
    new = {"machine": {}, "cold": [_cold("digest", "cmarkgfm", "plain", 3.0)], "digest": [], "runs": []}
    merged = merge(old, new)
    assert sorted((r["tool"], r["engine"], r["corpus"]) for r in merged["cold"]) == [
        ("digest", "cmarkgfm", "plain"), ("digest", "python-markdown", "plain"), ("hugo", "goldmark", "plain")]
    assert merged["digest"][0]["engine"] == "python-markdown" and merged["digest"][0]["corpus"] == "plain"
