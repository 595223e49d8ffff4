"""Front matter of the common shape read without the YAML parser.

Building a YAML document costs PyYAML about 0.1 ms for the dozen short lines of
an entry's front matter, most of it in making a node object for each value,
before any value is made: a tenth of the time it takes to read an entry. The
front matter that ``digest ingest`` writes, and most that editors write, is one
``field: value`` a line, each value a quoted or plain string, a date, true,
false, null or a list of plain words in brackets. :func:`simple_front_matter`
reads exactly that and returns what PyYAML (with ``digest.content``'s loader)
returns for it; for anything else (other numbers, block lists, multi-line
values, anchors, comments after a value, escapes, tabs…) it returns None, and
the caller asks YAML. The tests check it against PyYAML on generated front
matter.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any


# Characters the YAML reader refuses or reads as line breaks, tabs, CR, BOM:
# a front matter with any of them is left to YAML.
_ODD = re.compile("[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")
_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: +(.*?))? *")  # a line: what simple_front_matter reads
_DOUBLE = re.compile(r'"([^"\\]*)"')
_SINGLE = re.compile(r"'((?:[^']|'')*)'")
_DATE = re.compile(r"\d{4}-\d\d-\d\d(?:T\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)?)?")
_PLAIN_START = re.compile(r"[^\W\d_]")  # a letter: no YAML indicator, number or timestamp starts so
_NOT_PLAIN = re.compile(r": |\s#|[\[\]{}]|:$")  # a comment, a nested mapping, flow collections
_ITEM_BAD = re.compile(r"[:#\[\]{}'\"]")

# YAML 1.1's words for true, false and null (PyYAML resolves exactly these spellings)
_WORDS: dict[str, Any] = {w: True for w in "true True TRUE yes Yes YES on On ON".split()}
_WORDS.update({w: False for w in "false False FALSE no No NO off Off OFF".split()})
_WORDS.update({w: None for w in "null Null NULL ~".split()})
_RESERVED = {w.lower() for w in _WORDS}  # any spelling of these is left to YAML
_NO_VALUE = object()


def simple_front_matter(text: str) -> dict[str, Any] | None:
    """The mapping YAML would read from ``text``, if every line is of the
    simple kinds above; else None."""
    if _ODD.search(text):
        return None
    meta: dict[str, Any] = {}
    for line in text.split("\n"):
        if not line or line[0] == "#":
            continue  # a blank line, a comment
        # ``_LINE`` with string methods (a fifth of this function's time):
        # an ASCII identifier, ":", then nothing, or spaces and the value
        key, colon, rest = line.partition(":")
        if not colon or not (key.isascii() and key.isidentifier()) or rest[:1] not in ("", " "):
            return None
        raw = rest.strip(" ")
        if key.lower() in _RESERVED:
            return None  # ``yes:`` is the key True
        value = _value(raw) if raw else None
        if value is _NO_VALUE:
            return None
        meta[key] = value
    return meta


def _value(raw: str) -> Any:
    first = raw[0]
    if first == '"':
        m = _DOUBLE.fullmatch(raw)
        return m.group(1) if m else _NO_VALUE
    if first == "'":
        m = _SINGLE.fullmatch(raw)
        return m.group(1).replace("''", "'") if m else _NO_VALUE
    if first == "[":
        return _items(raw)
    if first.isdigit():
        if not _DATE.fullmatch(raw):
            return _NO_VALUE
        try:
            return timestamp(raw)
        except ValueError:
            return raw  # not a real date (2023-02-30): text, as ``digest.content`` reads it
    if raw in _WORDS:
        return _WORDS[raw]
    if not _PLAIN_START.match(raw) or raw.lower() in _RESERVED or _NOT_PLAIN.search(raw):
        return _NO_VALUE
    return raw


def timestamp(raw: str) -> date | datetime:
    """What YAML makes of a ``_DATE``: a date, or a time (with its offset, if
    given; ``Z`` is UTC). ``fromisoformat`` reads these shapes alike, in 0.1 µs
    where PyYAML's constructor takes 3.6; ValueError for a day or time that does not exist."""
    return date.fromisoformat(raw) if len(raw) == 10 else datetime.fromisoformat(raw)


def _items(raw: str) -> list[str] | object:
    if raw[-1] != "]":
        return _NO_VALUE
    inner = raw[1:-1].strip(" ")
    if not inner:
        return []
    items = []
    for item in inner.split(","):
        item = item.strip(" ")
        if not item or not _PLAIN_START.match(item) or item.lower() in _RESERVED or _ITEM_BAD.search(item):
            return _NO_VALUE
        items.append(item)
    return items
