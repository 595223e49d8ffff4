"""Jinja2 rendering: the theme, its filters, and the plan of every output file.

A site's own ``templates/`` folder overrides any template of the default theme
by name. Autoescape is always on.

``plan_site`` lists every file the site has as a :class:`PageSpec`, with a
``key`` that holds everything the file's bytes depend on besides the templates
and the configuration; ``render_page`` turns one spec into bytes. Keeping the
two apart lets a build render only the files whose key changed, and split the
rendering between processes.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from digest import __version__
from digest.collect import Site, paginate
from digest.config import SiteConfig
from digest.errors import TemplateError
from digest.model import Entry, read_pack, slugify

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
FEED_KINDS = ("atom", "rss")


def default_theme_dir() -> Path:
    """The default theme: ``digest/theme`` when installed, ``templates/`` in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "theme", here.parent / "templates"):
        if (candidate / "base.html").is_file():
            return candidate
    raise TemplateError(f"the default theme is missing (looked in {here / 'theme'} and {here.parent / 'templates'})")


def template_folders(config: SiteConfig) -> list[Path]:
    """Where templates are looked up, first match wins."""
    theme = default_theme_dir()
    folders = [theme]
    if config.templates_dir.is_dir() and config.templates_dir.resolve() != theme.resolve():
        folders.insert(0, config.templates_dir)
    return folders


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One output file: where it goes, what renders it, and what it depends on."""

    path: str  # relative to the output folder
    template: str  # a template name, or "feed:atom" / "feed:rss"
    context: dict = field(compare=False)
    key: tuple = ()  # of strings and numbers: everything the bytes depend on


class Renderer:
    """Renders page specs to bytes.

    Partials are remembered by entry identity (its file's fingerprint and its
    URL), so a renderer kept between builds with the same templates and
    settings reuses them safely.
    """

    def __init__(self, config: SiteConfig) -> None:
        self.config = config
        self.env = make_environment(config)
        self._partials: dict[tuple[str, str], str] = {}
        self._feeds: dict[str, tuple[bytes, bytes]] = {}
        self.env.globals["partial"] = self.partial

    def template(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateNotFound as exc:
            searched = ", ".join(getattr(self.env.loader, "searchpath", []))
            raise TemplateError(f"template not found: {exc.name} (looked in {searched})") from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"template syntax error: {exc.message}", path=exc.filename or exc.name, line=exc.lineno) from None

    def check_templates(self, names) -> None:
        """Load every template a plan needs, so a missing one fails before any rendering."""
        for name in sorted(set(names)):
            if not name.startswith(("feed:", "static:")):
                self.template(name)

    def partial(self, name: str, entry: Entry) -> Markup:
        """A small template rendered once per entry and build (cards, list items)."""
        memo = (name, entry.ident)
        html = self._partials.get(memo)
        if html is None:
            html = self._render(self.template(name), entry.url, {"entry": entry}).strip()
            self._partials[memo] = html
        elif type(html) is tuple:  # stored in a pack file by another process
            html = self._partials[memo] = read_pack(*html)
        return Markup(html)

    PARTIALS = ("_card.html", "_archive_item.html")

    def start_build(self) -> None:
        self._feeds.clear()

    def warm_partials(self, entries) -> None:
        """Render the usual partials of these entries ahead of the lists."""
        names = [n for n in self.PARTIALS if self._exists(n)]
        for entry in entries:
            for name in names:
                self.partial(name, entry)

    def partials(self, folder: Path) -> dict:
        """The list partials (what list pages repeat), to hand to other processes.

        They are written to a pack file in ``folder``; what is handed over is
        where each one is, so the main process never holds them all.
        """
        path = str(folder / f"partials-{os.getpid()}-{id(self):x}.pack")
        index = {}
        offset = 0
        with open(path, "wb") as fh:
            for key, html in self._partials.items():
                if key[0] in self.PARTIALS and type(html) is str:
                    data = html.encode("utf-8")
                    fh.write(data)
                    index[key] = (path, offset, len(data))
                    offset += len(data)
        return index

    def merge_partials(self, partials: dict) -> None:
        self._partials.update(partials)

    def drop_unread_partials(self) -> None:
        """Forget partials that were only known by their place in a pack file."""
        self._partials = {k: v for k, v in self._partials.items() if type(v) is str}

    def _exists(self, name: str) -> bool:
        try:
            self.env.get_template(name)
        except jinja2.TemplateNotFound:
            return False
        return True

    def render(self, spec: PageSpec) -> bytes:
        if spec.template.startswith("feed:"):
            return self._feed(spec)
        text = self._render(self.template(spec.template), spec.path, dict(spec.context, page_url=spec.context.get("page_url", "")))
        return text.encode("utf-8")

    def _feed(self, spec: PageSpec) -> bytes:
        from digest.feeds import feed_pair

        ctx = spec.context
        pair = self._feeds.pop(ctx["folder"], None)
        if pair is None:
            pair = feed_pair(
                ctx["entries"], self.config, title=ctx["title"], page_url=ctx["folder"],
                atom_url=f"{ctx['folder']}feed.xml", rss_url=f"{ctx['folder']}rss.xml",
            )
            self._feeds[ctx["folder"]] = pair
        return pair[FEED_KINDS.index(spec.template[5:])]

    def _render(self, template: jinja2.Template, where: str, context: dict) -> str:
        try:
            return template.render(context)
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"template not found: {exc.name} (needed by {template.name})") from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"template syntax error: {exc.message}", path=exc.filename or exc.name, line=exc.lineno) from None
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"{exc.message} (while rendering /{where})", path=template.filename) from None


def make_environment(config: SiteConfig) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in template_folders(config)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: no need to stat templates on every use
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


def _ids(entries) -> str:
    """What a list of entries contributes to a page key."""
    return "\n".join([e.ident for e in entries])


def plan_site(site: Site, config: SiteConfig, memo: dict[str, PageSpec] | None = None) -> list[PageSpec]:
    """Every output file of the site, in a stable order.

    ``memo`` (entry identity → its page's spec) lets a long-lived builder reuse
    the specs of entries that did not change.
    """
    per = config.per_page
    specs: list[PageSpec] = []
    add = specs.append

    for page in paginate(site.entries, per, ""):
        add(PageSpec(f"{page.url}index.html", "index.html", {"page": page, "page_url": page.url},
                     ("home", page.number, page.count, _ids(page.entries))))

    memo = {} if memo is None else memo
    for entry in site.entries:
        spec = memo.get(entry.ident)
        if spec is None:
            spec = memo[entry.ident] = PageSpec(
                f"{entry.url}index.html", "entry.html", {"entry": entry, "page_url": entry.url}, ("entry", entry.ident)
            )
        add(spec)

    add(PageSpec("tags/index.html", "tags.html", {"all_tags": site.tags, "page_url": "tags/"},
                 ("tags", tuple((t.name, t.slug, len(t.entries)) for t in site.tags))))
    for tag in site.tags:
        for page in paginate(tag.entries, per, tag.url):
            add(PageSpec(f"{page.url}index.html", "tag.html", {"tag": tag, "page": page, "page_url": page.url},
                         ("tag", tag.name, len(tag.entries), page.number, page.count, _ids(page.entries))))
        _plan_feeds(add, tag.entries, config, title=f"{config.title}: {tag.name}", folder=tag.url)

    add(PageSpec("archive/index.html", "archives.html", {"years": site.years, "page_url": "archive/"},
                 ("archives", tuple((y.year, tuple((m.month, len(m.entries)) for m in y.children)) for y in site.years))))
    for year in site.years:
        periods = [year]
        for month in year.children:
            periods.append(month)
            periods.extend(month.children)
        for period in periods:
            children = tuple((c.month, c.day, len(c.entries)) for c in period.children)
            add(PageSpec(f"{period.url}index.html", "archive.html", {"period": period, "page_url": period.url},
                         ("archive", period.year, period.month, period.day, children, _ids(period.entries))))

    _plan_feeds(add, site.entries, config, title=config.title, folder="")
    add(PageSpec("search/index.html", "search.html", {"page_url": "search/"}, ("search",)))
    add(PageSpec("404.html", "404.html", {"page_url": "404.html"}, ("404",)))
    return specs


def _plan_feeds(add, entries, config: SiteConfig, *, title: str, folder: str) -> None:
    newest = entries[: config.feed_limit]
    context = {"entries": newest, "title": title, "folder": folder}
    key = ("feed", title, _ids(newest))
    add(PageSpec(f"{folder}feed.xml", "feed:atom", context, key))
    add(PageSpec(f"{folder}rss.xml", "feed:rss", context, key))
