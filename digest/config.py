"""Site configuration: ``digest.toml`` in the site root; every key has a default."""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest.errors import ConfigError

CONFIG_NAME = "digest.toml"
FEED_CONTENT = ("full", "summary")


@dataclass(frozen=True)
class SiteConfig:
    """Everything a build needs to know; paths are absolute."""

    root: Path
    title: str = "Election News Digest"
    description: str = "A curated digest of election news."
    base_url: str = "http://localhost:8000/"
    timezone: str = "UTC"
    language: str = "en"
    languages: tuple[str, ...] = ()  # a multilingual site's languages, the default first
    per_page: int = 20
    feed_limit: int = 20
    feed_content: str = "full"
    content_dir: Path = field(default=Path("content"))
    output_dir: Path = field(default=Path("site"))
    templates_dir: Path = field(default=Path("templates"))
    static_dir: Path = field(default=Path("static"))
    cache_dir: Path = field(default=Path(".digest-cache"))
    story_threshold: float = 0.5
    search: bool = True
    topic: str | None = None
    """``digest ingest`` keeps only pages about this topic (``topics.toml``), e.g. ``elections``."""
    markdown_engine: str = "python-markdown"
    drafts: bool = False
    config_file: Path | None = None

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.timezone)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under: ``/`` or ``/digest/``."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def site_languages(self) -> tuple[str, ...]:
        """The languages the site is published in (the default first)."""
        return self.languages or (self.language,)

    @property
    def search_language(self) -> str:
        """The language Pagefind indexes every page in; none on a multilingual
        site, where each page is indexed in its own (its ``<html lang>``)."""
        return "" if self.languages else self.language

    def language_prefix(self, lang: str) -> str:
        """Where a language's pages live: the default at the root, the others under ``<lang>/``."""
        return "" if not self.languages or lang == self.language else f"{lang}/"

    @property
    def locales_dir(self) -> Path:
        """The site's own translations of the theme (``locales/<lang>/LC_MESSAGES/digest.po``)."""
        return self.root / "locales"

    def absolute_url(self, path: str) -> str:
        """``path`` is relative to the site root (``2023/03/10/x/``)."""
        return self.base_url + path.lstrip("/")


_KEYS: dict[str, type] = {
    "title": str,
    "description": str,
    "base_url": str,
    "timezone": str,
    "language": str,
    "per_page": int,
    "feed_limit": int,
    "feed_content": str,
    "content_dir": str,
    "output_dir": str,
    "templates_dir": str,
    "static_dir": str,
    "cache_dir": str,
    "story_threshold": float,
    "search": bool,
    "topic": str,
    "markdown_engine": str,
    "languages": list,
}
_KIND_NAMES = {int: "a whole number", float: "a number", bool: "true or false", str: "a string", list: "a list"}
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def load_config(
    root: Path | str = ".",
    *,
    content: Path | None = None,
    output: Path | None = None,
    drafts: bool = False,
    base_url: str | None = None,
) -> SiteConfig:
    """Read ``ROOT/digest.toml`` (optional) and apply command-line overrides."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise ConfigError(f"site root {root} is not a folder")
    path = root / CONFIG_NAME
    values: dict = {}
    if path.is_file():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise ConfigError("is not UTF-8 text", path=path) from None
        except tomllib.TOMLDecodeError as exc:
            line = _toml_error_line(str(exc))
            raise ConfigError(f"not valid TOML ({exc})", path=path, line=line) from None
    values = _check(values, path)
    if base_url is not None:  # digest build --base-url: the address CI publishes at
        values["base_url"] = _check({"base_url": base_url}, Path("--base-url"))["base_url"]

    def where(key: str, default: str) -> Path:
        return (root / values.pop(key, default)).resolve()

    content_dir = where("content_dir", "content")
    output_dir = where("output_dir", "site")
    templates_dir = where("templates_dir", "templates")
    static_dir = where("static_dir", "static")
    cache_dir = where("cache_dir", ".digest-cache")
    if content is not None:
        content_dir = Path(content).resolve()
    if output is not None:
        output_dir = Path(output).resolve()
    return SiteConfig(
        root=root,
        content_dir=content_dir,
        output_dir=output_dir,
        templates_dir=templates_dir,
        static_dir=static_dir,
        cache_dir=cache_dir,
        drafts=drafts,
        config_file=path if path.is_file() else None,
        **values,
    )


def _check(values: dict, path: Path) -> dict:
    out = {}
    for key, value in values.items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"unknown key (known keys: {known})", path=path, field=key)
        kind = _KEYS[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise ConfigError(f"must be {_KIND_NAMES[kind]}, not {value!r}", path=path, field=key)
        out[key] = value
    if "timezone" in out:
        try:
            zone(out["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"unknown time zone {out['timezone']!r} (use an IANA name such as Asia/Almaty)", path=path, field="timezone") from None
    for key in ("per_page", "feed_limit"):
        if key in out and out[key] < 1:
            raise ConfigError(f"must be at least 1, not {out[key]}", path=path, field=key)
    if "story_threshold" in out and not 0 < out["story_threshold"] <= 1:
        raise ConfigError(f"must be a number above 0 and at most 1, not {out['story_threshold']}", path=path, field="story_threshold")
    if "feed_content" in out and out["feed_content"] not in FEED_CONTENT:
        raise ConfigError(f"must be 'full' or 'summary', not {out['feed_content']!r}", path=path, field="feed_content")
    if "markdown_engine" in out:
        _check_markdown_engine(out["markdown_engine"], path)
    for key in ("language",):
        if key in out and not _LANGUAGE_CODE.fullmatch(out[key]):
            raise ConfigError(f"must be a language code such as 'en', 'ru' or 'kk', not {out[key]!r}", path=path, field=key)
    if "languages" in out:
        codes = out["languages"]
        if not codes or not all(isinstance(c, str) and _LANGUAGE_CODE.fullmatch(c) for c in codes):
            raise ConfigError(f"must be a list of language codes such as [\"kk\", \"ru\", \"en\"], not {codes!r}", path=path, field="languages")
        if len(set(codes)) != len(codes):
            raise ConfigError(f"lists a language twice: {codes!r}", path=path, field="languages")
        if "language" in out and out["language"] != codes[0]:
            raise ConfigError(f"is {out['language']!r} but languages begins with {codes[0]!r} (the first is the default language)",
                              path=path, field="language")
        out["language"] = codes[0]
        out["languages"] = tuple(codes) if len(codes) > 1 else ()
    if "base_url" in out:
        url = out["base_url"]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"must be an absolute http(s) URL, not {url!r}", path=path, field="base_url")
        out["base_url"] = url if url.endswith("/") else url + "/"
    return out


def require_site(config: SiteConfig) -> SiteConfig:
    """``config`` when its root is a digest (it has a digest.toml or a content
    folder), else a ConfigError that says how to start one."""
    if config.config_file is None and not config.content_dir.is_dir():
        raise ConfigError(
            f"not a digest: no {CONFIG_NAME} and no {config.content_dir.name}/ folder; "
            "start one with `digest new SITE`, or name one with --root DIR",
            path=config.root,
        )
    return config


def _check_markdown_engine(name: str, path: Path) -> None:
    """A known engine whose package can be imported: a missing one fails the build here, in one line."""
    from digest.markdown_engines import converter

    try:
        converter(name)
    except ConfigError as exc:
        raise ConfigError(exc.message, path=path, field="markdown_engine") from None


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``, from the ``tzdata`` package when it has it.

    The package is preferred over the system's files so that every machine
    agrees (Asia/Almaty moved from +06:00 to +05:00 on 1 March 2024; an old
    system database does not know it).
    """
    try:
        from importlib.resources import files

        source = files("tzdata.zoneinfo").joinpath(*name.split("/"))
        with source.open("rb") as fh:
            return ZoneInfo.from_file(fh, key=name)
    except (ImportError, OSError, ValueError):
        return ZoneInfo(name)


def _toml_error_line(message: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None
