"""Beyond one machine: ``digest ingest --dask ADDRESS`` on a local Dask cluster writes exactly
the entries one process writes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from crawl_archives import FIXTURES, write_warc
from test_pool import tree, variants

from digest.cli import main

distributed = pytest.importorskip("distributed", reason="the cluster extra is not installed: pip install 'digest[cluster]'")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local


def ingest(root: Path, inputs: list[str], options: list[str], capsys) -> tuple[int, list[str], list[str]]:
    """Exit status, the table's rows (the site folder's name left out) and the lines under it."""
    code = main(["ingest", *inputs, "--root", str(root), "--topic", "elections", *options])
    lines = capsys.readouterr().out.replace(f"/{root.name}/", "/ROOT/").splitlines()
    rows = [line for line in lines if "│" in line]
    return code, rows, [line for line in lines if "│" not in line and line[:1] not in "┏┡└"]


def test_dask_writes_exactly_what_one_process_writes(cluster, tmp_path: Path, capsys) -> None:
    fetches = variants(40)
    first, second = tmp_path / "crawl-00.warc.gz", tmp_path / "crawl-01.warc.gz"
    write_warc(first, fetches[:25])
    write_warc(second, fetches[20:])  # five URLs fetched again in the second archive
    inputs = [str(first), str(second), str(FIXTURES / "pages"), str(FIXTURES / "html")]
    results = {}
    for label, options in (("solo", ["--jobs", "1"]), ("dask", ["--dask", cluster.scheduler_address])):
        root = tmp_path / label
        root.mkdir()
        code, rows, summary = ingest(root, inputs, options, capsys)
        results[label] = (code, rows, summary, tree(root))
    assert results["dask"] == results["solo"]
    code, rows, notes, written = results["solo"]
    assert len(rows) > 60 and code == 0
    assert any(n.startswith(f"{second}: 20 records: 15 pages; skipped 5 duplicate URLs") for n in notes), notes
    # and again: nothing to write
    code, rows, summary = ingest(tmp_path / "dask", inputs, ["--dask", cluster.scheduler_address], capsys)
    assert "written" not in summary[-1] and "updated" not in summary[-1]


def test_unreachable_scheduler_is_one_error_line(tmp_path: Path, capsys) -> None:
    page = FIXTURES / "pages" / "a01_kazinform_amp_old.txt"
    assert main(["ingest", str(page), "--root", str(tmp_path), "--dask", "tcp://127.0.0.1:9"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9") and err.count("\n") == 1
