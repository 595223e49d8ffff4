"""Markdown → safe HTML.

Entry bodies come from scraped text, so every body goes through an allow-list
sanitiser (nh3), whichever Markdown engine rendered it
(``digest.markdown_engines``): ``<script>``, event handlers, ``javascript:``
links and the like never reach the site as live markup.
"""
from __future__ import annotations

import html
import re

import nh3

from digest.markdown_engines import DEFAULT, converter

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "style"},
    "*": {"lang"},
}
URL_SCHEMES = {"http", "https", "mailto"}
STYLE_PROPERTIES = {"text-align"}  # a table column's alignment; no other CSS


_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


# Plain prose (most scraped news) needs no Markdown parser: paragraphs of text
# with none of Markdown's markup characters, no line that could open a block
# (list, quote, heading, code, table, setext underline) and no hard break.
# For such text the result is exactly what Python-Markdown gives (the test
# suite checks this equivalence on generated text), at a fraction of the cost;
# and what cmark-gfm gives when it has nothing GFM would make a link of either.
_MARKUP_CHARS = re.compile(r"[\\`*_\[\]!<>&#|~\t\r]")
_LIST_NUMBER = re.compile(r"\d+[.)](?:[ \t]|$)")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)*")
_AUTOLINK_HINTS = re.compile(r"://|www\.|@", re.I)  # GFM's bare URLs and addresses


def render_markdown(text: str, engine: str = DEFAULT) -> str:
    """Markdown source → sanitised HTML, rendered by ``engine`` (a name of
    ``digest.markdown_engines.ENGINES``) unless it is plain prose."""
    fast = _plain_paragraphs(text)
    if fast is not None and not (engine == "cmarkgfm" and _AUTOLINK_HINTS.search(text)):
        return fast
    return sanitize(converter(engine)(text))


def _plain_paragraphs(text: str) -> str | None:
    """The HTML of ``text`` if it is plain prose, else None."""
    body = text.strip("\n")
    if not body or body.endswith(" ") or " \n" in body or _MARKUP_CHARS.search(body):
        return None
    paragraphs = _BLANK_LINES.split(body)
    for para in paragraphs:
        if not para:
            return None
        for line in para.split("\n"):
            first = line[:1]
            if first in (" ", "-", "+", "=", "") or (first.isdigit() and _LIST_NUMBER.match(line)):
                return None
    return "\n".join(f"<p>{p}</p>" for p in paragraphs)


def sanitize(fragment: str) -> str:
    """Allowed tags and attributes only, then made valid HTML: a link whose
    address was dropped loses its ``rel``, an image without ``alt`` gets ``alt=""``."""
    clean = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
        filter_style_properties=STYLE_PROPERTIES,
    )
    if "<a" in clean or "<img" in clean:
        clean = _LINK_OR_IMAGE.sub(_make_valid, clean)
    return clean


_LINK_OR_IMAGE = re.compile(r"<(a|img)\b([^>]*)>")
_REL = re.compile(r'\s+rel="[^"]*"')


def _make_valid(match: re.Match) -> str:
    tag, attrs = match.group(1), match.group(2)
    if tag == "a" and " href=" not in attrs:
        attrs = _REL.sub("", attrs)
    elif tag == "img" and " alt=" not in attrs:
        attrs += ' alt=""'
    return f"<{tag}{attrs}>"


def lede(body_html: str, limit: int = 280) -> str:
    """The first paragraph as plain text, cut at a word boundary."""
    m = _FIRST_PARAGRAPH.search(body_html)
    text = m.group(1) if m else body_html
    text = _SPACES.sub(" ", html.unescape(_TAG.sub("", text))).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:—–-")
    return cut + "…"
