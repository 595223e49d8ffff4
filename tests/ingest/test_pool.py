"""Parsing on every core: ``--jobs N`` writes exactly what one process writes, and Ctrl-C
stops it cleanly."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crawl_archives import DUMPS, HTML, FIXTURES, dump_fetch, html_fetch, write_warc

from digest.cli import main
from digest.ingest.write import is_pristine

EXTRA = sorted((FIXTURES / "pages_extra").glob("*.txt"))


def variants(count: int) -> list:
    """``count`` fetches of the fixture pages, each with its own title and URL."""
    pages = [*HTML, *DUMPS, *EXTRA]
    fetches = []
    for n in range(count):
        page = pages[n % len(pages)]
        title = json.loads(page.with_suffix(".json").read_text("utf-8"))["title"]
        body = page.read_bytes().replace(title.encode(), f"{title} (variant {n})".encode())
        make = html_fetch if page.suffix == ".html" else dump_fetch
        fetch = make(page, f"https://news.example.org/{n}")
        fetch.body = body
        fetches.append(fetch)
    return fetches


def tree(root: Path) -> dict[str, bytes]:
    content = root / "content"
    return {p.relative_to(content).as_posix(): p.read_bytes() for p in sorted(content.rglob("*")) if p.is_file()}


def run(root: Path, *args: str, capsys) -> tuple[int, list[dict]]:
    code = main(["ingest", *args, "--root", str(root), "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_pool_writes_exactly_what_one_process_writes(tmp_path: Path, capsys) -> None:
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, variants(30))
    # the same articles again as files: duplicates, and the same titles (-2 slugs) from other days
    inputs = [str(warc), str(FIXTURES / "pages"), str(FIXTURES / "pages_extra"), str(FIXTURES / "html")]
    results = {}
    for jobs in ("1", "2"):
        root = tmp_path / f"jobs-{jobs}"
        root.mkdir()
        code, rows = run(root, *inputs, "--jobs", jobs, "--topic", "elections", capsys=capsys)
        results[jobs] = (code, [(r["source"], r["result"], r["entry"] and Path(r["entry"]).name) for r in rows], tree(root))
    assert len(results["1"][1]) > 60
    assert results["2"] == results["1"]
    statuses = {result for _, result, _ in results["1"][1]}
    assert {"written", "skipped", "duplicate"} <= statuses, statuses


def test_pool_keeps_edited_entries_and_a_rerun_writes_nothing(tmp_path: Path, capsys) -> None:
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, variants(30))
    root = tmp_path / "site"
    root.mkdir()
    assert run(root, str(warc), "--jobs", "2", capsys=capsys)[0] == 0
    edited = sorted((root / "content").rglob("*.md"))[3]
    edited.write_text(edited.read_text("utf-8") + "\nAn editor's note.\n", encoding="utf-8")
    before = {p: p.stat().st_mtime_ns for p in (root / "content").rglob("*")}
    code, rows = run(root, str(warc), "--jobs", "2", capsys=capsys)
    assert code == 0
    assert sorted({r["result"] for r in rows}) == ["kept", "unchanged"]
    assert {p: p.stat().st_mtime_ns for p in (root / "content").rglob("*")} == before


def test_ctrl_c_stops_cleanly_and_keeps_what_was_written(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, variants(400))
    root = tmp_path / "site"
    root.mkdir()
    command = [sys.executable, "-m", "digest", "ingest", str(warc), "--root", str(root), "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "COLUMNS": "200"})
    deadline = time.monotonic() + 120
    while not list((root / "content").rglob("*.md")) and time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, (out, err)
    assert "interrupted: the " in err and "Traceback" not in err
    written = sorted((root / "content").rglob("*.md"))
    assert 0 < len(written) < 400
    assert all(is_pristine(p.read_text("utf-8")) for p in written)
    assert not [p for p in (root / "content").rglob("*") if p.is_file() and p.suffix != ".md"]
    # the same command again finishes the job
    again = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert len(list((root / "content").rglob("*.md"))) == 400


@pytest.mark.parametrize("value", ["0", "-3"])
def test_jobs_must_be_positive(tmp_path: Path, value: str, capsys) -> None:
    assert main(["ingest", str(DUMPS[0]), "--root", str(tmp_path), "--jobs", value]) == 1
    assert capsys.readouterr().err == f"error: --jobs: must be at least 1, not {value}\n"
