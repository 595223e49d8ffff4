"""Group loaded entries into a site: order, unique URLs, tags, archives, pages.

Nothing here touches the disk: ``collect`` is a pure function of the entries.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from math import ceil
from operator import attrgetter

from digest.errors import DuplicateURLError
from digest.model import Entry, Tag, slugify


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

    @property
    def url(self) -> str:
        if self.month is None:
            return f"{self.year}/"
        if self.day is None:
            return f"{self.year}/{self.month:02d}/"
        return f"{self.year}/{self.month:02d}/{self.day:02d}/"


@dataclass(frozen=True, slots=True)
class Site:
    entries: tuple[Entry, ...]  # newest first
    tags: tuple[Tag, ...]  # by name
    years: tuple[Period, ...]  # newest first

    def tag(self, name: str) -> Tag | None:
        key = slugify(name)
        for tag in self.tags:
            if tag.slug == key:
                return tag
        return None


def collect(entries: list[Entry], *, include_drafts: bool = False) -> Site:
    chosen = [e for e in entries if include_drafts or not e.draft]
    chosen = unique_urls(chosen)
    chosen.sort(key=attrgetter("order"), reverse=True)
    ordered = tuple(chosen)
    return Site(entries=ordered, tags=_tags(ordered), years=_archive(ordered))


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
    """Tags by slug; a tag spelled several ways shows its most common spelling."""
    members: dict[str, list[Entry]] = defaultdict(list)
    first: dict[str, str] = {}
    spellings: dict[str, Counter] = {}
    for entry in entries:
        for name, key in zip(entry.tags, entry.tag_slugs):
            members[key].append(entry)
            seen = first.setdefault(key, name)
            if seen != name or key in spellings:
                spellings.setdefault(key, Counter({seen: len(members[key]) - 1}))[name] += 1
    tags = []
    for key, tagged in members.items():
        if key in spellings:
            name = min(spellings[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        else:
            name = first[key]
        tags.append(Tag(name=name, slug=key, entries=tuple(tagged)))
    tags.sort(key=lambda t: (t.name.casefold(), t.slug))
    return tuple(tags)


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
        grouped.setdefault(year, {}).setdefault(month, []).append(Period(year, month, day, tuple(by_day[key])))
    years = []
    for year, months_of_year in grouped.items():
        months = []
        for month, days in months_of_year.items():
            listed: list[Entry] = []
            for period in days:
                listed.extend(period.entries)
            months.append(Period(year, month, None, tuple(listed), tuple(days)))
        listed = []
        for period in months:
            listed.extend(period.entries)
        years.append(Period(year, None, None, tuple(listed), tuple(months)))
    return tuple(years)


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
