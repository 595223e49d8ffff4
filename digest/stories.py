"""The same story told by several outlets: found by text similarity at build time.

An entry's *sketch* (computed when the entry is read, in the worker processes,
and kept in the build cache with the entry) is a compact fingerprint of what
it reports:

* **text**: a MinHash of the word pairs (2-shingles) of the title and the first
  three paragraphs (at most 1,000 characters), lower-cased, each word cut to
  its first 6 letters (so ``elections``/``election`` and most Russian case
  endings agree). One CRC a shingle, 64 bins of 16 bits ("one-permutation"
  MinHash with densification); the share of equal bins estimates the Jaccard
  similarity of the two shingle sets (standard error about 0.05).
* **numbers**: up to 16 significant numbers of the title and body, normalised
  (``61.3`` = ``61,3``; ``3,847,000`` = ``3 847 000`` = ``3.847 million`` =
  ``3,847 млн``). Years (a bare 1900–2100), whole numbers up to 31 (days,
  district numbers, hours), clock times, dates and ordinals are left out.
  Numbers written in words (``Forty-seven``) are not seen.
* **names**: up to 24 name keys: capitalised words that do not open a sentence,
  transliterated from Cyrillic and Kazakh to Latin and reduced to their first
  four consonants (``Ибраева``, ``Ибраевой``, ``Ibrayeva`` → ``brv``;
  ``Мажилис``, ``Majilis`` → ``mjls``), so names match across alphabets,
  spellings and most case endings.

Everything is hashed with CRC-32 (``hash()`` is salted per process), so a
sketch is the same in every process and every run. It takes 4 + 128 bytes
plus 4 a number and 4 a name: 292 at most, about 160 on average.

**Similarity** of two entries (0..1, :func:`similarity`) is the larger of

* ``text``: the estimated Jaccard similarity of their shingles. Only a copy or
  a light rewrite of the same text reaches 0.5; different reports on the same
  subject stay below 0.15 (0.3 at most for rewrites of one wire story).
* ``facts``: ``N × (0.6 + 0.4 × P) × C``. ``N`` is the share of the smaller set
  of significant numbers that the other entry has too (0 unless two are
  shared), ``P`` the same share for name keys (a set counted as 2 at least),
  ``C`` = 0.75 when exactly two numbers are shared, else 1. So all the figures
  of the shorter report agreeing give 0.6, three of them or more with agreeing
  names up to 1; two shared figures alone give 0.45, under the default
  threshold: they need a shared name as well.

**Across languages** (both entries give their ``lang`` and the two differ) the
texts cannot agree, so only ``facts`` counts, and only when at least one name
key is shared: two reports in Russian and English of the same CEC briefing
share its figures (turnout, voter counts, polling stations) and the speaker's
name. A cross-language story without figures is not found; tie it with
``story:`` in the front matter.

**Grouping** (:func:`find_stories`). Candidate pairs come from an index, never
from comparing all pairs: entries whose MinHash agrees on one of 21 bands of 3
bins (LSH: a pair with a text similarity of 0.5 is caught with probability
0.94, 0.7 with 0.9998, 0.3 with 0.43), or that share two significant numbers;
in both cases only entries at most three days apart meet (one pass in time
order; a key held by more than 64 entries within the window is not
distinctive and pairs no more). A candidate pair is an edge when its
similarity reaches the threshold (``story_threshold``, 0.5 by default), the
two come from different outlets (the same outlet twice is a double ingest,
reported by ``digest check``) and neither has a ``story`` id. Edges are taken
strongest first; two groups merge only when the result still has one entry per
outlet, spans at most three days, and every pair across the two groups is at
least half the threshold alike. That is complete-ish linkage: A~B and B~C do
not pull an unrelated C into A's story, and a story cannot snowball over a
week of related news.

A story's lead is its featured entry if it has one, else its earliest; the
others follow by date (then file). Its id is the editor's ``story`` id, or
``<date>-<slug>`` of the lead. Stories are sorted by their lead's date,
newest first, then by id.

An editor's ``story: <id>`` ties entries together whatever their text or
outlet; entries with a story id (``story: false`` arrives as an id of its own,
``own:<path>``) are never grouped automatically, and an id only one entry has
makes no story.
"""
from __future__ import annotations

import functools
import re
import struct
import unicodedata
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from digest.model import Entry
from digest.regroup import ORDER, change_between

VERSION = 2  # of the sketch format and method: a sketch of another version reads as empty
BINS = 64  # MinHash bins (a power of two)
BAND = 3  # bins a band: 21 bands
MAX_NUMBERS = 16
MAX_NAMES = 24
WINDOW_DAYS = 3  # the reports of one story are at most this far apart
WINDOW = WINDOW_DAYS * 86400
DEFAULT_THRESHOLD = 0.5
_MAX_POSTING = 64  # an index list longer than this within the window is not distinctive
_PARAGRAPHS = 3
_LEAD_CHARS = 1000  # of the title and first paragraphs: the text and names
_NUMBER_CHARS = 3000  # of the body: the numbers
_LANGS = {"en": 1, "ru": 2, "kk": 3}
_HAS_TEXT = 8
_HEAD = struct.Struct("<4B")  # version, language | has text, numbers, names
_SIG = struct.Struct(f"<{BINS}H")
_BAND_KEYS = struct.Struct("<" + f"{2 * BAND}s" * (BINS // BAND))


@dataclass(frozen=True, slots=True)
class Story:
    """Entries that report one event; ``entries[0]`` is the lead."""

    id: str
    entries: tuple[Entry, ...]

    @property
    def lead(self) -> Entry:
        return self.entries[0]

    def others(self, entry: Entry) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e is not entry)


# ---------------------------------------------------------------- the sketch

_PARA_SPLIT = re.compile(r"\n[ \t]*\n")
# (Each alternative starts with its own literal, so a search skips to the
# characters that can open one: ``!?\[`` as a first alternative made it try
# a match at every character, 3x the time.)
_MARKUP = re.compile(r"!\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|<[^>]*>|https?://\S+")
_WORD6 = re.compile(r"(\w{1,6})\w*")  # words, cut to 6 letters
_RUN = re.compile(r"[0-9][0-9.,:/ \u00a0\u202f]*")  # digits and what separates them (csrc/_sketch.c: in_run)
_NUMBER = re.compile(
    _RUN.pattern + r"(million|mln|млн|миллион|billion|bn|млрд|миллиард|thousand|тыс|тысяч|мың)?",
    re.I,
)
_GROUPED = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
_DECIMAL = re.compile(r"\d+(?:[.,]\d+)?")
_MULTIPLIER = {
    "million": 1e6, "mln": 1e6, "млн": 1e6, "миллион": 1e6, "billion": 1e9, "bn": 1e9,
    "млрд": 1e9, "миллиард": 1e9, "thousand": 1e3, "тыс": 1e3, "тысяч": 1e3, "мың": 1e3,
}
_UPPER = "A-ZÀ-ÖØ-ÞА-ЯЁӘҒҚҢӨҰҮҺІ"
# a capital not preceded by a letter or digit (``\b`` put after it, so a search
# skips to the capitals instead of trying every character: half the time)
_NAME = re.compile(rf"[{_UPPER}](?<!\w.)[^\W\d_{_UPPER}]+\b")
_OPENERS = frozenset(".!?…:;«\"“„(—–-\n")
_NOT_NAMES = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday mr mrs ms dr the".split()
)
_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ә": "a", "ғ": "g",
    "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
})
_SOUNDS = (("dzh", "j"), ("zh", "j"), ("kh", "h"), ("ts", "c"), ("tz", "c"), ("q", "k"),
           ("w", "v"), ("x", "ks"), ("ph", "f"))
_VOWELS = re.compile(r"[aeiouy]+")
_DOUBLE = re.compile(r"(.)\1+")
_MIX = 0x9E3779B1  # odd: multiplying by it modulo 2**32 scrambles the CRC's order


def sketch(title: str, text: str, lang: str | None) -> bytes:
    """A compact fingerprint of an entry's title and Markdown body.

    Deterministic (the same bytes in every process and run) and small: a 4-byte
    head, 64 two-byte MinHash bins, then up to 16 numbers and 24 names as
    4-byte CRCs (at most 292 bytes).
    """
    text = _strip_markup(text)
    paragraphs = _PARA_SPLIT.split(text.lstrip(), _PARAGRAPHS)[:_PARAGRAPHS]
    lead = (title + "\n" + "\n".join(paragraphs))[:_LEAD_CHARS]
    signature = _signature(lead)
    numbers = _numbers(title + "\n" + text[:_NUMBER_CHARS])
    names = _names(lead)
    code = _LANGS.get((lang or "").split("-")[0].lower(), 4 if lang else 0)
    head = _HEAD.pack(VERSION, code | (_HAS_TEXT if signature is not None else 0), len(numbers), len(names))
    body = struct.pack(f"<{len(numbers) + len(names)}I", *numbers, *names)
    return head + signature + body if signature is not None else head + body


def _link_text(m: re.Match) -> str:
    return m.group(1) or m.group(2) or " "


def _strip_markup_py(text: str) -> str:
    """The text with links and images as their text, tags and bare addresses as a
    space; ``digest._sketch`` gives the same, compiled (9 → 5 µs on a news entry)."""
    if "](" in text or "<" in text or "://" in text:
        return _MARKUP.sub(_link_text, text)
    return text


try:
    from digest._sketch import strip_markup as _strip_markup
except ImportError:  # built without a C compiler
    _strip_markup = _strip_markup_py


def _signature_py(text: str) -> bytes | None:
    """64 MinHash bins (16 bits each) of the text's word pairs, or None without any.

    One-permutation MinHash: one hash a word pair, its low 6 bits choose the
    bin, the bin keeps the smallest hash; an empty bin borrows from the next
    filled one (densification), shifted by the distance. ``digest._sketch``
    gives the same bytes, compiled (where it could be built: see ``_signature``).
    """
    words = _WORD6.findall(text.lower())
    if len(words) < 2:
        return None
    hashes = map(zlib.crc32, map(str.encode, map(" ".join, pairwise(words))))
    mixed = sorted([(h * _MIX) & 0xFFFFFFFF for h in hashes], reverse=True)
    smallest = {h & (BINS - 1): h >> 6 for h in mixed}
    bins = [0] * BINS
    for i in range(BINS):
        v = smallest.get(i)
        if v is None:
            for d in range(1, BINS):
                v = smallest.get((i + d) % BINS)
                if v is not None:
                    v += d * 0x9E37
                    break
        bins[i] = v & 0xFFFF
    return _SIG.pack(*bins)


try:  # the same function compiled (csrc/_sketch.c): 56 → 10 µs a news entry, a fifth of reading one
    from digest._sketch import signature as _signature
except ImportError:  # built without a C compiler
    _signature = _signature_py


def _number_starts_py(text: str) -> list[int]:
    """Where each run of digits and separators starts: the matches of ``_NUMBER``
    start at these, and only these (a unit is letters, so the next run starts
    after it); ``digest._sketch`` gives the same list, compiled."""
    return [m.start() for m in _RUN.finditer(text)]


try:  # compiled: the scan for digits was 16 of _numbers' 17 µs on a news entry
    from digest._sketch import number_starts as _number_starts
except ImportError:  # built without a C compiler
    _number_starts = _number_starts_py


def _numbers(text: str) -> list[int]:
    """CRCs of the significant numbers, in order of appearance."""
    found: list[int] = []
    match = _NUMBER.match
    for start in _number_starts(text):
        m = match(text, start)
        if start and (text[start - 1].isalnum() or text[start - 1] in "_.,:/-"):
            continue  # part of a code, an ordinal or a date
        end = m.end()
        for key in _match_keys(m.group(), m.group(1), text[end:end + 1].isalnum()):
            if key not in found:
                found.append(key)
                if len(found) == MAX_NUMBERS:
                    return found
    return found


@functools.lru_cache(maxsize=1 << 14)
def _match_keys(run: str, unit: str | None, before_word: bool) -> tuple[int, ...]:
    """``_run_numbers``, remembered: the same figures recur from entry to entry."""
    return tuple(_run_numbers(run, unit, before_word))


def _run_numbers(run: str, unit: str | None, before_word: bool) -> list[int]:
    """The numbers of a run of digits and separators (``1 068 280, 38,6``);
    ``before_word``: a letter or digit follows the run."""
    if unit:
        run = run[: -len(unit)]
    pieces = run.rstrip(" \u00a0\u202f.,:/").split()
    if not unit and before_word and run[-1:].isdigit():
        pieces.pop()  # ``3rd``, ``5th``: not a figure
    # Join digit groups written with spaces: 1 068 280.
    merged: list[str] = []
    for piece in pieces:
        if merged and len(piece) == 3 and piece.isdigit() and merged[-1].replace(" ", "").isdigit() \
                and len(merged[-1].split()[0]) <= 3 and all(len(g) == 3 for g in merged[-1].split()[1:]):
            merged[-1] += " " + piece
        else:
            merged.append(piece)
    keys = []
    for k, piece in enumerate(merged):
        piece = piece.rstrip(".,:/")
        if not piece or ":" in piece or "/" in piece:
            continue  # a time (20:00) or a date (12/03)
        key = _number_key(piece, unit if k == len(merged) - 1 else None)
        if key is not None:
            keys.append(key)
    return keys


def _number_key(piece: str, unit: str | None) -> int | None:
    """The CRC of a normalised number, or None when it is not significant."""
    if unit and _DECIMAL.fullmatch(piece):
        value = float(piece.replace(",", "."))  # 3.847 million, 3,847 млн
        whole = True
    elif " " in piece or _GROUPED.fullmatch(piece):
        value = float(re.sub(r"\D", "", piece))  # 1 068 280, 1,068,280, 1.068.280
        whole = True
    elif _DECIMAL.fullmatch(piece):
        value = float(piece.replace(",", "."))
        whole = piece.isdigit()
    else:
        return None  # 26.11.2023 and the like
    if unit:
        value *= _MULTIPLIER[unit.lower()]
        whole = True
    elif whole and (value <= 31 or (len(piece) == 4 and 1900 <= value <= 2100)):
        return None  # a day, a district number, a year
    if value == int(value):
        text = str(int(value)) if whole else f"{int(value)}.0"  # 38.0 % is not 38 people
    else:
        text = format(value, ".10g")
    return zlib.crc32(text.encode())


def _names(text: str) -> list[int]:
    """CRCs of the name keys of capitalised words that do not open a sentence."""
    found: list[int] = []
    for m in _NAME.finditer(text):
        i = m.start() - 1
        while i >= 0 and text[i] in " \t\u00a0":
            i -= 1
        if i < 0 or text[i] in _OPENERS:
            continue  # any word may open a sentence
        key = _name_key(m.group())
        if key is not None and key not in found:
            found.append(key)
            if len(found) == MAX_NAMES:
                break
    return found


@functools.lru_cache(maxsize=1 << 16)
def _name_key(word: str) -> int | None:
    """``Ибраевой`` → CRC of ``brv``: transliterated, consonants only, at most 4."""
    lower = word.lower()
    if lower in _NOT_NAMES:
        return None
    latin = lower.translate(_TRANSLIT)
    if not latin.isascii():
        latin = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    for a, b in _SOUNDS:
        latin = latin.replace(a, b)
    skeleton = _DOUBLE.sub(r"\1", _VOWELS.sub("", latin))[:4]
    if len(skeleton) < 2 or not skeleton.isalpha():
        return None
    return zlib.crc32(skeleton.encode())


# ---------------------------------------------------------- reading sketches

class _Sketch(NamedTuple):
    lang: int  # 0 unknown, 1 en, 2 ru, 3 kk, 4 another
    bins: bytes  # 2 bytes a bin; empty without text
    numbers: frozenset[int]
    names: frozenset[int]


def _read(data: bytes) -> _Sketch:
    if len(data) < _HEAD.size or data[0] != VERSION:
        return _Sketch(0, b"", frozenset(), frozenset())
    _, flags, n_numbers, n_names = _HEAD.unpack_from(data)
    at = _HEAD.size + (_SIG.size if flags & _HAS_TEXT else 0)
    values = struct.unpack_from(f"<{n_numbers + n_names}I", data, at)
    return _Sketch(flags & 7, data[_HEAD.size:at], frozenset(values[:n_numbers]), frozenset(values[n_numbers:]))


def _bands(data: bytes) -> tuple[bytes, ...]:
    """The LSH band keys: 21 bands of 3 bins (6 bytes each)."""
    if len(data) < _HEAD.size + _SIG.size or not data[1] & _HAS_TEXT:
        return ()
    return _BAND_KEYS.unpack_from(data, _HEAD.size)


def _numbers_of(data: bytes) -> tuple[int, ...]:
    if len(data) < _HEAD.size or data[0] != VERSION or data[2] == 0:
        return ()
    at = _HEAD.size + (_SIG.size if data[1] & _HAS_TEXT else 0)
    return struct.unpack_from(f"<{data[2]}I", data, at)


def _share(a: frozenset, b: frozenset, at_least: int) -> tuple[int, float]:
    """(how many are shared, their share of the smaller set, counted as 2 at least)."""
    if not a or not b:
        return 0, 0.0
    shared = len(a & b)
    if shared < at_least:
        return shared, 0.0
    return shared, shared / max(2, min(len(a), len(b)))


def _text_similarity(a: bytes, b: bytes) -> float:
    """The share of equal bins: the estimated Jaccard similarity of the shingles."""
    if not a or not b:
        return 0.0
    differ = int.from_bytes(a, "little") ^ int.from_bytes(b, "little")
    return array("H", differ.to_bytes(len(a), "little")).count(0) / BINS


def _similarity(a: _Sketch, b: _Sketch) -> float:
    shared, numbers = _share(a.numbers, b.numbers, 2)
    names = _share(a.names, b.names, 1)[1]
    facts = numbers * (0.6 + 0.4 * names) * min(1.0, (shared + 1) / 4)
    if a.lang and b.lang and a.lang != b.lang and a.lang != 4:
        return facts if names else 0.0
    return max(_text_similarity(a.bins, b.bins), facts)


def similarity(a: Entry, b: Entry) -> float:
    """How alike two entries' reports are, 0..1 (see the module's notes).

    Text, figures and names only: dates and outlets are not looked at.
    """
    return _similarity(_read(a.sketch), _read(b.sketch))


# --------------------------------------------------------------- the stories

def outlet_key(entry: Entry) -> str | None:
    """The outlet, compared loosely: ``The Astana Times`` = ``astana times``."""
    return _outlet_key(entry.source) if entry.source else None


@functools.lru_cache(maxsize=4096)
def _outlet_key(source: str) -> str:
    return " ".join(source.casefold().split()).removeprefix("the ")


def candidate_pairs(entries: Sequence[Entry], window: float = WINDOW) -> set[tuple[int, int]]:
    """Index pairs (i < j) of entries that may report the same thing.

    Entries at most ``window`` seconds apart whose sketches share a MinHash
    band or two significant numbers; never all pairs. One pass in time order
    (then by file).
    """
    orders = [e.order for e in entries]
    return _block_pairs(entries, sorted(range(len(entries)), key=orders.__getitem__), [o[0] for o in orders], window)


def _block_pairs(entries: Sequence[Entry], order: list[int], times: list[float], window: float) -> set[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    _collisions([_bands(e.sketch) for e in entries], order, times, window, found.append)
    pairs = set(found)
    found.clear()
    _collisions([_numbers_of(e.sketch) for e in entries], order, times, window, found.append)
    pairs.update(pair for pair, n in Counter(found).items() if n >= 2)
    return pairs


@dataclass(frozen=True, slots=True)
class PairsState:
    """The candidate pairs of a build's entries by slice of time (see
    :class:`CandidatePairs`), as the next build in a new process reads them
    back: a block's pairs hold while both its slices hold the same entries.
    (Finding every pair again costs 0.06 s at 10,000 entries, a tenth of a
    fresh build after one edit.)"""

    slices: dict[int, tuple[str, ...]]  # slice number → the identities of its entries, in time order
    blocks: dict[int, tuple[tuple[int, int], ...]]  # slice number → its block's pairs (i < j: places in the block)


class CandidatePairs:
    """The candidate pairs of a builder's entries, kept by slice of time.

    Time is cut into slices of ``WINDOW``; pairs only form within a slice or
    between neighbouring ones, so the pairs are found per block of two slices
    (the same pairs one pass over every entry finds). After a change, only the
    blocks of the slices that hold a changed entry are looked at again. A
    long-lived builder keeps one in memory; a single build starts from the
    last build's :class:`PairsState` (``restored``), whose blocks hold for
    slices whose entries are the same (by identity: file, content, URL).
    """

    def __init__(self) -> None:
        self.entries: tuple[Entry, ...] = ()
        self.ids: set[int] = set()
        self.slices: dict[int, list[Entry]] = {}  # slice number → its entries, in time order (then by file)
        self.blocks: dict[int, list[tuple[Entry, Entry]]] = {}  # slice number → pairs with it and the one before
        self._stored: PairsState | None = None

    @classmethod
    def restored(cls, state: PairsState) -> "CandidatePairs":
        pairs = cls()
        pairs._stored = state
        return pairs

    def state(self) -> PairsState:
        """What the next build in a new process starts from."""
        slices = {number: tuple([e.ident for e in members]) for number, members in self.slices.items()}
        blocks = {}
        for number, pairs in self.blocks.items():
            if pairs:
                block = self.slices.get(number - 1, []) + self.slices[number]
                place = {id(e): i for i, e in enumerate(block)}
                blocks[number] = tuple((place[id(older)], place[id(newer)]) for newer, older in pairs)
        return PairsState(slices, blocks)

    def pairs(self, entries: tuple[Entry, ...]) -> list[tuple[Entry, Entry]]:
        """The candidate pairs of ``entries``, each pair newest first."""
        ids = set(map(id, entries))
        change = change_between(self.entries, entries, max(64, len(entries) // 8), self.ids, ids) if self.entries else None
        if change is None:
            ordered = sorted(entries, key=ORDER)
            self.slices = defaultdict(list)
            for entry in ordered:
                self.slices[int(entry.order[0] // WINDOW)].append(entry)
            self.slices = dict(self.slices)
            stored, self._stored = self._stored, None
            if stored is None:
                self.blocks = self._all_blocks(ordered)
            else:
                idents = {number: tuple([e.ident for e in members]) for number, members in self.slices.items()}
                self.blocks = {number: self._kept_block(number, stored, idents) for number in self.slices}
        else:
            came: dict[int, list[Entry]] = {}
            for entry in change.entries:
                came.setdefault(int(entry.order[0] // WINDOW), [])
            for entry in change.came:
                came[int(entry.order[0] // WINDOW)].append(entry)
            for number, new in came.items():
                members = [e for e in self.slices.get(number, ()) if id(e) not in change.gone] + new
                if members:
                    members.sort(key=ORDER)
                    self.slices[number] = members
                else:
                    self.slices.pop(number, None)
            for number in {n for slice_no in came for n in (slice_no, slice_no + 1)}:
                if number in self.slices:
                    self.blocks[number] = self._block(number)
                else:
                    self.blocks.pop(number, None)
        self.entries, self.ids = entries, ids
        return [pair for pairs in self.blocks.values() for pair in pairs]

    # A block's pairs are those whose newer entry is in its slice (the older
    # one is in it too, or in the slice before): they depend on those two
    # slices only, and each pair is in one block.

    def _all_blocks(self, ordered: list[Entry]) -> dict[int, list[tuple[Entry, Entry]]]:
        """Every block's pairs, found in one pass over all the entries (in time order)."""
        blocks: dict[int, list[tuple[Entry, Entry]]] = {number: [] for number in self.slices}
        for i, j in _block_pairs(ordered, list(range(len(ordered))), [e.order[0] for e in ordered], WINDOW):
            newer = ordered[j]  # (i < j: the newer)
            blocks[int(newer.order[0] // WINDOW)].append((newer, ordered[i]))
        return blocks

    def _block(self, number: int) -> list[tuple[Entry, Entry]]:
        earlier = self.slices.get(number - 1, [])
        block = earlier + self.slices[number]
        local = _block_pairs(block, list(range(len(block))), [e.order[0] for e in block], WINDOW)
        start = len(earlier)
        return [(block[j], block[i]) for i, j in local if j >= start]  # (i < j: block[j] is the newer)

    def _kept_block(self, number: int, stored: PairsState, idents: dict[int, tuple[str, ...]]) -> list[tuple[Entry, Entry]]:
        """The block's pairs from ``stored`` when its two slices hold the same
        entries (``idents``: of each slice), else found again."""
        if stored.slices.get(number) != idents[number] or stored.slices.get(number - 1, ()) != idents.get(number - 1, ()):
            return self._block(number)
        block = self.slices.get(number - 1, []) + self.slices[number]
        return [(block[j], block[i]) for i, j in stored.blocks.get(number, ())]


def _collisions(keys: list, order: list[int], times: list[float], window: float, add) -> None:
    """Call ``add((i, j))`` (i < j) for entries sharing a key, at most ``window`` apart.

    One pass in time order. Time is cut into slices of ``window``; a key is
    looked up among the entries of the current and the previous slice only,
    so entries far apart never meet. A key held by more than ``_MAX_POSTING``
    entries there is too common to tell stories apart and pairs no more.
    """
    current: dict = {}  # key → the first entry (an int) or all entries (a list) with it
    previous: dict = {}
    slice_no = None
    for j in order:
        own = keys[j]
        if not own:
            continue
        t = times[j]
        number = int(t // window)
        if number != slice_no:
            previous = current if slice_no == number - 1 else {}
            current = {}
            slice_no = number
        hits = current.keys() & own
        if previous:
            for key in previous.keys() & own:
                held = previous[key]
                if isinstance(held, int):
                    held = (held,)
                if len(held) <= _MAX_POSTING:
                    for i in held:
                        if t - times[i] <= window:
                            add((i, j) if i < j else (j, i))
        if not hits:
            current.update(dict.fromkeys(own, j))
            continue
        held_by = {key: current[key] for key in hits}
        current.update(dict.fromkeys(own, j))
        for key, held in held_by.items():
            if isinstance(held, int):
                held = [held]
            if len(held) <= _MAX_POSTING:
                for i in held:
                    add((i, j) if i < j else (j, i))
            held.append(j)
            current[key] = held


def find_stories(
    entries: Sequence[Entry], threshold: float = DEFAULT_THRESHOLD, memo: dict | None = None
) -> tuple[Story, ...]:
    """Groups of two or more entries that report the same event.

    Entries sharing an editor's ``story`` id form one story (a lone id forms
    none); the others are grouped automatically (see the module's notes).
    Stories are ordered by their lead's date, newest first, then by id.
    ``memo``, an empty dict kept by a long-lived builder, makes the next call
    with nearly the same entries cheaper; the answer is the same.
    """
    stories: list[Story] = []
    by_id: dict[str, list[Entry]] = defaultdict(list)
    free: list[Entry] = []
    for entry in entries:
        if entry.story is not None:
            by_id[entry.story].append(entry)
        else:
            free.append(entry)
    for story_id, members in by_id.items():
        if len(members) > 1:
            stories.append(Story(story_id, _ordered(members)))
    if memo is None:
        pairs = [(free[i], free[j]) if free[i].order > free[j].order else (free[j], free[i])
                 for i, j in candidate_pairs(free)]
        alike: dict = {}
    else:
        pairs = memo.setdefault("slices", CandidatePairs()).pairs(tuple(free))
        alike = memo.setdefault("alike", {})
        if len(alike) > 4 * len(pairs) + 1000:  # forget pairs long gone
            alike.clear()
    for group in _groups(pairs, threshold, alike):
        members = _ordered(group)
        stories.append(Story(_auto_id(members[0]), members))
    stories.sort(key=lambda s: s.id)
    stories.sort(key=lambda s: s.lead.order[0], reverse=True)
    return tuple(stories)


def _groups(pairs: Iterable[tuple[Entry, Entry]], threshold: float, alike: dict) -> list[list[Entry]]:
    """Candidate pairs (newest first) joined into groups, strongest edges first;
    ``alike`` remembers the similarity of a pair by the two entries' identities."""
    sketches: dict[int, _Sketch] = {}

    def sim(a: Entry, b: Entry) -> float:
        key = (a.ident, b.ident) if a.ident < b.ident else (b.ident, a.ident)
        value = alike.get(key)
        if value is None:
            x = sketches.get(id(a)) or sketches.setdefault(id(a), _read(a.sketch))
            y = sketches.get(id(b)) or sketches.setdefault(id(b), _read(b.sketch))
            value = alike[key] = _similarity(x, y)
        return value

    edges = []
    for a, b in pairs:
        outlet = outlet_key(a)
        if outlet is not None and outlet == outlet_key(b):
            continue  # one outlet twice: a double ingest, not a story
        s = sim(a, b)
        if s >= threshold:
            edges.append((-s, a.source_path, b.source_path, a, b))
    edges.sort(key=lambda edge: edge[:3])
    group_of: dict[int, int] = {}  # id of an entry → the key of its group
    groups: dict[int, list[Entry]] = {}
    for _, _, _, x, y in edges:
        gi, gj = group_of.get(id(x), id(x)), group_of.get(id(y), id(y))
        if gi == gj:
            continue
        a, b = groups.get(gi, [x]), groups.get(gj, [y])
        joined = a + b
        named = [o for o in map(outlet_key, joined) if o is not None]
        if len(set(named)) != len(named):
            continue
        span = [e.order[0] for e in joined]
        if max(span) - min(span) > WINDOW:
            continue
        if any(sim(p, q) < threshold / 2 for p in a for q in b):
            continue
        keep, gone = (gi, gj) if len(a) >= len(b) else (gj, gi)
        groups[keep] = joined
        groups.pop(gone, None)
        for e in joined:
            group_of[id(e)] = keep
    return list(groups.values())


def _ordered(members: Iterable[Entry]) -> tuple[Entry, ...]:
    """The lead (a featured entry if any, else the earliest), then the rest by date."""
    rest = sorted(members, key=lambda e: e.order)
    lead = next((e for e in rest if e.featured), rest[0])
    return (lead, *(e for e in rest if e is not lead))


def _auto_id(lead: Entry) -> str:
    """A stable id from the lead: its date and slug (``2023-11-26-cec-turnout-…``)."""
    return f"{lead.date:%Y-%m-%d}-{lead.slug}"
