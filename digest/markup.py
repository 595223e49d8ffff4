"""Markdown → safe HTML.

Entry bodies come from scraped text, so every body goes through an allow-list
sanitiser (nh3): ``<script>``, event handlers, ``javascript:`` links and the
like never reach the site as live markup.
"""
from __future__ import annotations

import html
import re

import markdown
import nh3

# Cheap extensions only: tables and footnotes are common in curated notes;
# "extra"/"smarty" triple the Markdown time for little gain here.
EXTENSIONS = ["tables", "sane_lists"]

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
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "*": {"lang"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def render_markdown(text: str) -> str:
    """Markdown source → sanitised HTML."""
    _md.reset()
    raw = _md.convert(text)
    return sanitize(raw)


def sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
    )


def lede(body_html: str, limit: int = 280) -> str:
    """The first paragraph as plain text, cut at a word boundary."""
    m = _FIRST_PARAGRAPH.search(body_html)
    text = m.group(1) if m else body_html
    text = _SPACES.sub(" ", html.unescape(_TAG.sub("", text))).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:—–-")
    return cut + "…"
