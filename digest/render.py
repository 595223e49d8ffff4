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

import hashlib
import os
from collections import defaultdict
from operator import attrgetter
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from digest import __version__
from digest.collect import RELATED, Site, language_of, language_sites, paginate
from digest.stories import Story
from digest.config import SiteConfig
from digest.errors import TemplateError
from digest.i18n import Language, language_name, tag_names
from digest.model import Entry, read_pack, slugify
from digest.sitemap import entry_rows, page_rows, robots_txt, sitemap_files
from digest.theme_words import ConstantWords, WordsBytecodeCache, words_key

FEED_KINDS = ("atom", "rss")
SITE_LINKS = {
    "home": "", "tags": "tags/", "archive": "archive/", "editions": "editions/", "search": "search/",
    "atom": "feed.xml", "rss": "rss.xml", "editions_atom": "editions/feed.xml", "editions_rss": "editions/rss.xml",
    "style": "static/style.css",
}


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

    def merge_partials(self, partials: dict) -> None:
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
        return True

    def render(self, spec: PageSpec) -> bytes:
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
    env = jinja2.Environment(
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


def story_ident(story: Story | None) -> str:
    """What a story contributes to the key of a page or partial that names it."""
    return "" if story is None else "|".join([e.ident for e in story.entries])


def _ids(entries) -> str:
    """What a list of entries contributes to a page key (a hash: keys of 100,000
    pages stay small)."""
    return _hash("\n".join([e.ident for e in entries]))


class _ListIds:
    """``_ids`` of lists, and of lists of cards, which also name the other
    entries of a story; remembered by the identities in the list when a memo
    is given (a long-lived builder's), so an unchanged list is not hashed again."""

    def __init__(self, site: Site, memo: dict | None) -> None:
        self.story_of = site.story_of
        self.memo = memo

    def of(self, entries) -> str:
        if self.memo is None:
            return _ids(entries)
        key = tuple(map(_IDENT, entries))
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = _ids(entries)
        return found

    def cards(self, entries) -> str:
        story_of = self.story_of
        if not story_of:
            return self.of(entries)
        if self.memo is None:
            return self._cards(entries)
        told = story_of.keys() & map(_URL, entries)  # the entries in a story
        key = ("cards", tuple(map(_IDENT, entries)), *sorted((url, story_ident(story_of[url])) for url in told))
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self._cards(entries)
        return found

    def _cards(self, entries) -> str:
        story_of = self.story_of
        return _hash("\n".join([e.ident + story_ident(story_of.get(e.url)) for e in entries]))


_IDENT = attrgetter("ident")
_URL = attrgetter("url")


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def plan_site(
    site: Site, config: SiteConfig, memo: dict[tuple, PageSpec] | None = None, related_memo: dict | None = None
) -> list[PageSpec]:
    """Every output file of the site, in a stable order.

    ``memo`` (entry page key → its spec) and ``related_memo`` (see
    ``Site.related``) let a long-lived builder reuse what did not change.
    A multilingual site is planned language by language (see
    :func:`plan_languages`).
    """
    if config.languages:
        return plan_languages(site, config)
    ids_memo = None
    if related_memo is not None:
        ids_memo = related_memo.setdefault("list ids", {})
        if len(ids_memo) > 4 * len(site.entries) + 1000:  # forget lists long gone
            ids_memo.clear()
    ids = _ListIds(site, ids_memo)
    last = _LastEntryPages(site, related_memo)
    parts = _Parts(related_memo, last.retold)
    _plan_part(site, site, config, parts, ids, last, memo, Alternates(None))
    _plan_editions_feed(site, config, parts.add, ids, "")
    parts.add([PageSpec("404.html", "404.html", {"page_url": "404.html"}, ("404",))])
    parts.remember()
    return parts.specs() + _plan_sitemap(parts, config)


def plan_languages(site: Site, config: SiteConfig) -> list[PageSpec]:
    """The files of a multilingual site: each language's lists under its folder
    (the default language's at the root), each entry's page in its own
    language, with links to the same page in the other languages
    (``alternates``). Nothing is reused between builds: every page is planned
    from this site."""
    languages = config.site_languages
    prefixes = {lang: config.language_prefix(lang) for lang in languages}
    from digest.ingest.tags import load_vocabulary

    names = tag_names(load_vocabulary(config.root).entries, languages)
    by_lang = language_sites(site, languages, prefixes, names, config.tz)
    alternates = Alternates.of(by_lang, prefixes, languages)
    parts = _Parts(None, set())
    ids = _ListIds(site, None)
    for lang in languages:
        part = by_lang[lang]
        _plan_part(part, site, config, parts, ids, _LastEntryPages(part, None), {}, alternates, lang, prefixes[lang])
        _plan_editions_feed(part, config, parts.add, ids, prefixes[lang], lang)
    parts.add([PageSpec("404.html", "404.html", {"page_url": "404.html"}, ("404",))])
    return parts.specs() + _plan_sitemap(parts, config)


class Alternates:
    """The pages of a multilingual site that are one page in several languages:
    the lists (home, tag index, a tag, the archive and its periods, editions,
    search) where each language has them, and the translations of an entry
    (its ``translation_key``). Each page of a group links to every page of it,
    itself included, so the links are symmetric."""

    def __init__(self, groups: dict | None, languages: tuple[str, ...] = ()) -> None:
        self.groups = groups
        self.languages = languages

    @classmethod
    def of(cls, by_lang: dict[str, Site], prefixes: dict[str, str], languages: tuple[str, ...]) -> "Alternates":
        groups: dict[tuple, dict[str, str]] = defaultdict(dict)
        for lang in languages:
            part, prefix = by_lang[lang], prefixes[lang]
            for name in ("home", "tags", "archive", "editions", "search"):
                groups[(name,)][lang] = prefix + SITE_LINKS[name]
            for tag in part.tags:
                groups[("tag", tag.slug)][lang] = tag.url
            stack = list(part.years)
            while stack:
                period = stack.pop()
                groups[("period", period.year, period.month, period.day)][lang] = period.url
                stack.extend(period.children)
            for edition in part.editions:
                groups[("edition", edition.label)][lang] = edition.url
            for entry in reversed(part.entries):  # the earliest of a key in one language wins
                key = translation_key(entry)
                if key:
                    groups[("entry", key)].setdefault(lang, entry.url)
        return cls({k: v for k, v in groups.items() if len(v) > 1}, languages)

    def get(self, group: tuple, url: str | None = None) -> tuple[tuple[str, str], ...]:
        """(language, page URL) of the group's pages in the site's order of
        languages; none when the page has no equivalent (or ``url`` is not the
        group's page: a second entry with a key its language has already)."""
        if self.groups is None:
            return ()
        found = self.groups.get(group)
        if not found or (url is not None and url not in found.values()):
            return ()
        return tuple((lang, found[lang]) for lang in self.languages if lang in found)


def translation_key(entry: Entry) -> str:
    """The ``translation_key`` front-matter field: entries sharing one are translations of one article."""
    key = entry.extra.get("translation_key")
    return str(key).strip() if key not in (None, "", False) else ""


def _plan_part(site: Site, whole: Site, config: SiteConfig, parts: "_Parts", ids: "_ListIds", last: "_LastEntryPages",
               memo: dict | None, alternates: Alternates, lang: str = "", prefix: str = "") -> None:
    """The pages of one language's part of the site (all of a single-language
    site): home, entry pages, tags, archive, editions, feeds, search. ``whole``
    is the whole site (its stories); ``lang`` and ``prefix`` are empty on a
    single-language site, whose pages are planned exactly as before."""
    per = config.per_page

    def spec(path: str, template: str, context: dict, key: tuple, group: tuple | None = None) -> PageSpec:
        if lang:
            alt = alternates.get(group) if group else ()
            context = dict(context, lang=lang, alternates=alt)
            key = (*key, lang, alt)
        return PageSpec(path, template, context, key)

    pinned = ids.cards(site.pinned)
    home = []
    for page in paginate(site.stream, per, prefix):
        first = page.number == 1
        home.append(spec(f"{page.url}index.html", "index.html",
                         {"page": page, "pinned": site.pinned if first else (), "page_url": page.url},
                         ("home", page.number, page.count, pinned if first else "", ids.cards(page.entries)),
                         ("home",) if first else None))
    parts.add(home)

    memo = {} if memo is None else memo
    kept = last.specs
    entry_pages = []
    for entry in site.entries:
        page = kept.get(entry.ident)
        if page is None:
            also = whole.also(entry)
            related, related_ids = site.related_and_ids(entry, memo=last.memo)
            key = ("entry", entry.ident, _ids(also) if also else "", related_ids)
            context = {"entry": entry, "also": also, "related": related, "page_url": entry.url}
            if lang:
                alt = alternates.get(("entry", translation_key(entry)), entry.url) if translation_key(entry) else ()
                context.update(lang=lang, alternates=alt)
                key = (*key, lang, alt)
            page = memo.get(key)
            if page is None:
                page = memo[key] = PageSpec(f"{entry.url}index.html", "entry.html", context, key)
        entry_pages.append(page)
    last.remember(entry_pages)
    parts.add(entry_pages, entry_rows(entry_pages, config, parts.rows) if parts.rows is not None else None)

    parts.add([spec(f"{prefix}tags/index.html", "tags.html", {"all_tags": site.tags, "page_url": f"{prefix}tags/"},
                    ("tags", tuple((t.name, t.slug, len(t.entries)) for t in site.tags)), ("tags",))])
    for tag in site.tags:
        if not parts.keep(("tag", tag.slug), (tag,), tag.entries):
            specs = []
            for page in paginate(site.cards(tag.entries), per, tag.url):
                specs.append(spec(f"{page.url}index.html", "tag.html", {"tag": tag, "page": page, "page_url": page.url},
                                  ("tag", tag.name, len(tag.entries), page.number, page.count, ids.cards(page.entries)),
                                  ("tag", tag.slug) if page.number == 1 else None))
            _plan_feeds(specs.append, ids, tag.entries, config, tag=tag.name, folder=tag.url, lang=lang)
            parts.made(("tag", tag.slug), (tag,), specs)

    parts.add([spec(f"{prefix}archive/index.html", "archives.html", {"years": site.years, "page_url": f"{prefix}archive/"},
                    ("archives", tuple((y.year, tuple((m.month, len(m.entries)) for m in y.children)) for y in site.years)),
                    ("archive",))])
    for year in site.years:
        if not parts.keep(("year", year.year), (year,)):
            periods = [year]
            for month in year.children:
                periods.append(month)
                periods.extend(month.children)
            specs = []
            for period in periods:
                children = tuple((c.month, c.day, len(c.entries)) for c in period.children)
                specs.append(spec(f"{period.url}index.html", "archive.html", {"period": period, "page_url": period.url},
                                  ("archive", period.year, period.month, period.day, children, ids.of(period.entries)),
                                  ("period", period.year, period.month, period.day)))
            parts.made(("year", year.year), (year,), specs)

    editions = site.editions
    parts.add([spec(f"{prefix}editions/index.html", "editions.html", {"editions": editions, "page_url": f"{prefix}editions/"},
                    ("editions", tuple((e.label, len(e.entries), len(e.cards)) for e in editions)), ("editions",))])
    for i, edition in enumerate(editions):
        newer = editions[i - 1] if i > 0 else None
        older = editions[i + 1] if i + 1 < len(editions) else None
        if not parts.keep(("edition", edition.label), (edition, newer, older), edition.entries):
            parts.made(("edition", edition.label), (edition, newer, older), [spec(
                f"{edition.url}index.html", "edition.html",
                {"edition": edition, "newer": newer, "older": older, "page_url": edition.url},
                ("edition", edition.label, newer and newer.label, older and older.label,
                 ids.cards(edition.featured),
                 tuple((name, slug, ids.cards(group)) for name, slug, group in edition.groups)),
                ("edition", edition.label))])
    rest: list[PageSpec] = []
    _plan_feeds(rest.append, ids, site.entries, config, tag="", folder=prefix, lang=lang)
    rest.append(spec(f"{prefix}search/index.html", "search.html", {"page_url": f"{prefix}search/"}, ("search",), ("search",)))
    parts.add(rest)


def _plan_editions_feed(site: Site, config: SiteConfig, add, ids: "_ListIds", prefix: str, lang: str = "") -> None:
    newest = site.editions[: config.feed_limit]
    folder = f"{prefix}editions/"
    context = {"entries": (), "editions": newest, "folder": folder}
    key = ("editions-feed", tuple((e.label, ids.cards(e.cards)) for e in newest))
    if lang:
        context["lang"] = lang
        key = (*key, lang)
    add([PageSpec(f"{folder}feed.xml", "feed:atom", context, key), PageSpec(f"{folder}rss.xml", "feed:rss", context, key)])


class _Parts:
    """The plan, part by part, each part with its sitemap lines.

    A part planned from one group of the site (a tag, a year of the archive,
    an edition) is kept by a long-lived builder, lines and all, and used again
    while the group is the same object (``collect`` keeps the groups no change
    touched), and for lists of cards, while none of its entries' stories
    changed. Without a memo nothing is kept.
    """

    def __init__(self, memo: dict | None, retold: set[str]) -> None:
        self.memo = memo
        self.last: dict = memo.get("parts", {}) if memo is not None else {}
        self.kept: dict = {}
        self.retold = retold
        self.parts: list[list] = []  # [specs, sitemap lines or None]
        self.rows: dict | None = None  # sitemap lines, by page (see ``sitemap.page_rows``)
        if memo is not None:
            self.rows = memo.setdefault("sitemap rows", {})

    def add(self, specs: list[PageSpec], rows: list[str] | None = None) -> None:
        self.parts.append([specs, rows])

    def keep(self, name: tuple, sources: tuple, cards=None) -> bool:
        """Use the last plan's part ``name`` if it was made from the same
        ``sources`` (and, given its ``cards``' entries, none was retold)."""
        held = self.last.get(name)
        if held is None or any(a is not b for a, b in zip(held[0], sources, strict=True)):
            return False
        if cards is not None and self.retold and not self.retold.isdisjoint(map(_URL, cards)):
            return False
        self.kept[name] = held
        self.parts.append(held[1])
        return True

    def made(self, name: tuple, sources: tuple, specs: list[PageSpec]) -> None:
        part = [specs, None]
        self.kept[name] = (sources, part)
        self.parts.append(part)

    def remember(self) -> None:
        if self.memo is not None:
            self.memo["parts"] = self.kept

    def specs(self) -> list[PageSpec]:
        return [spec for specs, _ in self.parts for spec in specs]



class _LastEntryPages:
    """The entry pages of a long-lived builder's last plan, for the entries
    whose page cannot have changed since.

    An entry page shows the entry, the other entries of its story, and its
    related entries, drawn from its neighbours (``RELATED`` either side) on
    each of its tags' lists. So the last spec still holds for the same entry
    (by identity: file, content, URL) when its story is the same and, on each
    of its tags' lists, nothing changed within reach of it. The lists are
    compared once per tag (their unchanged beginning and end), and the entries
    within reach of a change are set aside; nothing is looked at per entry.
    Without a memo nothing is reused.
    """

    def __init__(self, site: Site, memo: dict | None) -> None:
        self.memo = memo
        self.tags = {slug: held[2] for slug, held in site.positions.items()}
        self.stories = {url: story_ident(story) for url, story in site.story_of.items()}
        self.specs: dict[str, PageSpec] = {}
        self.retold: set[str] = set()  # URLs of the entries whose story changed since the last plan
        last = memo.get("entry pages") if memo is not None else None
        if last is None:
            return
        tags, stories, specs = last
        changed: set[str] = set()  # identities of the entries whose page may have changed
        for slug, idents in self.tags.items():
            old = tags.get(slug)
            if old is not None and old is not idents and old != idents:
                start, end = _changed_span(old, idents)
                changed.update(idents[max(0, start - RELATED) : end + RELATED])
            # (a new tag's entries are new, or changed: none has a spec to keep)
        if stories != self.stories:  # entries whose story changed (rare: a look at every kept page)
            retold = self.retold = {u for u in stories.keys() | self.stories.keys() if stories.get(u) != self.stories.get(u)}
            changed.update(ident for ident, spec in specs.items() if spec.context["entry"].url in retold)
        self.specs = {ident: spec for ident, spec in specs.items() if ident not in changed} if changed else specs

    def remember(self, specs: list[PageSpec]) -> None:
        """Keep this plan's entry pages (``specs``) for the next plan."""
        if self.memo is not None:
            self.memo["entry pages"] = (self.tags, self.stories, {s.key[1]: s for s in specs})


def _changed_span(old: tuple, new: tuple) -> tuple[int, int]:
    """[start, end) of ``new`` outside the beginning and end it shares with ``old``."""
    most = min(len(old), len(new))
    start = 0
    while start < most and old[start] == new[start]:
        start += 1
    end = 0
    while end < most - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, len(new) - end


def _plan_feeds(add, ids: _ListIds, entries, config: SiteConfig, *, tag: str, folder: str, lang: str = "") -> None:
    """The Atom and RSS feeds of a list (the site's, with no ``tag``)."""
    newest = entries[: config.feed_limit]
    context = {"entries": newest, "tag": tag, "folder": folder}
    key = ("feed", tag, ids.of(newest))
    if lang:
        context["lang"] = lang
        key = (*key, lang)
    add(PageSpec(f"{folder}feed.xml", "feed:atom", context, key))
    add(PageSpec(f"{folder}rss.xml", "feed:rss", context, key))


SITEMAP_LIMIT = 50_000  # URLs per sitemap file (the protocol's limit)


def _plan_sitemap(parts: _Parts, config: SiteConfig) -> list[PageSpec]:
    """``sitemap.xml`` (an index of ``sitemap-N.xml`` files past 50,000 pages) and ``robots.txt``."""
    known = parts.rows
    rows: list[str] = []
    for part in parts.parts:
        if part[1] is None:
            part[1] = page_rows(part[0], config, known)
        rows += part[1]
    if known is not None and len(known) > 2 * len(rows) + 1000:  # forget pages long gone
        known.clear()
    specs = [PageSpec(path, "text:", {"text": text}, ("text", _hash(text)))
             for path, text in sitemap_files(rows, config, SITEMAP_LIMIT)]
    text = robots_txt(config)
    specs.append(PageSpec("robots.txt", "text:", {"text": text}, ("text", _hash(text))))
    return specs
