"""RSS 2.0 and Atom feeds, written with feedgen.

Feeds are deterministic: the feed's own dates are those of its newest entry,
so an unchanged digest gives byte-identical feeds.

Text stays text in every feed reader. Atom says what each field is: titles and
summaries are ``type="text"``, the body is sanitised HTML. RSS 2.0 cannot say:
readers take ``<description>`` as HTML, and most take ``<title>`` as HTML too.
So in RSS every text field is written as HTML that shows the text (``<`` as
``&lt;``, which the XML then encodes once more): a headline that quotes
``<script>`` shows ``<script>`` and runs nothing.

A feed item carries at most ``TITLE_LIMIT`` and ``SUMMARY_LIMIT`` characters
of text and ``CONTENT_LIMIT`` characters of body HTML (cut between blocks,
with a link to the entry's page, which always has the whole body): one huge
scraped page cannot make a feed too big for readers to parse.
"""
from __future__ import annotations

import html
from datetime import datetime, timezone

from feedgen.feed import FeedGenerator
from markupsafe import escape

from digest import __version__
from digest.config import SiteConfig
from digest.markup import sanitize
from digest.model import Entry

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
TITLE_LIMIT = 500  # characters of a feed item's title
SUMMARY_LIMIT = 1_000  # characters of its summary
CONTENT_LIMIT = 100_000  # characters of its body HTML


def feed_pair(
    entries: tuple[Entry, ...],
    config: SiteConfig,
    *,
    title: str,
    page_url: str,
    atom_url: str,
    rss_url: str,
    editions=None,
    words=None,
) -> tuple[bytes, bytes]:
    """(Atom, RSS) bytes for the newest ``feed_limit`` entries, or one item per weekly edition.

    ``words`` (a :class:`digest.i18n.Language`) gives the feed's language and
    the words and dates of the editions' items; by default the site's."""
    if words is None:
        from digest.i18n import Language

        words = Language(config.language)
    fg = FeedGenerator()
    fg.id(config.absolute_url(page_url))
    subtitle = config.description or title
    fg.title(title)
    fg.subtitle(subtitle)
    fg.link(href=config.absolute_url(page_url), rel="alternate")
    fg.link(href=config.absolute_url(atom_url), rel="self")
    fg.language(words.code)
    fg.generator("digest", version=__version__)
    if editions is not None:
        newest = max((e.entries[0].date for e in editions), default=_EPOCH)
    else:
        newest = entries[0].date if entries else _EPOCH
    fg.updated(newest)
    fg.lastBuildDate(newest)
    texts = [_edition_item(fg, edition, config, words) for edition in editions or ()]
    full = config.feed_content == "full"
    for entry in entries[: config.feed_limit]:
        fe = fg.add_entry(order="append")
        link = config.absolute_url(entry.url)
        fe.id(link)
        fe.guid(link, permalink=True)
        item_title = cut_text(entry.title, TITLE_LIMIT)
        fe.title(item_title)
        fe.link(href=link, rel="alternate")
        fe.published(entry.date)
        fe.updated(entry.date)
        if entry.author:
            fe.author(name=entry.author)
        for tag in entry.tags:
            fe.category(term=tag)
        summary = cut_text(entry.teaser, SUMMARY_LIMIT) if entry.teaser else None
        if summary:
            fe.summary(summary)
        if full:
            fe.content(cut_html(entry.body_html, CONTENT_LIMIT, link, words.whole_entry()), type="html")
        if entry.source:
            fe.source(url=entry.source_url or link, title=entry.source)
        texts.append((fe, item_title, summary))
    atom = fg.atom_str(pretty=True)
    # The RSS channel links to the page, and to itself through atom:link.
    fg.link(href=config.absolute_url(rss_url), rel="self", replace=True)
    # RSS readers read titles and descriptions as HTML: give them HTML that shows the text.
    fg.title(_as_html(title))
    fg.subtitle(_as_html(subtitle))
    for fe, item_title, summary in texts:
        fe.title(_as_html(item_title))
        if summary:
            fe.description(_as_html(summary))
    rss = fg.rss_str(pretty=True)
    return atom, rss


def _as_html(text: str) -> str:
    """HTML that shows ``text`` as it is."""
    return html.escape(text, quote=False)


def cut_text(text: str, limit: int) -> str:
    """``text``, or its first ``limit`` characters cut at a word and marked with "…"."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = head.rsplit(None, 1)[0] if " " in head[limit // 2 :] else head
    return cut.rstrip() + "…"


def cut_html(fragment: str, limit: int, link: str, words: str) -> str:
    """Sanitised HTML, or its first ``limit`` characters (cut between blocks, the
    open elements closed) and a link to the whole entry, which says ``words``."""
    if len(fragment) <= limit:
        return fragment
    head = fragment[:limit]
    block = head.rfind("\n")
    if block > limit // 2:  # Markdown puts each block on a line of its own
        head = head[:block]
    return sanitize(head) + f'\n<p><a href="{escape(link)}">{escape(words)}</a></p>'


def _edition_item(fg: FeedGenerator, edition, config: SiteConfig, words) -> tuple:
    """One week: its stories as links, featured first, then by tag; (item, title, summary)."""
    link = config.absolute_url(edition.url)
    fe = fg.add_entry(order="append")
    fe.id(link)
    fe.guid(link, permalink=True)
    title = words.edition_title(edition)
    fe.title(title)
    fe.link(href=link, rel="alternate")
    newest = edition.entries[0].date
    fe.published(newest)
    fe.updated(newest)
    sections = []
    if edition.featured:
        sections.append((words.featured(), edition.featured))
    sections.extend((name or words.other_news(), group) for name, _, group in edition.groups)
    parts = []
    for heading, group in sections:
        items = "".join(
            f'<li><a href="{escape(config.absolute_url(e.url))}">{escape(e.title)}</a>'
            + (f" ({escape(e.source)})" if e.source else "") + "</li>"
            for e in group
        )
        parts.append(f"<h2>{escape(heading)}</h2><ul>{items}</ul>")
    summary = words.edition_summary(edition)
    fe.summary(summary)
    fe.content("".join(parts), type="html")
    return fe, title, summary
