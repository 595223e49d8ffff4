"""Read ``content/**/*.md``: YAML front matter + Markdown body → :class:`Entry`.

Every problem is a :class:`ContentError` naming the file, the line where it
can, and the field, e.g. ``content/2023/x.md:3: date: could not read …``.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from digest.config import SiteConfig
from digest.errors import ContentError
from digest.markup import lede, render_markdown
from digest.model import Body, Entry, slugify
from digest.stories import sketch

try:  # the C loader is several times faster; fall back where it is missing
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _Loader(_SafeLoader):  # type: ignore[misc,valid-type]
    """Safe YAML; a timestamp that is not a real date stays text, so the
    ``date`` check can name the field and the line."""


def _timestamp(loader: _Loader, node: yaml.Node):
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

_FENCE = re.compile(r"^---[ \t]*\r?$", re.M)
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
KNOWN_FIELDS = (
    "title", "date", "tags", "source", "source_url", "dateline", "author", "lang",
    "summary", "draft", "featured", "slug", "story",
)
_TEXT_FIELDS = ("source", "dateline", "author", "summary")


def scan_entries(content_dir: Path) -> list[tuple[str, str]]:
    """(path relative to the folder, full path) of every ``*.md`` below it, sorted.

    Hidden files and folders are skipped. Plain strings: this runs on every
    rebuild, over every entry.
    """
    if not content_dir.is_dir():
        return []
    top = str(content_dir)
    cut = len(top) + 1
    found: list[tuple[str, str]] = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.endswith(".md") and not name.startswith("."):
                full = os.path.join(folder, name)
                found.append((full[cut:].replace(os.sep, "/"), full))
    found.sort()
    return found


def find_entries(content_dir: Path) -> list[Path]:
    """Every ``*.md`` below the folder, in a stable order; hidden files and folders skipped."""
    return [Path(full) for _, full in scan_entries(content_dir)]


def read_entry(path: Path, config: SiteConfig) -> Entry:
    """Parse one entry file; raise ContentError on any problem."""
    full = str(path)
    rel = _relative(full, str(config.content_dir)) or path.name
    shown = _relative(full, str(config.root)) or full
    with open(full, "rb") as fh:
        raw = fh.read()
    return parse_entry(raw, rel=rel, shown=shown, config=config)


def parse_entry(raw: bytes, *, rel: str, shown: str, config: SiteConfig) -> Entry:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
            path=shown, line=line,
        ) from None
    if not text.strip():
        raise ContentError("the file is empty; an entry needs front matter with a title and a date", path=shown)
    meta, body, fm_text = _split(text, shown)
    fingerprint = hashlib.blake2b(raw + rel.encode(), digest_size=16).hexdigest()
    return _make_entry(meta, body, fm_text, rel=rel, shown=shown, config=config, fingerprint=fingerprint)


def _split(text: str, shown: str) -> tuple[dict, str, str]:
    first = _FENCE.match(text)
    if not first:
        raise ContentError("no front matter: an entry starts with a '---' line, then YAML, then '---'", path=shown, line=1)
    close = _CLOSE.search(text, first.end())
    if not close:
        raise ContentError("front matter is not closed: add a '---' line after it", path=shown, line=1)
    fm_text = text[first.end() + 1 : close.start()]
    body = text[close.end() + 1 :]
    try:
        meta = yaml.load(fm_text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentError(f"front matter is not valid YAML: {problem}", path=shown, line=line) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentError("front matter must be a mapping of 'field: value' lines", path=shown, line=2)
    return meta, body, fm_text


def _field_line(fm_text: str, name: str) -> int | None:
    m = re.search(rf"^{re.escape(name)}[ \t]*:", fm_text, re.M)
    if not m:
        return None
    return fm_text.count("\n", 0, m.start()) + 2


def _make_entry(
    meta: dict, body: str, fm_text: str, *, rel: str, shown: str, config: SiteConfig, fingerprint: str
) -> Entry:
    def fail(name: str, message: str) -> ContentError:
        line = _field_line(fm_text, name)
        return ContentError(message, path=shown, line=line if line is not None else 1, field=name)

    title = meta.get("title")
    if title is None or (isinstance(title, str) and not title.strip()):
        raise fail("title", "missing: every entry needs a title")
    if isinstance(title, (int, float)) and not isinstance(title, bool):
        title = str(title)
    if not isinstance(title, str):
        raise fail("title", f"must be text, not {_kind(title)}")

    if "date" not in meta or meta["date"] is None:
        raise fail("date", "missing: every entry needs a date, e.g. 2023-03-10T14:20:00+06:00")
    when, has_time = _read_date(meta["date"], config, fail)

    tags = _read_tags(meta.get("tags"), fail)

    values: dict[str, str | None] = {}
    for name in _TEXT_FIELDS:
        value = meta.get(name)
        if value is not None and not isinstance(value, str):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            else:
                raise fail(name, f"must be text, not {_kind(value)}")
        values[name] = value.strip() or None if isinstance(value, str) else None

    source_url = meta.get("source_url")
    if source_url is not None:
        if not isinstance(source_url, str):
            raise fail("source_url", f"must be a URL, not {_kind(source_url)}")
        parts = urlsplit(source_url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise fail("source_url", f"must be an http(s) URL, not {source_url!r}")
        source_url = source_url.strip()

    lang = meta.get("lang")
    if lang is not None:
        if not isinstance(lang, str) or not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
            raise fail("lang", f"must be a language code such as en, ru or kk, not {lang!r}")

    flags = {}
    for name in ("draft", "featured"):
        value = meta.get(name, False)
        if value is None:
            value = False
        if not isinstance(value, bool):
            raise fail(name, f"must be true or false, not {value!r}")
        flags[name] = value

    given = meta.get("slug")
    if given is not None:
        if not isinstance(given, (str, int)) or isinstance(given, bool):
            raise fail("slug", f"must be text, not {_kind(given)}")
        slug = slugify(str(given))
        if not slug:
            raise fail("slug", f"{given!r} has no letters or digits to make a URL from")
    else:
        slug = slugify(title) or slugify(Path(rel).stem) or "entry"

    story = meta.get("story")
    if story is not None:
        if story is False:
            story = f"own:{rel}"  # `story: false`: never grouped with another entry
        elif isinstance(story, (str, int)) and not isinstance(story, bool) and str(story).strip():
            story = str(story).strip()
        else:
            written = "true" if story is True else repr(story)
            raise fail("story", f"must be a story id (text shared by the entries of one story) or false, not {written}")

    body_html = render_markdown(body)
    extra = {k: v for k, v in meta.items() if k not in KNOWN_FIELDS}
    return Entry(
        source_path=rel,
        title=title.strip(),
        date=when,
        slug=slug,
        body=Body(body_html),
        tags=tags,
        tag_slugs=tuple(slugify(t) for t in tags),
        source=values["source"],
        source_url=source_url,
        dateline=values["dateline"],
        author=values["author"],
        lang=lang.lower() if lang else None,
        summary=values["summary"],
        lede=lede(body_html),
        draft=flags["draft"],
        featured=flags["featured"],
        has_time=has_time,
        slug_given=given is not None,
        story=story,
        sketch=sketch(title, body, lang),
        extra=extra,
        digest=fingerprint,
    )


def _read_date(value, config: SiteConfig, fail) -> tuple[datetime, bool]:
    has_time = True
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime(value.year, value.month, value.day)
        has_time = False
    elif isinstance(value, str):
        text = value.strip()
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            raise fail("date", f"could not read {value!r} as a date; write ISO 8601, e.g. 2023-03-10T14:20:00+06:00") from None
        has_time = "T" in text or " " in text or ":" in text
    else:
        raise fail("date", f"must be a date such as 2023-03-10T14:20:00+06:00, not {_kind(value)}")
    if when.tzinfo is None:
        when = when.replace(tzinfo=config.tz)
    # Keep a fixed offset: entries keep the offset they were written with.
    offset = when.utcoffset()
    return when.replace(tzinfo=_fixed_zone(offset)), has_time


@functools.lru_cache(maxsize=256)
def _fixed_zone(offset) -> timezone:
    """One zone object per offset: entries share it (and the cache stores it once)."""
    return timezone(offset)


def _read_tags(value, fail) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise fail("tags", f"must be a list of tags, e.g. [Elections, CEC], not {_kind(value)}")
    tags: list[str] = []
    seen = set()
    for i, tag in enumerate(value, 1):
        if not isinstance(tag, str):
            raise fail("tags", f"tag {i} must be text, not {_kind(tag)} {tag!r}")
        tag = " ".join(tag.split())
        if not tag:
            raise fail("tags", f"tag {i} is empty")
        key = slugify(tag)
        if not key:
            raise fail("tags", f"tag {tag!r} has no letters or digits to make a URL from")
        if key not in seen:  # "Elections" and "elections!" are one tag
            seen.add(key)
            tags.append(tag)
    return tuple(tags)


def _kind(value) -> str:
    return {
        bool: "true/false", int: "a number", float: "a number", list: "a list",
        dict: "a mapping", type(None): "empty",
    }.get(type(value), type(value).__name__)


def _relative(path: str, folder: str) -> str | None:
    """``path`` below ``folder`` with ``/`` separators, or None when it is not below it.

    (Plain strings: this runs for every entry of every build.)
    """
    prefix = folder.rstrip(os.sep) + os.sep
    if not path.startswith(prefix):
        return None
    return path[len(prefix):].replace(os.sep, "/")
