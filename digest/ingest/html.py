"""HTML pages: trafilatura finds the article and its metadata, the text rules clean it.

trafilatura gives the main text (one paragraph a line), title, author, date, tags,
canonical URL and site name. The text goes through the same reading as a text dump
(datelines, captions, ``Photo:`` / ``Read also`` lines, labelled author and tags), and
the metadata wins where it is more reliable: the title, a full publication timestamp
(``article:published_time``, ``<time datetime>``, JSON-LD ``datePublished``, with its
offset), the author and the keywords. The outlet is the agency in the dateline, else
the site's name mapped through ``outlets.toml``.
"""
from __future__ import annotations

import json
import logging
import re

from digest.ingest.dates import PageDate, find_date, parse_date
from digest.ingest.lines import caption_credit, clean_author, collapse
from digest.ingest.outlets import OutletKnowledge
from digest.ingest.tags import TagVocabulary, split_tags
from digest.ingest.text import PageFacts, parse_dump

log = logging.getLogger(__name__)

_PUBLISHED_META = (
    "article:published_time", "og:published_time", "datePublished", "pubdate", "publishdate",
    "publish_date", "date", "dc.date.issued", "dc.date", "sailthru.date", "parsely-pub-date",
)
_DATE_CLASS = re.compile(r"date|time|publish|posted|datetime", re.IGNORECASE)
_CAPTION_CLASS = re.compile(r"caption|credit|photo|copyright|source", re.IGNORECASE)
_TAGS_CLASS = re.compile(r"(?<![a-z])tags?(?![a-z])|keywords|topics", re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,60}$")


def _tree(html: str):
    from trafilatura import load_html

    return load_html(html)


def _meta_dates(tree) -> list[str]:
    values: list[str] = []
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in _PUBLISHED_META and meta.get("content"):
            values.append(meta.get("content"))
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        values.extend(_ld_dates(data))
    for el in tree.iter("time"):
        if el.get("datetime"):
            values.append(el.get("datetime"))
    return values


def _ld_dates(data) -> list[str]:
    found: list[str] = []
    if isinstance(data, dict):
        value = data.get("datePublished")
        if isinstance(value, str):
            found.append(value)
        for child in data.values():
            if isinstance(child, (dict, list)):
                found.extend(_ld_dates(child))
    elif isinstance(data, list):
        for item in data:
            found.extend(_ld_dates(item))
    return found


def _ld_keywords(tree) -> list[str]:
    """``keywords`` of a JSON-LD article (a list, or one comma-separated string)."""
    found: list[str] = []

    def walk(data) -> None:
        if isinstance(data, dict):
            value = data.get("keywords")
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, list):
                found.extend(v for v in value if isinstance(v, str))
            for child in data.values():
                if isinstance(child, (dict, list)):
                    walk(child)
        elif isinstance(data, list):
            for item in data:
                walk(item)

    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            try:
                walk(json.loads(script.text))
            except ValueError:
                continue
    return found


def _visible_date(tree) -> PageDate | None:
    """A short date text in an element whose class or itemprop says date/time."""
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        marker = f"{el.get('class', '')} {el.get('itemprop', '')} {el.get('id', '')}"
        if not _DATE_CLASS.search(marker):
            continue
        text = collapse(el.text_content())
        if not text or len(text) > 80 or re.search(r"updat|обновл|жаңарт", text[:12], re.IGNORECASE):
            continue
        found = find_date(text)
        if found is not None:
            return found.value
    return None


def _published(tree, trafilatura_date: str | None) -> PageDate | None:
    best: PageDate | None = None
    for value in _meta_dates(tree):
        found = find_date(value.strip())
        if found is None:
            found_value = parse_date(value.strip(), fallback=True, languages=("en", "ru", "kk"))
        else:
            found_value = found.value
        if found_value is not None and (best is None or (found_value.has_time and not best.has_time)):
            best = found_value
            if best.has_time:
                break
    if best is None or not best.has_time:
        visible = _visible_date(tree)
        if visible is not None and (best is None or (visible.has_time and visible.as_date() == best.as_date())):
            best = visible
    if best is None and trafilatura_date:
        found = find_date(trafilatura_date)
        best = found.value if found else None
    return best


def _marker(el) -> str:
    return f"{el.get('class', '')} {el.get('id', '')} {el.get('itemprop', '')}"


def _photo_credit(tree, k: OutletKnowledge) -> str | None:
    """``Photo: …`` / ``© …`` in a figure caption or a credit element."""
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag not in ("figcaption", "small", "cite") and not _CAPTION_CLASS.search(_marker(el)):
            continue
        text = collapse(el.text_content())
        if not text or len(text) > 300:
            continue
        credit = caption_credit(text, k)
        if credit:
            return credit
    return None


def _page_tags(tree, k: OutletKnowledge, vocabulary: TagVocabulary) -> tuple[list[str], str]:
    """The tag list a page shows (a ``tags`` block's links, or its labelled text)."""
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "meta", "script", "style"):
            continue
        if not _TAGS_CLASS.search(_marker(el)):
            continue
        links = [collapse(a.text_content()) for a in el.iter("a")]
        links = [t.lstrip("#") for t in links if t and len(t.split()) <= 5]
        if links:
            tags = split_tags(", ".join(links), vocabulary)
            return tags, ", ".join(links)
        label = k.label(collapse(el.text_content()))
        if label and label[0] == "tags" and label[2]:
            return split_tags(label[2], vocabulary), label[2]
    return [], ""


def _title(title: str | None, sitename: str | None, k: OutletKnowledge) -> str | None:
    if not title:
        return None
    title = collapse(title)
    if (sitename and title.casefold() == collapse(sitename).casefold()) or k.outlet_named(title):
        return None  # the site's name alone: the page has no headline of its own
    m = _TITLE_SUFFIX.search(title)
    if m:
        suffix = m.group(0).strip(" |–—-")
        if (sitename and suffix.casefold() == sitename.casefold()) or k.outlet_named(suffix):
            title = title[:m.start()].rstrip()
    return title or None


def _tags(raw, vocabulary: TagVocabulary) -> list[str]:
    values = raw if isinstance(raw, list) else [raw] if raw else []
    tags: list[str] = []
    for value in values:
        text = value if "," in value or "#" in value or ";" in value else f"{value},"
        for tag in split_tags(text, vocabulary):
            if tag.casefold() not in {t.casefold() for t in tags}:
                tags.append(tag)
    return tags


def extract_html(html: str, k: OutletKnowledge, vocabulary: TagVocabulary) -> PageFacts:
    """Read an HTML page into ``PageFacts``."""
    from trafilatura import bare_extraction

    tree = _tree(html)
    if tree is None:
        facts = PageFacts()
        facts.warnings.append("no article text found")
        return facts
    doc = bare_extraction(tree, with_metadata=True, include_comments=False, include_tables=False,
                          include_images=False, deduplicate=False)
    text = doc.text if doc is not None and doc.text else ""
    title = _title(doc.title if doc else None, doc.sitename if doc else None, k)
    # the dump rules see the title on top, as on a page, so they can tell it from the body
    facts = parse_dump(f"{title}\n\n{text}" if title else text, k, vocabulary)
    facts.warnings = [w for w in facts.warnings if w != "no title found"]
    if title:
        facts.title = title
    elif facts.title is None:
        facts.warnings.append("no title found")
    published = _published(tree, doc.date if doc else None)
    if published is not None:
        facts.date, facts.date_source = published, "metadata"
    if doc is None:
        return facts
    labels = k.labels.get("author", ()) + k.labels.get("byline", ())
    if doc.author:
        facts.author = clean_author(doc.author.split(";")[0], labels)
    tags = _tags(doc.tags, vocabulary) or _tags(_ld_keywords(tree), vocabulary)
    if tags:
        facts.tags, facts.tags_line = tags, ", ".join(tags)
    elif not facts.tags:
        facts.tags, facts.tags_line = _page_tags(tree, k, vocabulary)
    if facts.photo_credit is None:
        facts.photo_credit = _photo_credit(tree, k)
    facts.source_url = doc.url or None
    # the agency in the dateline or a credit in the text names a wire story's outlet; else the site
    if facts.outlet_from not in ("dateline", "source", "attribution"):
        site = collapse(doc.sitename or "")
        outlet = k.outlet_named(site) or k.outlet_in(site) or (k.outlet_named(doc.hostname) if doc.hostname else None)
        if outlet is not None:
            facts.outlet, facts.outlet_from = outlet.name, "site"
        elif site:
            facts.outlet, facts.outlet_from = site, "site"
    return facts
