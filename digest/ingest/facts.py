"""What a page says, text dump or HTML, before it becomes an ``Article``.

Its own module so that the readers (``text.py``, ``fields.py``, ``html.py``) can all
fill it in without importing one another.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from digest.ingest.dates import PageDate


@dataclass(slots=True)
class PageFacts:
    """What a page says, before it becomes an ``Article``.

    ``date`` is the date as printed (``date.stated_offset`` only when the page states one);
    ``date_source`` says where it came from: ``"page"``, ``"relative"`` (``Today, 14:20``
    on the crawl day), ``"dateline"`` (its day, in the crawl's year) or, for HTML, where
    in the markup it was found (``"JSON-LD datePublished"``, ``"<time datetime>"`` …).
    ``markdown`` is the body as Markdown when the page has structure (HTML: subheadings,
    lists, quotes, tables); ``body`` is always the same blocks as plain paragraphs.
    ``language`` is the language the page declares (``<html lang>``).
    """

    title: str | None = None
    date: PageDate | None = None
    date_source: str | None = None
    outlet: str | None = None
    outlet_from: str | None = None  # "dateline", "source", "attribution", "header", "footer", "site"…
    source_url: str | None = None
    dateline: str | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    tags_line: str = ""
    body: list[str] = field(default_factory=list)
    markdown: str | None = None
    language: str | None = None
    agency: str | None = None  # the agency form the dateline printed (`(24.kg)`, `/TASS/`)
    photo_credit: str | None = None
    crawl_date: str | None = None
    warnings: list[str] = field(default_factory=list)
