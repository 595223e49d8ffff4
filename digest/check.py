"""``digest check``: lint the content without building the site.

Every entry under the content folder is read; a file that cannot be read is one
finding and the check goes on with the others. Each finding is one line,
sorted by file, then line::

    content/2023/x.md:4: warning: tags: 'Electons' is not in the vocabulary (did you mean 'Elections'?)

that is ``<path relative to the site root>:<line>: <error|warning>: <field or
topic>: <message>``. The line is the field's line in the front matter (1 when
the field is missing) or, for a link, the line of the file it is on. The
findings go to standard output, then a summary (``1 error, 3 warnings in 12
entries``, ``no problems in 20 entries``) to standard error; the exit status
is 1 when there is an error, else 0.

Errors (the build would fail, or the site would have a dead link):

* the entry cannot be read: the message ``digest build`` would give (bad YAML,
  no title, a date that is not a date…), at its line and field;
* ``slug``: two entries whose ``slug`` fields give them the same URL;
* ``link``: a link in a body to a page of the site that the site does not
  have. A link points inside the site when it is relative (``../x/``), starts
  with ``/``, or starts with the site's ``base_url``; a relative link is read
  from the entry's own page (``2023/10/13/<slug>/``). It is fine when the
  build writes that page (the same plan ``digest build`` follows: entries,
  ``tags/…``, ``archive/``, year, month and day archives, ``editions/…``,
  ``search/``, the feeds, ``sitemap.xml``, static files) or the search index
  (``pagefind/…``); ``x/``, ``x`` and ``x/index.html`` all name page ``x/``.
  A link starting with ``/`` outside the site's base path is broken too.
  Links to another host, ``mailto:`` and the like and ``#anchors`` are not
  checked; neither is anything in code.

Warnings (the entry builds, but probably not as meant):

* ``source``: no outlet; ``source_url``: no link to the original report;
* ``body``: no text;
* ``summary``: longer than 300 characters;
* an unknown front matter field (a typo, probably; the nearest known field is
  suggested). Known: the fields ``digest build`` reads, and ``ingested`` and
  ``photo_credit`` that ``digest ingest`` writes;
* ``lang``: not en, ru, kk or the site's ``language``;
* ``date``: in the future (relative to now);
* ``tags``: a tag that is not in the vocabulary (the shipped
  ``digest/ingest/tags.toml`` with its aliases, plus the site's own
  ``tags.toml``), with the nearest known tag suggested. A tag that at least two
  entries use counts as known (the digest has grown a tag of its own), unless
  it reads like a misspelling of a vocabulary tag (a ``difflib`` ratio of 0.9
  or more: ``Obsevers`` for ``Observers``, but not ``E-voting`` for ``Voting``);
* ``translation``: a string of the theme that the site's language shows in
  English (no catalog translates it: neither digest's nor the site's
  ``locales/<lang>/LC_MESSAGES/digest.po``), or a language with no catalog at all;
* ``translation_key``: two entries of one language with the same key (only the
  earlier is linked with the key's translations);
* ``duplicate``: two entries from the same outlet, at most three days apart,
  with nearly the same text, figures and names (``digest.stories.similarity``
  of 0.7 or more): probably one report ingested twice. Reported on the later
  file, naming the earlier.

Drafts are checked like the rest; only links take the site as it would be
built (drafts out, unless ``--drafts``).
"""
from __future__ import annotations

import difflib
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from posixpath import normpath
from typing import TextIO
from urllib.parse import unquote, urljoin, urlsplit

from digest import content as contentmod
from digest.config import SiteConfig
from digest.errors import ContentError, ContentWarning, cut_repr, quote_path
from digest.model import Entry

LANGUAGES = ("en", "ru", "kk")
SUMMARY_LIMIT = 300
DUPLICATE_SIMILARITY = 0.7
DUPLICATE_DAYS = 3
INGEST_FIELDS = ("ingested", "photo_credit")
OTHER_FIELDS = ("translation_key",)  # read by the theme (``entry.extra``): see ``digest.plan.translation_key``
_TAG_MATCH = 0.8  # difflib ratio from which a known tag is suggested
_MISSPELT = 0.9  # … and from which a tag several entries use still reads as a misspelling


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: where, how bad, which field or topic, what."""

    path: str  # relative to the site root when the file is below it
    line: int
    severity: str  # "error" or "warning"
    topic: str
    message: str
    column: int = 0  # orders the findings of one line; not shown

    def __str__(self) -> str:
        return f"{quote_path(self.path)}:{self.line}: {self.severity}: {self.topic}: {self.message}"

    @property
    def key(self) -> tuple:
        return (self.path, self.line, self.column, self.topic, self.message)


@dataclass(slots=True)
class _Read:
    """One entry file read for checking."""

    shown: str
    entry: Entry
    fm_text: str
    body: str
    body_line: int  # the file's line number of the body's first line


def check_site(config: SiteConfig, *, now: datetime | None = None,
               markdown: bool = False) -> tuple[list[Finding], int]:
    """(the findings, sorted by file and line; how many entry files were read);
    ``markdown``: also where the two Markdown engines render a body differently."""
    now = now or datetime.now(timezone.utc)
    findings: list[Finding] = []
    read: list[_Read] = []
    problems: list[ContentError] = []
    files = contentmod.scan_entries(config.content_dir, problems, root=config.root)
    for problem in problems:
        severity = "warning" if isinstance(problem, ContentWarning) else "error"
        findings.append(Finding(problem.path or "", problem.line or 1, severity, problem.field or "file", problem.message))
    for rel, full in files:
        shown = contentmod._relative(full, str(config.root)) or full
        try:
            raw = contentmod.read_bytes(full, shown)
            entry = contentmod.parse_entry(raw, rel=rel, shown=shown, config=config)
        except ContentError as exc:
            findings.append(Finding(exc.path or shown, exc.line or 1, "error", exc.field or "file", exc.message))
            continue
        fm_text, body, body_line = _sections(raw.decode("utf-8-sig"))
        read.append(_Read(shown, entry, fm_text, body, body_line))

    languages = set(LANGUAGES) | {code.split("-")[0].lower() for code in config.site_languages}
    for item in read:
        findings.extend(_fields(item, languages, now))
    findings.extend(_tags(read, config))
    findings.extend(_duplicates(read))
    entries, clashes = _publishable(read, config)
    findings.extend(clashes)
    findings.extend(_links(read, entries, config))
    findings.extend(_translations(config))
    findings.extend(_translation_keys(read, config))
    if markdown:
        findings.extend(_markdown(read, config))
    findings.sort(key=lambda f: f.key)
    return findings, len(files)


def run_check(config: SiteConfig, *, out: TextIO | None = None, err: TextIO | None = None,
              now: datetime | None = None, markdown: bool = False) -> int:
    """Print the findings on ``out`` (stdout), one a line, and a summary on ``err`` (stderr).

    The summary is ``2 errors, 3 warnings in 20 entries`` or ``no problems in
    20 entries``. Returns the exit status: 1 when there is an error, else 0.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    findings, count = check_site(config, now=now, markdown=markdown)
    for finding in findings:
        print(finding, file=out)
    print(summary(findings, count), file=err)
    return 1 if any(f.severity == "error" for f in findings) else 0


def summary(findings: list[Finding], count: int) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    where = f"in {count} {'entry' if count == 1 else 'entries'}"
    if not findings:
        return f"no problems {where}"
    parts = []
    if errors:
        parts.append(f"{errors} {'error' if errors == 1 else 'errors'}")
    if warnings:
        parts.append(f"{warnings} {'warning' if warnings == 1 else 'warnings'}")
    return f"{', '.join(parts)} {where}"


def _sections(text: str) -> tuple[str, str, int]:
    """(front matter text, body, the line the body starts on) of a file that parsed."""
    first = contentmod._FENCE.match(text)
    close = contentmod._CLOSE.search(text, first.end())  # type: ignore[union-attr]
    fm_text = text[first.end() + 1 : close.start()]  # type: ignore[union-attr]
    body_start = close.end() + 1  # type: ignore[union-attr]
    return fm_text, text[body_start:], text.count("\n", 0, body_start) + 1


def _line(item: _Read, name: str) -> int:
    return contentmod._field_line(item.fm_text, name) or 1


# ------------------------------------------------------------ one entry's fields

def _fields(item: _Read, languages: set[str], now: datetime) -> Iterable[Finding]:
    entry, shown = item.entry, item.shown

    def warn(name: str, message: str, line: int | None = None) -> Finding:
        return Finding(shown, line or _line(item, name), "warning", name, message)

    if not entry.source:
        yield warn("source", "missing: name the outlet that published the report")
    if not entry.source_url:
        yield warn("source_url", "missing: add the address of the original report")
    if not item.body.strip():
        yield warn("body", "empty: the entry has a title but no text", item.body_line)
    if entry.summary and len(entry.summary) > SUMMARY_LIMIT:
        yield warn("summary", f"is {len(entry.summary)} characters long; keep it under {SUMMARY_LIMIT} "
                              "(lists and feeds show it)")
    known = (*contentmod.KNOWN_FIELDS, *INGEST_FIELDS, *OTHER_FIELDS)
    for name in entry.extra:
        if name in INGEST_FIELDS or name in OTHER_FIELDS:
            continue
        near = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
        hint = f" (did you mean '{near[0]}'?)" if near else "; digest does not use it"
        topic = str(name) if len(str(name)) <= 60 and str(name).isprintable() else cut_repr(str(name))
        yield Finding(shown, _line(item, str(name)), "warning", topic, f"unknown field{hint}")
    if entry.lang and entry.lang.split("-")[0] not in languages:
        listed = ", ".join([*LANGUAGES, *sorted(languages - set(LANGUAGES))])
        yield warn("lang", f"{cut_repr(entry.lang)} is not one of the digest's languages ({listed})")
    if entry.date > now:
        yield warn("date", f"{entry.date.isoformat()} is in the future")


# ------------------------------------------------------------ translations

def _translations(config: SiteConfig) -> Iterable[Finding]:
    """The theme's strings each language of the site shows in English (see ``digest.i18n``)."""
    from digest.i18n import untranslated

    for path, line, message in untranslated(config.site_languages, config.locales_dir, config.root):
        yield Finding(path, line, "warning", "translation", message)


def _translation_keys(read: list[_Read], config: SiteConfig) -> Iterable[Finding]:
    """A ``translation_key`` that two entries of one language share: only one
    of them can be the page's translation (the earliest is taken)."""
    from digest.collect import language_of
    from digest.plan import translation_key

    languages = config.site_languages
    seen: dict[tuple[str, str], _Read] = {}
    for item in sorted(read, key=lambda r: r.entry.order):
        key = translation_key(item.entry)
        if not key:
            continue
        lang = language_of(item.entry, languages)
        first = seen.setdefault((key, lang), item)
        if first is not item:
            yield Finding(item.shown, _line(item, "translation_key"), "warning", "translation_key",
                          f"'{key}' is also the key of {first.shown} in the same language ({lang}); "
                          "only the earlier one is linked as its translation")


# ------------------------------------------------------------ tags

def _tags(read: list[_Read], config: SiteConfig) -> Iterable[Finding]:
    from digest.ingest.tags import load_vocabulary

    vocabulary = load_vocabulary(config.root)
    spellings: dict[str, str] = {}  # folded spelling → canonical name
    for canonical, aliases in vocabulary.entries.items():
        for spelling in (canonical, *aliases):
            spellings.setdefault(spelling.casefold(), canonical)
    names = list(spellings)

    nearest: dict[tuple[str, float], str | None] = {}

    def near(tag: str, cutoff: float = _TAG_MATCH) -> str | None:
        key = (tag.casefold(), cutoff)
        if key not in nearest:
            found = difflib.get_close_matches(key[0], names, n=1, cutoff=cutoff)
            nearest[key] = spellings[found[0]] if found else None
        return nearest[key]

    uses = Counter(slug for item in read for slug in item.entry.tag_slugs)
    house: dict[str, str] = {}  # the digest's own tags: used twice or more, no misspelling
    for item in read:
        for tag, slug in zip(item.entry.tags, item.entry.tag_slugs):
            if uses[slug] > 1 and vocabulary.lookup(tag) is None and near(tag, _MISSPELT) is None:
                house.setdefault(tag.casefold(), tag)
    for item in read:
        for tag, slug in zip(item.entry.tags, item.entry.tag_slugs):
            if vocabulary.lookup(tag) is not None or tag.casefold() in house:
                continue
            guess = near(tag)
            if guess is None:
                others = difflib.get_close_matches(tag.casefold(), list(house), n=1, cutoff=_TAG_MATCH)
                guess = house[others[0]] if others else None
            hint = f"did you mean '{guess}'?" if guess else "add it to tags.toml if it is meant"
            yield Finding(item.shown, _tag_line(item, tag), "warning", "tags",
                          f"{cut_repr(tag)} is not in the vocabulary ({hint})")


def _tag_line(item: _Read, tag: str) -> int:
    """The line of the tag in the front matter: on the ``tags:`` line or a ``- tag`` line below it."""
    start = contentmod._field_line(item.fm_text, "tags")
    if start is None:
        return 1
    lines = item.fm_text.split("\n")
    for n in range(start - 2, len(lines)):
        text = lines[n]
        if n > start - 2 and text and not text[0].isspace() and not text.startswith("-"):
            break
        if tag in text:
            return n + 2
    return start


# ------------------------------------------------------------ double ingests

def _duplicates(read: list[_Read]) -> Iterable[Finding]:
    from digest.stories import candidate_pairs, outlet_key, similarity

    entries = [item.entry for item in read]
    for i, j in sorted(candidate_pairs(entries, window=DUPLICATE_DAYS * 86400)):
        a, b = entries[i], entries[j]
        outlet = outlet_key(a)
        if outlet is None or outlet != outlet_key(b):
            continue
        alike = similarity(a, b)
        if alike < DUPLICATE_SIMILARITY:
            continue
        earlier, later = (read[i], read[j]) if a.order <= b.order else (read[j], read[i])
        yield Finding(later.shown, 1, "warning", "duplicate",
                      f"probably the same report as {earlier.shown} ({earlier.entry.source}, "
                      f"{round(alike * 100)}% alike): ingested twice?")


# ------------------------------------------------------------ links

_CODE_BLOCK = re.compile(r"^([ \t]*)(```|~~~).*?^\1\2[ \t]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_LINKS = re.compile(
    r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)"  # [text](target "title")
    r"|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)>?"  # [id]: target
    r"|\b(?:href|src)\s*=\s*[\"']([^\"']*)[\"']"  # <a href="…">
    r"|<((?:https?:)?//[^>\s]+)>",  # <https://…>
    re.M | re.I,
)


def _blank(m: re.Match) -> str:
    """Code replaced by blanks of the same lines, so line numbers stay right."""
    return re.sub(r"[^\n]", " ", m.group())


def links(body: str) -> Iterable[tuple[int, int, str]]:
    """(line in the body and column, both from 0; target) of each link outside code."""
    if not any(mark in body for mark in ("](", "]:", "<", "=")):
        return
    text = body
    if "`" in text or "~~~" in text:
        text = _CODE_SPAN.sub(_blank, _CODE_BLOCK.sub(_blank, text))
    for m in _LINKS.finditer(text):
        target = next(g for g in m.groups() if g is not None)
        start = m.start()
        yield text.count("\n", 0, start), start - (text.rfind("\n", 0, start) + 1), target


def _links(read: list[_Read], entries: list[Entry], config: SiteConfig) -> Iterable[Finding]:
    pages, page_of = _pages(entries, config)
    base = urlsplit(config.base_url)
    base_path = config.base_path
    for item in read:
        own = page_of.get(item.entry.source_path, item.entry.url)
        for offset, column, target in links(item.body):
            problem = _broken(target, own, pages, base, base_path, config.search)
            if problem:
                yield Finding(item.shown, item.body_line + offset, "error", "link", problem, column)


def _publishable(read: list[_Read], config: SiteConfig) -> tuple[list[Entry], list[Finding]]:
    """The entries the site would have; an error for each slug that takes another's URL."""
    chosen = [item for item in read if config.drafts or not item.entry.draft]
    by_url: dict[str, list[_Read]] = defaultdict(list)
    for item in chosen:
        if item.entry.slug_given:
            by_url[item.entry.url].append(item)
    clashes: list[Finding] = []
    dropped: set[str] = set()
    for url, group in by_url.items():
        group.sort(key=lambda item: item.entry.order)
        for item in group[1:]:
            dropped.add(item.entry.source_path)
            clashes.append(Finding(item.shown, _line(item, "slug"), "error", "slug",
                                   f"gives the URL /{url} that {group[0].shown} has too; change one of them"))
    return [item.entry for item in chosen if item.entry.source_path not in dropped], clashes


def _pages(entries: list[Entry], config: SiteConfig) -> tuple[set[str], dict[str, str]]:
    """Every file the build would write (paths below the site root), and each entry's page."""
    from digest.build import static_specs
    from digest.collect import collect
    from digest.plan import plan_site

    site = collect(entries, include_drafts=config.drafts, tz=config.tz, story_threshold=config.story_threshold)
    pages = {spec.path for spec in plan_site(site, config)}
    pages.update(spec.path for spec in static_specs(config))
    return pages, {e.source_path: e.url for e in site.entries}


def _broken(target: str, own: str, pages: set[str], base, base_path: str, search: bool) -> str | None:
    """Why a link to ``target`` from page ``own`` is broken, or None when it is fine or not ours."""
    target = target.strip()
    if not target or target.startswith("#"):
        return None
    parts = urlsplit(target)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None  # mailto:, tel:, …
    if parts.netloc:
        if parts.netloc.lower() != base.netloc.lower():
            return None  # another site
        path = parts.path or "/"
    elif parts.path.startswith("/"):
        path = parts.path
    elif parts.path:
        path = urljoin(base_path + own, parts.path)
    else:
        return None  # ?query only
    path = unquote(path)
    if not (path + "/").startswith(base_path):
        return f"broken link to {target} (outside the site, whose pages are under {base_path})"
    rel = normpath(path[len(base_path):]) if len(path) > len(base_path) else ""
    rel = "" if rel == "." else rel.lstrip("/")
    if rel.startswith(".."):
        return f"broken link to {target} (outside the site, whose pages are under {base_path})"
    if _exists(rel, pages) or (search and (rel == "pagefind" or rel.startswith("pagefind/"))):
        return None
    return f"broken link to {target} (no such page in the site)"


def _exists(rel: str, pages: set[str]) -> bool:
    if rel in pages:
        return True
    folder = rel.rstrip("/")
    return (folder + "/index.html" if folder else "index.html") in pages


# ------------------------------------------------------------ Markdown the two engines render differently

def _markdown(read: list[_Read], config: SiteConfig) -> Iterable[Finding]:
    from digest.markdown_differences import find
    from digest.markdown_engines import ENGINES

    def said(engine: str, what: str) -> str:
        return f"with {engine}{' (this digest' + chr(39) + 's engine)' if engine == config.markdown_engine else ''}, {what}"

    for item in read:
        for offset, d in find(item.body):
            yield Finding(item.shown, item.body_line + offset, "warning", "markdown",
                          f"{d.construct}: {said(ENGINES[0], d.python_markdown)}; {said(ENGINES[1], d.cmarkgfm)} "
                          f"({d.advice})")
