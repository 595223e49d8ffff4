"""Jinja2 rendering: the theme, its filters, and a page spec (see
:mod:`digest.plan`) turned into bytes.

A site's own ``templates/`` folder overrides any template of the default theme
by name. Autoescape is always on.
"""
from __future__ import annotations

import os
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from digest import __version__
from digest.collect import Site, language_of
from digest.stories import Story
from digest.config import SiteConfig
from digest.errors import TemplateError
from digest.i18n import Language, language_name, tag_names
from digest.model import Entry, read_pack, slugify
from digest.plan import SITE_LINKS, PageSpec, story_ident
from digest.template_runtime import Environment
from digest.theme_words import ConstantWords, WordsBytecodeCache, words_key

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


class Renderer:
    """Renders page specs to bytes.

    Partials are remembered by entry identity (its file's fingerprint and its
    URL), so a renderer kept between builds with the same templates and
    settings reuses them safely.
    """

    def __init__(self, config: SiteConfig, bytecode_dir: Path | None = None) -> None:
        self.config = config
        self._bytecode_dir = bytecode_dir
        self._partials: dict[tuple[str, str], str] = {}
        self._partials_kept = 0  # how many were left the last time old ones were dropped
        self._feeds: dict[str, tuple[bytes, bytes]] = {}
        self._story_of: dict[str, Story] = {}
        self._cached: dict[tuple, Markup] = {}
        self.language = site_language(config)
        self._words = {config.language: self.language}
        self.env = self._environment(config.language)
        self._envs = {config.language: self.env}
        for lang in config.languages[1:]:  # made now: worker processes inherit them
            self._words[lang] = Language(lang, config.locales_dir)
            self._envs[lang] = self._environment(lang)

    def _environment(self, lang: str) -> jinja2.Environment:
        env = make_environment(self.config, self._bytecode_dir, self._words[lang], self.config.language_prefix(lang))
        env.globals["partial"] = self.partial
        env.globals["cached"] = lambda name, **context: self.cached(name, _lang=lang, **context)
        return env

    def _env(self, lang: str | None) -> jinja2.Environment:
        return self._envs.get(lang, self.env) if lang else self.env

    def template(self, name: str, lang: str | None = None) -> jinja2.Template:
        env = self._env(lang)
        try:
            template = env.get_template(name)
        except jinja2.TemplateNotFound as exc:
            searched = ", ".join(getattr(env.loader, "searchpath", []))
            raise TemplateError(f"template not found: {exc.name} (looked in {searched})") from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"template syntax error: {exc.message}", path=exc.filename or exc.name, line=exc.lineno) from None
        if type(template.globals) is not dict:
            # Its globals are the environment's seen through a ChainMap, which
            # each render copies key by key in Python (twice: the context and
            # its key set); a plain dict of the same names (all set before the
            # first template loads) is copied in C: 5.4 % of the instructions of a cold
            # build, 3.5 % of a one-edit build.
            template.globals = dict(template.globals)
        return template

    def warm(self, names) -> None:
        """Compile these templates now, in every language, and import the feed
        writer; a template that is missing or does not compile is left for
        :meth:`check_templates` to report."""
        import digest.feeds  # noqa: F401  (feedgen and lxml: 8 ms)

        for lang in self._envs:
            for name in names:
                try:
                    self.template(name, lang)
                except TemplateError:
                    pass

    def check_templates(self, names) -> None:
        """Load every template a plan needs, so a missing one fails before any rendering."""
        for name in sorted(set(names)):
            if not name.endswith(":") and not name.startswith("feed:"):
                self.template(name)

    def use_site(self, site: Site) -> None:
        """The site being built: partials of an entry in a story name the story's other entries.

        A renderer kept between builds (``digest serve``'s) remembers the
        partials of every version of an entry it rendered: once they have
        doubled since the last look, those of entries (or stories) the site no
        longer has are forgotten, so a preview left running all day does not grow.
        """
        self._story_of = site.story_of
        if len(self._partials) > 2 * self._partials_kept + 64:
            current = {e.ident: story_ident(site.story_of.get(e.url)) for e in site.entries}
            self._partials = {k: v for k, v in self._partials.items() if current.get(k[1]) == k[2]}
            self._partials_kept = len(self._partials)

    def partial(self, name: str, entry: Entry) -> Markup:
        """A small template rendered once per entry and build (cards, list items).

        Its context: ``entry``, and ``also``, the other entries of its story.
        """
        story = self._story_of.get(entry.url)
        memo = (name, entry.ident, story_ident(story))
        html = self._partials.get(memo)
        if html is None:
            also = story.others(entry) if story is not None else ()
            lang = language_of(entry, self.config.languages) if self.config.languages else None  # in the entry's language
            html = self._render(self.template(name, lang), entry.url, {"entry": entry, "also": also}).strip()
            self._partials[memo] = html
        elif type(html) is tuple:  # stored in a pack file by another process
            html = self._partials[memo] = read_pack(*html)
        return Markup(html)

    def cached(self, name: str, **context) -> Markup:
        """A template whose output depends only on ``context`` (and the site's
        settings), rendered once for each context (like Hugo's ``partialCached``):
        the chrome that many pages share."""
        key = (name, *sorted(context.items()))
        html = self._cached.get(key)
        if html is None:
            lang = context.pop("_lang", None)  # the language of the page asking
            html = self._cached[key] = Markup(self._render(self.template(name, lang), name, context).strip())
        return html

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

    def merge_partials(self, partials: dict, keep: bool = False) -> None:
        """Learn where other processes stored partials; with ``keep``, those this one has stay."""
        if keep:
            for key, place in partials.items():
                self._partials.setdefault(key, place)
        else:
            self._partials.update(partials)

    def drop_unread_partials(self) -> None:
        """Forget partials that were only known by their place in a pack file."""
        self._partials = {k: v for k, v in self._partials.items() if type(v) is str}

    def read_partials(self) -> None:
        """Read every partial known by its place in a pack file (each pack at once)."""
        places: dict[str, list] = {}
        for key, held in self._partials.items():
            if type(held) is tuple:
                places.setdefault(held[0], []).append((key, held[1], held[2]))
        for path, found in places.items():
            with open(path, "rb") as fh:
                data = fh.read()
            for key, offset, length in found:
                self._partials[key] = data[offset : offset + length].decode("utf-8")

    def _exists(self, name: str) -> bool:
        try:
            self.env.get_template(name)
        except jinja2.TemplateNotFound:
            return False
        except jinja2.TemplateSyntaxError:
            return True  # there, and rendering it reports where it is wrong (see ``template``)
        return True

    def render(self, spec: PageSpec) -> bytes:
        if spec.known:  # its context is not the page's: the file in place is (see ``PageSpec.known``)
            raise RuntimeError(f"{spec.path}: a page kept from the last build cannot be rendered")
        if spec.template.startswith("feed:"):
            return self._feed(spec)
        if spec.template == "text:":
            return spec.context["text"].encode("utf-8")
        context = spec.context
        text = self._render(self.template(spec.template, context.get("lang")), spec.path,
                            dict(context, page_url=context.get("page_url", ""), alternates=context.get("alternates", ())))
        return text.encode("utf-8")

    def _feed(self, spec: PageSpec) -> bytes:
        from digest.feeds import feed_pair

        ctx = spec.context
        pair = self._feeds.pop(ctx["folder"], None)
        if pair is None:
            words, title = self._words.get(ctx.get("lang"), self.language), self.config.title
            if ctx.get("editions") is not None:
                title = words.editions_title(title)
            elif ctx.get("tag"):
                title = words.tag_feed_title(title, ctx["tag"])
            pair = feed_pair(
                ctx["entries"], self.config, title=title, page_url=ctx["folder"],
                atom_url=f"{ctx['folder']}feed.xml", rss_url=f"{ctx['folder']}rss.xml",
                editions=ctx.get("editions"), words=words,
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


def make_environment(config: SiteConfig, bytecode_dir: Path | None = None, language: Language | None = None,
                     prefix: str = "") -> jinja2.Environment:
    """The Jinja2 environment of a site; ``bytecode_dir`` keeps compiled
    templates between processes (Jinja2 checks each against its source)."""
    language = language or site_language(config)
    cache = None
    if bytecode_dir is not None:
        bytecode_dir.mkdir(parents=True, exist_ok=True)
        cache = WordsBytecodeCache(str(bytecode_dir), words_key(language.code, language.gettext_))
    env = Environment(  # Jinja2's, with less Python a value (see digest.template_runtime)
        bytecode_cache=cache,
        loader=jinja2.FileSystemLoader([str(f) for f in template_folders(config)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: no need to stat templates on every use
        extensions=["jinja2.ext.i18n", ConstantWords],
    )
    gettext, ngettext = language.template_gettext()
    env.theme_gettext = gettext  # ConstantWords compiles in what this call returns
    base = config.base_path
    code = language.code
    here = base + prefix  # the language's pages: the site's root, or its folder
    names = {}
    if config.languages:
        from digest.ingest.tags import load_vocabulary

        names = tag_names(load_vocabulary(config.root).entries, (code,))[code]
    env.globals.update(
        site=config,
        lang=code,  # the language of the page
        # the links every page has, made once rather than on every page
        links={name: escape((base if name == "style" else here) + path) for name, path in SITE_LINKS.items()},  # escaped once
        url=lambda path="": base + path.lstrip("/"),
        lang_url=lambda path="": here + path.lstrip("/"),
        absolute_url=config.absolute_url,
        generator=f"digest {__version__}",
        nav_pages=frozenset(prefix + SITE_LINKS[name] for name in ("home", "tags", "archive", "editions", "search")),
        week=lambda edition: language.week(edition.year, edition.week),
        pagefind_translations=language.pagefind_translations,
        tag_label=lambda slug, name: names.get(slug, name),
        languages=config.languages,  # empty on a single-language site
        language_name=lambda other, in_own=False: language_name(other, None if in_own else code),
        switcher=lambda alternates: _switcher(config, code, alternates),
        lang_of=lambda entry: language_of(entry, config.languages) if config.languages else (entry.lang or config.language),
    )
    env.install_gettext_translations(language.gettext_, newstyle=True)  # (how {% trans %} compiles)
    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
    counts: dict[int, Markup] = {}

    def count(n: int) -> Markup:
        """``<span class="count" title="5 entries">5</span>``: a count of entries, its noun in the title."""
        html = counts.get(n)
        if html is None:
            number = language.number(n)
            html = counts[n] = Markup('<span class="count" title="%s">%s</span>') % (
                ngettext("%(num)s entry", "%(num)s entries", n, num=number), number)
        return html

    env.globals["count"] = count
    env.filters["longdate"] = language.longdate
    env.filters["month_name"] = language.month_name
    env.filters["day_month"] = language.day_month
    env.filters["period_name"] = lambda period: period_name(period, language)
    env.filters["number"] = language.number
    env.filters["tag_slug"] = slugify
    env.filters["shortrange"] = language.date_range
    env.globals["news_article"] = lambda entry: news_article(entry, config)
    return env


def _switcher(config: SiteConfig, lang: str, alternates) -> list[tuple[str, str, str | None]]:
    """(language, its name in itself, the URL of this page in it, or its home; None for the page's own)."""
    same = dict(alternates)
    return [(other, language_name(other), None if other == lang else same.get(other, config.language_prefix(other)))
            for other in config.languages]


def site_language(config: SiteConfig) -> Language:
    """The words and dates of the site's language (its own ``locales/`` laid over digest's)."""
    return Language(config.language, config.locales_dir)


def period_name(period, language: Language) -> str:
    """The heading of an archive page: ``2023``, ``January 2023``, ``31 January 2023``."""
    if period.month is None:
        return str(period.year)
    if period.day is None:
        return language.month_year(period.year, period.month)
    return language.longdate(period, has_time=False)


def news_article(entry: Entry, config: SiteConfig) -> dict:
    """The schema.org ``NewsArticle`` of an entry page (embedded as JSON-LD)."""
    link = config.absolute_url(entry.url)
    outlet = {"@type": "Organization", "name": entry.source or config.title}
    data: dict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": entry.title,
        "datePublished": entry.date.isoformat(),
        "url": link,
        "mainEntityOfPage": link,
        "inLanguage": entry.lang or config.language,
        "author": {"@type": "Person", "name": entry.author} if entry.author else outlet,
        "publisher": outlet,
    }
    if entry.source_url:
        data["isBasedOn"] = entry.source_url
    if entry.dateline:
        data["dateline"] = entry.dateline
    if entry.tags:
        data["keywords"] = list(entry.tags)
    if entry.teaser:
        data["description"] = entry.teaser
    return data
