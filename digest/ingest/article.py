"""The result of parsing one scraped page."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from digest.ingest.outlet_cues import NewOutlet

if TYPE_CHECKING:
    from digest.ingest.topic import TopicScore


@dataclass(slots=True)
class Article:
    """A clean article parsed from a scraped page (text dump or HTML).

    ``published`` is ISO 8601: ``YYYY-MM-DDTHH:MM[:SS][±HH:MM]``, or
    ``YYYY-MM-DD`` when the page gives no time, or None. ``body`` is plain text,
    a paragraph (or list item, heading, table) an item; ``markdown``, when the page had
    structure (HTML), is the same body as the entry's Markdown.
    """

    source: str
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    source_url: str | None = None
    dateline: str | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    body: list[str] = field(default_factory=list)
    markdown: str | None = None
    photo_credit: str | None = None
    crawl_date: str | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    topic: TopicScore | None = None
    """How much the article is about the topic ingest was asked for, when it was."""
    new_outlet: NewOutlet | None = None  # an outlet outlets.toml does not know (not in the JSON)

    def to_json(self) -> dict:
        """The object printed by ``digest parse --json`` (schema in the README)."""
        data = {
            "source": self.source,
            "title": self.title,
            "published": self.published,
            "outlet": self.outlet,
            "dateline": self.dateline,
            "author": self.author,
            "tags": list(self.tags),
            "language": self.language,
            "body": list(self.body),
            "photo_credit": self.photo_credit,
            "crawl_date": self.crawl_date,
            "warnings": list(self.warnings),
        }
        if self.source_url is not None:
            data["source_url"] = self.source_url
        if self.markdown is not None:
            data["markdown"] = self.markdown
        if self.error is not None:
            data["error"] = self.error
        if self.topic is not None:
            data["topic"] = self.topic.to_json()
        return data
