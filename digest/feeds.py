"""RSS 2.0 and Atom feeds, written with feedgen.

Feeds are deterministic: the feed's own dates are those of its newest entry,
so an unchanged digest gives byte-identical feeds.
"""
from __future__ import annotations

from datetime import datetime, timezone

from feedgen.feed import FeedGenerator

from digest import __version__
from digest.config import SiteConfig
from digest.model import Entry

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def feed_pair(
    entries: tuple[Entry, ...],
    config: SiteConfig,
    *,
    title: str,
    page_url: str,
    atom_url: str,
    rss_url: str,
) -> tuple[bytes, bytes]:
    """(Atom, RSS) bytes for the newest ``feed_limit`` entries."""
    fg = FeedGenerator()
    fg.id(config.absolute_url(page_url))
    fg.title(title)
    fg.subtitle(config.description or title)
    fg.link(href=config.absolute_url(page_url), rel="alternate")
    fg.link(href=config.absolute_url(atom_url), rel="self")
    fg.language(config.language)
    fg.generator("digest", version=__version__)
    newest = entries[0].date if entries else _EPOCH
    fg.updated(newest)
    fg.lastBuildDate(newest)
    full = config.feed_content == "full"
    for entry in entries[: config.feed_limit]:
        fe = fg.add_entry(order="append")
        link = config.absolute_url(entry.url)
        fe.id(link)
        fe.guid(link, permalink=True)
        fe.title(entry.title)
        fe.link(href=link, rel="alternate")
        fe.published(entry.date)
        fe.updated(entry.date)
        if entry.author:
            fe.author(name=entry.author)
        for tag in entry.tags:
            fe.category(term=tag)
        if entry.teaser:
            fe.summary(entry.teaser)
        if full:
            fe.content(entry.body_html, type="html")
        if entry.source:
            fe.source(url=entry.source_url or link, title=entry.source)
    atom = fg.atom_str(pretty=True)
    # The RSS channel links to the page, and to itself through atom:link.
    fg.link(href=config.absolute_url(rss_url), rel="self", replace=True)
    rss = fg.rss_str(pretty=True)
    return atom, rss
