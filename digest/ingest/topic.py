"""Is an article about the digest's topic? A score from a vocabulary of terms.

``load_topic("elections", root)`` reads the topic's terms from the shipped
``topics.toml`` (beside ``tags.toml``), extended by the site's own
``topics.toml``; the topic's tags and their spellings in the tag vocabulary count
as strong terms too. ``Topic.score(article)`` finds the terms in the title
(counted three times) and body, word forms by prefix (``выбор*``, ``сайлау*``),
and gives a score from 0 to 1: the weighted hits per hundred words of body,
divided by ``FULL_MARKS`` (so five strong hits per hundred words, or a strong
term in the title of a short text, is 1.0), plus ``TAG_WEIGHT`` for each topic tag
the article carries.
"""
from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from digest.errors import ConfigError
from digest.ingest.article import Article
from digest.ingest.tags import load_vocabulary

log = logging.getLogger(__name__)

DEFAULT_FILE = Path(__file__).with_name("topics.toml")
SITE_FILE_NAME = "topics.toml"
STRONG, WEAK = 1.0, 0.25
TITLE_FACTOR = 3
TAG_WEIGHT = 2.0
FULL_MARKS = 5.0
"""Weighted hits per hundred words that make a score of 1."""
TOP_TERMS = 5
LANGUAGES = ("en", "ru", "kk")

_WORD = re.compile(r"[^\W\d_]+")


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded, ё read as е."""
    return _WORD.findall(text.casefold().replace("ё", "е"))


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase; a word ending in ``*`` matches every word starting with it."""

    words: tuple[str, ...]
    weight: float

    @classmethod
    def parse(cls, text: str, weight: float) -> Term:
        parts = []
        for word in text.split():
            prefix = word.endswith("*")
            found = words(word)
            if not found:
                continue
            parts.append("".join(found) + ("*" if prefix else ""))
        return cls(tuple(parts), weight)

    def matches(self, tokens: list[str], at: int) -> bool:
        if at + len(self.words) > len(tokens):
            return False
        for word, token in zip(self.words, tokens[at:at + len(self.words)]):
            if word.endswith("*"):
                if not token.startswith(word[:-1]):
                    return False
            elif token != word:
                return False
        return True


@dataclass(frozen=True, slots=True)
class TopicScore:
    """How much an article is about a topic, and which terms said so."""

    topic: str
    score: float
    terms: tuple[str, ...]
    on_topic: bool

    def to_json(self) -> dict:
        return {"name": self.topic, "score": round(self.score, 2), "terms": list(self.terms),
                "on_topic": self.on_topic}

    def describe(self) -> str:
        """``score 0.04; top terms: parliament, deputies``"""
        return f"score {self.score:.2f}; top terms: {', '.join(self.terms) or 'none'}"


@dataclass(slots=True)
class Topic:
    name: str
    threshold: float
    terms: list[Term]
    tags: frozenset[str] = frozenset()
    _by_first: dict[str, list[Term]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # index by the word's first three letters; terms with more words first
        for term in sorted(self.terms, key=lambda t: -len(t.words)):
            self._by_first.setdefault(term.words[0].rstrip("*")[:3], []).append(term)

    def _hits(self, tokens: list[str], factor: float, found: dict[str, float]) -> float:
        total = 0.0
        at = 0
        while at < len(tokens):
            for term in self._by_first.get(tokens[at][:3], ()):
                if term.matches(tokens, at):
                    weight = term.weight * factor
                    total += weight
                    form = " ".join(tokens[at:at + len(term.words)])
                    found[form] = found.get(form, 0.0) + weight
                    at += len(term.words)
                    break
            else:
                at += 1
        return total

    def score(self, article: Article) -> TopicScore:
        found: dict[str, float] = {}
        body = words(" ".join(article.body))
        hits = self._hits(words(article.title or ""), TITLE_FACTOR, found) + self._hits(body, 1.0, found)
        tagged = [t for t in article.tags if t.casefold() in self.tags]
        for tag in tagged[:2]:
            found[tag.casefold()] = found.get(tag.casefold(), 0.0) + TAG_WEIGHT
        hundreds = max(1.0, len(body) / 100)
        score = min(1.0, hits / hundreds / FULL_MARKS + TAG_WEIGHT * len(tagged[:2]) / FULL_MARKS)
        top = sorted(found, key=lambda form: (-found[form], form))[:TOP_TERMS]
        return TopicScore(self.name, score, tuple(top), score >= self.threshold)


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the topic vocabulary: {exc}", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML ({exc})", path=path) from None


def _strings(value, path: Path, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError("must be a list of strings", path=path, field=where)
    return value


_cache: dict[tuple, Topic] = {}


def load_topic(name: str, root: Path | None = None) -> Topic:
    """The topic ``name`` from the shipped vocabulary and the site's ``topics.toml``."""
    site = Path(root) / SITE_FILE_NAME if root is not None else None
    stamp = None
    if site is not None and site.is_file():
        st = site.stat()
        stamp = (str(site.resolve()), st.st_mtime_ns, st.st_size)
    key = (name, stamp, root and str(Path(root).resolve()))
    if key in _cache:
        return _cache[key]
    files = [(DEFAULT_FILE, _read(DEFAULT_FILE))]
    if stamp is not None:
        files.append((site, _read(site)))
    threshold = None
    terms: list[Term] = []
    tags: list[str] = []
    for path, data in files:
        table = data.get(name)
        if table is None:
            continue
        if not isinstance(table, dict):
            raise ConfigError("must be a table", path=path, field=name)
        if "threshold" in table:
            value = table["threshold"]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ConfigError(f"must be a number from 0 to 1, not {value!r}", path=path, field=f"{name}.threshold")
            threshold = float(value)
        tags += _strings(table.get("tags"), path, f"{name}.tags")
        for group in (table, *(table[lang] for lang in table if isinstance(table[lang], dict))):
            for kind, weight in (("strong", STRONG), ("weak", WEAK)):
                terms += [Term.parse(t, weight) for t in _strings(group.get(kind), path, f"{name}.{kind}")]
    if threshold is None and not terms:
        known = sorted(k for _, data in files for k, v in data.items() if isinstance(v, dict))
        raise ConfigError(f"unknown topic {name!r} (known: {', '.join(known)})", field="topic")
    vocabulary = load_vocabulary(root)
    tag_keys = set()
    for tag in tags:
        canonical = vocabulary.canonical(tag)
        tag_keys |= {tag.casefold(), canonical.casefold()}
        for spelling in (canonical, *vocabulary.entries.get(canonical, [])):
            terms.append(Term.parse(spelling, STRONG))
    topic = Topic(name, 0.3 if threshold is None else threshold, [t for t in terms if t.words], frozenset(tag_keys))
    _cache[key] = topic
    return topic
