"""Scraped text stays text in every feed reader, and one huge entry cannot make a feed unreadable.

Checked twice: with feedparser (which sanitises what it reads, so it alone
would hide a hole) and on the raw XML, where a field that readers take as HTML
must hold no element at all.
"""
from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from sitetools import feed_text

from digest.build import build
from digest.config import load_config
from digest.feeds import CONTENT_LIMIT, SUMMARY_LIMIT, TITLE_LIMIT

TITLE = 'Turnout <b onmouseover="alert(1)">rose</b> & fell <img src=x onerror=alert(2)>'
SUMMARY = "The summary quotes <script>alert(3)</script> and &lt;kept&gt;"
TAG = "<i>Hostile</i> tag"
BODY = "The page showed `<img src=x onerror=alert(4)>` as code.\n\nSecond paragraph.\n"
LEDE = "The page showed <img src=x onerror=alert(4)> as code."
NS = {"atom": "http://www.w3.org/2005/Atom", "content": "http://purl.org/rss/1.0/modules/content/"}


def _entry(root: Path, name: str, text: str) -> None:
    path = root / "content" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def _site(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "content").mkdir(parents=True)
    (root / "digest.toml").write_text('base_url = "https://example.org/"\nsearch = false\n', "utf-8")
    return root


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = _site(tmp_path_factory.mktemp("feeds"))
    _entry(root, "a.md", f"---\ntitle: '{TITLE}'\ndate: 2024-03-02T10:00:00+05:00\n"
                         f"tags: ['{TAG}']\nsummary: '{SUMMARY}'\n---\n{BODY}")
    _entry(root, "b.md", f"---\ntitle: Plain\ndate: 2024-03-01T10:00:00+05:00\ntags: ['{TAG}']\n---\n{BODY}")
    build(load_config(root))
    return root / "site"


def _feeds(site: Path, name: str) -> list[Path]:
    found = [site / name, *sorted(site.glob(f"tags/*/{name}"))]
    assert len(found) == 2
    return found


class _Markup(HTMLParser):
    """Elements, and event-handler or script attributes, in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[str] = []
        self.live: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append(tag)
        if tag in ("script", "iframe", "object", "embed", "style"):
            self.live.append(tag)
        self.live.extend(f"{tag}@{k}" for k, v in attrs if k.startswith("on") or "javascript:" in (v or ""))


def _markup(fragment: str) -> _Markup:
    parser = _Markup()
    parser.feed(fragment)
    parser.close()
    return parser


def test_text_fields_hold_no_markup_and_bodies_are_sanitised_in_the_raw_xml(hostile_site: Path) -> None:
    """Every feed, RSS and Atom, site-wide and per tag."""
    for path in _feeds(hostile_site, "rss.xml"):
        tree = etree.parse(str(path))
        # RSS readers take these as HTML: once the XML is decoded, no element may be left.
        fields = tree.xpath("/rss/channel/title | /rss/channel/description | //item/title | //item/description")
        assert len(fields) == 2 + 2 * 2
        for element in fields:
            text = element.text or ""
            assert _markup(text).elements == [], f"{path}: <{element.tag}> renders as HTML: {text!r}"
        assert [html.unescape(t) for t in tree.xpath("//item/title/text()")] == [TITLE, "Plain"]
        assert [html.unescape(t) for t in tree.xpath("//item/description/text()")] == [SUMMARY, LEDE]
        if "tags" in str(path):
            assert TAG in html.unescape(tree.xpath("/rss/channel/title/text()")[0])
        for body in tree.xpath("//item/content:encoded/text()", namespaces=NS):
            assert _markup(body).live == []
            assert "<code>&lt;img src=x onerror=alert(4)&gt;</code>" in body
    for path in _feeds(hostile_site, "feed.xml"):
        tree = etree.parse(str(path))
        for element in tree.xpath("//atom:title | //atom:summary | //atom:subtitle", namespaces=NS):
            assert element.get("type", "text") == "text", f"{path}: {element.tag} type={element.get('type')}"
        assert tree.xpath("//atom:entry/atom:title/text()", namespaces=NS) == [TITLE, "Plain"]
        assert tree.xpath("//atom:entry/atom:summary/text()", namespaces=NS) == [SUMMARY, LEDE]
        for content in tree.xpath("//atom:entry/atom:content", namespaces=NS):
            assert content.get("type") == "html"
            assert _markup(content.text).live == []
            assert "<code>&lt;img src=x onerror=alert(4)&gt;</code>" in content.text  # shown as code, as on the page


def test_a_feed_reader_shows_the_text_as_written(hostile_site: Path) -> None:
    for path in [*_feeds(hostile_site, "feed.xml"), *_feeds(hostile_site, "rss.xml")]:
        feed = feedparser.parse(path.read_bytes(), sanitize_html=False)
        assert not feed.bozo, feed.bozo_exception
        assert [feed_text(e.title_detail) for e in feed.entries] == [TITLE, "Plain"]
        assert [feed_text(e.summary_detail) for e in feed.entries] == [SUMMARY, LEDE]
        if "tags" in str(path):
            assert TAG in feed_text(feed.feed.title_detail)


def test_a_huge_entry_is_cut_in_feeds_and_whole_on_its_page(tmp_path: Path) -> None:
    root = _site(tmp_path)
    paragraphs = [f"Paragraph {i} of a very long scraped page about the vote count." for i in range(60_000)]
    title = "Long " * 1_000
    summary = "Summary " * 1_000
    _entry(root, "huge.md", f"---\ntitle: '{title.strip()}'\ndate: 2024-03-02T10:00:00+05:00\n"
                            f"summary: '{summary.strip()}'\n---\n" + "\n\n".join(paragraphs) + "\n")
    build(load_config(root))
    site = root / "site"
    page = next(site.glob("2024/03/02/*/index.html")).read_text("utf-8")
    assert paragraphs[-1] in page and len(page) > 3_000_000  # the page keeps the whole body
    for name in ("feed.xml", "rss.xml"):
        data = (site / name).read_bytes()
        assert len(data) < 2 * CONTENT_LIMIT, f"{name} is {len(data)} bytes"
        etree.fromstring(data)  # lxml's own limits: a text node over 10 MB is refused
        feed = feedparser.parse(data)
        assert not feed.bozo, feed.bozo_exception
        item = feed.entries[0]
        assert 0 < len(feed_text(item.title_detail)) <= TITLE_LIMIT + 1
        assert feed_text(item.title_detail).endswith("Long…")
        assert 0 < len(feed_text(item.summary_detail)) <= SUMMARY_LIMIT + 1
        content = item.content[0].value
        assert paragraphs[0] in content and paragraphs[-1] not in content
        assert content.count("<p>") == content.count("</p>")  # cut between paragraphs, nothing left open
        assert content.rstrip().endswith(f'<a href="{item.link}">The whole entry is on the digest.</a></p>')


@pytest.mark.parametrize("lang, words", [("ru", "Полный текст записи — на сайте дайджеста."),
                                         ("kk", "Жазбаның толық мәтіні дайджест сайтында.")])
def test_the_link_under_a_cut_body_is_in_the_feeds_language(tmp_path: Path, lang: str, words: str) -> None:
    root = _site(tmp_path)
    with (root / "digest.toml").open("a", encoding="utf-8") as toml:
        toml.write(f'language = "{lang}"\n')
    body = "\n\n".join(f"Абзац {i} длинной страницы о подсчёте голосов." for i in range(5_000))
    _entry(root, "long.md", f"---\ntitle: Длинная запись\ndate: 2024-03-02T10:00:00+05:00\n---\n{body}\n")
    build(load_config(root))
    for name in ("feed.xml", "rss.xml"):
        feed = feedparser.parse((root / "site" / name).read_bytes())
        assert feed.feed.language == lang
        content = feed.entries[0].content[0].value
        assert content.rstrip().endswith(f'<a href="{feed.entries[0].link}">{words}</a></p>'), content[-200:]
