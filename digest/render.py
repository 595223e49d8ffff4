"""Jinja2 rendering: the theme, the filters, and the list of pages a site has.

A site's own ``templates/`` folder overrides any template of the default theme
by name. Autoescape is always on.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2

from digest import __version__
from digest.collect import Site, paginate
from digest.config import SiteConfig
from digest.errors import TemplateError
from digest.feeds import feed_pair
from digest.model import slugify

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "ru": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря"],
    "kk": ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
           "қыркүйек", "қазан", "қараша", "желтоқсан"],
}
MONTHS_NOMINATIVE_RU = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль",
                        "август", "сентябрь", "октябрь", "ноябрь", "декабрь"]


def default_theme_dir() -> Path:
    """The default theme: ``digest/theme`` when installed, ``templates/`` in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "theme", here.parent / "templates"):
        if (candidate / "base.html").is_file():
            return candidate
    raise TemplateError(f"the default theme is missing (looked in {here / 'theme'} and {here.parent / 'templates'})")


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the site: its path relative to the output folder, and bytes."""

    path: str
    data: bytes


def make_environment(config: SiteConfig) -> jinja2.Environment:
    theme = default_theme_dir()
    folders = [str(theme)]
    if config.templates_dir.is_dir() and config.templates_dir.resolve() != theme.resolve():
        folders.insert(0, str(config.templates_dir))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    base = config.base_path
    lang = config.language if config.language in MONTHS else "en"
    env.globals.update(
        site=config,
        url=lambda path="": base + path.lstrip("/"),
        absolute_url=config.absolute_url,
        generator=f"digest {__version__}",
    )
    env.filters["longdate"] = lambda dt, has_time=True: format_date(dt, lang, has_time)
    env.filters["month_name"] = lambda month: month_name(month, lang)
    env.filters["tag_slug"] = slugify
    return env


def format_date(dt, lang: str = "en", has_time: bool = True) -> str:
    """``31 January 2023, 15:38`` (``31 января 2023, 15:38``, ``2023 жылғы 31 қаңтар, 15:38``)."""
    months = MONTHS.get(lang, MONTHS["en"])
    if lang == "kk":
        text = f"{dt.year} жылғы {dt.day} {months[dt.month - 1]}"
    else:
        text = f"{dt.day} {months[dt.month - 1]} {dt.year}"
    return f"{text}, {dt:%H:%M}" if has_time else text


def month_name(month: int, lang: str = "en") -> str:
    if lang == "ru":
        return MONTHS_NOMINATIVE_RU[month - 1].capitalize()
    return MONTHS.get(lang, MONTHS["en"])[month - 1].capitalize()


def render_site(site: Site, env: jinja2.Environment, config: SiteConfig) -> Iterator[Output]:
    """Every page and feed of the site, one at a time."""
    get = _template_getter(env)
    per = config.per_page
    common = {"all_tags": site.tags, "years": site.years}

    home = get("index.html")
    for page in paginate(site.entries, per, ""):
        yield _page(home, page.url, page=page, **common)

    entry_tpl = get("entry.html")
    for entry in site.entries:
        yield _page(entry_tpl, entry.url, entry=entry, **common)

    yield _page(get("tags.html"), "tags/", **common)
    tag_tpl = get("tag.html")
    for tag in site.tags:
        for page in paginate(tag.entries, per, tag.url):
            yield _page(tag_tpl, page.url, tag=tag, page=page, **common)
        yield from _feeds(tag.entries, config, title=f"{config.title}: {tag.name}", folder=tag.url)

    archive_tpl = get("archive.html")
    yield _page(get("archives.html"), "archive/", **common)
    for year in site.years:
        yield _page(archive_tpl, year.url, period=year, **common)
        for month in year.children:
            yield _page(archive_tpl, month.url, period=month, **common)
            for day in month.children:
                yield _page(archive_tpl, day.url, period=day, **common)

    yield from _feeds(site.entries, config, title=config.title, folder="")
    yield Output("404.html", _render(get("404.html"), "404.html", **common))


def _feeds(entries, config: SiteConfig, *, title: str, folder: str) -> Iterator[Output]:
    atom, rss = feed_pair(
        entries, config, title=title, page_url=folder,
        atom_url=f"{folder}feed.xml", rss_url=f"{folder}rss.xml",
    )
    yield Output(f"{folder}feed.xml", atom)
    yield Output(f"{folder}rss.xml", rss)


def _template_getter(env: jinja2.Environment):
    def get(name: str) -> jinja2.Template:
        try:
            return env.get_template(name)
        except jinja2.TemplateNotFound as exc:
            searched = ", ".join(getattr(env.loader, "searchpath", []))
            raise TemplateError(f"template not found: {exc.name} (looked in {searched})") from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"template syntax error: {exc.message}", path=exc.filename or exc.name, line=exc.lineno) from None

    return get


def _page(template: jinja2.Template, url: str, **context) -> Output:
    return Output(f"{url}index.html", _render(template, url, page_url=url, **context))


def _render(template: jinja2.Template, url: str, **context) -> bytes:
    context.setdefault("page_url", url)
    try:
        return template.render(**context).encode("utf-8")
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template not found: {exc.name} (needed by {template.name})") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error: {exc.message}", path=exc.filename or exc.name, line=exc.lineno) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{exc.message} (while rendering /{url})", path=template.filename) from None
