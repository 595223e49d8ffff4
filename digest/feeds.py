"""RSS 2.0 and Atom feeds, written with feedgen.

Feeds are deterministic: the feed's own dates are those of its newest entry,
so an unchanged digest gives byte-identical feeds.
"""
from __future__ import annotations

from datetime import datetime, timezone

from feedgen.feed import FeedGenerator
from markupsafe import escape

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
    editions=None,
) -> tuple[bytes, bytes]:
    """(Atom, RSS) bytes for the newest ``feed_limit`` entries, or one item per weekly edition."""
    fg = FeedGenerator()
    fg.id(config.absolute_url(page_url))
    fg.title(title)
    fg.subtitle(config.description or title)
    fg.link(href=config.absolute_url(page_url), rel="alternate")
    fg.link(href=config.absolute_url(atom_url), rel="self")
    fg.language(config.language)
    fg.generator("digest", version=__version__)
    if editions is not None:
        newest = max((e.entries[0].date for e in editions), default=_EPOCH)
    else:
        newest = entries[0].date if entries else _EPOCH
    fg.updated(newest)
    fg.lastBuildDate(newest)
    for edition in editions or ():
        _edition_item(fg, edition, config)
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


def _edition_item(fg: FeedGenerator, edition, config: SiteConfig) -> None:
    """One week: its stories as links, featured first, then by tag."""
    link = config.absolute_url(edition.url)
    fe = fg.add_entry(order="append")
    fe.id(link)
    fe.guid(link, permalink=True)
    monday, sunday = edition.monday, edition.sunday
    fe.title(f"Week {edition.week}, {edition.year}: {monday:%-d %B} – {sunday:%-d %B %Y}")
    fe.link(href=link, rel="alternate")
    newest = edition.entries[0].date
    fe.published(newest)
    fe.updated(newest)
    sections = []
    if edition.featured:
        sections.append(("Featured", edition.featured))
    sections.extend((name or "Other news", group) for name, _, group in edition.groups)
    parts = []
    for heading, group in sections:
        items = "".join(
            f'<li><a href="{escape(config.absolute_url(e.url))}">{escape(e.title)}</a>'
            + (f" ({escape(e.source)})" if e.source else "") + "</li>"
            for e in group
        )
        parts.append(f"<h2>{escape(heading)}</h2><ul>{items}</ul>")
    count = len(edition.cards)
    fe.summary(f"{count} {'story' if count == 1 else 'stories'} from the week of {monday:%-d %B %Y}.")
    fe.content("".join(parts), type="html")
