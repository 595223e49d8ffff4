"""Crawl archives in: ``digest ingest crawl.warc.gz`` and ``digest parse`` on WARC and ARC files
the tests build with warcio from the project's own fixture pages."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import yaml
from crawl_archives import DUMPS, HTML, Fetch, dump_fetch, html_fetch, write_arc, write_warc

from digest.cli import main
from digest.ingest.write import split_entry

H01, H02, H03 = HTML[:3]  # the first three HTML fixtures
URL = "https://news.example.org/2024/03/"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "site-root"
    site.mkdir()
    return site


def entries(root: Path) -> dict[str, dict]:
    """Front matter of every entry written, by file path."""
    found = {}
    for path in sorted((root / "content").rglob("*.md")):
        found[path.relative_to(root).as_posix()] = yaml.safe_load(split_entry(path.read_text("utf-8"))[0])
    return found


def ingest(root: Path, *inputs: Path, options: tuple[str, ...] = ()) -> int:
    return main(["ingest", *map(str, inputs), "--root", str(root), *options])


def parse_json(capsys, *inputs: Path) -> tuple[int, list[dict], str]:
    code = main(["parse", "--json", *map(str, inputs)])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def mixed_fetches() -> list[Fetch]:
    """Three HTML pages and two text dumps, with every kind of record that is not a page."""
    return [
        Fetch(URL + "robots.txt", kind="request"),
        html_fetch(H01, URL + "un-observers", date="2024-03-05T08:30:00Z"),
        Fetch(URL + "logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png"),
        Fetch(URL + "app.js", b"var x = 1;", content_type="application/javascript"),
        html_fetch(H02, URL + "karaganda"),
        Fetch(URL + "missing", b"<html><body>Not found</body></html>", status="404 Not Found"),
        Fetch(URL + "moved", b"", status="301 Moved Permanently", headers=[("Location", URL + "karaganda")]),
        Fetch(URL + "karaganda", kind="metadata"),
        Fetch(URL + "karaganda", kind="revisit"),
        html_fetch(H02, URL + "karaganda/", date="2024-03-09T10:00:00Z"),  # the same URL fetched again
        html_fetch(H03, URL + "abroad"),
        dump_fetch(DUMPS[0], URL + "cis-mission"),
        dump_fetch(DUMPS[1], URL + "un-monitoring"),
    ]


SKIPS = "skipped 1 HTTP errors (4xx/5xx), 1 duplicate URLs, 1 images, 1 metadata, 1 redirects, 1 requests, 1 revisits, 1 scripts"


@pytest.mark.parametrize("gzipped", [True, False], ids=["gzipped", "plain"])
def test_warc_pages_become_entries_with_url_and_crawl_date(root: Path, tmp_path: Path, gzipped: bool, capsys) -> None:
    warc = tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc")
    write_warc(warc, mixed_fetches(), gzipped=gzipped)
    assert ingest(root, warc) == 0
    out = capsys.readouterr().out
    found = entries(root)
    assert len(found) == 5, out
    urls = sorted(meta["source_url"] for meta in found.values())
    assert urls == sorted(URL + u for u in ("un-observers", "karaganda", "abroad", "cis-mission", "un-monitoring"))
    assert f"{warc}: 13 records: 5 pages; {SKIPS}" in out
    by_url = {meta["source_url"]: meta for meta in found.values()}
    assert by_url[URL + "karaganda"]["title"] == "В Караганде назначили повторные выборы в маслихат"
    # the first fetch of a URL is the one kept, and every entry names its record
    assert all(meta["ingested"]["file"].startswith(warc.name + "@") for meta in found.values())


def test_crawl_date_is_the_warc_date(root: Path, tmp_path: Path, capsys) -> None:
    # a13 has no date of its own: only its crawl marker (2027), which the WARC-Date overrides
    page = next(p for p in DUMPS if p.name.startswith("a13"))
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, [dump_fetch(page, URL + "hotline", date="2027-06-02T23:59:00Z")])
    code, [article], _ = parse_json(capsys, warc)
    assert code == 0
    assert article["crawl_date"] == "2027-06-02"
    assert article["published"] == "2027-06-02"
    assert article["source_url"] == URL + "hotline"
    assert article["source"] == f"{warc}@0"


def test_rerun_writes_nothing(root: Path, tmp_path: Path, capsys) -> None:
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, mixed_fetches())
    assert ingest(root, warc) == 0
    before = {p: p.stat().st_mtime_ns for p in (root / "content").rglob("*")}
    capsys.readouterr()
    assert ingest(root, warc) == 0
    out = capsys.readouterr().out
    assert "5 pages: 5 unchanged" in out
    assert {p: p.stat().st_mtime_ns for p in (root / "content").rglob("*")} == before


@pytest.mark.parametrize("gzipped", [True, False], ids=["gzipped", "plain"])
def test_arc_files(root: Path, tmp_path: Path, gzipped: bool, capsys) -> None:
    arc = tmp_path / ("old.arc.gz" if gzipped else "old.arc")
    offsets = write_arc(arc, [
        html_fetch(H01, URL + "un-observers", date="2024-03-05T08:30:00Z"),
        Fetch(URL + "logo.gif", b"GIF89a" + b"\0" * 20, content_type="image/gif"),
        html_fetch(H03, URL + "abroad", date="2024-03-06T08:30:00Z"),
    ], gzipped=gzipped)
    code, articles, err = parse_json(capsys, arc)
    assert code == 0, articles
    assert [a["source"] for a in articles] == [f"{arc}@{offsets[0]}", f"{arc}@{offsets[2]}"]
    assert [a["source_url"] for a in articles] == [URL + "un-observers", URL + "abroad"]
    assert [a["crawl_date"] for a in articles] == ["2024-03-05", "2024-03-06"]
    assert "1 images" in err


def test_cp1251_declared_only_in_the_http_header(tmp_path: Path, capsys) -> None:
    html = H02.read_text("utf-8").replace('<meta charset="utf-8">', "")
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, [Fetch(URL + "cp1251", html.encode("cp1251", errors="xmlcharrefreplace"), content_type="text/html; charset=windows-1251")])
    code, [article], _ = parse_json(capsys, warc)
    assert code == 0
    assert article["title"] == "В Караганде назначили повторные выборы в маслихат"
    assert article["author"] == "Иван Петров"


def test_content_and_transfer_encodings_undone(tmp_path: Path, capsys) -> None:
    body = gzip.compress(H01.read_bytes())
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 100]), body[i:i + 100]) for i in range(0, len(body), 100))
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, [Fetch(URL + "gz", chunked + b"0\r\n\r\n",
                            headers=[("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")])])
    code, [article], _ = parse_json(capsys, warc)
    assert code == 0, article
    assert article["title"] == "Kazakhstan invites UN observers to Majilis election"


def test_truncated_last_member_is_reported_and_the_rest_kept(root: Path, tmp_path: Path, capsys) -> None:
    warc = tmp_path / "crawl.warc.gz"
    offsets = write_warc(warc, [html_fetch(H01, URL + "a"), html_fetch(H02, URL + "b"), html_fetch(H03, URL + "c")])
    data = warc.read_bytes()
    warc.write_bytes(data[: offsets[2] + (len(data) - offsets[2]) // 2])
    assert ingest(root, warc) == 1
    out = capsys.readouterr().out
    assert len(entries(root)) == 2
    assert f"{warc}@{offsets[2]}" in out
    assert "damaged record" in out
    assert not [p for p in (root / "content").rglob("*") if p.is_file() and p.suffix != ".md"]


def test_plain_truncated_last_record(tmp_path: Path, capsys) -> None:
    warc = tmp_path / "crawl.warc"
    offsets = write_warc(warc, [html_fetch(H01, URL + "a"), html_fetch(H03, URL + "c")], gzipped=False)
    warc.write_bytes(warc.read_bytes()[:-500])
    code, articles, _ = parse_json(capsys, warc)
    assert code == 1
    assert [a["source"] for a in articles] == [f"{warc}@0", f"{warc}@{offsets[1]}"]
    assert "error" not in articles[0]
    assert articles[1]["error"].startswith("damaged record: truncated")


def test_damaged_member_in_the_middle_is_skipped(tmp_path: Path, capsys) -> None:
    warc = tmp_path / "crawl.warc.gz"
    offsets = write_warc(warc, [html_fetch(H01, URL + "a"), html_fetch(H02, URL + "b"), html_fetch(H03, URL + "c")])
    data = bytearray(warc.read_bytes())
    middle = (offsets[1] + offsets[2]) // 2
    data[middle:middle + 40] = b"\xff" * 40
    warc.write_bytes(bytes(data))
    code, articles, _ = parse_json(capsys, warc)
    assert code == 1
    assert [a["source"] for a in articles] == [f"{warc}@{o}" for o in offsets]
    assert [bool(a.get("error")) for a in articles] == [False, True, False]
    assert "damaged record" in articles[1]["error"]


def test_wrong_content_length_is_reported_and_the_rest_read(tmp_path: Path, capsys) -> None:
    warc = tmp_path / "crawl.warc"
    offsets = write_warc(warc, [html_fetch(H01, URL + "a"), html_fetch(H02, URL + "b"), html_fetch(H03, URL + "c")],
                         gzipped=False)
    data = warc.read_bytes()
    head_end = data.index(b"\r\n\r\n", offsets[1])
    header = data[offsets[1]:head_end]
    length = int(header.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    broken = header.replace(b"Content-Length: %d" % length, b"Content-Length: %d" % (length - 300))
    warc.write_bytes(data[:offsets[1]] + broken + data[head_end:])
    code, articles, _ = parse_json(capsys, warc)
    assert code == 1
    good = [a["source_url"] for a in articles if not a.get("error")]
    assert good == [URL + "a", URL + "c"]
    assert any(a["source"] == f"{warc}@{offsets[1]}" and "damaged record" in a["error"] for a in articles)


def test_not_a_warc(root: Path, tmp_path: Path, capsys) -> None:
    fake = tmp_path / "notes.warc.gz"
    fake.write_text("just some notes\n")
    good = tmp_path / "good.warc.gz"
    write_warc(good, [html_fetch(H01, URL + "a")])
    assert ingest(root, fake, good) == 1
    out = capsys.readouterr().out
    assert f"{fake}@0" in out and "not a WARC or ARC file" in out
    assert len(entries(root)) == 1


def test_oversized_and_undecodable_payloads(root: Path, tmp_path: Path, capsys) -> None:
    huge = b"<html><body><p>" + b"x" * (21 * 1024 * 1024) + b"</p></body></html>"
    warc = tmp_path / "crawl.warc.gz"
    offsets = write_warc(warc, [
        Fetch(URL + "huge", huge),
        Fetch(URL + "binary", b"<html>\x00\x01\x02\x03" * 200),
        html_fetch(H01, URL + "a"),
    ])
    assert ingest(root, warc) == 1
    out = capsys.readouterr().out
    assert f"{warc}@{offsets[0]}" in out and "too large" in out
    assert f"{warc}@{offsets[1]}" in out and "binary" in out
    assert len(entries(root)) == 1
    assert not [p for p in (root / "content").rglob("*") if p.is_file() and p.suffix != ".md"]


def test_folder_with_archives(root: Path, tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    write_warc(crawl / "a.warc.gz", [html_fetch(H01, URL + "a")])
    write_warc(crawl / "b.warc", [html_fetch(H03, URL + "c"), html_fetch(H01, URL + "a")], gzipped=False)
    assert ingest(root, crawl) == 0
    assert sorted(m["source_url"] for m in entries(root).values()) == [URL + "a", URL + "c"]
