"""digest's own boilerplate rules for an HTML article, each with its reason.

trafilatura has already cut the page down to the article; what it leaves of the
site is a few blocks a text rule can name. Every block is read as a line of a
text dump would be (``lines.classify_line``), but only these rules remove it:

``caption``
    ``Photo: …``, ``Фото: …``, ``… Photo credit: …``, ``© …`` in a block of at most
    40 words: a picture's caption or credit (kept as ``photo_credit``), not the
    story's text. (A longer block is prose that mentions a photo, or several
    paragraphs the page did not separate.)
``read-also``
    ``Read also: …`` / ``Читайте также: …``: a link to another story.
``labelled field``
    ``Source: …``, ``Tags: …``, ``Author: …``: fields of the page (read into the
    outlet cue, the tags, the author), not sentences of the story.
``date line`` and ``byline``
    a block that is only a date (``19 March 2023, 12:05``) or ``By …``: the page's
    date and author, read into those fields (and whether the date stood above the
    story's first paragraph or below it).
``site chrome``
    a block holding a phrase ``outlets.toml`` lists as chrome (``Subscribe to
    our…``, ``All rights reserved``) or that is one of its chrome lines
    (``Share``, ``Advertisement``); a copyright line (``© 2023 Outlet``); a
    paragraph or list item made of menu words (``Home``, ``News | Politics``:
    navigation; a subheading of such a word is kept).
``link line``
    a paragraph that is one short link and nothing else (at most 6 words, not a
    sentence: ``Back to top``, ``Zurück zur Übersicht``, ``Zum Newsletter anmelden``):
    the site's navigation, which trafilatura keeps once it is asked for links. A
    link shown as its address (``www.petition.example``, ``desk@…``) is a reference
    the story gives, and stays.
``closing section``
    a heading that closes an article (``Related news``, ``Comments``) and the list
    or short lines right below it: other stories.

A caption's date (``Фото: Дана Оспан, 19.03.2023``) is read as it is removed; a
credit line at the top or the bottom of the article (``Новости Zakon.kz от
20.11.2022 04:00``: at most 16 words, not ending as a sentence, holding a full date) stays
in the body, and its date is read.

Quotes, tables and code are never touched. The text-dump rule that keeps only
the longest run of prose has no place here: the HTML already says where
paragraphs, headings and lists are, so a subheading or a name on its own line
is part of the story.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from digest.ingest.dates import DateMatch, find_date
from digest.ingest.html_markdown import HEADING, ITEM, PARAGRAPH, Block
from digest.ingest.lines import (
    BYLINE,
    CAPTION,
    CHROME,
    DATE,
    LABEL,
    STOP,
    caption_credit,
    classify_line,
    ends_sentence,
)
from digest.ingest.outlets import OutletKnowledge

CAPTION_RULE = "caption"
READ_ALSO_RULE = "read-also"
FIELD_RULE = "labelled field"
DATE_RULE = "date line"
BYLINE_RULE = "byline"
CHROME_RULE = "site chrome"
CLOSING_RULE = "closing section"
LINK_RULE = "link line"
_LINK_WORDS = 6
_ADDRESS = re.compile(r"://|www\.|@|\.[a-z]{2,6}(?:/|$)", re.IGNORECASE)  # a link shown as its address

_SHORT_WORDS = 16  # a line below a closing heading that is a headline, not a paragraph
_CAPTION_WORDS = 40


@dataclass(frozen=True, slots=True)
class Removal:
    """Blocks one rule removed."""

    rule: str
    blocks: tuple[Block, ...]

    def text(self) -> str:
        return " ".join(b.text for b in self.blocks)

    def is_more_than_a_sentence(self) -> bool:
        text = self.text()
        ends = sum(1 for i, c in enumerate(text) if c in ".!?…" and (i + 1 == len(text) or text[i + 1] == " "))
        return len(self.blocks) > 1 or ends > 1 or len(text.split()) > 30

    def warning(self) -> str:
        text = self.text()
        shown = text if len(text) <= 60 else text[:57].rstrip() + "…"
        n = len(self.blocks)
        what = "1 block" if n == 1 else f"{n} blocks"
        return f"{self.rule}: removed {what} from the body ({shown!r})"


@dataclass(slots=True)
class CleanBody:
    """The article's blocks after the rules, what they removed and the fields they read."""

    blocks: list[Block]
    removed: list[Removal] = field(default_factory=list)
    photo_credit: str | None = None
    author_line: str | None = None  # the value of `Author: …` / `By …`
    author_label: bool = False  # from a labelled line (else a byline)
    tags_line: str | None = None
    source_line: str | None = None
    date: DateMatch | None = None
    date_below: bool = False  # the date line came after the story's first paragraph
    credit_date: DateMatch | None = None  # from a caption or a credit line
    credit_text: str | None = None
    copyright_owner: str | None = None

    def warnings(self) -> list[str]:
        return [r.warning() for r in self.removed if r.is_more_than_a_sentence()]


def clean_blocks(blocks: list[Block], k: OutletKnowledge) -> CleanBody:
    """Apply the rules above to the article's blocks, in order."""
    result = CleanBody([])
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind not in (PARAGRAPH, HEADING, ITEM):
            result.blocks.append(block)
            i += 1
            continue
        line = classify_line(block.text, k)
        rule = _rule(line, block, k, result)
        if rule == CLOSING_RULE:
            end = i + 1
            while end < len(blocks) and _listed_below_heading(blocks[end]):
                end += 1
            result.removed.append(Removal(rule, tuple(blocks[i:end])))
            i = end
            continue
        if rule is not None:
            result.removed.append(Removal(rule, (block,)))
            if rule == CAPTION_RULE:
                _credit_date(result, block.text, caption=True)
        else:
            result.blocks.append(block)
        i += 1
    _edge_credit_dates(result)
    return result


_CREDIT_WORDS = 16


def _credit_date(result: CleanBody, text: str, *, caption: bool = False) -> None:
    """The date of a caption, or of a credit line (short, not a sentence), if it holds one."""
    if result.credit_date is not None:
        return
    words = len(text.split())
    if not caption and (words > _CREDIT_WORDS or ends_sentence(text)):
        return
    found = find_date(text)
    if found is not None:
        result.credit_date, result.credit_text = found, text


def _edge_credit_dates(result: CleanBody) -> None:
    """A credit line among the first two or the last two blocks kept."""
    paragraphs = [b for b in result.blocks if b.kind == PARAGRAPH]
    for block in paragraphs[:2] + paragraphs[-2:][::-1]:
        _credit_date(result, block.text)


def _listed_below_heading(block: Block) -> bool:
    return block.kind == ITEM or (block.kind == PARAGRAPH and len(block.text.split()) <= _SHORT_WORDS)


def _rule(line, block: Block, k: OutletKnowledge, result: CleanBody) -> str | None:
    """The rule that removes this block (reading its field into ``result``), or None."""
    role, kind = line.role, line.kind
    if role == LABEL and kind == "read_also" or (role == STOP and kind == "read_also" and block.kind != HEADING):
        return READ_ALSO_RULE
    if role == STOP:
        return CLOSING_RULE
    if (role == CAPTION or (role == LABEL and kind == "photo")) and len(block.text.split()) <= _CAPTION_WORDS:
        if result.photo_credit is None:
            result.photo_credit = caption_credit(block.text, k) or line.value or None
        return CAPTION_RULE
    if role == LABEL:
        if kind == "source":
            result.source_line = result.source_line or line.value
        elif kind == "tags":
            result.tags_line = result.tags_line or line.value
        elif kind == "author":
            if result.author_line is None and line.value:
                result.author_line, result.author_label = line.value, True
        return FIELD_RULE
    below = any(b.kind == PARAGRAPH for b in result.blocks)
    if role == DATE:
        if result.date is None:
            result.date, result.date_below = line.date, below
        return DATE_RULE
    if role == BYLINE:
        if result.author_line is None:
            result.author_line = line.value
        if result.date is None and line.date is not None:
            result.date, result.date_below = line.date, below
        return BYLINE_RULE
    if role == CHROME and kind == "footer":
        result.copyright_owner = result.copyright_owner or line.value
        return CHROME_RULE
    if k.is_chrome(block.text) or (block.kind != HEADING and k.is_menu(block.text)):
        return CHROME_RULE
    if (block.kind == PARAGRAPH and block.link_only and len(block.text.split()) <= _LINK_WORDS
            and not ends_sentence(block.text) and not _ADDRESS.search(block.text)):
        return LINK_RULE
    return None
