"""Curation in the built site: drafts, featured entries, stories across outlets, weekly editions.

The fixture (``tests/fixtures/curation/``, see its README) holds one story told
by three outlets, a double ingest from one outlet, a draft, a featured entry
and an entry dated in the future.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import feedparser
import pytest

from digest.build import build, load_entries
from digest.collect import collect
from digest.config import load_config, zone

FIXTURE = Path(__file__).parent / "fixtures" / "curation"
BASE = "https://example.org/digest/"

STORY = {
    "2023/10/16/cis-observers-maslikhat-by-elections-held-in-line-with-kazakh-law/": "Kazinform",
    "2023/10/16/nabliudateli-sng-ne-vyiavili-narushenii-na-dovyborakh-v-maslikhaty-kazakhstana/": "TASS",
    "2023/10/17/cis-mission-finds-kazakhstan-s-local-by-elections-open-and-competitive/": "BelTA",
}
LEAD = "2023/10/16/cis-observers-maslikhat-by-elections-held-in-line-with-kazakh-law/"
DOUBLE = (
    "2023/10/18/cec-launches-online-map-of-polling-stations/",
    "2023/10/18/cec-launches-an-online-map-of-polling-stations/",
)
DRAFT_TITLE = "Что изменят новые поправки в избирательный закон"
DRAFT_URL = "2023/10/19/chto-izmeniat-novye-popravki-v-izbiratelnyi-zakon-razbor/"
FEATURED_TITLE = "Analysis: Kazakhstan&#39;s low-key local by-elections test party reforms"


def _build(tmp_path: Path, *, drafts: bool = False) -> Path:
    root = tmp_path / "curation"
    shutil.copytree(FIXTURE, root)
    build(load_config(root, drafts=drafts), use_cache=False)
    return root / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("curation"))


def _text(site: Path, rel: str) -> str:
    return (site / rel / "index.html").read_text("utf-8") if not rel.endswith((".xml", ".txt", ".html")) else (site / rel).read_text("utf-8")


def _cards(html: str) -> list[str]:
    """The entry URLs of the cards of a list page, in order."""
    import lxml.html

    tree = lxml.html.fromstring(html)
    return [a.get("href").removeprefix("/digest/") for a in tree.xpath("//article[contains(@class, 'card')]//h2/a")]


def test_the_story_is_the_only_cluster(site: Path) -> None:
    site_entries = collect(load_entries(load_config(FIXTURE)), tz=zone("Asia/Almaty"))
    assert [sorted(e.url for e in s.entries) for s in site_entries.stories] == [sorted(STORY)]
    assert site_entries.stories[0].lead.url == LEAD


def test_entry_pages_of_a_story_name_the_other_reports(site: Path) -> None:
    for url in STORY:
        page = _text(site, url)
        section = page.split('<section class="also-reported"', 1)[1].split("</section>", 1)[0]
        linked = {u for u in STORY if f'href="/digest/{u}"' in section}
        assert linked == set(STORY) - {url}, url
        for other, outlet in STORY.items():
            if other != url:
                assert outlet in section


def test_lists_show_one_card_per_story(site: Path) -> None:
    for rel in ("", "tags/observers/", "tags/cis/", "editions/2023-W42/"):
        cards = _cards(_text(site, rel))
        assert LEAD in cards, rel
        assert not (set(STORY) - {LEAD}) & set(cards), rel
    home = _text(site, "")
    card = home.split(f'href="/digest/{LEAD}"', 1)[1].split("</article>", 1)[0]
    assert "Also reported by" in card and ">TASS</a>" in card and ">BelTA</a>" in card


def test_a_double_ingest_is_not_a_story(site: Path) -> None:
    cards = _cards(_text(site, "tags/voting/"))
    assert set(DOUBLE) <= set(cards)
    for url in DOUBLE:
        assert "also-reported" not in _text(site, url)


def test_the_draft_is_absent_everywhere(site: Path) -> None:
    assert not (site / DRAFT_URL).exists()
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".txt"):
            text = path.read_text("utf-8")
            assert DRAFT_TITLE not in text and DRAFT_URL not in text, path
    assert BASE + DRAFT_URL not in _text(site, "sitemap.xml")


def test_drafts_are_built_on_request(tmp_path: Path) -> None:
    site = _build(tmp_path, drafts=True)
    assert DRAFT_TITLE in _text(site, DRAFT_URL)
    assert BASE + DRAFT_URL in _text(site, "sitemap.xml")


def test_the_featured_entry_leads_the_home_page(site: Path) -> None:
    home = _text(site, "")
    cards = _cards(home)
    featured = "2023/10/13/analysis-kazakhstan-s-low-key-local-by-elections-test-party-reforms/"
    assert cards[0] == featured
    assert cards.count(featured) == 1  # pinned, not repeated in the list below
    assert home.index('id="featured-heading"') < home.index(FEATURED_TITLE) < home.index(">Latest</h2>")
    # Newest first below it, featured or not.
    assert cards[1] == "2031/10/19/senate-deputies-to-report-to-voters-in-the-regions/"


def test_summary_is_shown_in_lists_and_is_the_feed_summary(site: Path) -> None:
    entries = {e.url: e for e in load_entries(load_config(FIXTURE))}
    with_note = [e for e in entries.values() if e.summary and not e.draft]
    assert with_note, "the fixture has editor's notes"
    feed = feedparser.parse(_text(site, "feed.xml"))
    summaries = {item.link.removeprefix(BASE): item.summary for item in feed.entries}
    for entry in with_note:
        assert summaries[entry.url] == entry.summary
    without = [e for e in entries.values() if not e.summary and not e.draft]
    for entry in without:
        assert summaries[entry.url] == entry.lede  # falls back to the lede


def test_editions_group_the_week_by_tag_with_featured_first(site: Path) -> None:
    index = _text(site, "editions/")
    weeks = [w for w in ("2031-W42", "2023-W42", "2023-W41") if f'href="/digest/editions/{w}/"' in index]
    assert weeks == ["2031-W42", "2023-W42", "2023-W41"]
    assert index.index("2031-W42") < index.index("2023-W42") < index.index("2023-W41")

    w41 = _text(site, "editions/2023-W41/")
    assert "9\u2009–\u200915 October 2023" in w41  # CLDR en_GB: thin spaces around the dash
    cards = _cards(w41)
    assert cards[0] == "2023/10/13/analysis-kazakhstan-s-low-key-local-by-elections-test-party-reforms/"
    assert len(cards) == len(set(cards)) == 4  # each story once
    import lxml.html

    headings = [h.text_content() for h in lxml.html.fromstring(w41).xpath("//h2[contains(@class, 'section-title')]")]
    assert headings[0] == "Featured"
    tag_names = headings[1:]
    assert tag_names == sorted(tag_names, key=str.casefold) and len(tag_names) >= 2

    w42 = _text(site, "editions/2023-W42/")
    cards = _cards(w42)
    assert LEAD in cards and set(DOUBLE) <= set(cards)
    assert DRAFT_URL not in w42
    assert 'rel="prev" href="/digest/editions/2023-W41/"' in w42
    assert 'rel="next" href="/digest/editions/2031-W42/"' in w42


def test_the_editions_feed_has_one_item_per_week(site: Path) -> None:
    for name in ("feed.xml", "rss.xml"):
        feed = feedparser.parse(_text(site, f"editions/{name}"))
        assert not feed.bozo, feed.bozo_exception
        links = [item.link for item in feed.entries]
        assert links == [BASE + "editions/2031-W42/", BASE + "editions/2023-W42/", BASE + "editions/2023-W41/"]
        w42 = feed.entries[1]
        assert w42.title == "Week 42, 2023: 16\u2009–\u200922 October 2023"
        body = w42.content[0].value
        assert body.count(f'href="{BASE}{LEAD}"') == 1
        for url in set(STORY) - {LEAD}:
            assert url not in body
        assert DRAFT_URL not in body
    index = _text(site, "editions/")
    assert '<link rel="alternate" type="application/atom+xml" title="Curation Fixture Digest: weekly editions (Atom)" href="/digest/editions/feed.xml">' in index


def test_weeks_are_counted_in_the_site_time_zone(tmp_path: Path) -> None:
    root = tmp_path / "tz"
    (root / "content").mkdir(parents=True)
    (root / "digest.toml").write_text('timezone = "Asia/Almaty"\n', "utf-8")
    # Sunday 15 October 2023, 21:30 UTC is Monday 16 October, 03:30 in Almaty: week 42 there.
    (root / "content/late.md").write_text("---\ntitle: Late on Sunday\ndate: 2023-10-15T21:30:00+00:00\n---\nText.\n", "utf-8")
    build(load_config(root), use_cache=False)
    assert (root / "site/editions/2023-W42/index.html").is_file()
    assert not (root / "site/editions/2023-W41").exists()
    # The entry keeps its own date in its URL.
    assert (root / "site/2023/10/15/late-on-sunday/index.html").is_file()


def test_the_repository_digest_shows_a_cluster_and_an_edition() -> None:
    root = Path(__file__).resolve().parent.parent
    config = load_config(root)
    site = collect(load_entries(config), tz=config.tz, story_threshold=config.story_threshold)
    assert len(site.stories) >= 1
    story = site.stories[0]
    assert len({e.source for e in story.entries}) == len(story.entries) >= 3
    assert any(story.lead in edition.cards for edition in site.editions)
