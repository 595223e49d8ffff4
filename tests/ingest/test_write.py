"""The entry writer: front matter, escaping, never losing or clobbering an entry."""
from __future__ import annotations

import html
import os
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from digest.config import load_config
from digest.content import parse_entry
from digest.errors import IngestError
from digest.ingest.article import Article
from digest.ingest.commands import entry_validator
from digest.ingest.write import (
    EntryWriter,
    Status,
    escape_paragraph,
    is_pristine,
    markdown_body,
    read_front_matter,
    split_entry,
)
from digest.markup import render_markdown


def article(**changes) -> Article:
    values = dict(
        source="pages/un.txt",
        title="Kazakhstan calls UN to actively participate in election monitoring",
        published="2023-03-10T14:20+06:00",
        outlet="Kazinform",
        dateline="ASTANA",
        tags=["Elections", "UN"],
        language="en",
        body=[
            "ASTANA. KAZINFORM 1st Deputy Foreign Minister invited the UN to observe.",
            "The early Majilis elections will be held on March 19.",
        ],
    )
    values.update(changes)
    return Article(**values)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    return tmp_path


def writer(site: Path, **options) -> EntryWriter:
    config = load_config(site)
    return EntryWriter(site / "content", validate=entry_validator(config), **options)


def entries(site: Path) -> list[Path]:
    return sorted((site / "content").rglob("*.md"))


def leftovers(site: Path) -> list[Path]:
    return [p for p in site.rglob("*") if p.is_file() and not p.name.endswith(".md")]


def load(path: Path) -> dict:
    front, _ = split_entry(path.read_text(encoding="utf-8"))
    return yaml.load(front, Loader=yaml.CSafeLoader)


# ---------------------------------------------------------------- the entry file


def test_writes_front_matter_and_body(site: Path) -> None:
    outcome = writer(site).ingest(article())
    assert outcome.status is Status.WRITTEN
    assert outcome.reason == "new entry"
    path = site / "content/2023/03/kazakhstan-calls-un-to-actively-participate-in-election-monitoring.md"
    assert outcome.path == path
    meta = load(path)
    assert meta["title"] == "Kazakhstan calls UN to actively participate in election monitoring"
    assert meta["date"] == datetime(2023, 3, 10, 14, 20, tzinfo=timezone(timedelta(hours=6)))
    assert meta["tags"] == ["Elections", "UN"]
    assert meta["source"] == "Kazinform"
    assert "source_url" not in meta
    assert meta["dateline"] == "ASTANA"
    assert meta["author"] is None
    assert meta["lang"] == "en"
    assert "draft" not in meta
    assert meta["ingested"]["file"] == "un.txt"
    assert re.fullmatch(r"[0-9a-f]{64}", meta["ingested"]["sha256"])
    text = path.read_text(encoding="utf-8")
    assert "\ndate: 2023-03-10T14:20:00+06:00\n" in text
    assert text.endswith(
        "---\nASTANA. KAZINFORM 1st Deputy Foreign Minister invited the UN to observe.\n\n"
        "The early Majilis elections will be held on March 19.\n"
    )
    entry = parse_entry(path.read_bytes(), rel="x.md", shown="x.md", config=load_config(site))
    assert entry.url == "2023/03/10/kazakhstan-calls-un-to-actively-participate-in-election-monitoring/"
    assert "ingested" in entry.extra


@pytest.mark.parametrize(
    ("published", "expected", "written"),
    [
        ("2023-03-10T14:20+06:00", datetime(2023, 3, 10, 14, 20, tzinfo=timezone(timedelta(hours=6))),
         "2023-03-10T14:20:00+06:00"),
        ("2027-10-11T18:24+05:30", datetime(2027, 10, 11, 18, 24, tzinfo=timezone(timedelta(hours=5, minutes=30))),
         "2027-10-11T18:24:00+05:30"),
        ("2023-03-10T14:20", datetime(2023, 3, 10, 14, 20), "2023-03-10T14:20:00"),
        ("2023-03-10T14:20:07", datetime(2023, 3, 10, 14, 20, 7), "2023-03-10T14:20:07"),
        ("2023-03-10", date(2023, 3, 10), "2023-03-10"),
    ],
)
def test_dates_keep_their_offset_naive_time_or_date_only(
    site: Path, published: str, expected: object, written: str
) -> None:
    outcome = writer(site).ingest(article(published=published))
    meta = load(outcome.path)
    assert meta["date"] == expected
    assert type(meta["date"]) is type(expected)
    if isinstance(expected, datetime):
        assert meta["date"].utcoffset() == expected.utcoffset()
    assert f"\ndate: {written}\n" in outcome.path.read_text(encoding="utf-8")


def test_front_matter_reads_back_the_same_values(site: Path) -> None:
    tricky = article(
        title="yes: 'Выборы' \"в\" Мажилис #1 — null & [x] {y} * > | @ ` %",
        author="no",
        dateline="2023-03-10",
        outlet="true",
        tags=["null", "123", "Сайлау 2023", "a: b", "- dash"],
        source_url="https://example.kz/news/1?a=b&c=d#top",
        photo_credit="© Sputnik / Айдар",
        language="kk",
    )
    outcome = writer(site).ingest(tricky)
    assert outcome.status is Status.WRITTEN, outcome.reason
    meta = load(outcome.path)
    assert meta["title"] == tricky.title
    assert meta["author"] == "no"
    assert meta["dateline"] == "2023-03-10"
    assert meta["source"] == "true"
    assert meta["tags"] == ["null", "123", "Сайлау 2023", "a: b", "- dash"]
    assert meta["source_url"] == "https://example.kz/news/1?a=b&c=d#top"
    assert meta["photo_credit"] == "© Sputnik / Айдар"
    assert meta["lang"] == "kk"


def test_unicode_is_written_as_is(site: Path) -> None:
    outcome = writer(site).ingest(article(title="Сайлау науқаны басталды", language="kk"))
    assert outcome.path.name == "sailau-naukany-bastaldy.md"
    assert "title: Сайлау науқаны басталды\n" in outcome.path.read_text(encoding="utf-8")


def test_cyrillic_title_is_transliterated(site: Path) -> None:
    outcome = writer(site).ingest(article(title="Выборы в Мажилис"))
    assert outcome.path == site / "content/2023/03/vybory-v-mazhilis.md"


def test_draft_option_sets_draft_true(site: Path) -> None:
    outcome = writer(site, draft=True).ingest(article())
    assert load(outcome.path)["draft"] is True
    entry = parse_entry(outcome.path.read_bytes(), rel="x.md", shown="x.md", config=load_config(site))
    assert entry.draft is True


def test_source_url_and_photo_credit_kept(site: Path) -> None:
    outcome = writer(site).ingest(article(source_url="https://www.inform.kz/en/x", photo_credit="eng.belta.by"))
    meta = load(outcome.path)
    assert meta["source_url"] == "https://www.inform.kz/en/x"
    assert meta["photo_credit"] == "eng.belta.by"


def test_bad_source_url_language_and_tags_are_left_out_with_warnings(site: Path) -> None:
    outcome = writer(site).ingest(
        article(source_url="javascript:alert(1)", language="english!", tags=["Elections", "***", "elections", "  "])
    )
    assert outcome.status is Status.WRITTEN
    meta = load(outcome.path)
    assert "source_url" not in meta
    assert meta["lang"] is None
    assert meta["tags"] == ["Elections"]
    assert "source URL 'javascript:alert(1)' left out: not an http(s) URL" in outcome.warnings
    assert "tag '***' left out: no letters or digits" in outcome.warnings


def test_parser_warnings_are_carried(site: Path) -> None:
    outcome = writer(site).ingest(article(warnings=["no author found"]))
    assert outcome.warnings == ["no author found"]


def test_control_characters_and_line_breaks_are_cleaned(site: Path) -> None:
    outcome = writer(site).ingest(article(title="Line\none\x07 \u2028two", body=["a\x00b\r\nc", "  ", "d\te"]))
    meta = load(outcome.path)
    assert meta["title"] == "Line one two"
    assert split_entry(outcome.path.read_text(encoding="utf-8"))[1] == "ab c\n\nd e\n"


# ---------------------------------------------------------------- cannot become an entry


def test_no_date_and_no_crawl_date_is_skipped(site: Path) -> None:
    outcome = writer(site).ingest(article(published=None, crawl_date=None))
    assert outcome.status is Status.SKIPPED
    assert outcome.reason == "no date found (neither a publication date nor a crawl date)"
    assert outcome.path is None
    assert entries(site) == []


def test_crawl_date_stands_in_for_a_missing_date(site: Path) -> None:
    outcome = writer(site).ingest(article(published=None, crawl_date="2027-05-04"))
    assert outcome.status is Status.WRITTEN
    assert load(outcome.path)["date"] == date(2027, 5, 4)
    assert outcome.path.parent == site / "content/2027/05"
    assert "no publication date: dated by the crawl date 2027-05-04" in outcome.warnings


def test_unreadable_published_date_falls_back_to_crawl_date(site: Path) -> None:
    outcome = writer(site).ingest(article(published="31 February", crawl_date="2027-05-04"))
    assert load(outcome.path)["date"] == date(2027, 5, 4)
    assert "could not read the published date '31 February'" in outcome.warnings


def test_no_title_is_skipped(site: Path) -> None:
    outcome = writer(site).ingest(article(title=None))
    assert (outcome.status, outcome.reason) == (Status.SKIPPED, "no title found: an entry needs a title")


def test_title_without_letters_is_skipped(site: Path) -> None:
    outcome = writer(site).ingest(article(title="★ — ★"))
    assert outcome.status is Status.SKIPPED
    assert outcome.reason == "the title '★ — ★' has no letters or digits to make a URL from"


def test_no_body_is_skipped(site: Path) -> None:
    outcome = writer(site).ingest(article(body=["  ", ""]))
    assert (outcome.status, outcome.reason) == (Status.SKIPPED, "no article text found")


def test_failed_parse_is_reported_as_failed(site: Path) -> None:
    outcome = writer(site).ingest(Article(source="pages/bad.txt", error="file is empty"))
    assert (outcome.status, outcome.reason) == (Status.FAILED, "file is empty")
    assert entries(site) == []


def test_entry_refused_by_the_validator_is_not_written(site: Path) -> None:
    def refuse(text: str, path: Path) -> None:
        raise IngestError("nope")

    outcome = EntryWriter(site / "content", validate=refuse).ingest(article())
    assert (outcome.status, outcome.reason) == (Status.FAILED, "nope")
    assert entries(site) == [] and leftovers(site) == []


# ---------------------------------------------------------------- never lost, never clobbered


def test_ingesting_twice_writes_nothing_new(site: Path) -> None:
    first = writer(site).ingest(article())
    before = first.path.stat().st_mtime_ns, first.path.read_bytes()
    again = writer(site).ingest(article())
    assert again.status is Status.UNCHANGED
    assert again.reason == "already ingested; nothing new"
    assert again.path == first.path
    assert (first.path.stat().st_mtime_ns, first.path.read_bytes()) == before
    assert len(entries(site)) == 1


def test_twice_in_one_batch(site: Path) -> None:
    w = writer(site)
    assert w.ingest(article()).status is Status.WRITTEN
    assert w.ingest(article()).status is Status.UNCHANGED
    assert len(entries(site)) == 1


def test_edited_entry_is_left_alone(site: Path) -> None:
    path = writer(site).ingest(article()).path
    edited = path.read_text(encoding="utf-8").replace("held on March 19.", "held on Sunday, March 19.")
    path.write_text(edited, encoding="utf-8")
    outcome = writer(site).ingest(article())
    assert outcome.status is Status.KEPT
    assert outcome.reason == "the entry was edited since it was ingested: left alone (use --force to overwrite)"
    assert path.read_text(encoding="utf-8") == edited


def test_edited_front_matter_only_is_an_edit_too(site: Path) -> None:
    path = writer(site).ingest(article()).path
    path.write_text(path.read_text(encoding="utf-8").replace("tags: [Elections, UN]", "tags: [Elections]"),
                    encoding="utf-8")
    assert writer(site).ingest(article()).status is Status.KEPT


def test_force_overwrites_an_edited_entry(site: Path) -> None:
    first = writer(site).ingest(article())
    original = first.path.read_text(encoding="utf-8")
    first.path.write_text(original.replace("March 19", "19 March"), encoding="utf-8")
    outcome = writer(site, force=True).ingest(article())
    assert outcome.status is Status.OVERWRITTEN
    assert outcome.reason == "the entry was edited since it was ingested: overwritten (--force)"
    assert outcome.path == first.path
    assert first.path.read_text(encoding="utf-8") == original
    assert is_pristine(original)


def test_editor_retitled_entry_is_still_recognised(site: Path) -> None:
    path = writer(site).ingest(article()).path
    text = path.read_text(encoding="utf-8").replace(
        "title: Kazakhstan calls UN to actively participate in election monitoring",
        "title: UN invited to observe the Majilis vote",
    )
    path.write_text(text, encoding="utf-8")
    outcome = writer(site).ingest(article())
    assert (outcome.status, outcome.path) == (Status.KEPT, path)
    assert len(entries(site)) == 1


def test_hand_written_entry_for_the_same_article_is_left_alone(site: Path) -> None:
    hand = site / "content/2023/03/kazakhstan-calls-un-to-actively-participate-in-election-monitoring.md"
    hand.parent.mkdir(parents=True)
    text = (
        "---\ntitle: \"Kazakhstan calls UN to actively participate in election monitoring\"\n"
        "date: 2023-03-10T14:20:00+06:00\nsource: Kazinform\n---\nAn editor's own text.\n"
    )
    hand.write_text(text, encoding="utf-8")
    outcome = writer(site).ingest(article())
    assert outcome.status is Status.KEPT
    assert outcome.reason == (
        "an entry for this article was written by hand: left alone (use --force to overwrite)"
    )
    assert hand.read_text(encoding="utf-8") == text
    assert entries(site) == [hand]
    forced = writer(site, force=True).ingest(article())
    assert forced.status is Status.OVERWRITTEN
    assert forced.reason == "an entry for this article was written by hand: overwritten (--force)"
    assert "invited the UN to observe" in hand.read_text(encoding="utf-8")


def test_same_source_url_is_the_same_article(site: Path) -> None:
    url = "https://www.inform.kz/en/kazakhstan-calls-un_a4044291"
    first = writer(site).ingest(article(source_url=url))
    retitled = article(source_url="https://inform.kz/en/kazakhstan-calls-un_a4044291/", title="Kazakhstan invites UN")
    outcome = writer(site).ingest(retitled)
    assert outcome.status is Status.UPDATED
    assert outcome.reason == "re-ingested: the entry was regenerated"
    assert outcome.path == first.path
    meta = load(first.path)
    assert meta["title"] == "Kazakhstan invites UN"
    # the URL stays where it was
    assert meta["slug"] == "kazakhstan-calls-un-to-actively-participate-in-election-monitoring"
    assert len(entries(site)) == 1


def test_improved_parse_updates_an_unedited_entry(site: Path) -> None:
    first = writer(site).ingest(article())
    outcome = writer(site).ingest(article(author="Aidar Seitkali"))
    assert (outcome.status, outcome.path) == (Status.UPDATED, first.path)
    assert load(first.path)["author"] == "Aidar Seitkali"


def test_same_article_from_another_file_is_a_duplicate(site: Path) -> None:
    first = writer(site).ingest(article(source="pages/un.txt"))
    outcome = writer(site).ingest(article(source="pages/un.html", author="Someone"))
    assert outcome.status is Status.DUPLICATE
    assert outcome.reason == "the same article was already ingested from un.txt: left alone (use --force to overwrite)"
    assert load(first.path)["author"] is None


def test_two_articles_with_the_same_title_get_two_files(site: Path) -> None:
    w = writer(site)
    one = w.ingest(article(outlet="Kazinform"))
    two = w.ingest(article(outlet="Qazaq TV", body=["Another outlet's story."]))
    three = writer(site).ingest(article(published="2023-03-11T09:00+06:00", body=["A day later."]))
    assert one.status is two.status is three.status is Status.WRITTEN
    base = "kazakhstan-calls-un-to-actively-participate-in-election-monitoring"
    assert [p.name for p in entries(site)] == [f"{base}-2.md", f"{base}-3.md", f"{base}.md"]
    assert two.reason == f"new entry (the slug {base!r} was taken)"
    config = load_config(site)
    urls = {parse_entry(p.read_bytes(), rel=p.name, shown=p.name, config=config).url for p in entries(site)}
    assert urls == {f"2023/03/10/{base}/", f"2023/03/10/{base}-2/", f"2023/03/11/{base}-3/"}


def test_long_title_with_suffix_keeps_a_valid_slug(site: Path) -> None:
    title = "Central election commission " + "announces preliminary results " * 6
    w = writer(site)
    w.ingest(article(title=title))
    second = w.ingest(article(title=title, outlet="Other"))
    slug = load(second.path)["slug"]
    assert slug.endswith("-2") and len(slug) <= 80
    assert second.path.name == f"{slug}.md"


def test_slug_taken_by_an_unrelated_entry(site: Path) -> None:
    other = site / "content/2023/03/kazakhstan-calls-un-to-actively-participate-in-election-monitoring.md"
    other.parent.mkdir(parents=True)
    other.write_text("---\ntitle: Something else\ndate: 2023-03-02\n---\nBody\n", encoding="utf-8")
    outcome = writer(site).ingest(article())
    assert outcome.status is Status.WRITTEN
    assert outcome.path.name.endswith("-2.md")
    assert other.read_text(encoding="utf-8") == "---\ntitle: Something else\ndate: 2023-03-02\n---\nBody\n"


def test_file_created_after_the_scan_is_not_clobbered(site: Path) -> None:
    w = writer(site)  # scans the content folder now
    target = site / "content/2023/03/kazakhstan-calls-un-to-actively-participate-in-election-monitoring.md"
    target.parent.mkdir(parents=True)
    target.write_text("someone else's file\n", encoding="utf-8")
    outcome = w.ingest(article())
    assert outcome.status is Status.WRITTEN
    assert outcome.path.name.endswith("-2.md")
    assert target.read_text(encoding="utf-8") == "someone else's file\n"


def test_dry_run_writes_nothing(site: Path) -> None:
    w = writer(site, dry_run=True)
    outcome = w.ingest(article())
    assert outcome.status is Status.WRITTEN
    assert outcome.path == site / "content/2023/03/kazakhstan-calls-un-to-actively-participate-in-election-monitoring.md"
    assert not (site / "content/2023").exists()
    assert w.ingest(article()).status is Status.UNCHANGED  # the batch still sees it


def test_dry_run_does_not_touch_an_edited_entry_even_with_force(site: Path) -> None:
    path = writer(site).ingest(article()).path
    path.write_text(path.read_text(encoding="utf-8") + "\nEditor's note.\n", encoding="utf-8")
    edited = path.read_text(encoding="utf-8")
    outcome = writer(site, dry_run=True, force=True).ingest(article())
    assert outcome.status is Status.OVERWRITTEN
    assert path.read_text(encoding="utf-8") == edited


# ---------------------------------------------------------------- atomic writes


def test_no_temporary_file_is_left_behind(site: Path) -> None:
    w = writer(site)
    for n in range(5):
        w.ingest(article(title=f"Story {n}"))
    w.ingest(article(title="Story 1", author="X"))  # an update in place
    assert len(entries(site)) == 5
    assert leftovers(site) == []


def test_failed_link_leaves_nothing(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_link(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "link", broken_link)
    monkeypatch.setattr(os, "replace", broken_link)
    outcome = writer(site).ingest(article())
    assert outcome.status is Status.FAILED
    assert outcome.reason == "cannot write the entry: Permission denied"
    assert entries(site) == [] and leftovers(site) == []


def test_failed_update_keeps_the_old_entry(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = writer(site).ingest(article()).path
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    outcome = writer(site).ingest(article(author="New Author"))
    assert outcome.status is Status.FAILED
    assert outcome.reason == "cannot write the entry: No space left on device"
    assert path.read_bytes() == before
    assert leftovers(site) == []


def test_interrupted_write_leaves_nothing(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "link", interrupted)
    with pytest.raises(KeyboardInterrupt):
        writer(site).ingest(article())
    assert entries(site) == [] and leftovers(site) == []


# ---------------------------------------------------------------- the sha256 stamp


def test_stamp_recognises_any_edit(site: Path) -> None:
    path = writer(site).ingest(article()).path
    text = path.read_text(encoding="utf-8")
    assert is_pristine(text)
    assert not is_pristine(text + " ")
    assert not is_pristine(text.replace("lang: en", "lang: ru"))
    assert not is_pristine(text.replace("sha256: ", "sha256: 1", 1))
    assert not is_pristine("---\ntitle: x\n---\nbody\n")


def test_read_front_matter_of_broken_entries() -> None:
    assert read_front_matter("no front matter") is None
    assert read_front_matter("---\ntitle: [unclosed\n---\n") is None
    assert read_front_matter("---\n- a list\n---\n") is None
    assert read_front_matter("---\ntitle: ok\n---\nbody") == {"title": "ok"}


def test_broken_entries_in_the_content_folder_do_not_stop_ingest(site: Path) -> None:
    bad = site / "content/2023/03/broken.md"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"---\ntitle: [\n---\n\xff\xfe")
    assert writer(site).ingest(article()).status is Status.WRITTEN
    assert bad.read_bytes() == b"---\ntitle: [\n---\n\xff\xfe"


# ---------------------------------------------------------------- Markdown escaping


def rendered_text(markdown_text: str) -> str:
    out = render_markdown(markdown_text)
    out = re.sub(r"<[^>]+>", " ", out)
    return " ".join(html.unescape(out).split())


TRICKY = [
    "1. First point of the resolution",
    "2023. A year of elections",
    "12) Twelfth",
    "# Not a heading",
    "#hashtag",
    "> not a quote",
    "- not a list",
    "+ not a list",
    "* not a list",
    "---",
    "***",
    "___",
    "- - -",
    "=====",
    ": not a definition",
    "~~~ not a fence",
    "```not code```",
    "<script>alert('x')</script>",
    "<b>bold?</b> <!-- comment --> <http://example.com>",
    "a < b > c & d &amp; e &#169; &copy;",
    "&#1. &copy without a semicolon, AT&T, R&D",
    "*stars* and _underscores_ and __double__ and **strong**",
    "[a link](http://example.com) ![img](x.png) [ref][1]",
    "[1]: http://example.com",
    "C:\\Users\\path\\ and a trailing backslash \\",
    "`code` and ``double``",
    "{: .class } {#id}",
    "| a | b |",
    "    four leading spaces",
    "tab\tseparated",
    "Trailing two spaces  ",
    "ASTANA. KAZINFORM – «Выборы» 1. пункт — №5, 38%",
]


@pytest.mark.parametrize("paragraph", TRICKY)
def test_escaped_paragraph_renders_as_the_same_text(paragraph: str) -> None:
    assert rendered_text(escape_paragraph(paragraph)) == " ".join(paragraph.split())


def test_escaped_paragraph_is_one_plain_paragraph() -> None:
    for paragraph in TRICKY:
        out = render_markdown(escape_paragraph(paragraph))
        assert out.startswith("<p>") and out.endswith("</p>"), (paragraph, out)
        assert out.count("<p>") == 1


def test_numbered_list_stays_separate_paragraphs() -> None:
    body = markdown_body(["1. First", "2. Second", "3. Third"])
    assert body == "1\\. First\n\n2\\. Second\n\n3\\. Third\n"
    assert render_markdown(body) == "<p>1. First</p>\n<p>2. Second</p>\n<p>3. Third</p>"


def test_plain_text_stays_readable() -> None:
    text = "ASTANA. KAZINFORM The CIS mission, «we are ready» — said Lebedev (BelTA). 25% voted!"
    assert escape_paragraph(text) == text
