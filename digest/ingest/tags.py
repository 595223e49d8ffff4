"""The tag vocabulary and the splitting of tag lines.

The shipped vocabulary is ``digest/ingest/tags.toml``; a site may add a ``tags.toml``
of its own in the site root (same format, merged over the default)::

    Majilis = ["Mazhilis", "Majlis"]
    "Central Asia" = []

A tag line comes labelled (``Tags: a, b``), as hashtags (``#a #b``) or space-joined
(``CIS Elections Majilis Elections in Kazakhstan``). A space-joined line is split at
the longest tags the vocabulary knows; words it does not know are kept: a capitalised
word opens a new tag, a lower-case word or a number continues the one before.
"""
from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from digest.errors import ConfigError

log = logging.getLogger(__name__)

DEFAULT_FILE = Path(__file__).with_name("tags.toml")
SITE_FILE_NAME = "tags.toml"

_HASHTAG = re.compile(r"#([^\s#,;]+)")
_SEPARATORS = re.compile(r"\s*(?:[,;|·•]|\s/\s)\s*")
_TRAILING = ".,;:!?)»”\"'"


def _key(text: str) -> tuple[str, ...]:
    return tuple(text.casefold().split())


@dataclass(slots=True)
class TagVocabulary:
    """Canonical tags and their other spellings."""

    entries: dict[str, list[str]] = field(default_factory=dict)
    _terms: dict[tuple[str, ...], str] = field(default_factory=dict, repr=False)
    _word_alias: dict[str, str] = field(default_factory=dict, repr=False)
    _max_words: int = field(default=1, repr=False)

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        self._word_alias = {}
        for canonical, aliases in self.entries.items():
            if len(canonical.split()) == 1:
                for alias in aliases:
                    if len(alias.split()) == 1 and alias.casefold() != canonical.casefold():
                        self._word_alias[alias.casefold()] = canonical.casefold()
        self._terms = {}
        for canonical, aliases in self.entries.items():
            for spelling in (canonical, *aliases):
                self._terms.setdefault(self._norm(_key(spelling)), canonical)
        self._max_words = max((len(k) for k in self._terms), default=1)

    def _norm(self, words: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self._word_alias.get(w, w) for w in words)

    def merged(self, other: dict[str, list[str]]) -> TagVocabulary:
        """A vocabulary with ``other``'s entries over this one's."""
        entries = {k: list(v) for k, v in self.entries.items()}
        folded = {k.casefold(): k for k in entries}
        for canonical, aliases in other.items():
            old = folded.get(canonical.casefold())
            if old is not None and old != canonical:
                entries.pop(old)
            entries[canonical] = list(aliases)
            folded[canonical.casefold()] = canonical
        return TagVocabulary(entries)

    def lookup(self, text: str) -> str | None:
        """The canonical tag ``text`` spells, or None."""
        return self._terms.get(self._norm(_key(text)))

    def canonical(self, tag: str) -> str:
        """``tag`` with a known other spelling mapped to its canonical form.

        A tag that is the canonical name in another letter case is kept as printed.
        """
        found = self.lookup(tag)
        if found is None or found.casefold() == tag.casefold():
            return tag
        return found

    def split_line(self, line: str) -> list[str]:
        """Split a space-joined tag line into tags."""
        words = line.split()
        letters = [w for w in words if w[:1].isalpha()]
        lower_style = bool(letters) and sum(w[0].islower() for w in letters) * 2 >= len(letters)
        tags: list[str] = []
        known: list[bool] = []
        i = 0
        while i < len(words):
            for n in range(min(self._max_words, len(words) - i), 0, -1):
                printed = " ".join(words[i:i + n])
                canonical = self._terms.get(self._norm(_key(printed)))
                if canonical is not None:
                    tags.append(printed if canonical.casefold() == printed.casefold() else canonical)
                    known.append(True)
                    i += n
                    break
            else:
                word = words[i]
                joins = tags and (word[0].isdigit() or (word[0].islower() and not lower_style)
                                  or (word[0].islower() and not known[-1]))
                if joins:
                    tags[-1] = f"{tags[-1]} {word}"
                else:
                    tags.append(word)
                    known.append(False)
                i += 1
        return tags

    def known_words(self, line: str) -> int:
        """How many words of ``line`` belong to tags the vocabulary knows."""
        words = line.split()
        count = i = 0
        while i < len(words):
            for n in range(min(self._max_words, len(words) - i), 0, -1):
                if self._norm(_key(" ".join(words[i:i + n]))) in self._terms:
                    count += n
                    i += n
                    break
            else:
                i += 1
        return count


def split_tags(text: str, vocabulary: TagVocabulary) -> list[str]:
    """The tags in a tag line: hashtags, a separated list or a space-joined line."""
    text = " ".join(text.split())
    if not text:
        return []
    if "#" in text:
        raw = [m.group(1) for m in _HASHTAG.finditer(text)]
    elif _SEPARATORS.search(text):
        raw = _SEPARATORS.split(text)
    else:
        raw = vocabulary.split_line(text)
        return _unique(raw)
    return _unique(vocabulary.canonical(t.strip().rstrip(_TRAILING)) for t in raw)


def _unique(tags) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            out.append(tag)
    return out


def read_vocabulary_file(path: Path) -> dict[str, list[str]]:
    """Read one ``tags.toml``; a ConfigError names the file and the bad entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the tag vocabulary: {exc}", path=path) from None
    entries: dict[str, list[str]] = {}
    for canonical, aliases in data.items():
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ConfigError("expected a list of aliases, e.g. Majilis = [\"Mazhilis\"]",
                              path=path, field=canonical)
        if not canonical.strip():
            raise ConfigError("a tag name is empty", path=path)
        entries[canonical.strip()] = [a.strip() for a in aliases if a.strip()]
    return entries


_cache: dict[tuple, TagVocabulary] = {}


def load_vocabulary(root: Path | None = None) -> TagVocabulary:
    """The shipped vocabulary, merged with ``root/tags.toml`` when the site has one."""
    site = Path(root) / SITE_FILE_NAME if root is not None else None
    stamp = None
    if site is not None and site.is_file():
        st = site.stat()
        stamp = (str(site.resolve()), st.st_mtime_ns, st.st_size)
    key = ("tags", stamp)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    vocabulary = TagVocabulary(read_vocabulary_file(DEFAULT_FILE))
    if stamp is not None:
        vocabulary = vocabulary.merged(read_vocabulary_file(site))
        log.info("tag vocabulary: added %s", site)
    _cache[key] = vocabulary
    return vocabulary
