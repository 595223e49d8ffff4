"""An article's structure as trafilatura finds it, turned into the entry's Markdown.

trafilatura hands back the article as a small XML tree: ``p``, ``head`` (a
subheading, ``rend="h2"``), ``list``/``item`` (``rend="ol"`` for a numbered
list), ``quote``, ``table``/``row``/``cell``, ``code``, ``lb`` (a line break)
and, inside them, ``ref`` (a link, ``target=``) and ``hi`` (emphasis). Each
becomes a :class:`Block`: its plain text (what ``digest parse --json`` prints as
a body paragraph) and the same block as Markdown (a subheading as ``##``, a
list item as ``-`` or ``1.``, a quote as ``>``, a table as a pipe table, a link
as ``[text](url)``), escaped so that scraped text renders as the same text.

A line break inside a paragraph starts a new paragraph: pages break lines with
``<br>`` where they mean paragraphs far more often than in verse. Text is put in
Unicode's composed form (NFC: ``ü`` as one character, as search expects) and soft
hyphens are dropped (they only mark where a browser may break a word).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from digest.ingest.write import escape_paragraph

PARAGRAPH, HEADING, ITEM, QUOTE, TABLE, CODE = "paragraph", "heading", "item", "quote", "table", "code"

_BLOCK_TAGS = frozenset({"p", "head", "list", "quote", "table", "code", "div", "section"})
_PRIVATE = re.compile("[\ue000-\uf8ff]")  # placeholders below; icon fonts' glyphs on pages
_SPACE = re.compile(r"\s+")
_URL_UNSAFE = "()<> \\"


@dataclass(frozen=True, slots=True)
class Block:
    """One block of the article: ``text`` is plain, ``markdown`` ready for the entry.

    ``group`` numbers the list (or table, quote) a block belongs to, so items of
    one list are written together; ``level`` is a heading's level or a list's depth.
    """

    kind: str
    text: str
    markdown: str
    level: int = 0
    group: int = 0
    link_only: bool = False  # the whole text is the text of links (``<a>Back to top</a>``)


@dataclass(slots=True)
class _Inline:
    """A run of inline text being built: plain text and the Markdown links in it."""

    parts: list[tuple[str, str]]  # ("text", plain) or ("open"/"close", markup)
    linked: list[str] = field(default_factory=list)  # the text inside links

    def link_only(self) -> bool:
        return bool(self.linked) and _SPACE.sub("", "".join(self.linked)) == _SPACE.sub("", self.text())

    def text(self) -> str:
        return _SPACE.sub(" ", "".join(v for kind, v in self.parts if kind == "text")).strip()

    def markdown(self) -> str:
        """Escape the text as one Markdown line, links put back in afterwards."""
        markup: list[str] = []
        joined = []
        for kind, value in self.parts:
            if kind == "text":
                joined.append(_PRIVATE.sub("", value))
            else:
                joined.append(chr(0xE000 + len(markup)))
                markup.append(value)
        escaped = escape_paragraph("".join(joined))
        return _PRIVATE.sub(lambda m: markup[ord(m.group(0)) - 0xE000], escaped)


def normal(text: str) -> str:
    """Composed characters, no soft hyphens."""
    return unicodedata.normalize("NFC", text.replace("\u00ad", ""))


def _link_target(target: str | None, base_url: str | None) -> str | None:
    """An absolute http(s) URL for a link, or None (the text is kept without it)."""
    if not target:
        return None
    target = target.strip()
    if base_url:
        target = urljoin(base_url, target)
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return quote(target, safe="".join(chr(c) for c in range(33, 127) if chr(c) not in _URL_UNSAFE) + "%")


def _inline_runs(el, base_url: str | None) -> Iterator[_Inline]:
    """The inline content of a block element, split at line breaks."""
    run = _Inline([])

    def text(value: str | None) -> None:
        if value:
            run.parts.append(("text", normal(value)))

    def walk(node) -> Iterator[_Inline]:
        nonlocal run
        for child in node:
            if not isinstance(child.tag, str):
                text(child.tail)
                continue
            if child.tag == "lb":
                yield run
                run = _Inline([])
            elif child.tag == "ref":
                target = _link_target(child.get("target"), base_url)
                inner = "".join(child.itertext())
                run.linked.append(normal(inner))
                if target and inner.strip():
                    run.parts.append(("open", "["))
                    text(inner)
                    run.parts.append(("close", f"]({target})"))
                else:
                    text(inner)
            elif child.tag == "graphic":
                pass  # images are not kept in the entry
            else:
                text(child.text)
                yield from walk(child)
            text(child.tail)

    text(el.text)
    yield from walk(el)
    yield run


def _paragraphs(el, kind: str, base_url: str | None, prefix: str = "", **extra) -> Iterator[Block]:
    for run in _inline_runs(el, base_url):
        plain = run.text()
        if plain:
            yield Block(kind, plain, prefix + run.markdown(), link_only=run.link_only(), **extra)


def _code(el, group: int) -> Block | None:
    text = normal("".join(el.itertext())).strip("\n")
    if not text.strip():
        return None
    fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", text)), default=0))
    return Block(CODE, _SPACE.sub(" ", text).strip(), f"{fence}\n{text}\n{fence}", group=group)


def _cell_text(cell) -> str:
    return _SPACE.sub(" ", normal(" ".join(cell.itertext()))).strip()


def _table(el, group: int) -> Block | None:
    rows = []
    head = False
    for row in el.iter("row"):
        cells = [_cell_text(c) for c in row.iter("cell")]
        if any(cells):
            if not rows and any(c.get("role") == "head" for c in row.iter("cell")):
                head = True
            rows.append(cells)
    if not rows:
        return None
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    if not head:
        rows.insert(0, [""] * width)  # a pipe table needs a header row: an empty one

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(escape_paragraph(c).replace("|", "\\|") if c else " " for c in cells) + " |"

    lines = [line(rows[0]), "|" + "---|" * width, *(line(r) for r in rows[1:])]
    text = "\n".join(" | ".join(c for c in r if c) for r in rows if any(r))
    return Block(TABLE, text, "\n".join(lines), group=group)


def article_blocks(body, base_url: str | None = None) -> list[Block]:
    """The blocks of trafilatura's article tree (its ``<body>`` / ``<main>``), in order."""
    blocks: list[Block] = []
    counter = iter(range(1, 1 << 30))

    def loose(text: str | None) -> None:
        text = normal(text) if text else text
        if text and text.strip():
            blocks.append(Block(PARAGRAPH, _SPACE.sub(" ", text).strip(),
                                escape_paragraph(text)))

    def walk(node, depth: int = 0) -> None:
        loose(node.text)
        for child in node:
            if not isinstance(child.tag, str):
                loose(child.tail)
                continue
            tag = child.tag
            if tag == "p":
                blocks.extend(_paragraphs(child, PARAGRAPH, base_url))
            elif tag == "head":
                rend = child.get("rend") or "h2"
                level = min(6, max(2, int(rend[1]) if rend[1:2].isdigit() else 2))
                blocks.extend(_paragraphs(child, HEADING, base_url, "#" * level + " ", level=level))
            elif tag == "list":
                _list(child, depth)
            elif tag == "quote":
                group = next(counter)
                if any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for c in child):
                    inner: list[Block] = []
                    blocks_before = len(blocks)
                    walk(child, depth)
                    inner = blocks[blocks_before:]
                    del blocks[blocks_before:]
                    blocks.extend(Block(QUOTE, b.text, _quoted(b.markdown), group=group) for b in inner)
                else:
                    blocks.extend(_paragraphs(child, QUOTE, base_url, "> ", group=group))
            elif tag == "table":
                table = _table(child, next(counter))
                if table:
                    blocks.append(table)
            elif tag == "code":
                code = _code(child, next(counter))
                if code:
                    blocks.append(code)
            elif tag in ("lb", "graphic"):
                pass
            else:  # div, section, an inline element loose in the body
                if tag in _BLOCK_TAGS:
                    walk(child, depth)
                else:
                    blocks.extend(_paragraphs(child, PARAGRAPH, base_url))
            loose(child.tail)

    def _list(el, depth: int) -> None:
        group = next(counter)
        ordered = (el.get("rend") or "").lower() == "ol"
        number = 0
        for item in el:
            if not isinstance(item.tag, str) or item.tag != "item":
                continue
            number += 1
            marker = f"{number}. " if ordered else "- "
            indent = "   " * depth if ordered else "  " * depth
            nested = [c for c in item if isinstance(c.tag, str) and c.tag == "list"]
            for c in nested:
                item.remove(c)  # read the item's own text first, its sublists after it
            first = True
            for run in _inline_runs(item, base_url):
                plain = run.text()
                if plain:
                    lead = marker if first else " " * len(marker)
                    blocks.append(Block(ITEM, plain, indent + lead + run.markdown(), level=depth, group=group))
                    first = False
            for c in nested:
                _list(c, depth + 1)
                item.append(c)

    walk(body)
    return blocks


def _quoted(markdown: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in markdown.split("\n"))


def blocks_markdown(blocks: Iterable[Block]) -> str:
    """The entry's Markdown: a blank line between blocks, none inside a list."""
    out: list[str] = []
    previous: Block | None = None
    for block in blocks:
        if out:
            same_list = (previous is not None and block.kind == ITEM and previous.kind == ITEM
                         and (block.group == previous.group or block.level != previous.level))
            out.append("\n" if same_list else "\n\n")
        out.append(block.markdown)
        previous = block
    return "".join(out) + "\n" if out else ""
