"""``digest parse`` and ``digest ingest`` end to end, through the CLI."""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from digest.cli import main
from digest.ingest import commands
from digest.ingest.write import is_pristine, split_entry

pytest.importorskip("digest.ingest.parse")

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
SEEDS = [PAGES / "000_65e960a93adcd3b4.txt", PAGES / "003_ca285c4ac3e4c8cd.txt"]
SEED_ENTRIES = [
    "content/2023/01/cis-mission-to-observe-parliamentary-elections-in-kazakhstan.md",
    "content/2023/03/kazakhstan-calls-un-to-actively-participate-in-election-monitoring.md",
]
SCHEMA = {
    "source", "title", "published", "outlet", "dateline", "author", "tags", "language",
    "body", "photo_credit", "crawl_date", "warnings",
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "site-root"
    site.mkdir()
    return site


def ingest(root: Path, *inputs: Path | str, options: tuple[str, ...] = ()) -> int:
    return main(["ingest", *map(str, inputs), "--root", str(root), *options])


def md_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))


def stray_files(root: Path) -> list[Path]:
    content = root / "content"
    return [p for p in content.rglob("*") if p.is_file() and p.suffix != ".md"] if content.exists() else []


def front(path: Path) -> dict:
    return yaml.load(split_entry(path.read_text(encoding="utf-8"))[0], Loader=yaml.CSafeLoader)


def rows(out: str) -> dict[str, str]:
    """Report rows by page name: the row's text (first physical line)."""
    found = {}
    for line in out.splitlines():
        for cell in line.split("│")[1:2]:
            name = cell.strip()
            if name:
                found[Path(name).name] = line
    return found


# ---------------------------------------------------------------- parse


def test_parse_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--json", *map(str, SEEDS)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and len(data) == 2
    for obj, path in zip(data, SEEDS):
        assert SCHEMA <= set(obj) <= SCHEMA | {"source_url", "error"}
        assert "error" not in obj
        assert obj["source"] == str(path)
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert obj["title"] == expected["title"]
        assert obj["published"].startswith(expected["published"])
        assert isinstance(obj["tags"], list) and isinstance(obj["body"], list)
        assert isinstance(obj["warnings"], list)


def test_parse_json_reports_each_failed_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code = main(["parse", "--json", str(empty), str(SEEDS[0]), str(tmp_path / "missing.txt")])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [obj["source"] for obj in data] == [str(empty), str(SEEDS[0]), str(tmp_path / "missing.txt")]
    assert "file is empty" in data[0]["error"]
    assert "error" not in data[1]
    assert "file not found" in data[2]["error"]
    for obj in data:
        assert SCHEMA <= set(obj)


def test_parse_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SEEDS[0])]) == 0
    out = capsys.readouterr().out
    assert out.startswith(str(SEEDS[0]) + "\n")
    assert "  title:     CIS mission to observe parliamentary elections in Kazakhstan\n" in out
    assert "  published: 2023-01-31T15:38" in out
    assert "  outlet:    Kazinform\n" in out
    assert "  begins:    MINSK. KAZINFORM The CIS observation mission" in out


def test_parse_summary_of_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["parse", str(empty)]) == 1
    assert "  error:     " in capsys.readouterr().out


# ---------------------------------------------------------------- ingest: the happy path


def test_ingest_seed_pages(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ingest(root, *SEEDS) == 0
    out = capsys.readouterr().out
    assert md_files(root) == SEED_ENTRIES
    table = rows(out)
    assert "written" in table["000_65e960a93adcd3b4.txt"]
    assert "new entry" in table["000_65e960a93adcd3b4.txt"]
    assert out.rstrip().endswith("2 pages: 2 written")
    meta = front(root / SEED_ENTRIES[0])
    assert meta["title"] == "CIS mission to observe parliamentary elections in Kazakhstan"
    assert meta["source"] == "Kazinform"
    assert meta["dateline"] == "MINSK"
    assert meta["lang"] == "en"
    assert meta["ingested"]["file"] == "000_65e960a93adcd3b4.txt"
    assert str(meta["date"]).startswith("2023-01-31 15:38")
    body = split_entry((root / SEED_ENTRIES[0]).read_text(encoding="utf-8"))[1]
    assert body.startswith("MINSK. KAZINFORM The CIS observation mission")
    assert stray_files(root) == []


def test_ingest_twice_says_unchanged(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ingest(root, *SEEDS)
    before = {p: (root / p).read_bytes() for p in md_files(root)}
    capsys.readouterr()
    assert ingest(root, *SEEDS) == 0
    out = capsys.readouterr().out
    assert "already ingested; nothing new" in rows(out)["003_ca285c4ac3e4c8cd.txt"]
    assert out.rstrip().endswith("2 pages: 2 unchanged")
    assert {p: (root / p).read_bytes() for p in md_files(root)} == before


def test_edited_entry_left_alone_then_force(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ingest(root, SEEDS[0])
    path = root / SEED_ENTRIES[0]
    original = path.read_text(encoding="utf-8")
    edited = original.replace("CIS Secretary General", "the CIS Secretary General")
    path.write_text(edited, encoding="utf-8")
    capsys.readouterr()

    assert ingest(root, SEEDS[0]) == 0
    out = capsys.readouterr().out
    row = rows(out)["000_65e960a93adcd3b4.txt"]
    assert "kept" in row
    assert "the entry was edited since it was ingested: left alone (use --force to overwrite)" in row
    assert path.read_text(encoding="utf-8") == edited

    assert ingest(root, SEEDS[0], options=("--force",)) == 0
    out = capsys.readouterr().out
    assert "the entry was edited since it was ingested: overwritten (--force)" in out
    assert path.read_text(encoding="utf-8") == original
    assert is_pristine(original)


def test_dry_run_writes_nothing(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ingest(root, *SEEDS, options=("--dry-run",)) == 0
    out = capsys.readouterr().out
    assert "would write" in rows(out)["000_65e960a93adcd3b4.txt"]
    assert "cis-mission-to-observe-parliamentary-elections-in-kazakhstan.md" in out
    assert out.rstrip().endswith("2 pages: 2 would write (dry run: nothing was written)")
    assert not (root / "content").exists()


def test_draft_option(root: Path) -> None:
    assert ingest(root, SEEDS[0], options=("--draft",)) == 0
    assert front(root / SEED_ENTRIES[0])["draft"] is True


def test_content_option(root: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    assert ingest(root, SEEDS[0], options=("--content", str(elsewhere))) == 0
    assert (elsewhere / SEED_ENTRIES[0].removeprefix("content/")).is_file()
    assert not (root / "content").exists()


def test_content_dir_from_digest_toml(root: Path) -> None:
    (root / "digest.toml").write_text('content_dir = "entries"\n', encoding="utf-8")
    assert ingest(root, SEEDS[0]) == 0
    assert (root / "entries/2023/01/cis-mission-to-observe-parliamentary-elections-in-kazakhstan.md").is_file()


def test_bad_digest_toml_is_one_error_line(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (root / "digest.toml").write_text("per_page = 0\n", encoding="utf-8")
    assert ingest(root, SEEDS[0]) == 1
    assert "per_page: must be at least 1, not 0" in capsys.readouterr().err
    assert not (root / "content").exists()


def test_same_title_two_pages_two_entries(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = SEEDS[0].read_text(encoding="utf-8")
    later = text.replace("31 January 2023, 15:38", "31 January 2023, 18:05").replace(
        "set to monitor the parliamentary", "ready to monitor the parliamentary"
    )
    assert later != text
    other = tmp_path / "later.txt"
    other.write_text(later, encoding="utf-8")
    assert ingest(root, SEEDS[0], other) == 0
    out = capsys.readouterr().out
    base = "cis-mission-to-observe-parliamentary-elections-in-kazakhstan"
    assert md_files(root) == [f"content/2023/01/{base}-2.md", f"content/2023/01/{base}.md"]
    assert f"new entry (the slug '{base}' was taken)" in rows(out)["later.txt"]
    assert front(root / f"content/2023/01/{base}-2.md")["slug"] == f"{base}-2"
    assert "ready to monitor" in (root / f"content/2023/01/{base}-2.md").read_text(encoding="utf-8")


def test_directories_are_walked_for_pages(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pages = tmp_path / "scraped"
    (pages / "sub").mkdir(parents=True)
    (pages / ".hidden").mkdir()
    shutil.copy(SEEDS[0], pages / "one.txt")
    shutil.copy(SEEDS[1], pages / "sub" / "two.TXT")
    shutil.copy(SEEDS[1], pages / ".hidden" / "three.txt")
    (pages / "notes.md").write_text("not a page", encoding="utf-8")
    (pages / "one.json").write_text("{}", encoding="utf-8")
    assert ingest(root, pages) == 0
    out = capsys.readouterr().out
    assert set(rows(out)) == {"one.txt", "two.TXT"}
    assert md_files(root) == SEED_ENTRIES


def test_html_pages_are_ingested(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "html"
    folder.mkdir()
    page = folder / "page.html"
    paragraphs = "".join(
        f"<p>ASTANA. The Central Election Commission said on Friday that paragraph {n} of the "
        "statement covers the registration of candidates for the Majilis elections.</p>"
        for n in range(1, 6)
    )
    page.write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>CEC registers Majilis candidates</title>"
        "<meta property='article:published_time' content='2023-02-14T10:30:00+06:00'>"
        "<meta property='og:url' content='https://example.kz/news/cec-registers'>"
        "</head><body><article><h1>CEC registers Majilis candidates</h1>"
        f"{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    shutil.copy(page, page.with_suffix(".htm"))
    assert ingest(root, folder) == 0
    table = rows(capsys.readouterr().out)
    assert "written" in table["page.htm"]
    assert "the same article was already ingested from page.htm: left alone (use --force to overwrite)" in table["page.html"]
    assert md_files(root) == ["content/2023/02/cec-registers-majilis-candidates.md"]
    meta = front(root / "content/2023/02/cec-registers-majilis-candidates.md")
    assert meta["title"] == "CEC registers Majilis candidates"
    assert meta["source_url"] == "https://example.kz/news/cec-registers"
    assert str(meta["date"]) == "2023-02-14 10:30:00+06:00"


# ---------------------------------------------------------------- ingest: bad input


def test_bad_pages_each_get_a_line_and_the_rest_is_ingested(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with (bad / "huge.txt").open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    (bad / "noarticle.txt").write_text(
        " date 2023-01-31 Go to the main site\n    Currency rates:\n    usd/kzt 460.87\nWeather:\nAstana-12-14℃\n",
        encoding="utf-8",
    )
    shutil.copy(SEEDS[0], bad / "good.txt")

    code = ingest(root, bad, tmp_path / "missing.txt")
    out = capsys.readouterr().out
    assert code == 1
    table = rows(out)
    assert "failed" in table["empty.txt"] and "file is empty" in table["empty.txt"]
    assert "failed" in table["binary.txt"]
    assert "binary file (a PNG image), not a text or HTML page" in table["binary.txt"]
    assert "failed" in table["huge.txt"]
    assert "file is too large: 50.0 MB (the limit is 20 MB)" in table["huge.txt"]
    assert "failed" in table["noarticle.txt"]
    assert "no recognisable article: neither a title nor article text found" in table["noarticle.txt"]
    assert "file not found" in table["missing.txt"]
    assert "written" in table["good.txt"]
    assert md_files(root) == [SEED_ENTRIES[0]]
    assert stray_files(root) == []


def test_truncated_page_gets_a_clear_line(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = SEEDS[0].read_bytes()
    cut = tmp_path / "truncated.txt"
    cut.write_bytes(data[: data.index(b"MINSK.") + 20])
    assert ingest(root, cut) == 1
    row = rows(capsys.readouterr().out)["truncated.txt"]
    assert "failed" in row
    assert "no recognisable article: no article text found" in row
    assert not (root / "content").exists()


def test_parse_json_error_for_pages_without_an_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = SEEDS[0].read_bytes()
    cut = tmp_path / "truncated.txt"
    cut.write_bytes(data[: data.index(b"MINSK.") + 20])
    chrome = tmp_path / "chrome.txt"
    chrome.write_text(" date 2023-01-31 Go to the main site\n    Currency rates:\n    usd/kzt 460.87\n", encoding="utf-8")
    assert main(["parse", "--json", str(cut), str(chrome)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [obj["error"] for obj in data] == [
        "no recognisable article: no article text found",
        "no recognisable article: neither a title nor article text found",
    ]


def test_page_without_any_date_is_skipped(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (PAGES / "a13_nodate_breadcrumb.txt").read_text(encoding="utf-8")
    assert text.startswith(" date 2027-02-11 ")
    page = tmp_path / "nodate.txt"
    page.write_text(text.removeprefix(" date 2027-02-11 "), encoding="utf-8")
    assert ingest(root, page) == 1
    row = rows(capsys.readouterr().out)["nodate.txt"]
    assert "skipped" in row
    assert "no date found (neither a publication date nor a crawl date)" in row
    assert md_files(root) == []


def test_page_dated_by_its_crawl_marker(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ingest(root, PAGES / "a13_nodate_breadcrumb.txt") == 0
    out = capsys.readouterr().out
    warning = next(line for line in out.splitlines() if "warning:" in line)
    assert "crawl date 2027-02-11" in warning
    (path,) = md_files(root)
    assert path.startswith("content/2027/02/")
    assert str(front(root / path)["date"]) == "2027-02-11"


def test_empty_folder(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert ingest(root, empty) == 1
    assert "no pages (*.txt, *.html, *.htm) in this folder" in capsys.readouterr().out


def test_every_fixture_page_ingests(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = ingest(root, PAGES)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "\n18 pages: 18 written\n" in out
    # the outlets the fixtures name that outlets.toml does not know, as stanzas to paste
    assert "outlets are not in outlets.toml; to make them known, add to" in out
    assert '[[outlet]]\nname = "Civic Election Watch"\n' in out
    assert len(md_files(root)) == 18
    assert stray_files(root) == []


# ---------------------------------------------------------------- progress


def test_progress_bar_for_large_batches(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = tmp_path / "many"
    pages.mkdir()
    for n in range(commands.PROGRESS_THRESHOLD + 1):
        shutil.copy(SEEDS[n % 2], pages / f"page{n:02d}.txt")
    buffer = io.StringIO()
    monkeypatch.setattr(commands, "progress_console", lambda: Console(file=buffer, force_terminal=True, width=100))
    assert ingest(root, pages) == 0
    assert "Ingesting" in buffer.getvalue()
    out = capsys.readouterr().out
    assert out.rstrip().endswith("21 pages: 2 written, 19 duplicate")


def test_no_progress_bar_for_small_batches(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    buffer = io.StringIO()
    monkeypatch.setattr(commands, "progress_console", lambda: Console(file=buffer, force_terminal=True))
    assert ingest(root, *SEEDS) == 0
    assert buffer.getvalue() == ""


# ---------------------------------------------------------------- the build


def test_ingested_seed_pages_build_into_a_site(root: Path) -> None:
    pytest.importorskip("digest.build")
    from digest.build import build
    from digest.config import load_config

    assert ingest(root, *SEEDS) == 0
    build(load_config(root))
    page = root / "site/2023/01/31/cis-mission-to-observe-parliamentary-elections-in-kazakhstan/index.html"
    assert "CIS mission to observe parliamentary elections in Kazakhstan" in page.read_text(encoding="utf-8")
    other = root / "site/2023/03/10/kazakhstan-calls-un-to-actively-participate-in-election-monitoring/index.html"
    assert "Kazakhstan calls UN to actively participate in election monitoring" in other.read_text(encoding="utf-8")
    assert "MINSK. KAZINFORM The CIS observation mission" in page.read_text(encoding="utf-8")


def test_content_option_that_is_a_file(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_a_folder = tmp_path / "content.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    assert ingest(root, SEEDS[0], options=("--content", str(not_a_folder))) == 1
    assert capsys.readouterr().err == f"error: {not_a_folder}: the content folder is not a folder\n"
    assert not_a_folder.read_text(encoding="utf-8") == "x"
