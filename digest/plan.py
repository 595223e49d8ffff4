"""The plan of a site: every output file it has, as a :class:`PageSpec`.

Each spec has a ``key`` that holds everything the file's bytes depend on
besides the templates and the configuration; :mod:`digest.render` turns a spec
into bytes. Keeping the two apart lets a build render only the files whose key
changed, and split the rendering between processes.

A long-lived builder (``digest serve``) passes memos that keep what did not
change since its last plan; a single build is told, by :class:`PlanState`
kept with the last build's manifest, which entry pages cannot have changed.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter

from digest.collect import RELATED, Site, language_sites, paginate
from digest.config import SiteConfig
from digest.i18n import tag_names
from digest.model import Entry
from digest.sitemap import entry_rows, page_rows, robots_txt, sitemap_files
from digest.stories import Story

SITE_LINKS = {
    "home": "", "tags": "tags/", "archive": "archive/", "editions": "editions/", "search": "search/",
    "atom": "feed.xml", "rss": "rss.xml", "editions_atom": "editions/feed.xml", "editions_rss": "editions/rss.xml",
    "style": "static/style.css",
}


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One output file: where it goes, what renders it, and what it depends on."""

    path: str  # relative to the output folder
    template: str  # a template name, or "feed:atom" / "feed:rss"
    context: dict = field(compare=False)
    key: tuple = ()  # of strings and numbers: everything the bytes depend on
    # The key's hash, taken from the last build's manifest, for an entry page
    # that cannot have changed since (see ``PlanState``): its context
    # holds the entry only, and it is never rendered (its key is the one the
    # file in place was rendered from).
    known: str = ""


@dataclass(frozen=True, slots=True)
class PlanState:
    """What a plan's entry pages were made from, and its sitemap lines: kept
    with the manifest of the build that wrote the files.

    The next single build (``digest build``) compares it with its own site, as
    a long-lived builder compares its last plan (see ``_LastEntryPages``): an
    entry page whose entry, story, and neighbours on each of its tags' lists
    are the same has the same key, so that key's hash is taken from the
    manifest instead of working out the page's related entries again (0.07 s
    at 10,000 entries, where one edit costs half a second); and a page's
    sitemap line is the last one while the page is the same (0.03 s).
    """

    tags: dict[str, tuple[str, ...]]  # tag slug → the identities of its entries, in list order
    stories: dict[str, str]  # entry URL → ``story_ident`` of its story
    idents: frozenset[str]  # of the entries with a page
    rows: dict  # sitemap lines, by page (as ``sitemap.page_rows`` remembers them)

    @classmethod
    def of(cls, site: Site, rows: dict) -> "PlanState":
        return cls(*_made_from(site), frozenset(map(_IDENT, site.entries)), rows)


def _made_from(site: Site) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """What the site's entry pages are made from, besides their entries: each
    tag's list (the identities of its entries) and each entry's story."""
    return ({slug: held[2] for slug, held in site.positions.items()},
            {url: story_ident(story) for url, story in site.story_of.items()})


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


# The templates pages are made with, and the default theme's parts of them (a
# build compiles those there are while it reads the entries)
PAGE_TEMPLATES = ("entry.html", "index.html", "tags.html", "tag.html", "archives.html", "archive.html",
                  "editions.html", "edition.html", "search.html", "404.html", "base.html", "_macros.html",
                  "_card.html", "_archive_item.html", "_meta.html", "_tags.html", "_masthead.html", "_colophon.html")


def plan_site(
    site: Site, config: SiteConfig, memo: dict[tuple, PageSpec] | None = None, related_memo: dict | None = None,
    last_build: tuple[PlanState, dict[str, tuple[str, str]]] | None = None, rows: dict | None = None,
) -> list[PageSpec]:
    """Every output file of the site, in a stable order.

    ``memo`` (entry page key → its spec) and ``related_memo`` (see
    ``Site.related``) let a long-lived builder reuse what did not change.
    ``last_build``, the last plan's state and the files (path → key hash,
    bytes hash) of the manifest of the output as it is, lets a single build
    keep the key of every entry page that cannot have changed; ``rows``, the
    sitemap lines by page (the last plan's, or empty), gets this plan's.
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
    last = _LastEntryPages(site, related_memo, last_build)
    parts = _Parts(related_memo, last.retold, rows)
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
        path = f"{entry.url}index.html"
        page = kept.get(entry.ident)
        if page is None and (known := last.known(entry, path)):
            page = PageSpec(path, "entry.html", {"entry": entry, "page_url": entry.url}, ("entry", entry.ident), known)
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
                page = memo[key] = PageSpec(path, "entry.html", context, key)
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

    def __init__(self, memo: dict | None, retold: set[str], rows: dict | None = None) -> None:
        self.memo = memo
        self.last: dict = memo.get("parts", {}) if memo is not None else {}
        self.kept: dict = {}
        self.retold = retold
        self.parts: list[list] = []  # [specs, sitemap lines or None]
        self.rows: dict | None = rows  # sitemap lines, by page (see ``sitemap.page_rows``)
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

    def __init__(self, site: Site, memo: dict | None,
                 last_build: tuple[PlanState, dict[str, tuple[str, str]]] | None = None) -> None:
        self.memo = memo
        self.tags, self.stories = _made_from(site)
        self.specs: dict[str, PageSpec] = {}
        self.retold: set[str] = set()  # URLs of the entries whose story changed since the last plan
        # A single build's last build, known from the disk: the entries with a
        # page then, those whose page may have changed, and the files' key
        # hashes (see ``known``).
        self._had: frozenset[str] = frozenset()
        self._changed_since: set[str] = set()
        self._files: dict[str, tuple[str, str]] = {}
        last = memo.get("entry pages") if memo is not None else None
        if last is not None:
            tags, stories, specs = last
            changed = self._changed(tags, stories)
            if self.retold:
                changed.update(ident for ident, spec in specs.items() if spec.context["entry"].url in self.retold)
            self.specs = {ident: spec for ident, spec in specs.items() if ident not in changed} if changed else specs
        elif last_build is not None:
            state, self._files = last_build
            self._had, self._changed_since = state.idents, self._changed(state.tags, state.stories)
            if self.retold:
                self._changed_since.update(e.ident for e in site.entries if e.url in self.retold)

    def _changed(self, tags: dict[str, tuple[str, ...]], stories: dict[str, str]) -> set[str]:
        """The identities of the entries whose page may have changed since the
        plan of ``tags`` and ``stories``; sets ``retold``."""
        changed: set[str] = set()
        for slug, idents in self.tags.items():
            old = tags.get(slug)
            if old is not None and old is not idents and old != idents:
                start, end = _changed_span(old, idents)
                changed.update(idents[max(0, start - RELATED) : end + RELATED])
            # (a new tag's entries are new, or changed: none has a page to keep)
        if stories != self.stories:  # entries whose story changed (rare)
            self.retold = {u for u in stories.keys() | self.stories.keys() if stories.get(u) != self.stories.get(u)}
        return changed

    def known(self, entry: Entry, path: str) -> str:
        """The key hash of the entry's page ``path`` in the last build's
        manifest, when the page cannot have changed since; else ""."""
        if entry.ident not in self._had or entry.ident in self._changed_since:
            return ""
        return self._files.get(path, ("", ""))[0]  # "": a file a killed build may have changed

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
