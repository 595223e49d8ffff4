"""Group loaded entries into a site: order, unique URLs, tags, archives, pages.

Nothing here touches the disk: ``collect`` is a pure function of the entries.
"""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from math import ceil
from operator import attrgetter

from digest.errors import DuplicateURLError
from digest.model import Entry, Tag, slugify
from digest.regroup import ORDER, Change, change_between, merged, retag, sort_tags, tag_name
from digest.stories import Story, find_stories

RELATED = 4  # related entries shown on an entry page
IDENT = attrgetter("ident")


@dataclass(frozen=True, slots=True)
class ListPage:
    """One page of a paginated list of entries."""

    number: int
    count: int
    entries: tuple[Entry, ...]
    url: str
    first_url: str

    @property
    def prev_url(self) -> str | None:
        if self.number == 1:
            return None
        return self.first_url if self.number == 2 else f"{self.first_url}page/{self.number - 1}/"

    @property
    def next_url(self) -> str | None:
        return f"{self.first_url}page/{self.number + 1}/" if self.number < self.count else None


@dataclass(frozen=True, slots=True)
class Period:
    """A year, month or day of the archive, with its entries (newest first)."""

    year: int
    month: int | None
    day: int | None
    entries: tuple[Entry, ...]
    children: tuple["Period", ...] = ()
    prefix: str = ""  # where its language's pages live: "" or "ru/"

    @property
    def url(self) -> str:
        if self.month is None:
            return f"{self.prefix}{self.year}/"
        if self.day is None:
            return f"{self.prefix}{self.year}/{self.month:02d}/"
        return f"{self.prefix}{self.year}/{self.month:02d}/{self.day:02d}/"


@dataclass(frozen=True, slots=True)
class Edition:
    """One ISO week of the digest: its stories, featured first, then by tag."""

    year: int  # the ISO year
    week: int
    entries: tuple[Entry, ...]  # every entry of the week, newest first
    featured: tuple[Entry, ...]  # story cards of featured entries
    groups: tuple[tuple[str, str, tuple[Entry, ...]], ...]  # (tag name, tag slug, story cards); "" slug: no tag
    cards: tuple[Entry, ...] = field(init=False, repr=False, compare=False)  # every card, in the page's order
    prefix: str = ""  # where its language's pages live: "" or "ru/"

    def __post_init__(self) -> None:
        object.__setattr__(self, "cards", self.featured + tuple(e for _, _, group in self.groups for e in group))

    @property
    def url(self) -> str:
        return f"{self.prefix}editions/{self.year}-W{self.week:02d}/"

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)



@dataclass(frozen=True, slots=True)
class LanguageTag(Tag):
    """A tag on one language's pages: its name in that language, its pages under the language's folder."""

    prefix: str = ""

    @property
    def url(self) -> str:
        return f"{self.prefix}tags/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Site:
    entries: tuple[Entry, ...]  # newest first
    tags: tuple[Tag, ...]  # by name
    years: tuple[Period, ...]  # newest first
    stories: tuple[Story, ...] = ()
    story_of: dict[str, Story] = field(default_factory=dict)  # entry URL → its story
    pinned: tuple[Entry, ...] = ()  # featured entries, pinned above the home page's list
    stream: tuple[Entry, ...] = ()  # the home page's list: one card per story, pinned ones left out
    editions: tuple[Edition, ...] = ()  # newest first
    # tag slug → (the tag's entries, entry URL → its place among them, their idents)
    positions: dict[str, tuple[tuple[Entry, ...], dict[str, int], tuple[str, ...]]] = field(
        default_factory=dict, repr=False
    )
    lang: str = ""  # a language's part of a multilingual site (see ``language_sites``), else ""

    def tag(self, name: str) -> Tag | None:
        key = slugify(name)
        for tag in self.tags:
            if tag.slug == key:
                return tag
        return None

    def cards(self, entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
        """A list with one card per story: a story's other entries are left out
        where its lead is in the list (the lead's card names them)."""
        return cards(entries, self.story_of)

    def also(self, entry: Entry) -> tuple[Entry, ...]:
        """The other entries of the story this entry belongs to."""
        story = self.story_of.get(entry.url)
        return story.others(entry) if story is not None else ()

    def related_and_ids(self, entry: Entry, limit: int = RELATED, memo: dict | None = None) -> tuple[tuple[Entry, ...], str]:
        """Entries that share tags with this one, nearest in time first.

        The candidates are the entry's neighbours in time on each of its tags'
        lists; those met on more of its tags rank first, then the nearest in
        time. The entry's own story is left out (the page names it already).
        Also returned: what the list adds to a page key. ``memo`` (kept by a
        long-lived builder) remembers the answer for the same neighbours.
        """
        if not entry.tag_slugs:
            return (), ""
        url = entry.url
        spans = []
        for slug in entry.tag_slugs:
            members, places, idents = self.positions[slug]
            i = places[url]
            spans.append((members, idents, i - limit if i > limit else 0, i + limit + 1))
        own = self.story_of.get(url)
        key = None
        if memo is not None:
            # The answer depends only on which entries the windows hold (and how
            # often): their identities, side by side, are the key.
            key = (entry.ident, own.id if own is not None else "")
            for _, idents, lo, hi in spans:
                key += idents[lo:hi]
            hit = memo.get(key)
            if hit is not None:
                return hit
        shared: dict[str, int] = {}
        found: dict[str, Entry] = {}
        for members, _, lo, hi in spans:
            for other in members[lo:hi]:
                u = other.url
                if u in shared:
                    shared[u] += 1
                else:
                    shared[u] = 1
                    found[u] = other
        del shared[url]
        if own is not None:
            for e in own.entries:
                shared.pop(e.url, None)
        t = entry.order[0]
        ranked = sorted([(-n, abs(found[u].order[0] - t), found[u].source_path, u) for u, n in shared.items()])
        chosen = tuple([found[r[3]] for r in ranked[:limit]])
        # the entries, and what they add to a page key (hashed: small)
        ids = hashlib.blake2b("\n".join([e.ident for e in chosen]).encode(), digest_size=16).hexdigest()
        result = (chosen, ids)
        if key is not None:
            memo[key] = result
        return result

def collect(
    entries: list[Entry],
    *,
    include_drafts: bool = False,
    tz: tzinfo | None = None,
    story_threshold: float = 0.5,
    memo: dict | None = None,
    stories_memo: dict | None = None,
) -> Site:
    """The site of these entries. ``memo`` (an empty dict, kept by a long-lived
    builder) lets the next call start from the last site and make again only
    the groups that hold a changed entry; the answer is the same.
    ``stories_memo``, without ``memo``: what ``find_stories`` keeps (a single
    build's, which starts from the last build's candidate pairs)."""
    if memo is not None:
        stories_memo = memo.setdefault("stories", {})
    memo = {} if memo is None else memo
    chosen = [e for e in entries if include_drafts or not e.draft]
    chosen = unique_urls(chosen)
    chosen.sort(key=ORDER, reverse=True)
    ordered = tuple(chosen)
    settings = (include_drafts, tz, story_threshold)
    last: _Last | None = memo.get("last")
    change = None
    ids = set(map(id, ordered))
    if last is not None and last.settings == settings:
        change = change_between(last.site.entries, ordered, max(64, len(ordered) // 8), last.ids, ids)
        if change is not None and not change:
            return last.site  # the same entries: the same site
    stories = find_stories(ordered, story_threshold, stories_memo)
    story_of = {e.url: story for story in stories for e in story.entries}
    listed = cards(ordered, story_of)
    pinned = tuple(e for e in listed if e.featured)
    stream = tuple(e for e in listed if not e.featured) if pinned else listed
    spellings = memo.setdefault("tag spellings", {})
    if change is None:
        spellings.clear()
        tags, years = _tags(ordered), _archive(ordered)
    else:
        tags = retag(last.site.tags, change, spellings)
        years = _rearchive(last.site.years, change)
    tag_names = {t.slug: t.name for t in tags}
    shown = None
    if change is not None:  # the change to the cards (the same without stories)
        same = listed is ordered and last.listed is last.site.entries
        shown = change if same else change_between(last.listed, listed, max(64, len(listed) // 8))
    if shown is not None and last.tag_names == tag_names:
        editions = _reweek(last.site.editions, listed, change, shown, tz, tag_names)
    else:
        editions = _editions(listed, ordered, tz, tag_names)
    held = last.site.positions if change is not None else {}
    positions = {}
    for t in tags:
        kept = held.get(t.slug)
        positions[t.slug] = kept if kept is not None and kept[0] is t.entries else (
            t.entries, {e.url: i for i, e in enumerate(t.entries)}, tuple(map(IDENT, t.entries)))
    site = Site(
        entries=ordered, tags=tags, years=years, stories=stories, story_of=story_of, pinned=pinned, stream=stream,
        editions=editions, positions=positions,
    )
    memo["last"] = _Last(site, ids, listed, tag_names, settings)
    return site


@dataclass(frozen=True, slots=True)
class _Last:
    """What the next call of ``collect`` with the same memo starts from."""

    site: Site
    ids: set[int]  # of the site's entries
    listed: tuple[Entry, ...]  # one card per story, in the order of ``site.entries``
    tag_names: dict[str, str]
    settings: tuple


def language_of(entry: Entry, languages: tuple[str, ...]) -> str:
    """The language of the site an entry belongs to: its ``lang`` (``ru-RU`` is
    ``ru``) when the site has it, else the default (the first)."""
    if entry.lang:
        code = entry.lang.split("-")[0].lower()
        if code in languages:
            return code
    return languages[0]


def language_sites(site: Site, languages: tuple[str, ...], prefixes: dict[str, str],
                   tag_names: dict[str, dict[str, str]], tz: tzinfo | None) -> dict[str, Site]:
    """Each language's part of a multilingual site: its entries, and their tags
    (named in the language), archive and editions, with pages under the
    language's folder (``prefixes``). Stories stay the whole site's: a story
    told in three languages is one story, and each report is a card on its
    own language's lists."""
    mine: dict[str, list[Entry]] = {lang: [] for lang in languages}
    for entry in site.entries:
        mine[language_of(entry, languages)].append(entry)
    parts = {}
    for lang in languages:
        entries, prefix, names = tuple(mine[lang]), prefixes[lang], tag_names.get(lang, {})
        tags = sort_tags(LanguageTag(names.get(t.slug, t.name), t.slug, t.entries, prefix) for t in _tags(entries))
        listed = cards(entries, site.story_of)
        pinned = tuple(e for e in listed if e.featured)
        stream = tuple(e for e in listed if not e.featured) if pinned else listed
        editions = tuple(replace(e, prefix=prefix) for e in _editions(listed, entries, tz, {t.slug: t.name for t in tags}))
        positions = {t.slug: (t.entries, {e.url: i for i, e in enumerate(t.entries)}, tuple(map(IDENT, t.entries)))
                     for t in tags}
        parts[lang] = Site(entries=entries, tags=tags, years=_prefixed(_archive(entries), prefix), stories=site.stories,
                           story_of=site.story_of, pinned=pinned, stream=stream, editions=editions,
                           positions=positions, lang=lang)
    return parts


def _prefixed(periods: tuple[Period, ...], prefix: str) -> tuple[Period, ...]:
    if not prefix:
        return periods
    return tuple(replace(p, prefix=prefix, children=_prefixed(p.children, prefix)) for p in periods)


def cards(entries: tuple[Entry, ...], story_of: dict[str, Story]) -> tuple[Entry, ...]:
    if not story_of:
        return entries
    present = {e.url for e in entries}
    return tuple(
        e for e in entries
        if (story := story_of.get(e.url)) is None or story.lead is e or story.lead.url not in present
    )


def _editions(
    listed: tuple[Entry, ...], entries: tuple[Entry, ...], tz: tzinfo | None, tag_names: dict[str, str],
) -> tuple[Edition, ...]:
    """ISO weeks in the site's time zone, newest first; a story counts in its lead's week."""
    week = _week_of(tz)
    # ``listed`` is a part of ``entries``, in the same order: one pass sorts both by week.
    shown_urls = {e.url for e in listed}
    weeks: dict[tuple[int, int], list[Entry]] = defaultdict(list)
    week_cards: dict[tuple[int, int], list[Entry]] = defaultdict(list)
    for entry in entries:
        key = week(entry)
        weeks[key].append(entry)
        if entry.url in shown_urls:
            week_cards[key].append(entry)
    return tuple(_edition(key, weeks[key], week_cards.get(key, []), tag_names) for key in sorted(weeks, reverse=True))


def _reweek(
    editions: tuple[Edition, ...], listed: tuple[Entry, ...], change: Change, shown: Change, tz: tzinfo | None,
    tag_names: dict[str, str],
) -> tuple[Edition, ...]:
    """The editions after ``change`` (to the entries) and ``shown`` (to the
    cards, ``listed``): only the weeks of the entries in either are made again."""
    week = _week_of(tz)
    touched = {week(e) for e in change.entries + shown.entries}
    by_week = {(e.year, e.week): e for e in editions}
    cards = set(map(id, listed))
    for key in touched:
        held = by_week.pop(key, None)
        members = merged(held.entries if held else (), change, [e for e in change.came if week(e) == key])
        if members:
            by_week[key] = _edition(key, members, [e for e in members if id(e) in cards], tag_names)
    return tuple(by_week[key] for key in sorted(by_week, reverse=True))


def _week_of(tz: tzinfo | None):
    """``week(entry)``: the ISO (year, week) of the entry in ``tz`` (in its own
    offset without one).

    The entries of a list come in time order, mostly many to a week: the week
    last found is known by its first and its last moment, and an entry between
    them is in it (one look at the zone's rules a week, not one an entry).
    """
    span: list = [0.0, -1.0, None]  # the week's first moment, the next week's, (year, week)

    def week(entry: Entry) -> tuple[int, int]:
        if tz is None:
            iso = entry.date.isocalendar()
            return (iso[0], iso[1])
        moment = entry.order[0]
        if span[0] <= moment < span[1]:
            return span[2]
        local = entry.date.astimezone(tz)
        year, number, weekday = local.isocalendar()
        monday = local.date() - timedelta(days=weekday - 1)
        after = monday + timedelta(days=7)
        # (a midnight the clocks skip gives the moment they skip to: the day's first)
        span[0] = datetime(monday.year, monday.month, monday.day, tzinfo=tz).timestamp()
        span[1] = datetime(after.year, after.month, after.day, tzinfo=tz).timestamp()
        span[2] = (year, number)
        return span[2]

    return week


def _edition(key: tuple[int, int], entries: list[Entry], shown: list[Entry], tag_names: dict[str, str]) -> Edition:
    featured = tuple(e for e in shown if e.featured)
    by_tag: dict[str, list[Entry]] = defaultdict(list)
    for entry in shown:
        if not entry.featured:  # each story once: under its first tag
            by_tag[entry.tag_slugs[0] if entry.tag_slugs else ""].append(entry)
    names = {s: tag_names.get(s, "") for s in by_tag}
    order = sorted(by_tag, key=lambda s: (s == "", names[s].casefold(), s))
    groups = tuple((names[s], s, tuple(by_tag[s])) for s in order)
    return Edition(key[0], key[1], tuple(entries), featured, groups)


def unique_urls(entries: list[Entry]) -> list[Entry]:
    """Give entries that would share a URL distinct, stable slugs.

    The entry with an explicit ``slug`` keeps it, else the earliest one; the
    others (by date, then file path) get ``-2``, ``-3``…. Two explicit slugs
    on one URL is an error naming both files.
    """
    if len({entry.url for entry in entries}) == len(entries):
        return list(entries)
    by_url: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_url[entry.url].append(entry)
    taken = set(by_url)
    result: list[Entry] = []
    for url, group in by_url.items():
        if len(group) == 1:
            result.extend(group)
            continue
        group.sort(key=lambda e: (not e.slug_given, e.order))
        given = [e for e in group if e.slug_given]
        if len(given) > 1:
            a, b = given[0].source_path, given[1].source_path
            raise DuplicateURLError(
                f"{a} and {b} both want the URL /{url}; change the slug of one of them",
                field="slug",
            )
        result.append(group[0])
        for entry in group[1:]:
            n = 2
            while True:
                candidate = replace(entry, slug=f"{entry.slug}-{n}")
                if candidate.url not in taken:
                    break
                n += 1
            taken.add(candidate.url)
            result.append(candidate)
    return result


def _tags(entries: tuple[Entry, ...]) -> tuple[Tag, ...]:
    """Tags by slug, in the entries' order; a tag spelled several ways shows
    its most common spelling (see ``tag_name``)."""
    members: dict[str, list[Entry]] = defaultdict(list)
    first: dict[str, str] = {}
    spellings: dict[str, Counter] = {}
    for entry in entries:
        for name, key in zip(entry.tags, entry.tag_slugs):
            members[key].append(entry)
            seen = first.setdefault(key, name)
            if seen != name or key in spellings:
                spellings.setdefault(key, Counter({seen: len(members[key]) - 1}))[name] += 1
    return sort_tags(
        Tag(name=tag_name(spellings[key]) if key in spellings else first[key], slug=key, entries=tuple(tagged))
        for key, tagged in members.items()
    )


def _archive(entries: tuple[Entry, ...]) -> tuple[Period, ...]:
    """Years → months → days, newest first; each day keeps the entries' order."""
    by_day: dict[tuple[int, int, int], list[Entry]] = {}
    for entry in entries:
        d = entry.date  # the entry's own local date, as its URL has it
        key = (d.year, d.month, d.day)
        found = by_day.get(key)
        if found is None:
            by_day[key] = [entry]
        else:
            found.append(entry)
    grouped: dict[int, dict[int, list[Period]]] = {}
    for key in sorted(by_day, reverse=True):
        year, month, day = key
        grouped.setdefault(year, {}).setdefault(month, []).append(_day(year, month, day, by_day[key]))
    return tuple(
        _year(year, [_month(year, month, days) for month, days in months.items()]) for year, months in grouped.items()
    )


def _rearchive(years: tuple[Period, ...], change: Change) -> tuple[Period, ...]:
    """The archive after ``change``: only the days, months and years that hold a
    changed entry are made again."""
    came_on: dict[tuple[int, int], dict[int, list[Entry]]] = {}
    for entry in change.entries:
        d = entry.date
        came_on.setdefault((d.year, d.month), {}).setdefault(d.day, [])
    for entry in change.came:
        d = entry.date
        came_on[d.year, d.month][d.day].append(entry)
    by_year = {y.year: y for y in years}
    months_of: dict[int, dict[int, Period]] = {}
    for (year, month), came_by_day in came_on.items():
        if year not in months_of:
            held = by_year.get(year)
            months_of[year] = {m.month: m for m in held.children} if held else {}
        months = months_of[year]
        held = months.get(month)
        days = {p.day: p for p in held.children} if held else {}
        for day, came in came_by_day.items():
            held = days.pop(day, None)
            members = merged(held.entries if held else (), change, came)
            if members:
                days[day] = _day(year, month, day, members)
        if days:
            months[month] = _month(year, month, [days[d] for d in sorted(days, reverse=True)])
        else:
            months.pop(month, None)
    for year, months in months_of.items():
        if months:
            by_year[year] = _year(year, [months[m] for m in sorted(months, reverse=True)])
        else:
            by_year.pop(year, None)
    return tuple(by_year[y] for y in sorted(by_year, reverse=True))


def _day(year: int, month: int, day: int, entries: list[Entry]) -> Period:
    return Period(year, month, day, tuple(entries))


def _month(year: int, month: int, days: list[Period]) -> Period:
    """A month of these days (newest first)."""
    return Period(year, month, None, tuple(e for period in days for e in period.entries), tuple(days))


def _year(year: int, months: list[Period]) -> Period:
    """A year of these months (newest first)."""
    return Period(year, None, None, tuple(e for period in months for e in period.entries), tuple(months))


def paginate(entries: tuple[Entry, ...], per_page: int, first_url: str) -> list[ListPage]:
    """Split a list into pages: ``first_url``, then ``first_url/page/2/``…"""
    count = max(1, ceil(len(entries) / per_page))
    pages = []
    for i in range(count):
        number = i + 1
        url = first_url if number == 1 else f"{first_url}page/{number}/"
        chunk = entries[i * per_page : (i + 1) * per_page]
        pages.append(ListPage(number, count, tuple(chunk), url, first_url))
    return pages
