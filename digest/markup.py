"""Markdown → safe HTML.

Entry bodies come from scraped text, so every body goes through an allow-list
sanitiser (nh3), whichever Markdown engine rendered it
(``digest.markdown_engines``): ``<script>``, event handlers, ``javascript:``
links and the like never reach the site as live markup.
"""
from __future__ import annotations

import functools
import html
import re

import nh3

from digest.markdown_engines import DEFAULT, Converter, converter

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


# Plain prose (most scraped news) needs no Markdown parser: paragraphs of text
# with none of Markdown's markup characters, no line that could open a block
# (list, quote, heading, code, table, setext underline) and no hard break.
# For such text the result is exactly what Python-Markdown gives (the test
# suite checks this equivalence on generated text), at a fraction of the cost;
# and what cmark-gfm gives when it has nothing GFM would make a link of either.
_MARKUP_CHARS = re.compile(r"[\\`*_\[\]!<>&#|~\t\r]")
_LIST_NUMBER = re.compile(r"\d+[.)](?:[ \t]|$)")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)*")


def _autolink_hint(text: str) -> bool:
    """Whether GFM could make a link of a bare address in ``text`` (``://``, ``www.`` in
    any case, ``@``). (Substring tests: a case-blind regular expression took as long
    as the rest of the fast path on Cyrillic text.)"""
    return "://" in text or "@" in text or "www." in text.lower()


def render_markdown(text: str, engine: str = DEFAULT) -> str:
    """Markdown source → sanitised HTML, rendered by ``engine`` (a name of
    ``digest.markdown_engines.ENGINES``) unless it is plain prose."""
    fast = _plain_paragraphs(text)
    if fast is not None and not (engine == "cmarkgfm" and _autolink_hint(text)):
        return fast
    if engine == "python-markdown":
        return sanitize(_by_runs(text, converter(engine)))
    return sanitize(converter(engine)(text))


def _plain_paragraphs(text: str) -> str | None:
    """The HTML of ``text`` if it is plain prose, else None."""
    body = text.strip("\n")
    if not body or body.endswith(" ") or " \n" in body or _MARKUP_CHARS.search(body):
        return None
    paragraphs = _BLANK_LINES.split(body)
    for para in paragraphs:
        if not _plain_lines(para):
            return None
    return "\n".join([_paragraph(p) for p in paragraphs])


def _paragraph(text: str) -> str:
    """A plain paragraph's HTML: its text, the no-break space written as the sanitiser writes it."""
    return f"<p>{text}</p>" if "\xa0" not in text else f"<p>{text.replace(chr(0xA0), '&nbsp;')}</p>"


def _plain_block(block: str) -> bool:
    """A block (between blank lines) of plain prose: no markup, no hard break."""
    return bool(block) and block[-1] != " " and " \n" not in block and not _MARKUP_CHARS.search(block) \
        and _plain_lines(block)


def _plain_lines(para: str) -> bool:
    """``para`` has lines, and none of them could open a block."""
    if not para:
        return False
    for line in para.split("\n"):
        first = line[:1]
        if first in ("-", "+", "=", "") or first.isspace() or (first.isdigit() and _LIST_NUMBER.match(line)):
            return False  # (Python-Markdown strips a paragraph's leading spaces, no-break ones too)
    return True


# Python-Markdown's time goes by the element, not by the character: a body with
# a list and a link among six paragraphs of prose costs it nearly what six
# marked-up paragraphs would. So the plain paragraphs of such a body are not
# given to it: each run of blocks between them is rendered alone, and each plain
# paragraph (between blank lines, nothing of Markdown in it) is its ``<p>``,
# which is what it gives wherever such a paragraph stands: it closes any list,
# quote or code block before it, and what follows it starts afresh. Two things
# reach across blank lines, and a body with either is rendered whole: reference
# definitions (``[x]: url``, used anywhere) and raw HTML blocks (``<div>`` …).
# The tests check the result against the whole body's, on generated Markdown.
_SEPARATED = re.compile(f"({_BLANK_LINES.pattern})")  # the blank lines, kept by ``split``


def _by_runs(text: str, render: Converter) -> str:
    if "]:" in text or "<" in text:
        return render(text)
    pieces = _SEPARATED.split(text.rstrip("\n"))  # block, separator, block, …
    out: list[str] = []
    run: list[str] = []  # blocks (and the separators between them) to render together
    for i in range(0, len(pieces), 2):
        block = pieces[i]
        if _plain_block(block):
            if run:
                if run[0].isspace():  # a first line of spaces: an empty code block, but only before more text
                    return render(text)
                out.append(render("".join(run)))
                run = []
            out.append(_paragraph(block))
        else:
            if run:
                run.append(pieces[i - 1])
            run.append(block)
    if not out or (len(out) == 1 and not run):
        return render(text)  # nothing set aside, or one plain paragraph and blank lines
    if run:
        out.append(render("".join(run)))
    return "\n".join([html for html in out if html])


def sanitize(fragment: str) -> str:
    """Allowed tags and attributes only, then made valid HTML: a link whose
    address was dropped loses its ``rel``, an image without ``alt`` gets ``alt=""``."""
    clean = _cleaner()(fragment)
    if "<a" in clean or "<img" in clean:
        clean = _LINK_OR_IMAGE.sub(_make_valid, clean)
    return clean


_RULES = dict(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
              link_rel="noopener nofollow", filter_style_properties=STYLE_PROPERTIES)


@functools.cache
def _cleaner():
    """``nh3.clean`` with digest's rules. A ``Cleaner`` (nh3 0.3) takes them in
    once; ``nh3.clean`` converts them on every call, 40 % of its time on a body."""
    if hasattr(nh3, "Cleaner"):
        return nh3.Cleaner(**_RULES).clean
    return functools.partial(nh3.clean, **_RULES)


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
    text = " ".join(html.unescape(_TAG.sub("", text)).split())  # (split: 3 µs where a regular expression took 10)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:—–-")
    return cut + "…"
