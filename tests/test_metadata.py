"""What the site tells machines: sitemap, robots.txt, canonical links, feed
discovery, OpenGraph and Twitter cards, JSON-LD; all under a sub-path base URL."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
import lxml.html
import pytest

from digest import plan
from digest.build import build
from digest.config import load_config

FIXTURE = Path(__file__).parent / "fixtures" / "curation"
BASE = "https://example.org/digest/"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("meta") / "site-root"
    shutil.copytree(FIXTURE, root)
    build(load_config(root), use_cache=False)
    return root / "site"


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.relative_to(site).parts)


def _url_of(site: Path, page: Path) -> str:
    rel = page.relative_to(site).as_posix()
    return BASE + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def _doc(page: Path):
    return lxml.html.fromstring(page.read_bytes())


def test_sitemap_lists_every_page_once_with_absolute_urls(site: Path) -> None:
    tree = ElementTree.parse(site / "sitemap.xml")
    locs = [loc.text for loc in tree.getroot().findall("sm:url/sm:loc", NS)]
    assert len(locs) == len(set(locs))
    expected = {_url_of(site, p) for p in _pages(site) if p.name != "404.html"}
    assert set(locs) == expected
    assert all(loc.startswith(BASE) for loc in locs)
    # Entry pages carry their date, with its offset.
    lastmods = {u.find("sm:loc", NS).text: u.find("sm:lastmod", NS) for u in tree.getroot().findall("sm:url", NS)}
    entry = lastmods[BASE + "2023/10/16/cis-observers-maslikhat-by-elections-held-in-line-with-kazakh-law/"]
    assert entry is not None and entry.text == "2023-10-16T18:40:00+06:00"


def test_a_large_site_gets_a_sitemap_index(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(plan, "SITEMAP_LIMIT", 10)
    root = tmp_path / "r"
    shutil.copytree(FIXTURE, root)
    build(load_config(root), use_cache=False)
    site = root / "site"
    index = ElementTree.parse(site / "sitemap.xml").getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)]
    assert parts and all(p.startswith(BASE + "sitemap-") for p in parts)
    locs = []
    for part in parts:
        tree = ElementTree.parse(site / part.removeprefix(BASE))
        found = [loc.text for loc in tree.getroot().findall("sm:url/sm:loc", NS)]
        assert 0 < len(found) <= 10
        locs.extend(found)
    assert sorted(locs) == sorted({_url_of(site, p) for p in _pages(site) if p.name != "404.html"})


def test_robots_txt_points_to_the_sitemap(site: Path) -> None:
    assert (site / "robots.txt").read_text("utf-8") == f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n"


def test_every_page_has_canonical_feeds_and_cards(site: Path) -> None:
    for page in _pages(site):
        doc = _doc(page)
        canonical = doc.xpath("//link[@rel='canonical']/@href")
        if page.name == "404.html":
            assert canonical == []
        else:
            assert canonical == [_url_of(site, page)], page
            assert doc.xpath("//meta[@property='og:url']/@content") == canonical
        feeds = doc.xpath("//link[@rel='alternate']/@href")
        assert "/digest/feed.xml" in feeds and "/digest/rss.xml" in feeds, page
        for name in ("og:title", "og:description", "og:type", "og:site_name"):
            assert doc.xpath(f"//meta[@property='{name}']/@content"), (page, name)
        for name in ("twitter:card", "twitter:title", "twitter:description"):
            assert doc.xpath(f"//meta[@name='{name}']/@content"), (page, name)


def test_tag_pages_announce_their_own_feeds(site: Path) -> None:
    doc = _doc(site / "tags/observers/index.html")
    links = {(l.get("type"), l.get("href")) for l in doc.xpath("//link[@rel='alternate']")}
    assert ("application/atom+xml", "/digest/tags/observers/feed.xml") in links
    assert ("application/rss+xml", "/digest/tags/observers/rss.xml") in links


def test_entry_pages_have_news_article_json_ld(site: Path) -> None:
    page = site / "2023/10/16/nabliudateli-sng-ne-vyiavili-narushenii-na-dovyborakh-v-maslikhaty-kazakhstana/index.html"
    doc = _doc(page)
    (raw,) = doc.xpath("//script[@type='application/ld+json']/text()")
    data = json.loads(raw)
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "Наблюдатели СНГ не выявили нарушений на довыборах в маслихаты Казахстана"
    assert data["datePublished"] == "2023-10-16T20:05:00+06:00"
    assert data["publisher"] == {"@type": "Organization", "name": "TASS"}
    assert data["author"]["name"]
    assert data["isBasedOn"].startswith("https://")
    assert data["url"] == BASE + "2023/10/16/nabliudateli-sng-ne-vyiavili-narushenii-na-dovyborakh-v-maslikhaty-kazakhstana/"
    assert data["inLanguage"] == "ru"
    assert doc.xpath("//meta[@property='og:type']/@content") == ["article"]
    assert doc.xpath("//meta[@property='article:published_time']/@content") == ["2023-10-16T20:05:00+06:00"]
    # The page is in English, the article in its own language.
    assert doc.xpath("/html/@lang") == ["en"]
    assert doc.xpath("//article[contains(@class, 'entry')]/@lang") == ["ru"]


def test_json_ld_cannot_be_broken_out_of(tmp_path: Path) -> None:
    root = tmp_path / "r"
    (root / "content").mkdir(parents=True)
    (root / "content/x.md").write_text(
        '---\ntitle: "</script><script>alert(1)</script>"\ndate: 2023-05-05\nauthor: "a & b \' c"\n---\nText.\n', "utf-8"
    )
    build(load_config(root), use_cache=False)
    page = next((root / "site/2023/05/05").glob("*/index.html")).read_text("utf-8")
    raw = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(raw)["headline"] == "</script><script>alert(1)</script>"
    assert json.loads(raw)["author"]["name"] == "a & b ' c"


def test_every_link_respects_the_sub_path(site: Path) -> None:
    for page in _pages(site):
        doc = _doc(page)
        for attr in ("href", "src"):
            # (entry bodies are the editors' text: their links are `digest check`'s business)
            for value in doc.xpath(f"//*[@{attr}][not(ancestor::div[contains(@class, 'body')])]/@{attr}"):
                if value.startswith("#"):
                    continue
                parts = urlsplit(value)
                if parts.scheme:  # the originals' addresses; the site's own are checked above
                    continue
                assert value.startswith("/digest/"), (page, value)
                target = site / value.removeprefix("/digest/").split("#")[0]
                if target.suffix == "" or value.endswith("/"):
                    target = target / "index.html"
                if "pagefind" not in target.parts:
                    assert target.exists(), (page, value)


def test_feeds_use_the_sub_path(site: Path) -> None:
    for rel in ("feed.xml", "rss.xml", "tags/cec/feed.xml", "editions/feed.xml"):
        feed = feedparser.parse((site / rel).read_bytes())
        assert not feed.bozo
        assert feed.entries
        for item in feed.entries:
            assert item.link.startswith(BASE), (rel, item.link)
