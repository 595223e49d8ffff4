"""Read ``content/**/*.md``: YAML front matter + Markdown body → :class:`Entry`.

Every problem is a :class:`ContentError` naming the file, the line where it
can, and the field, e.g. ``content/2023/x.md:3: date: could not read …``.
"""
from __future__ import annotations

import errno
import functools
import hashlib
import logging
import os
import re
import stat
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from digest.config import SiteConfig
from digest.errors import ContentError, ContentWarning, cut_repr, quote_path
from digest.front_matter import simple_front_matter
from digest.markup import lede, render_markdown
from digest.model import Body, Entry, slugify
from digest.stories import sketch

log = logging.getLogger(__name__)

_FENCE = re.compile(r"^---[ \t]*\r?$", re.M)
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
KNOWN_FIELDS = (
    "title", "date", "tags", "source", "source_url", "dateline", "author", "lang",
    "summary", "draft", "featured", "slug", "story",
)
_TEXT_FIELDS = ("source", "dateline", "author", "summary")
# Characters XML (so every feed) cannot carry: C0 controls but tab, newline and CR; U+FFFE, U+FFFF.
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TOP_KEY = re.compile(r"^([^\s#:-][^:\n]*?)[ \t]*:", re.M)
FIRST_YEAR, LAST_YEAR = 2, 9998  # a year of margin inside Python's dates: weeks, zones and windows fit


def scan_entries(
    content_dir: Path, problems: list[ContentError] | None = None, *, root: Path | None = None
) -> list[tuple[str, str]]:
    """(path relative to the folder, full path) of every entry file below it, sorted.

    An entry file is a regular file (or a symbolic link to one) named ``*.md``;
    hidden files and folders are skipped. Anything else of that name (a named
    pipe, a socket, a device) is left out with a ContentWarning. A symbolic link
    that leads nowhere (missing target, a loop), a name that is not UTF-8 or a
    folder that cannot be read is a ContentError. With ``problems``, both are
    added to it; without, warnings are logged and the first error (in file
    order) is raised. Paths in messages are relative to ``root`` (default: the
    current folder). A file or folder that vanishes while it is scanned was
    deleted: it is left out.
    Plain strings: this runs on every rebuild, over every entry.
    """
    if not content_dir.is_dir():
        return []
    top = str(content_dir)
    cut = len(top) + 1
    base = str(root) if root is not None else os.getcwd()
    found: list[tuple[str, str]] = []
    bad: list[ContentError] = []
    folders = [top]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                items = list(listing)
        except FileNotFoundError:
            continue  # deleted while it was scanned
        except OSError as exc:
            bad.append(ContentError(f"the folder cannot be read: {exc.strerror}", path=_relative(folder, base) or folder,
                                    line=1, field="file"))
            continue
        for item in items:
            name = item.name
            if name.startswith("."):
                continue
            if item.is_dir(follow_symlinks=False):  # as os.walk: links to folders are not followed
                folders.append(item.path)
            elif name.endswith(".md"):
                # A regular file costs no system call here (the folder listing says what it is).
                rel = item.path[cut:]
                plain = item.is_file(follow_symlinks=False) and _utf8(rel)
                problem = None if plain else _not_an_entry(item.path, rel, base)
                if problem is None:
                    found.append((rel.replace(os.sep, "/"), item.path))
                elif problem.message:
                    bad.append(problem)
    found.sort()
    bad.sort(key=lambda e: e.path or "")
    if problems is not None:
        problems.extend(bad)
        return found
    for problem in bad:
        if not isinstance(problem, ContentWarning):
            raise problem
        log.warning("%s", problem)
    return found


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # os.fsdecode kept bytes that are not UTF-8 as surrogates
        return False
    return True


def _not_an_entry(full: str, rel: str, base: str) -> ContentError | None:
    """None for a readable entry file; else why not (an empty message: it was just deleted)."""
    where = _relative(full, base) or full

    def problem(message: str) -> ContentError:
        return ContentError(message, path=where, line=1, field="file")

    if not _utf8(rel):
        return problem("the file name is not UTF-8; rename the file")
    try:
        st = os.stat(full)
    except FileNotFoundError:
        if not os.path.islink(full):
            return problem("")  # deleted while the folder was scanned
        return problem(f"a symbolic link to {quote_path(os.readlink(full))}, which does not exist")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return problem("a symbolic link that leads back to itself (a loop)")
        return problem(f"cannot be read: {exc.strerror}")
    if not stat.S_ISREG(st.st_mode):
        return ContentWarning(f"skipped: {_file_kind(st.st_mode)}, not a regular file", path=where, line=1, field="file")
    return None


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a file"


def find_entries(content_dir: Path) -> list[Path]:
    """Every ``*.md`` below the folder, in a stable order; hidden files and folders skipped."""
    return [Path(full) for _, full in scan_entries(content_dir)]


def read_entry(path: Path | str, config: SiteConfig) -> Entry:
    """Parse one entry file; raise ContentError on any problem. (A build passes
    the path as a string: a ``Path`` made for each file cost 3 µs.)"""
    full = str(path)
    rel = _relative(full, str(config.content_dir)) or os.path.basename(full)
    where = _relative(full, str(config.root)) or full
    return parse_entry(read_bytes(full, where), rel=rel, shown=where, config=config)


def read_bytes(full: str, where: str) -> bytes:
    """The bytes of an entry file; a ContentError naming it (as ``where``) when it cannot be read."""
    try:  # (os.read: a Python file object costs 4 µs an entry, a fifth of reading its bytes)
        fd = os.open(full, os.O_RDONLY | _CLOEXEC)
        try:
            chunks = []
            while chunk := os.read(fd, 1 << 17):
                chunks.append(chunk)
        finally:
            os.close(fd)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except FileNotFoundError:
        raise ContentError("the file disappeared while it was being read (moved or deleted?); try again",
                           path=where, line=1, field="file") from None
    except OSError as exc:
        raise ContentError(f"cannot be read: {exc.strerror or exc}", path=where, line=1, field="file") from None


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
    control = _CONTROL.search(text)
    if control:  # feeds are XML, which cannot carry these
        line = text.count("\n", 0, control.start()) + 1
        in_body = line > fm_text.count("\n") + 2
        raise ContentError(f"holds the control character U+{ord(control.group()):04X} (column "
                           f"{control.start() - text.rfind(chr(10), 0, control.start())}); remove it",
                           path=shown, line=line, field="body" if in_body else _field_at(fm_text, line - 1))
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
    if _CONTROL.search(fm_text):
        return {}, body, fm_text  # parse_entry names the character; the YAML reader would only refuse it
    meta = simple_front_matter(fm_text)
    if meta is None:  # (PyYAML is imported where it is needed: 7 ms a process that never does)
        from digest.yaml_front_matter import read_yaml

        meta = read_yaml(fm_text, shown)
    return meta, body, fm_text


def _field_at(fm_text: str, line: int) -> str:
    """The front matter field that line ``line`` of the front matter (1 = its first) belongs to."""
    keys = list(_TOP_KEY.finditer(fm_text, 0, sum(len(x) for x in fm_text.splitlines(True)[:line])))
    return keys[-1].group(1).strip("'\"") if keys else "front matter"


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

    for name in ("title", "slug", "story", "source_url", "lang", *_TEXT_FIELDS):
        _no_control(meta.get(name), name, fail)
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
            raise fail("source_url", f"must be an http(s) URL, not {cut_repr(source_url)}")
        source_url = source_url.strip()

    lang = meta.get("lang")
    if lang is not None:
        if not isinstance(lang, str) or not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
            raise fail("lang", f"must be a language code such as en, ru or kk, not {cut_repr(lang)}")

    flags = {}
    for name in ("draft", "featured"):
        value = meta.get(name, False)
        if value is None:
            value = False
        if not isinstance(value, bool):
            raise fail(name, f"must be true or false, not {cut_repr(value)}")
        flags[name] = value

    given = meta.get("slug")
    if given is not None:
        if not isinstance(given, (str, int)) or isinstance(given, bool):
            raise fail("slug", f"must be text, not {_kind(given)}")
        slug = slugify(str(given))
        if not slug:
            raise fail("slug", f"{cut_repr(given)} has no letters or digits to make a URL from")
    else:
        slug = slugify(title) or slugify(Path(rel).stem) or "entry"

    story = meta.get("story")
    if story is not None:
        if story is False:
            story = f"own:{rel}"  # `story: false`: never grouped with another entry
        elif isinstance(story, (str, int)) and not isinstance(story, bool) and str(story).strip():
            story = str(story).strip()
        else:
            written = "true" if story is True else cut_repr(story)
            raise fail("story", f"must be a story id (text shared by the entries of one story) or false, not {written}")

    body_html = render_markdown(body, config.markdown_engine)
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
            raise fail("date", f"could not read {cut_repr(value)} as a date; write ISO 8601, e.g. 2023-03-10T14:20:00+06:00") from None
        has_time = "T" in text or " " in text or ":" in text
    else:
        raise fail("date", f"must be a date such as 2023-03-10T14:20:00+06:00, not {_kind(value)}")
    if when.tzinfo is None:
        when = when.replace(tzinfo=config.tz)
    try:
        years = (when.year, when.astimezone(timezone.utc).year, when.astimezone(config.tz).year)
    except OverflowError:
        years = (0,)
    if not all(FIRST_YEAR <= year <= LAST_YEAR for year in years):
        written = cut_repr(value)[1:-1] if isinstance(value, str) else value.isoformat()
        raise fail("date", f"{written} is out of range: "
                           f"dates go from the year {FIRST_YEAR} to {LAST_YEAR}")
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
            raise fail("tags", f"tag {i} must be text, not {_kind(tag)} {cut_repr(tag)}")
        _no_control(tag, "tags", fail)
        tag = " ".join(tag.split())
        if not tag:
            raise fail("tags", f"tag {i} is empty")
        key = slugify(tag)
        if not key:
            raise fail("tags", f"tag {cut_repr(tag)} has no letters or digits to make a URL from")
        if key not in seen:  # "Elections" and "elections!" are one tag
            seen.add(key)
            tags.append(tag)
    return tuple(tags)


def _no_control(value, name: str, fail) -> None:
    """A YAML escape (``"\\0"``, ``"\\x1b"``) can put a control character in a value."""
    found = _CONTROL.search(value) if isinstance(value, str) else None
    if found:
        raise fail(name, f"holds the control character U+{ord(found.group()):04X}; remove it")


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
