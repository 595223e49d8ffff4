"""What an HTML page says about itself, in its markup, in order of trust.

1. JSON-LD (``<script type="application/ld+json">``) of an article type
   (``NewsArticle``, ``Article``, ``BlogPosting``…): ``headline``,
   ``datePublished`` (with its offset), ``author``, ``publisher``, ``keywords``;
   written by the publishing system for search engines, so the most deliberate.
2. OpenGraph and ``article:`` meta (``og:title``, ``og:site_name``,
   ``article:published_time``, ``article:tag``) and the other common meta names
   (``author``, ``keywords``, ``pubdate``, Dublin Core…), written for social previews.
3. ``<time datetime>``: the one marked ``itemprop=datePublished``, ``pubdate`` or
   with a class such as ``published``, else the day every ``<time>`` gives.
4. ``<link rel=canonical>`` (else ``og:url``) for the page's address, and
   ``<html lang>`` for its language.

Each field records where it came from, for the warnings and for tests. Dates
are read with :mod:`digest.ingest.dates`; a page that marks up no date is left to
the visible text and to htmldate.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from digest.ingest.dates import PageDate, find_date, parse_date

ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "blogposting", "socialmediaposting", "liveblogposting",
    "scholarlyarticle", "techarticle", "report",
})
_PUBLISHED_META = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "pubdate", "publishdate", "publish_date", "publish-date", "date", "dc.date.issued", "dc.date",
    "dcterms.created", "dcterms.date", "sailthru.date", "parsely-pub-date", "article.published",
)
_AUTHOR_META = ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author", "byl")
_TAG_META = ("article:tag", "news_keywords", "keywords", "parsely-tags")
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class PageMeta:
    """Fields found in the markup; ``*_from`` names the source (``JSON-LD``, ``og:title`` …)."""

    title: str | None = None
    title_from: str | None = None
    published: PageDate | None = None
    published_from: str | None = None
    author: str | None = None
    author_from: str | None = None
    site_name: str | None = None
    site_from: str | None = None
    tags: list[str] = field(default_factory=list)
    url: str | None = None
    language: str | None = None
    html_title: str | None = None  # the <title> element as printed


def _text(value) -> str:
    return _SPACE.sub(" ", value).strip() if isinstance(value, str) else ""


def _types(node: dict) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1].casefold() for k in kinds if isinstance(k, str)}


def _json_ld(tree) -> list:
    """The parsed JSON-LD blocks of the page (a block that is not JSON is skipped)."""
    blocks = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            blocks.append(json.loads(script.text.strip().rstrip(";")))
        except ValueError:
            continue
    return blocks


def _json_ld_articles(blocks: list) -> list[dict]:
    """Every JSON-LD object of an article type on the page (``@graph`` included)."""
    found: list[dict] = []

    def walk(data, depth: int = 0) -> None:
        if depth > 8:
            return
        if isinstance(data, list):
            for item in data:
                walk(item, depth + 1)
        elif isinstance(data, dict):
            if _types(data) & ARTICLE_TYPES:
                found.append(data)
            for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
                if isinstance(data.get(key), (dict, list)):
                    walk(data[key], depth + 1)

    for data in blocks:
        walk(data)
    return found


def _names(value) -> list[str]:
    """Names in a JSON-LD ``author`` or ``publisher``: a string, an object, a list of them."""
    if isinstance(value, str):
        return [_text(value)] if _text(value) and not value.startswith(("http://", "https://")) else []
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def _json_ld_site(blocks: list) -> str | None:
    """The ``name`` of a JSON-LD ``WebSite`` or ``Organization`` (in an ``@graph`` too)."""
    for data in blocks:
        items = data.get("@graph", [data]) if isinstance(data, dict) else data if isinstance(data, list) else []
        for item in items:
            if isinstance(item, dict) and _types(item) & {"website", "organization", "newsmediaorganization"}:
                names = _names(item.get("name"))
                if names:
                    return names[0]
    return None


def read_date(value: str) -> PageDate | None:
    """A date in a machine-readable field (ISO 8601 mostly, sometimes as printed)."""
    value = value.strip()
    found = find_date(value)
    if found is not None:
        return found.value
    return parse_date(value, fallback=True, languages=("en", "ru", "kk"))


def _meta_values(tree) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = _text(meta.get("content"))
        if key and content:
            values.setdefault(key, []).append(content)
    return values


_PUBLISHED_CLASS = re.compile(r"publish|posted|entry-date|post-date|article-date|pubdate", re.IGNORECASE)


def _time_datetime(tree) -> PageDate | None:
    """The ``<time datetime>`` marked as the publication's (``itemprop=datePublished``,
    ``pubdate``, a class such as ``published``), else the one day all of them give;
    several unmarked days (comments, a sidebar) say nothing."""
    marked, days = None, {}
    for el in tree.iter("time"):
        value = el.get("datetime")
        if not value:
            continue
        found = read_date(value)
        if found is None:
            continue
        if (el.get("itemprop", "").lower() == "datepublished" or el.get("pubdate") is not None
                or _PUBLISHED_CLASS.search(el.get("class", ""))):
            marked = marked or found
        day = days.setdefault(found.as_date(), found)
        if found.has_time and not day.has_time:
            days[found.as_date()] = found
    if marked is not None:
        return marked
    return next(iter(days.values())) if len(days) == 1 else None


def _split_tags(values: list[str]) -> list[str]:
    tags: list[str] = []
    for value in values:
        for tag in re.split(r"\s*[,;]\s*", value):
            tag = tag.strip(" #")
            if tag and tag.casefold() not in {t.casefold() for t in tags}:
                tags.append(tag)
    return tags


def page_metadata(tree) -> PageMeta:
    """Read the page's own metadata (see the module's notes for the order of trust)."""
    meta = PageMeta()
    values = _meta_values(tree)
    json_ld = _json_ld(tree)
    for article in _json_ld_articles(json_ld):
        if meta.title is None and _text(article.get("headline")):
            meta.title, meta.title_from = _text(article["headline"]), "JSON-LD headline"
        if meta.published is None and isinstance(article.get("datePublished"), str):
            meta.published = read_date(article["datePublished"])
            meta.published_from = "JSON-LD datePublished" if meta.published else None
        if meta.author is None and _names(article.get("author")):
            meta.author, meta.author_from = "; ".join(_names(article["author"])), "JSON-LD author"
        if meta.site_name is None and _names(article.get("publisher")):
            meta.site_name, meta.site_from = _names(article["publisher"])[0], "JSON-LD publisher"
        if not meta.tags:
            keywords = article.get("keywords")
            keywords = [keywords] if isinstance(keywords, str) else keywords
            if isinstance(keywords, list):
                meta.tags = _split_tags([k for k in keywords if isinstance(k, str)])

    def first(*keys: str) -> tuple[str | None, str | None]:
        for key in keys:
            if values.get(key):
                return values[key][0], key
        return None, None

    if meta.title is None:
        meta.title, meta.title_from = first("og:title", "twitter:title")
    if meta.published is None:
        for key in _PUBLISHED_META:
            for value in values.get(key, ()):
                found = read_date(value)
                if found is not None and (meta.published is None or (found.has_time and not meta.published.has_time
                                                                    and found.as_date() == meta.published.as_date())):
                    meta.published, meta.published_from = found, key
            if meta.published is not None and meta.published.has_time:
                break
    if meta.published is None or not meta.published.has_time:
        found = _time_datetime(tree)
        if found is not None and (meta.published is None or found.as_date() == meta.published.as_date()):
            if meta.published is None or found.has_time:
                meta.published, meta.published_from = found, "<time datetime>"
    if meta.author is None:
        for key in _AUTHOR_META:
            names = [v for v in values.get(key, ()) if not v.startswith(("http://", "https://"))]
            if names:
                meta.author, meta.author_from = names[0], key
                break
    if meta.site_name is None:
        meta.site_name, meta.site_from = first("og:site_name", "application-name")
    if meta.site_name is None:
        meta.site_name = _json_ld_site(json_ld)
        meta.site_from = "JSON-LD website" if meta.site_name else None
    if not meta.tags:
        for key in _TAG_META:
            if values.get(key):
                meta.tags = _split_tags(values[key])
                break
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and _text(link.get("href")):
            meta.url = _text(link.get("href"))
            break
    if meta.url is None:
        meta.url = first("og:url")[0]
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    lang = _text(root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "")
    meta.language = lang.split("-")[0].split("_")[0].lower() or None if lang else None
    title = next(tree.iter("title"), None)
    meta.html_title = _text(title.text_content()) if title is not None else None
    return meta
