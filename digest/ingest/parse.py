"""``digest parse``: one scraped page (text dump or HTML) in, one ``Article`` out.

``parse_file`` reads the page with ``digest.ingest.source.read_page``, tells HTML from
a text dump by its content, and never raises for a bad page: an ``IngestError``, or a
page with no recognisable article (no headline and no article text), becomes
``Article(source=..., error=...)``. A broken site ``tags.toml`` or
``outlets.toml`` is a ``ConfigError`` and does raise: it concerns every page.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from digest.errors import IngestError
from digest.ingest.article import Article
from digest.ingest.dates import date_in_url, url_date_warning
from digest.ingest.facts import PageFacts
from digest.ingest.language import detect_language
from digest.ingest.outlet_cues import new_outlet
from digest.ingest.outlets import OutletKnowledge, load_outlets
from digest.ingest.tags import load_vocabulary
from digest.ingest.text import parse_dump
from digest.ingest.warc import CrawledPage, page_text

log = logging.getLogger(__name__)

_HTML_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|section|span|a|br|h[1-6])\b",
                       re.IGNORECASE)


_LEADING_BLOCK = re.compile(r"<(?:!--|style|script|link|noscript)\b", re.IGNORECASE)
_PAGE_TAG = re.compile(r"<(?:html|body|p|div)\b", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """True when the page is markup, whatever its file name says (a page may open with a
    long ``<style>``, ``<script>`` or comment before any other tag)."""
    head = text[:4096].lstrip("\ufeff \t\r\n")
    if head[:1] == "<" and _HTML_TAG.match(head):
        return True
    if head[:1] == "<" and _LEADING_BLOCK.match(head) and _PAGE_TAG.search(text, 0, 1 << 20):
        return True
    if head.lower().startswith("<?xml") and "<html" in head.lower():
        return True
    return len(_HTML_TAG.findall(head)) >= 3 and head.count("</") >= 2


NO_ARTICLE = "no recognisable article: neither a title nor article text found"


def to_article(facts: PageFacts, source: str, knowledge: OutletKnowledge, address: str | None = None) -> Article:
    """Turn what a page says into the ``Article`` ``digest parse --json`` prints.

    A page with neither a headline nor article text (a menu, a tag index, an error
    page) is not an article: it gets ``error`` set instead. ``address`` is the page's
    address given on the command line (``--source-url``): the ``source_url`` when the
    page names none of its own, and read for a day when the page prints no date.
    """
    if facts.title is None and not facts.body:
        return Article(source=source, error=NO_ARTICLE)
    warnings = list(facts.warnings)
    published = None
    if facts.source_url is None and address:
        facts.source_url = address
    if facts.date is None:  # the page's own date, had it one, always wins
        for url in dict.fromkeys(u for u in (facts.source_url, address) if u):
            facts.date = date_in_url(url)
            if facts.date is not None:
                facts.date_source = "url"
                warnings.append(url_date_warning(url))
                break
    if facts.date is not None:
        outlet = knowledge.outlet(facts.outlet)
        published = facts.date.isoformat(outlet.timezone if outlet else None)
    elif facts.crawl_date:
        published = facts.crawl_date
        warnings.append(f"no date found; using the crawl date {facts.crawl_date}")
    else:
        warnings.append("no date found")
    unknown = new_outlet(facts.outlet, facts.outlet_from, knowledge, agency=facts.agency, url=facts.source_url)
    if unknown is not None:
        warnings.append(f"outlet {unknown.name!r} from {unknown.cue} (not in outlets.toml)")
    # the text tells its language better than a template's <html lang>, unless it has no letters
    language = detect_language(" ".join(filter(None, [facts.title, *facts.body]))) or facts.language
    return Article(
        source=source,
        title=facts.title,
        published=published,
        outlet=facts.outlet,
        source_url=facts.source_url,
        dateline=facts.dateline,
        author=facts.author,
        tags=list(facts.tags),
        language=language,
        body=list(facts.body),
        markdown=facts.markdown,
        photo_credit=facts.photo_credit,
        crawl_date=facts.crawl_date,
        warnings=warnings,
        new_outlet=unknown,
    )


@dataclass(frozen=True, slots=True)
class Fetch:
    """What a crawl archive says about a page: where and when it was fetched."""

    url: str | None = None
    date: str | None = None
    """``YYYY-MM-DD``"""


def _with_fetch(facts: PageFacts, fetch: Fetch | None) -> PageFacts:
    """The archive's URL and fetch date win over what the page says."""
    if fetch is not None:
        if fetch.url:
            facts.source_url = fetch.url
        if fetch.date:
            facts.crawl_date = fetch.date
    return facts


def parse_text(text: str, source: str, *, root: Path | None = None, fetch: Fetch | None = None,
               address: str | None = None) -> Article:
    """Parse a plain-text dump of a news page (``address``: see ``to_article``)."""
    knowledge = load_outlets(root)
    facts = parse_dump(text, knowledge, load_vocabulary(root))
    return to_article(_with_fetch(facts, fetch), source, knowledge, address)


def parse_html(html: str, source: str, *, root: Path | None = None, fetch: Fetch | None = None,
               address: str | None = None) -> Article:
    """Parse an HTML page (body and metadata by trafilatura). Its relative links
    resolve against its ``<base>``, else the address it was fetched from (the
    crawl's, ``address``), else its canonical link."""
    from digest.ingest.html import extract_html

    knowledge = load_outlets(root)
    fetched = fetch.url if fetch is not None and fetch.url else address
    facts = extract_html(html, knowledge, load_vocabulary(root), address=fetched)
    return to_article(_with_fetch(facts, fetch), source, knowledge, address)


def parse_page(text: str, source: str, *, root: Path | None = None, fetch: Fetch | None = None,
               address: str | None = None) -> Article:
    """Parse page text, HTML or dump, told apart by content."""
    if looks_like_html(text):
        return parse_html(text, source, root=root, fetch=fetch, address=address)
    return parse_text(text, source, root=root, fetch=fetch, address=address)


def parse_crawled(page: CrawledPage, *, root: Path | None = None) -> Article:
    """Parse a page taken from a crawl archive; one that does not decode gets ``error`` set."""
    try:
        text = page_text(page)
        return parse_page(text, page.source, root=root, fetch=Fetch(page.url or None, page.crawl_date))
    except IngestError as exc:
        log.info("%s", exc)
        return Article(source=page.source, error=exc.message)


def parse_file(path: Path, *, root: Path | None = None, address: str | None = None) -> Article:
    """Read and parse one scraped page (``address``: where it was saved from, when the
    user says so); a page that cannot be read gets ``error`` set."""
    from digest.ingest.source import read_page

    source = str(path)
    try:
        text = read_page(Path(path))
        return parse_page(text, source, root=root, address=address)
    except IngestError as exc:
        log.info("%s", exc)
        return Article(source=source, error=str(exc))
