"""Feeds checked with a real feed parser (feedparser)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from sitetools import feed_text

ALL_ENTRIES_NEWEST_FIRST = [
    "Scraped page with <script>alert('title')</script> in it",
    "CEC drafts rules for polling stations abroad",
    "Сайлау нәтижелері жарияланды",
    "Выборы в Мажилис",
    "Kazakhstan calls UN to actively participate in election monitoring",
    "Kazakhstan calls UN to actively participate in election monitoring",
]


def _parse(path: Path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, f"{path}: {feed.get('bozo_exception')}"
    return feed


@pytest.mark.parametrize("name, version", [("feed.xml", "atom10"), ("rss.xml", "rss20")])
def test_site_feeds_parse_with_newest_entries_in_order(built_sample: Path, name: str, version: str) -> None:
    feed = _parse(built_sample / name)
    assert feed.version == version
    # feed_limit = 3 in the sample's digest.toml
    assert [feed_text(e.title_detail) for e in feed.entries] == ALL_ENTRIES_NEWEST_FIRST[:3]
    links = [e.link for e in feed.entries]
    assert links[1] == "https://example.org/digest/2024/03/02/cec-drafts-rules-for-polling-stations-abroad/"
    assert all(link.startswith("https://example.org/digest/") for link in links)


@pytest.mark.parametrize("name", ["feed.xml", "rss.xml"])
def test_feed_dates_keep_their_offsets(built_sample: Path, name: str) -> None:
    text = (built_sample / name).read_text("utf-8")
    if name == "feed.xml":
        assert "<published>2024-03-02T10:00:00+05:00</published>" in text
    else:
        assert "<pubDate>Sat, 02 Mar 2024 10:00:00 +0500</pubDate>" in text
    feed = _parse(built_sample / name)
    for entry in feed.entries:
        when = entry.get("published_parsed")
        assert when is not None  # feedparser gives UTC struct_time for aware dates
    raw = feedparser.parse((built_sample / name).read_bytes())
    assert raw.entries[1].published.endswith(("+05:00", "+0500"))


def test_full_content_and_summary_in_feeds(built_sample: Path) -> None:
    feed = _parse(built_sample / "feed.xml")
    abroad = feed.entries[1]
    assert "first decision the commission takes" in abroad.content[0].value
    assert abroad.summary.startswith("ASTANA. KAZINFORM The Central Election Commission")
    assert [t.term for t in abroad.tags] == ["Elections", "CEC"]
    assert abroad.author == "Aigerim Sadykova"


def test_feed_ids_are_stable_permalinks(sample_root: Path, built_sample: Path) -> None:
    before = (built_sample / "feed.xml").read_bytes()
    from digest.build import build
    from digest.config import load_config

    build(load_config(sample_root))
    assert (built_sample / "feed.xml").read_bytes() == before
    feed = _parse(built_sample / "feed.xml")
    assert [e.id for e in feed.entries] == [e.link for e in feed.entries]


@pytest.mark.parametrize("tag, count", [("elections", 4), ("cec", 2), ("majilis", 2), ("un", 2)])
@pytest.mark.parametrize("name", ["feed.xml", "rss.xml"])
def test_tag_feeds_hold_only_their_tag(built_sample: Path, tag: str, count: int, name: str) -> None:
    feed = _parse(built_sample / "tags" / tag / name)
    assert 0 < len(feed.entries) <= 3
    assert len(feed.entries) == min(count, 3)
    for entry in feed.entries:
        assert tag in {t.term.lower() for t in entry.tags}


def test_summary_mode_leaves_out_the_body(sample_root: Path) -> None:
    config = sample_root / "digest.toml"
    config.write_text(config.read_text("utf-8") + 'feed_content = "summary"\n', "utf-8")
    from digest.build import build
    from digest.config import load_config

    build(load_config(sample_root))
    feed = _parse(sample_root / "site/feed.xml")
    abroad = feed.entries[1]
    assert "content" not in abroad
    assert abroad.summary.startswith("ASTANA. KAZINFORM")


def test_feed_dates_are_timezone_aware(built_sample: Path) -> None:
    from email.utils import parsedate_to_datetime

    feed = _parse(built_sample / "rss.xml")
    offsets = [parsedate_to_datetime(e.published).utcoffset() for e in feed.entries]
    assert offsets == [timedelta(hours=5), timedelta(hours=5), timedelta(hours=6)]
