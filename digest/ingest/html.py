"""HTML pages: the article whole, with its structure, and the page's own metadata.

trafilatura finds the article and hands it back as a tree of paragraphs,
subheadings, lists, quotes and tables (``html_markdown``); digest's HTML rules
(``html_body``) take out what they can name — a caption, a ``Read also`` link, a
subscription box, a related-stories list — and say so in a warning when that is
more than a sentence. Nothing else is cut: the text-dump rule that keeps only the
longest run of prose is not used on HTML.

The fields come from the markup in order of trust (``metadata``: JSON-LD, then
OpenGraph and ``article:`` meta, then ``<time datetime>``), then from the page's
visible text (a date element, a byline, ``Tags:``), then from trafilatura's own
metadata (htmldate for the date). The title loses the site's name
(``Headline | Site``). The outlet is the agency in the dateline, a ``Source:`` line
or an attribution in the text, else the site's name (``og:site_name``, the JSON-LD
publisher, the title's suffix, the footer's copyright line) mapped through
``outlets.toml``; a name it does not know is kept, with a warning naming the cue.
"""
from __future__ import annotations

import functools
import html as html_entities
import logging
import re
from urllib.parse import urlsplit

from digest.ingest.dates import PageDate, date_in_url, find_date, url_date_warning
from digest.ingest.facts import PageFacts
from digest.ingest.fields import credited_outlet
from digest.ingest.html_body import clean_blocks
from digest.ingest.html_links import absolute_links
from digest.ingest.html_markdown import HEADING, PARAGRAPH, article_blocks, blocks_markdown
from digest.ingest.lines import BYLINE, DATE, STOP, caption_credit, classify_line, clean_author, collapse
from digest.ingest.metadata import PageMeta, page_metadata
from digest.ingest.outlet_cues import copyright_owner, cue_outlet
from digest.ingest.outlets import OutletKnowledge, fold
from digest.ingest.tags import TagVocabulary, split_tags

log = logging.getLogger(__name__)

_DATE_CLASS = re.compile(r"date|time|publish|posted|datetime", re.IGNORECASE)
_CAPTION_CLASS = re.compile(r"caption|credit|photo|copyright|source", re.IGNORECASE)
_TAGS_CLASS = re.compile(r"(?<![a-z])tags?(?![a-z])|keywords|topics", re.IGNORECASE)
_FOOTER_CLASS = re.compile(r"footer|copyright", re.IGNORECASE)
_COPYRIGHT_SIGN = re.compile(r"©|\(c\)|copyright", re.IGNORECASE)
_TITLE_PARTS = re.compile(r"\s+(?:[|–—·•»›:~]|::|-{1,2})\s+")


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


def _marker(el) -> str:
    return f"{el.get('class', '')} {el.get('id', '')} {el.get('itemprop', '')}"


def _in_footer(el) -> bool:
    return any(a.tag == "footer" or "footer" in _marker(a).lower() for a in el.iterancestors())


def _photo_credit(tree, k: OutletKnowledge) -> str | None:
    """``Photo: …`` / ``© …`` in a figure caption or a credit element; the site's
    copyright line (``© 2027 Site``, in the footer) credits no photo."""
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag not in ("figcaption", "small", "cite") and not _CAPTION_CLASS.search(_marker(el)):
            continue
        text = collapse(el.text_content())
        if not text or len(text) > 300:
            continue
        credit = caption_credit(text, k)
        if credit and not credit[:4].isdigit() and not _in_footer(el):
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


def _tags(raw, vocabulary: TagVocabulary) -> list[str]:
    values = raw if isinstance(raw, list) else [raw] if raw else []
    tags: list[str] = []
    for value in values:
        text = value if "," in value or "#" in value or ";" in value else f"{value},"
        for tag in split_tags(text, vocabulary):
            if tag.casefold() not in {t.casefold() for t in tags}:
                tags.append(tag)
    return tags




def _site_keys(names: list[str]) -> set[str]:
    """Ways a site's name is written: ``The Beachbody Blog``, ``beachbody.com``, ``Beachbody``."""
    keys = set()
    for name in names:
        key = fold(name).strip(" .")
        if key:
            keys.add(key)
            keys.add(re.sub(r"^www\.", "", key))
            keys.add(re.sub(r"(?:\.co|\.com)?\.[a-z]{2,12}$", "", re.sub(r"^www\.", "", key)))
    return keys


def clean_title(title: str | None, others: list[str], site_names: list[str],
                k: OutletKnowledge) -> tuple[str | None, str | None]:
    """The headline without the site's name, and the name taken off (or None).

    ``Headline | Site`` loses ``Site`` when it is the site's name (``og:site_name``,
    the publisher, the host), a known outlet, or when another of the page's titles
    (``og:title``, the ``<h1>``) is the headline alone; what follows the site's name
    goes with it (``Headline | Site - its slogan``). ``Site – Headline`` loses a
    leading part only when it is the site's name or a known outlet.
    """
    if not title:
        return None, None
    title = collapse(html_entities.unescape(title) if "&" in title else title)
    keys = _site_keys(site_names)
    if fold(title) in keys or k.outlet_named(title):
        return None, None  # the site's name alone: no headline
    parts = _TITLE_PARTS.split(title)
    if len(parts) < 2:
        return title, None
    seps = _TITLE_PARTS.findall(title)
    other_keys = {fold(html_entities.unescape(o)) for o in others if o}

    def is_site(part: str) -> bool:
        return fold(part).strip(" .") in keys or k.outlet_named(part) is not None

    # the longest head that another title confirms, or whose tail is the site
    for cut in range(len(parts) - 1, 0, -1):
        head = "".join(p + s for p, s in zip(parts[:cut], seps[:cut], strict=False))[: -len(seps[cut - 1])]
        head = head.rstrip()
        tail = "".join(s + p for s, p in zip(seps[cut - 1:], parts[cut:], strict=False)).strip(" |–—·•»›:~-")
        if fold(head) in other_keys or is_site(parts[cut]):
            return head, tail
    if is_site(parts[0]):
        return title[len(parts[0]) + len(seps[0]):].strip(), parts[0]
    return title, None


def _pick_title(meta: PageMeta, doc, site_names: list[str], k: OutletKnowledge) -> tuple[str | None, str | None]:
    """The headline (JSON-LD or og:title, trafilatura's, the <title>) without the site's
    name, and the site's name as one of the page's titles shows it."""
    candidates = [c for c in (meta.title, doc.title if doc is not None else None, meta.html_title) if c]
    cleaned = [clean_title(c, [o for o in candidates if o is not c], site_names, k) for c in candidates]
    title = next((t for t, _ in cleaned if t), None)
    suffix = next((s for _, s in cleaned if s), None)
    return title, suffix


def _caption_date(tree) -> tuple[PageDate, str] | None:
    """A date in a figure caption or a credit element (``<figcaption>Новости Zakon.kz от
    20.11.2022 04:00</figcaption>``), outside the footer: trafilatura leaves captions out."""
    for el in tree.iter("figcaption", "small", "cite", "div", "p", "span"):
        if el.tag not in ("figcaption", "small", "cite") and not _CAPTION_CLASS.search(_marker(el)):
            continue
        text = collapse(el.text_content())
        if not text or len(text) > 300 or _in_footer(el):
            continue
        found = find_date(text)
        if found is not None:
            return found.value, text
    return None


_BELOW_LOOK = 40  # elements after the article's last paragraph looked at for its date


def _date_below(tree, last_paragraph: str | None, k: OutletKnowledge) -> PageDate | None:
    """A date line right after the article's last paragraph on the page, before any
    closing section (``Related news``): where many sites print the date, and where
    trafilatura, which keeps the story, no longer looks."""
    if not last_paragraph:
        return None
    tail = last_paragraph[-60:]
    anchor = None
    for el in tree.iter("p", "div", "li"):
        if len(el) <= 3 and collapse(el.text_content()).endswith(tail):
            anchor = el
    if anchor is None:
        return None
    seen = 0
    for ancestor in [anchor, *anchor.iterancestors()]:
        for sibling in ancestor.itersiblings():
            for el in sibling.iter():
                if not isinstance(el.tag, str) or el.tag in ("script", "style"):
                    continue
                seen += 1
                if seen > _BELOW_LOOK:
                    return None
                text = collapse(el.text_content())
                if not text or len(text) > 80:
                    continue
                line = classify_line(text, k)
                if line.role == STOP:
                    return None
                if line.role in (DATE, BYLINE) and line.date is not None:
                    return line.date.value
    return None


def _date(meta: PageMeta, tree, body, doc, url: str | None, k: OutletKnowledge,
          last_paragraph: str | None) -> tuple[PageDate | None, str | None, str | None]:
    """The publication date, where it came from, and the warning that says so (or None).

    In order: the markup's; else htmldate's (trafilatura's date), which weighs every
    date on the page, unless it only read the page's address; else what the page
    prints: a date element, a date line above the story, a caption or credit line, a
    date line below the story (in the body, or after it on the page); else the
    address's day. The page's own date always beats the address's; a printed date of
    the same day adds the time a date-only value lacks.
    """
    best, source = meta.published, meta.published_from
    from_url = None
    if best is None and doc is not None and doc.date:
        found = find_date(doc.date)
        if found is not None:
            in_url = date_in_url(url) if url else None
            if in_url is not None and in_url.as_date() == found.value.as_date():
                from_url = found.value  # htmldate's day is the address's: the page's own wins
            else:
                best, source = found.value, "htmldate"
    if best is not None and best.has_time:
        return best, source, None

    def printed():
        yield _visible_date(tree), "a date element", None
        if body.date is not None and not body.date_below:
            yield body.date.value, "a date line", None
        if body.credit_date is not None:
            yield body.credit_date.value, "credit", f"date from a caption or credit line ({body.credit_text!r})"
        caption = _caption_date(tree)
        if caption is not None:
            yield caption[0], "credit", f"date from a caption or credit line ({caption[1]!r})"
        if body.date is not None and body.date_below:
            yield body.date.value, "below", "date from below the article"
        yield _date_below(tree, last_paragraph, k), "below", "date from below the article"

    for value, where, warning in printed():
        if value is None:
            continue
        if best is None:
            return value, where, warning
        if value.has_time and value.as_date() == best.as_date():
            return value, where, warning
    if best is None and from_url is not None:
        return from_url, "url", url_date_warning(url)
    return best, source, None


def _footer_copyright(tree) -> str | None:
    """The owner in the copyright line of the page's footer (``© 2030 Ridge Courier``)."""
    for el in tree.iter():
        if not isinstance(el.tag, str) or not (el.tag == "footer" or _FOOTER_CLASS.search(_marker(el))):
            continue
        text = collapse(el.text_content())
        for m in _COPYRIGHT_SIGN.finditer(text):
            owner = copyright_owner(text[m.start():m.start() + 120].split(" | ")[0])
            if owner:
                return owner
    return None


_HEADER_CLASS = re.compile(r"(?<![a-z])(?:header|masthead|branding|site-?title)(?![a-z])", re.IGNORECASE)
_INLINE = frozenset({"a", "span", "strong", "b", "em", "i", "small", "img", "br", "abbr", "time", "sup", "sub",
                     "font", "u", "mark", "cite", "q", "bdi"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "form", "select"})


def _lines(region, out: list[str]) -> None:
    """The page's lines in ``region`` as a reader sees them: the text of each outermost
    element that holds only inline markup (a menu ``<a>…</a> | <a>…</a>`` is one line)."""
    for el in region:
        if not isinstance(el.tag, str) or el.tag in _SKIP:
            continue
        if all(isinstance(c.tag, str) and c.tag in _INLINE or not isinstance(c.tag, str) for c in el.iter()
               if c is not el):
            text = collapse(el.text_content())
            if text and len(text) <= 200:
                out.append(text)
        else:
            _lines(el, out)


def _page_cue(tree, k: OutletKnowledge) -> tuple[str, str] | None:
    """The cues a text dump's lines give (``outlet_cues.cue_outlet``: a masthead, ``More
    from …``, a brand printed in the header and again below), read from the page's
    header (``<header>``, a ``header``/``masthead`` block) and what follows the article
    (``<footer>``, a ``footer`` block, the headings outside the article)."""
    header: list[str] = []
    tail: list[str] = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP:
            continue
        if el.tag == "header" or (el.tag in ("div", "section") and _HEADER_CLASS.search(_marker(el))):
            if not any(a.tag in ("header", "article") for a in el.iterancestors()):
                _lines([el], header)
        elif el.tag == "footer" or (el.tag in ("div", "section") and "footer" in _marker(el).lower()):
            if not any(a.tag == "footer" or "footer" in _marker(a).lower() for a in el.iterancestors()):
                _lines([el], tail)
        elif el.tag in _HEADINGS and not any(a.tag in ("article", "header") for a in el.iterancestors()):
            tail.append(collapse(el.text_content()))
    if not header and not tail:
        return None
    return cue_outlet(header, tail, k)


def _outlet(facts: PageFacts, meta: PageMeta, doc, source_line: str | None, title_suffix: str | None,
            tree, k: OutletKnowledge) -> None:
    """The agency of the dateline, a ``Source:`` line, an attribution in the text; else the
    site as the page names it: a known outlet among its names first, else the first name."""
    if credited_outlet(facts, facts.agency, [source_line] if source_line else [], k)[0]:
        return
    page_cue = _page_cue(tree, k) or (None, None)
    cues = [(meta.site_name, meta.site_from), (title_suffix, "title"), (_footer_copyright(tree), "copyright"),
            page_cue, (doc.sitename if doc is not None else None, "site")]
    cues = [(collapse(name), cue) for name, cue in cues if name and collapse(name)]
    for name, cue in cues:
        outlet = k.outlet_named(name) or k.outlet_in(name)
        if outlet is not None:
            facts.outlet, facts.outlet_from = outlet.name, cue
            return
    hostname = (doc.hostname if doc is not None else None) or (urlsplit(facts.source_url).hostname
                                                                if facts.source_url else None)
    if hostname:
        outlet = k.outlet_named(hostname) or k.outlet_named(re.sub(r"^www\.", "", hostname))
        if outlet is not None:
            facts.outlet, facts.outlet_from = outlet.name, "site"
            return
    if cues:
        facts.outlet, facts.outlet_from = cues[0]


# The markup already dates the page (JSON-LD, OpenGraph, <time>): htmldate's date is not
# used, so its extensive search (every date-like string of the page weighed) is not run.
# Its quick look at the markup remains, as trafilatura always asks for a date.
_DATE_PARAMS_MARKED = {"original_date": True, "extensive_search": False}


# htmldate hands the date-like strings its own rules cannot read (``12 марта 2023 г.``) to
# dateparser, which it builds with every one of dateparser's 205 locales: the first such
# string in a process loads them all, 2.2 s of CPU (each worker of an ingest pays it, and
# so does a ``digest parse`` of one page). These languages are those of the outlets digest
# is for and of their region, and the languages most crawled pages are in; loading them
# costs 0.36 s. A date in another language is still read from the markup, the address or
# the page's date line.
DATE_LANGUAGES = ("en", "ru", "kk", "uk", "be", "ky", "uz", "tr", "de", "fr", "es", "it", "pt", "pl",
                  "cs", "nl", "zh", "ja", "ar", "fa")


@functools.cache
def _date_parser_languages() -> None:
    """Give htmldate a dateparser of ``DATE_LANGUAGES`` (once a process), where htmldate
    builds its parser in ``get_external_parser`` (htmldate 1.8 and later)."""
    from htmldate import extractors

    if not callable(getattr(extractors, "get_external_parser", None)):
        return
    from dateparser import DateDataParser

    settings = {"NORMALIZE": True, "PARSERS": ["custom-formats", "absolute-time"], "PREFER_DATES_FROM": "past",
                "PREFER_LOCALE_DATE_ORDER": True, "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": True}
    parser = DateDataParser(languages=list(DATE_LANGUAGES), settings=settings)  # htmldate's settings
    extractors.get_external_parser = lambda: parser


def _page_url(doc, tree) -> str | None:
    """trafilatura's address of the page, unless it is only the ``<base href>`` (which it
    takes for one): a base is where links resolve, often the site's root, and two pages
    with one ``source_url`` would be taken for the same article."""
    url = doc.url if doc is not None else None
    if not url:
        return None
    bases = [(b.get("href") or "").strip().rstrip("/") for b in tree.iter("base")]
    return None if bases and url.rstrip("/") == bases[0] else url


def extract_html(html: str, k: OutletKnowledge, vocabulary: TagVocabulary,
                 address: str | None = None) -> PageFacts:
    """Read an HTML page into ``PageFacts``; ``address`` is where the page was fetched
    from, when known (a crawl's URL, ``--source-url``)."""
    from trafilatura import bare_extraction, load_html

    facts = PageFacts()
    tree = load_html(html)
    if tree is None:
        facts.warnings.append("no article text found")
        return facts
    meta = page_metadata(tree)
    # relative links resolve against the page's <base>, else where it was fetched, else its canonical
    absolute_links(tree, address or meta.url)
    _date_parser_languages()
    doc = bare_extraction(tree, with_metadata=True, include_comments=False, include_tables=True,
                          include_images=False, include_formatting=False, include_links=True,
                          deduplicate=False, url=meta.url or address,
                          date_extraction_params=_DATE_PARAMS_MARKED if meta.published else None)
    facts.source_url = meta.url or address or _page_url(doc, tree)
    facts.language = meta.language
    blocks = article_blocks(doc.body, facts.source_url) if doc is not None and doc.body is not None else []
    site_names = [n for n in (meta.site_name, doc.sitename if doc else None, doc.hostname if doc else None) if n]
    facts.title, title_suffix = _pick_title(meta, doc, site_names, k)
    if facts.title is None:
        facts.warnings.append("no title found")
    # the headline printed again on top of the body
    if blocks and blocks[0].kind in (HEADING, PARAGRAPH) and facts.title and fold(blocks[0].text) == fold(facts.title):
        blocks = blocks[1:]
    body = clean_blocks(blocks, k)
    facts.warnings.extend(body.warnings())
    facts.body = [b.text for b in body.blocks]
    facts.markdown = blocks_markdown(body.blocks) if body.blocks else None
    for block in body.blocks[:3]:
        if block.kind != PARAGRAPH:
            continue
        found = k.dateline(block.text)
        if found is not None:
            facts.dateline, facts.agency = found.place, found.agency
            break

    last = next((b.text for b in reversed(body.blocks) if b.kind == PARAGRAPH), None)
    facts.date, facts.date_source, where = _date(meta, tree, body, doc, facts.source_url, k, last)
    if where:
        facts.warnings.append(where)
    author_labels = k.labels.get("author", ()) + k.labels.get("byline", ())
    author = meta.author or (doc.author if doc is not None else None) or body.author_line
    if author:
        facts.author = clean_author(author.split(";")[0], author_labels)
    tags = _tags(meta.tags, vocabulary) or _tags(doc.tags if doc is not None else None, vocabulary)
    if tags:
        facts.tags, facts.tags_line = tags, ", ".join(tags)
    elif body.tags_line:
        facts.tags, facts.tags_line = split_tags(body.tags_line, vocabulary), body.tags_line
    else:
        facts.tags, facts.tags_line = _page_tags(tree, k, vocabulary)
    facts.photo_credit = body.photo_credit or _photo_credit(tree, k)
    _outlet(facts, meta, doc, body.source_line, title_suffix, tree, k)
    if not facts.body:
        facts.warnings.append("no article text found")
    return facts
