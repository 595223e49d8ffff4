"""What renders differently between the two Markdown engines, and where a body
has it: the README's table and ``digest check``'s ``markdown`` warnings.

Each ``Difference`` is one construct an editor may write, with an example, what
each engine makes of it, and the way of writing it that both render alike;
``tests/test_markdown_engines.py`` renders every example and every portable
form with both engines and checks that the table says what they do.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Difference:
    construct: str  # what an editor wrote
    example: str  # Markdown that shows it
    python_markdown: str  # what Python-Markdown makes of it
    cmarkgfm: str  # what cmark-gfm makes of it
    portable: str  # the same intent, rendered alike by both
    advice: str  # how to write it so (the portable form, in words)


DIFFERENCES = (
    Difference("a list right after a line of text", "Candidates:\n- Ivanov\n- Petrov",
               "the lines stay text in the paragraph", "a paragraph, then a list",
               "Candidates:\n\n- Ivanov\n- Petrov", "leave a blank line before the list"),
    Difference("a table right after a line of text", "Turnout:\n| Region | % |\n|---|---:|\n| Abai | 61.0 |",
               "the rows stay text in the paragraph", "a paragraph, then a table",
               "Turnout:\n\n| Region | % |\n|---|---:|\n| Abai | 61.0 |", "leave a blank line before the table"),
    Difference("a nested list indented by 2 spaces", "- Majilis\n  - 98 seats\n- Senate",
               "one flat list", "a list inside the item",
               "- Majilis\n    - 98 seats\n- Senate", "indent nested items by 4 spaces"),
    Difference("a list right after a quote's line", "> We are ready.\n- CEC",
               "the list's lines join the quote's paragraph", "a quote, then a list",
               "> We are ready.\n\n- CEC", "leave a blank line after the quote"),
    Difference("an item's second paragraph indented by 2 spaces", "- Ballots\n\n  Printed in Astana.",
               "a paragraph after the list", "a second paragraph of the item",
               "- Ballots\n\n    Printed in Astana.", "indent an item's paragraphs by 4 spaces"),
    Difference("a list whose bullet changes (`-`, then `*`)", "- Amanat\n* Respublica",
               "one list", "two lists",
               "- Amanat\n- Respublica", "use one bullet in a list"),
    Difference("items numbered `1)`", "1) Registration\n2) Voting",
               "text", "a numbered list",
               "1. Registration\n2. Voting", "number items `1.`"),
    Difference("a bare web or e-mail address", "Results: https://example.org/results or press@example.org",
               "text", "links",
               "Results: <https://example.org/results> or <press@example.org>",
               "put the address in `<…>`"),
    Difference("`~~strikethrough~~`", "Turnout ~~54%~~ 55%",
               "text with the tildes", "struck-through text",
               "Turnout <del>54%</del> 55%", "write `<del>…</del>`"),
    Difference("a backslash at the end of a line", "First line\\\nsecond line",
               "the backslash is shown", "a line break",
               "First line  \nsecond line", "end the line with two spaces"),
    Difference("a fenced code block (```` ``` ````)", "```\nturnout = 54.2\n```",
               "inline code in a paragraph", "a code block",
               "    turnout = 54.2", "indent code by 4 spaces"),
    Difference("`#` with no space after it at the start of a line", "#5 candidates registered",
               "a heading (shown as bare text: level 1 headings are left out)", "a paragraph",
               "\\#5 candidates registered", "write `\\#` (or `## ` with a space for a heading)"),
    Difference("Markdown inside an HTML block, after a blank line", "<div>\n\n*Photo: CEC*\n\n</div>",
               "shown as typed", "rendered",
               "*Photo: CEC*", "leave out the HTML block (the sanitiser drops `<div>` anyway)"),
)


def table() -> str:
    """The README's table (Markdown), one row a difference."""
    def cell(markdown: str) -> str:
        shown = markdown.replace("\n", "⏎").replace("|", "\\|")
        ticks = "``" if "`" in shown else "`"
        pad = " " if "`" in shown else ""
        return f"{ticks}{pad}{shown}{pad}{ticks}"

    lines = ["| construct | example (⏎: a line break) | python-markdown | cmarkgfm | both alike |",
             "|---|---|---|---|---|"]
    for d in DIFFERENCES:
        lines.append(f"| {d.construct} | {cell(d.example)} | {d.python_markdown} | {d.cmarkgfm} "
                     f"| {d.advice}: {cell(d.portable)} |")
    return "\n".join(lines)


# ------------------------------------------------------------ finding them in a body

_ITEM = re.compile(r" {0,3}([-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_NESTED_2 = re.compile(r" {2,3}(?:[-*+]|\d{1,9}[.)])[ \t]")
_PARAGRAPH_2 = re.compile(r" {2,3}[^ \t\-*+\d>]")
_DELIMITER_ROW = re.compile(r" {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$|"
                            r" {0,3}\|[ \t]*:?-+:?[ \t]*\|?[ \t]*$")
_FENCE = re.compile(r" {0,3}(```|~~~)")
_TIGHT_HEADING = re.compile(r" {0,3}#{1,6}[^#\s]")
_HTML_BLOCK = re.compile(r" {0,3}<(address|article|aside|blockquote|details|div|dl|fieldset|figure|footer|form"
                         r"|header|main|nav|section|table)\b", re.I)
_STRIKE = re.compile(r"~~[^~\s](?:[^~]*[^~\s])?~~")
_LINKED = re.compile(r"!?\[[^\]]*\]\([^)]*\)|<[^>]*>|`[^`]*`|^ {0,3}\[[^\]]+\]:.*$")
_BARE_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)


def find(body: str) -> Iterator[tuple[int, Difference]]:
    """(line of the body, from 0; the difference) for each construct the engines
    render differently, at most once a construct, in the order of the table."""
    lines = body.split("\n")
    found: dict[str, int] = {}
    fence = None  # the fence that opened the code block we are in
    for i, line in enumerate(lines):
        if fence:
            fence = None if line.lstrip().startswith(fence) else fence
            continue
        m = _FENCE.match(line)
        if m:
            fence = m.group(1)
        prev = lines[i - 1] if i else ""
        for construct, hit in _CHECKS:
            if construct not in found and hit(line, prev, lines, i):
                found[construct] = i
    for d in DIFFERENCES:
        if d.construct in found:
            yield found[d.construct], d


def _is_text(line: str) -> bool:
    """A line of a paragraph's text (not blank, an item, a quote, a heading, a table row, indented)."""
    s = line.lstrip(" ")
    return bool(s) and len(line) - len(s) < 4 and not _ITEM.match(line) and s[0] not in ">#|"


def _list_after_text(line: str, prev: str, lines: list[str], i: int) -> bool:
    m = _ITEM.match(line)
    # cmark-gfm lets only a bullet or a "1." with text interrupt a paragraph
    return bool(m) and _is_text(prev) and line[m.end():].strip() != "" and m.group(1)[0] in "-*+1" \
        and (not m.group(1)[0].isdigit() or m.group(1)[:-1] == "1")


def _table_after_text(line: str, prev: str, lines: list[str], i: int) -> bool:
    return i >= 2 and "|" in prev and bool(_DELIMITER_ROW.match(line)) and _is_text(lines[i - 2])


def _nested_by_2(line: str, prev: str, lines: list[str], i: int) -> bool:
    return bool(_NESTED_2.match(line)) and bool(_ITEM.match(prev))


def _list_after_quote(line: str, prev: str, lines: list[str], i: int) -> bool:
    return bool(_ITEM.match(line)) and prev.lstrip(" ").startswith(">")


def _item_paragraph_by_2(line: str, prev: str, lines: list[str], i: int) -> bool:
    if prev.strip() or not _PARAGRAPH_2.match(line):
        return False
    for before in reversed(lines[:i - 1]):  # the last line that is not blank: in a list?
        if before.strip():
            return bool(_ITEM.match(before)) or before.startswith("  ")
    return False


def _bullet_changes(line: str, prev: str, lines: list[str], i: int) -> bool:
    a, b = _ITEM.match(line), _ITEM.match(prev)
    return bool(a and b) and a.group(1) in "-*+" and b.group(1) in "-*+" and a.group(1) != b.group(1) \
        and a.start(1) == b.start(1)


def _paren_numbers(line: str, prev: str, lines: list[str], i: int) -> bool:
    m = _ITEM.match(line)
    return bool(m) and m.group(1).endswith(")") and not _is_text(prev)


def _bare_address(line: str, prev: str, lines: list[str], i: int) -> bool:
    return bool(_BARE_ADDRESS.search(_LINKED.sub("", line)))


def _strikethrough(line: str, prev: str, lines: list[str], i: int) -> bool:
    return bool(_STRIKE.search(line))


def _backslash_break(line: str, prev: str, lines: list[str], i: int) -> bool:
    return line.endswith("\\") and not line.endswith("\\\\") and i + 1 < len(lines) and _is_text(lines[i + 1])


def _fenced_code(line: str, prev: str, lines: list[str], i: int) -> bool:
    return bool(_FENCE.match(line))


def _tight_heading(line: str, prev: str, lines: list[str], i: int) -> bool:
    return bool(_TIGHT_HEADING.match(line))


def _markdown_in_html(line: str, prev: str, lines: list[str], i: int) -> bool:
    m = _HTML_BLOCK.match(line)
    if not m:
        return False
    close = f"</{m.group(1).lower()}"
    for later in lines[i + 1:]:
        if close in later.lower():
            return False
        if not later.strip():
            return True
    return False


_CHECKS: tuple[tuple[str, Callable[[str, str, list[str], int], bool]], ...] = tuple(
    zip((d.construct for d in DIFFERENCES), (
        _list_after_text, _table_after_text, _nested_by_2, _list_after_quote, _item_paragraph_by_2,
        _bullet_changes, _paren_numbers, _bare_address, _strikethrough, _backslash_break, _fenced_code,
        _tight_heading, _markdown_in_html,
    ), strict=True)
)
