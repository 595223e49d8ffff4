"""Article → entry file under ``content/YYYY/MM/<slug>.md``; never lose or clobber one.

Every entry written by ingest carries, in its front matter, an ``ingested``
mapping: the source file name, the article's identity (``id``) and the sha256
of the generated file (computed with the sha256 value itself zeroed). So:

* the same article again (same ``source_url``, else same outlet + title +
  published time) is found, whatever its file is called now;
* an entry whose text no longer matches its sha256 was edited by someone, and is
  left alone unless ``force``;
* a hand-written entry for the same article (no ``ingested`` mapping) is an
  editor's work too, and is left alone unless ``force``;
* a different article whose slug is taken gets ``<slug>-2``, ``-3``…

Files are written to a hidden temporary file in the same folder, then moved
into place (``os.link`` for a new file, so a file created meanwhile is never
overwritten; ``os.replace`` for an update). Nothing half-written is left behind.
"""
from __future__ import annotations

import enum
import hashlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit, urlunsplit

import yaml

from digest.errors import DigestError, IngestError
from digest.ingest.article import Article
from digest.model import MAX_SLUG, slugify

try:  # libyaml is several times faster; the pure-Python classes give the same text
    from yaml import CSafeDumper as _Dumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

log = logging.getLogger(__name__)

HASH_PLACEHOLDER = "0" * 64
TEMP_SUFFIX = ".tmp"


class Status(str, enum.Enum):
    """What ingest did with one page."""

    WRITTEN = "written"  # a new entry file
    UPDATED = "updated"  # its own, unedited entry regenerated with new content
    UNCHANGED = "unchanged"  # already ingested, nothing new
    OVERWRITTEN = "overwritten"  # an edited (or hand-written) entry replaced: --force
    KEPT = "kept"  # an edited (or hand-written) entry left alone
    DUPLICATE = "duplicate"  # the same article was already ingested from another file
    SKIPPED = "skipped"  # parsed, but cannot become an entry (no date, no title…)
    FAILED = "failed"  # cannot be read or parsed

    @property
    def is_problem(self) -> bool:
        """A page that produced no entry through no fault of the content folder."""
        return self in (Status.SKIPPED, Status.FAILED)


@dataclass(slots=True)
class Outcome:
    """One row of the ingest report."""

    source: str
    status: Status
    path: Path | None = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    title: str | None = None


# ---------------------------------------------------------------- Markdown body

_INLINE = re.compile(r"[\\`*_\[\]{}]")
_ENTITY = re.compile(r"&(?=[#A-Za-z])")  # anything a browser might read as a reference
_ORDERED = re.compile(r"^(\d+)([.)])(?=\s|$)")
_BULLET = re.compile(r"^([-+])(?=\s|$)")
_RULE = re.compile(r"^[-=_*](?:\s*[-=_*]){2,}\s*$")
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_BLANKS = re.compile(r"[ \t]+")


def clean_text(text: str) -> str:
    """One line of text: control characters dropped, line breaks and runs of
    spaces or tabs made single spaces, ends stripped. Everything else (NBSP
    included) is kept."""
    text = _CONTROLS.sub("", text)
    text = _LINE_BREAKS.sub(" ", text)
    return _BLANKS.sub(" ", text).strip()


def escape_paragraph(text: str) -> str:
    """A plain-text paragraph as one Markdown line that renders as the same text.

    Escapes only what Markdown would take for markup: emphasis, code, links and
    backslashes anywhere; ``<`` (raw HTML) and character references; and at the
    start of the line, headings (``#``), quotes (``>``), list markers (``1.``,
    ``-``) and rules (``---``).
    """
    text = clean_text(text)
    text = _INLINE.sub(lambda m: "\\" + m.group(0), text)
    text = _ENTITY.sub("&amp;", text)
    text = text.replace("<", "&lt;")
    if _RULE.match(text):
        return "\\" + text if text[0] != "=" else "&#61;" + text[1:]
    if text.startswith(("#", ">")):
        return "\\" + text
    if text.startswith((":", "~")):
        return f"&#{ord(text[0])};" + text[1:]
    text = _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)
    return _BULLET.sub(lambda m: "\\" + m.group(1), text, count=1)


def markdown_body(paragraphs: Iterable[str]) -> str:
    """Paragraphs → a Markdown body, a blank line between paragraphs."""
    escaped = [escape_paragraph(p) for p in paragraphs]
    return "\n\n".join(p for p in escaped if p) + "\n"


# ---------------------------------------------------------------- front matter


class _EntryDumper(_Dumper):
    """SafeDumper writing dates as ISO 8601 (``2023-03-10T14:20:00+06:00``)."""


def _represent_datetime(dumper: _Dumper, value: datetime) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


def _represent_date(dumper: _Dumper, value: date) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_EntryDumper.add_representer(datetime, _represent_datetime)
_EntryDumper.add_representer(date, _represent_date)


def dump_front_matter(meta: dict[str, Any]) -> str:
    """YAML for the front matter (safe types only; keys in the given order)."""
    return yaml.dump(
        meta,
        Dumper=_EntryDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=1 << 30,
    )


_FENCE = re.compile(r"^---[ \t]*\r?$", re.M)
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)


def split_entry(text: str) -> tuple[str, str] | None:
    """(front matter YAML, body) of an entry's text, or None if it has none."""
    text = text.removeprefix("\ufeff")
    first = _FENCE.match(text)
    if not first:
        return None
    close = _CLOSE.search(text, first.end())
    if not close:
        return None
    return text[first.end() + 1 : close.start()], text[close.end() + 1 :]


def read_front_matter(text: str) -> dict[str, Any] | None:
    """The front matter of an entry's text as a mapping, or None if unreadable."""
    parts = split_entry(text)
    if parts is None:
        return None
    try:
        meta = yaml.load(parts[0], Loader=_Loader)
    except yaml.YAMLError:
        return None
    return meta if isinstance(meta, dict) else None


def text_sha256(text: str, recorded: str = HASH_PLACEHOLDER) -> str:
    """sha256 of an entry's text with its recorded sha256 zeroed."""
    parts = split_entry(text)
    if parts is not None and recorded != HASH_PLACEHOLDER:
        front = text.removeprefix("\ufeff")
        at = front.rfind(recorded, 0, len(parts[0]) + 8)
        if at >= 0:
            text = front[:at] + HASH_PLACEHOLDER + front[at + len(recorded) :]
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_pristine(text: str, meta: dict[str, Any] | None = None) -> bool:
    """True when an ingested entry's text still matches its recorded sha256."""
    meta = read_front_matter(text) if meta is None else meta
    stamp = (meta or {}).get("ingested")
    if not isinstance(stamp, dict):
        return False
    recorded = stamp.get("sha256")
    if not isinstance(recorded, str) or not re.fullmatch(r"[0-9a-f]{64}", recorded):
        return False
    return text_sha256(text, recorded) == recorded


# ---------------------------------------------------------------- identity


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def normalize_url(url: str) -> str:
    """A URL compared loosely: scheme and host in lower case, no fragment,
    no ``www.``, no trailing slash."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    return urlunsplit(("", host, path, parts.query, ""))


def _local_stamp(value: Any) -> str | None:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` as printed (offset dropped)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        parsed = _parse_when(value)
        return _local_stamp(parsed) if parsed is not None else None
    return None


def identity_keys(
    *, source_url: Any = None, outlet: Any = None, title: Any = None, when: Any = None
) -> list[str]:
    """Keys naming "the same article": its URL, and outlet + title + local time."""
    keys = []
    if isinstance(source_url, str) and source_url.strip():
        keys.append("url " + normalize_url(source_url))
    stamp = _local_stamp(when)
    if isinstance(title, str) and title.strip() and stamp:
        outlet_text = outlet if isinstance(outlet, str) else ""
        keys.append(f"article {_norm(outlet_text)}|{_norm(title)}|{stamp}")
    return keys


def article_id(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- slugs


def _slug_candidate(base: str, n: int) -> str:
    if n == 1:
        return base
    suffix = f"-{n}"
    stem = base[: MAX_SLUG - len(suffix)].rstrip("-")
    candidate = f"{stem}{suffix}"
    while slugify(candidate) != candidate and stem:
        stem = stem[:-1].rstrip("-")
        candidate = f"{stem}{suffix}"
    return candidate


def free_slugs(index: ContentIndex, folder: Path, when: datetime | date, base: str) -> Iterator[tuple[str, Path]]:
    """(slug, file) pairs for a new entry dated ``when`` in ``folder``, free in
    the index and on disk, in order: ``base``, ``base-2``, ``base-3``…

    Free means no file of that name and no entry at that URL (the same day and
    slug). The caller still creates the file with :func:`create_new`, which
    fails if it appeared meanwhile, and then takes the next pair.
    """
    day = when.strftime("%Y/%m/%d")
    for n in range(1, 10_000):
        slug = _slug_candidate(base, n)
        path = folder / f"{slug}.md"
        if path in index.claimed or f"{day}/{slug}" in index.urls or path.exists():
            continue
        yield slug, path
    raise IngestError(f"no free file name for the slug {base!r}")


# ---------------------------------------------------------------- dates


def _parse_when(text: str) -> datetime | date | None:
    text = text.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _day(value: Any) -> str | None:
    if isinstance(value, str):
        value = _parse_when(value)
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y/%m/%d")
    return None


# ---------------------------------------------------------------- the content index


@dataclass(slots=True)
class ExistingEntry:
    path: Path
    text: str
    meta: dict[str, Any] | None

    @property
    def stamp(self) -> dict[str, Any] | None:
        stamp = (self.meta or {}).get("ingested")
        return stamp if isinstance(stamp, dict) else None

    @property
    def url_slug(self) -> str | None:
        meta = self.meta or {}
        given = meta.get("slug")
        if isinstance(given, (str, int)) and not isinstance(given, bool):
            return slugify(str(given)) or None
        title = meta.get("title")
        return (slugify(title) if isinstance(title, str) else "") or slugify(self.path.stem) or "entry"


@dataclass(slots=True)
class ContentIndex:
    """What is already in the content folder: articles by identity, taken URLs."""

    content_dir: Path
    by_key: dict[str, Path] = field(default_factory=dict)
    urls: set[str] = field(default_factory=set)
    claimed: set[Path] = field(default_factory=set)
    planned: dict[Path, ExistingEntry] = field(default_factory=dict)
    """Entries a dry run would have written, by path."""

    @classmethod
    def scan(cls, content_dir: Path) -> ContentIndex:
        index = cls(content_dir)
        if content_dir.is_dir():
            for path in sorted(content_dir.rglob("*.md")):
                rel = path.relative_to(content_dir)
                if any(part.startswith(".") for part in rel.parts) or not path.is_file():
                    continue
                entry = load_existing(path)
                if entry is not None:
                    index.add(entry)
        return index

    def add(self, entry: ExistingEntry) -> None:
        self.claimed.add(entry.path)
        meta = entry.meta or {}
        keys: list[str] = []
        stamp = entry.stamp
        if stamp and isinstance(stamp.get("id"), str):
            keys.append("id " + stamp["id"])
        for key in identity_keys(
            source_url=meta.get("source_url"),
            outlet=meta.get("source"),
            title=meta.get("title"),
            when=meta.get("date"),
        ):
            keys.append("id " + article_id(key))
        for key in keys:
            self.by_key.setdefault(key, entry.path)
        day = _day(meta.get("date"))
        slug = entry.url_slug
        if day and slug:
            self.urls.add(f"{day}/{slug}")

    def find(self, ids: Iterable[str]) -> Path | None:
        for one in ids:
            path = self.by_key.get("id " + one)
            if path is not None:
                return path
        return None


def load_existing(path: Path) -> ExistingEntry | None:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("%s: cannot read (%s); its slug stays taken", path, exc)
        return ExistingEntry(path, "", None)
    return ExistingEntry(path, text, read_front_matter(text))


# ---------------------------------------------------------------- rendering


@dataclass(slots=True)
class Draft:
    """An article made ready to become an entry (before a path is chosen)."""

    meta: dict[str, Any]
    body: str
    when: datetime | date
    title_slug: str
    ids: list[str]
    warnings: list[str]


_LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def prepare(article: Article, *, draft: bool = False) -> Draft | Outcome:
    """Check an article can become an entry; an Outcome (skipped) when not."""
    warnings = list(article.warnings)
    source = article.source

    def skip(reason: str) -> Outcome:
        return Outcome(source, Status.SKIPPED, reason=reason, warnings=warnings, title=title or None)

    title = clean_text(article.title or "")
    paragraphs = [clean_text(p) for p in article.body]
    paragraphs = [p for p in paragraphs if p]
    if not title:
        return skip("no title found: an entry needs a title")
    if not slugify(title):
        return skip(f"the title {title!r} has no letters or digits to make a URL from")
    if not paragraphs:
        return skip("no article text found")

    when: datetime | date | None = None
    if article.published:
        when = _parse_when(article.published)
        if when is None:
            warnings.append(f"could not read the published date {article.published!r}")
    if when is None and article.crawl_date:
        crawl = _parse_when(article.crawl_date)
        if isinstance(crawl, datetime):
            crawl = crawl.date()
        if crawl is not None:
            when = crawl
            warnings.append(f"no publication date: dated by the crawl date {crawl.isoformat()}")
    if when is None:
        return skip("no date found (neither a publication date nor a crawl date)")

    tags: list[str] = []
    seen: set[str] = set()
    for tag in article.tags:
        tag = clean_text(tag)
        if not tag or not slugify(tag):
            if tag:
                warnings.append(f"tag {tag!r} left out: no letters or digits")
            continue
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)

    outlet = clean_text(article.outlet or "") or None
    meta: dict[str, Any] = {
        "title": title,
        "date": when,
        "tags": tags,
        "source": outlet,
    }
    url = clean_text(article.source_url or "")
    if url:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            meta["source_url"] = url
        else:
            warnings.append(f"source URL {url!r} left out: not an http(s) URL")
            url = ""
    meta["dateline"] = clean_text(article.dateline or "") or None
    meta["author"] = clean_text(article.author or "") or None
    lang = clean_text(article.language or "")
    meta["lang"] = lang.lower() if _LANG.fullmatch(lang) else None
    credit = clean_text(article.photo_credit or "")
    if credit:
        meta["photo_credit"] = credit
    if draft:
        meta["draft"] = True

    keys = identity_keys(source_url=url or None, outlet=outlet, title=title, when=when)
    return Draft(
        meta=meta,
        body=article.markdown if article.markdown else markdown_body(paragraphs),
        when=when,
        title_slug=slugify(title),
        ids=[article_id(key) for key in keys],
        warnings=warnings,
    )


def render(draft: Draft, *, slug: str, source_name: str) -> str:
    """The entry's full text for a chosen slug, its sha256 filled in."""
    meta = dict(draft.meta)
    if slug != draft.title_slug:
        meta["slug"] = slug
    meta["ingested"] = {"file": source_name, "id": draft.ids[-1], "sha256": HASH_PLACEHOLDER}
    front = dump_front_matter(meta)
    text = f"---\n{front}---\n{draft.body}"
    digest = text_sha256(text)
    at = text.rfind(HASH_PLACEHOLDER, 0, len(front) + 4)
    return text[:at] + digest + text[at + len(HASH_PLACEHOLDER) :]


def check_round_trip(text: str, draft: Draft, slug: str) -> dict:
    """The written front matter must read back with the same values; returns it, as read."""
    meta = read_front_matter(text)
    expected = dict(draft.meta)
    if slug != draft.title_slug:
        expected["slug"] = slug
    if meta is None or {k: v for k, v in meta.items() if k != "ingested"} != expected:
        raise IngestError("internal error: the entry's front matter does not read back the same")
    if not is_pristine(text, meta):
        raise IngestError("internal error: the entry's sha256 does not match its text")
    return meta


# ---------------------------------------------------------------- atomic files


def _temp_file(folder: Path, text: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=".ingest-", suffix=TEMP_SUFFIX, dir=folder)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, 0o644 & ~_umask())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def create_new(path: Path, text: str) -> bool:
    """Write a new file atomically; False (and nothing written) if it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_file(path.parent, text)
    try:
        try:
            os.link(temp, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            if path.exists():
                return False
            os.replace(temp, path)
        return True
    finally:
        temp.unlink(missing_ok=True)


def replace_file(path: Path, text: str) -> None:
    """Replace a file's content atomically."""
    temp = _temp_file(path.parent, text)
    try:
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


# ---------------------------------------------------------------- the writer


@dataclass
class EntryWriter:
    """Turns articles into entry files under ``content_dir``.

    ``validate`` is called with each entry's text and path before it is written
    (e.g. the build's own entry reader); it raises DigestError to refuse it.
    """

    content_dir: Path
    dry_run: bool = False
    draft: bool = False
    force: bool = False
    validate: Any = None
    index: ContentIndex | None = None

    def __post_init__(self) -> None:
        self.content_dir = Path(self.content_dir)
        if self.index is None:
            self.index = ContentIndex.scan(self.content_dir)

    def ingest(self, article: Article) -> Outcome:
        """Write (or not) the entry for one parsed article, and say what happened."""
        if article.error:
            return Outcome(article.source, Status.FAILED, reason=article.error,
                           warnings=list(article.warnings), title=article.title)
        prepared = prepare(article, draft=self.draft)
        if isinstance(prepared, Outcome):
            return prepared
        try:
            return self._place(article, prepared)
        except DigestError as exc:
            return Outcome(article.source, Status.FAILED, reason=exc.message,
                           warnings=prepared.warnings, title=prepared.meta["title"])
        except OSError as exc:
            return Outcome(article.source, Status.FAILED,
                           reason=f"cannot write the entry: {exc.strerror or exc}",
                           warnings=prepared.warnings, title=prepared.meta["title"])

    # -- internals

    def _place(self, article: Article, draft: Draft) -> Outcome:
        assert self.index is not None
        source_name = Path(article.source).name
        title = draft.meta["title"]

        def outcome(status: Status, path: Path | None, reason: str) -> Outcome:
            return Outcome(article.source, status, path, reason, draft.warnings, title)

        existing_path = self.index.find(draft.ids)
        if existing_path is not None:
            return self._update(existing_path, draft, source_name, outcome)

        folder = self.content_dir / draft.when.strftime("%Y") / draft.when.strftime("%m")
        base = draft.title_slug
        for slug, path in free_slugs(self.index, folder, draft.when, base):
            text = render(draft, slug=slug, source_name=source_name)
            meta = self._check(text, draft, slug, path)
            if not self.dry_run and not create_new(path, text):
                continue  # created meanwhile by someone else: try the next name
            self._remember(ExistingEntry(path, text, meta))
            reason = "new entry" if slug == base else f"new entry (the slug {base!r} was taken)"
            return outcome(Status.WRITTEN, path, reason)
        raise AssertionError("unreachable: free_slugs raises when it runs out")

    def _update(self, path: Path, draft: Draft, source_name: str, outcome) -> Outcome:
        entry = self.index.planned.get(path) or load_existing(path)
        assert entry is not None
        meta = entry.meta or {}
        stamp = entry.stamp
        kept_slug = entry.url_slug or draft.title_slug
        text = render(draft, slug=kept_slug, source_name=source_name)
        if entry.text == text:
            return outcome(Status.UNCHANGED, path, "already ingested; nothing new")
        pristine = is_pristine(entry.text, meta)
        if stamp is None:
            why = "an entry for this article was written by hand"
        elif not pristine:
            why = "the entry was edited since it was ingested"
        elif stamp.get("file") != source_name:
            why = f"the same article was already ingested from {stamp.get('file')}"
        else:
            why = ""
        if why and not self.force:
            status = Status.DUPLICATE if stamp is not None and pristine else Status.KEPT
            return outcome(status, path, f"{why}: left alone (use --force to overwrite)")
        written = self._check(text, draft, kept_slug, path)
        if not self.dry_run:
            current = path.read_bytes().decode("utf-8-sig", errors="replace")
            if current != entry.text:
                return outcome(Status.KEPT, path, "the entry changed while ingesting: left alone")
            replace_file(path, text)
        self._remember(ExistingEntry(path, text, written))
        if why:
            return outcome(Status.OVERWRITTEN, path, f"{why}: overwritten (--force)")
        return outcome(Status.UPDATED, path, "re-ingested: the entry was regenerated")

    def _remember(self, entry: ExistingEntry) -> None:
        assert self.index is not None
        self.index.add(entry)
        if self.dry_run:
            self.index.planned[entry.path] = entry

    def _check(self, text: str, draft: Draft, slug: str, path: Path) -> dict:
        """The entry's front matter as read back (the text refused if it does not read back
        the same, or if ``validate`` refuses it)."""
        meta = check_round_trip(text, draft, slug)
        if self.validate is not None:
            self.validate(text, path)
        return meta
