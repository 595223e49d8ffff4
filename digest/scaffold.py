"""``digest new``: a new digest from the files under ``digest/scaffold/``, and new entries.

``digest new SITE`` copies the scaffold into a new (or empty) folder: the files
are kept as they are, except the few that name the site's title, language, time
zone or the time it was made (``TEMPLATED``), which are filled in with
:class:`string.Template`. The example entry under ``scaffold/content/`` goes to
``content/YYYY/MM/``, dated now. Everything is written into a hidden folder
beside the target first and moved into place with one rename, which fails
rather than replace a folder that is not empty: nothing is ever overwritten.

``digest new entry TITLE`` writes ``content/YYYY/MM/<slug>.md`` dated now in the
site's time zone, with ingest's slug and file rules (a taken slug gets ``-2``;
the file is created, never replaced).
"""
from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfoNotFoundError
from pathlib import Path
from string import Template

from digest import __version__
from digest.config import SiteConfig, load_config, zone
from digest.errors import ConfigError, DigestError

SCAFFOLD = Path(__file__).with_name("scaffold")
TEMPLATED = ("digest.toml", "README.md", "requirements.txt", "content/welcome-to-your-digest.md")
LANGUAGES = ("en", "ru", "kk")
DEFAULT_TIMEZONE = "Asia/Almaty"

# The default title and description, in the site's language.
_NAMES = {
    "en": ("Election News Digest", "Curated news about elections."),
    "ru": ("Дайджест новостей о выборах", "Подборка новостей о выборах."),
    "kk": ("Сайлау жаңалықтарының дайджесті", "Сайлау туралы іріктелген жаңалықтар."),
}


@dataclass(frozen=True)
class NewSite:
    root: Path
    files: tuple[str, ...]  # relative to the root, POSIX separators, sorted


def create_site(
    target: Path,
    *,
    title: str | None = None,
    language: str = "en",
    timezone: str = DEFAULT_TIMEZONE,
) -> NewSite:
    """Write a new digest into ``target``, which must not exist or be empty."""
    target = Path(target).absolute()
    if language not in LANGUAGES:
        raise ConfigError(f"must be one of {', '.join(LANGUAGES)}, not {language!r}", field="--language")
    try:
        tz = zone(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone {timezone!r} (use an IANA name such as Asia/Almaty)", field="--timezone") from None
    _refuse_taken(target)
    when = datetime.now(tz).replace(second=0, microsecond=0)
    default_title, description = _NAMES[language]
    title = " ".join((title or "").split()) or default_title
    values = {
        "title": _toml_string(title),
        "title_text": title,
        "description": _toml_string(description),
        "language": language,
        "timezone": timezone,
        "date": when.isoformat(),
        "requirement": install_requirement(),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".digest-new-{target.name}-", dir=target.parent))
    try:
        written = []
        for source in sorted(p for p in SCAFFOLD.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            rel = source.relative_to(SCAFFOLD).as_posix()
            dest = rel
            if rel.startswith("content/"):
                dest = f"content/{when:%Y}/{when:%m}/{rel.removeprefix('content/')}"
            out = staging / dest
            out.parent.mkdir(parents=True, exist_ok=True)
            if rel in TEMPLATED:
                text = Template(source.read_text(encoding="utf-8")).substitute(values)
                out.write_text(text, encoding="utf-8")
            else:
                shutil.copyfile(source, out)
            written.append(dest)
        load_config(staging)  # the title as given must make a valid digest.toml
        os.chmod(staging, 0o777 & ~_umask())
        _move_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return NewSite(target, tuple(sorted(written)))


def _refuse_taken(target: Path) -> None:
    if target.is_dir():
        if any(target.iterdir()):
            raise ConfigError(
                "the folder is not empty; digest new writes only into a new or empty folder (nothing was written)",
                path=target,
            )
    elif target.exists():
        raise ConfigError("is a file; digest new makes a folder (nothing was written)", path=target)


def _move_into_place(staging: Path, target: Path) -> None:
    """Rename the finished site onto ``target``; the rename itself refuses a
    folder that became non-empty meanwhile."""
    try:
        os.rename(staging, target)
    except OSError as exc:
        if target.exists():
            _refuse_taken(target)
        raise DigestError(f"cannot create the folder: {exc.strerror or exc}", path=target) from None


def _toml_string(text: str) -> str:
    """``text`` as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def install_requirement() -> str:
    """How the CI files should install digest: where this copy came from when
    pip recorded a URL others can reach (a git repository or a wheel on the
    web), else this version by name, with a note to replace it."""
    try:
        recorded = importlib.metadata.distribution("digest").read_text("direct_url.json")
        origin = json.loads(recorded) if recorded else {}
    except (importlib.metadata.PackageNotFoundError, ValueError):
        origin = {}
    url = origin.get("url", "") if isinstance(origin, dict) else ""
    if url.startswith(("https://", "http://")):
        vcs = origin.get("vcs_info")
        if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
            return f"digest @ {vcs['vcs']}+{url}@{vcs['commit_id']}"
        if isinstance(origin.get("archive_info"), dict):
            return f"digest @ {url}"
    return (
        "# PyPI's `digest` is another project: name where you install digest from,\n"
        f"# e.g. `digest @ git+https://example.org/you/digest@v{__version__}` or a wheel's URL.\n"
        f"digest=={__version__}"
    )


# ---------------------------------------------------------------- new entries


def create_entry(
    config: SiteConfig,
    title: str,
    *,
    tags: list[str] = (),
    source: str | None = None,
    lang: str | None = None,
) -> Path:
    """Write a new entry dated now (in the site's time zone); return its path."""
    from digest.content import parse_entry
    from digest.ingest.write import ContentIndex, clean_text, create_new, dump_front_matter, free_slugs
    from digest.model import slugify

    title = clean_text(title)
    base = slugify(title)
    if not base:
        raise ConfigError(f"{title!r} has no letters or digits to make a URL from", field="title")
    when = datetime.now(config.tz).replace(second=0, microsecond=0)
    meta = {
        "title": title,
        "date": when,
        "tags": [t for t in (clean_text(t) for t in tags) if t],
        "source": clean_text(source or "") or None,
        "source_url": None,
        "lang": lang or config.language,
    }
    folder = config.content_dir / f"{when:%Y}" / f"{when:%m}"
    index = ContentIndex.scan(config.content_dir)
    for slug, path in free_slugs(index, folder, when, base):
        text = "---\n" + dump_front_matter(meta if slug == base else {**meta, "slug": slug}) + "---\n"
        rel = path.relative_to(config.content_dir).as_posix()
        parse_entry(text.encode("utf-8"), rel=rel, shown=rel, config=config)  # what build will read
        if create_new(path, text):
            return path
    raise AssertionError("unreachable: free_slugs raises when it runs out")

