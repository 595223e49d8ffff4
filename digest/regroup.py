"""The last site's groups, updated after a few of its entries changed.

A long-lived builder (``digest serve``) groups the entries again after every
save, and most groups (tags, days of the archive, weeks of the editions) hold
none of the entries that changed. These functions take the last site's groups
and the change (the entries that left, the entries that came) and make again
only the groups it touches; every other group is the same object as before,
so what is planned from it can be kept too. The answer is what grouping every
entry afresh gives (``tests/test_collect_memo.py`` compares the two).

Entries are immutable and compared by identity: an entry that is edited,
moved or renamed is a new object, so it leaves and comes back.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import compress
from operator import attrgetter
from typing import Callable, Iterable

from digest.model import Entry, Tag

ORDER = attrgetter("order")


@dataclass(frozen=True, slots=True)
class Change:
    """What changed between two lists of entries."""

    gone: frozenset[int]  # id() of the entries that left
    left: tuple[Entry, ...]  # the entries that left
    came: tuple[Entry, ...]  # the entries that came

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self.left + self.came

    def __bool__(self) -> bool:
        return bool(self.left or self.came)


def change_between(old: tuple[Entry, ...], new: tuple[Entry, ...], most: int, old_ids: set[int] | None = None,
                   new_ids: set[int] | None = None) -> Change | None:
    """The change from ``old`` to ``new``, or None when more than ``most`` entries left or came.

    ``old_ids`` and ``new_ids``, the ids of each, are made when not given. The
    entries of ``old`` are alive (the caller holds them), so no entry of
    ``new`` can have the id of one of them without being it.
    """
    old_ids = set(map(id, old)) if old_ids is None else old_ids
    new_ids = set(map(id, new)) if new_ids is None else new_ids
    gone = old_ids - new_ids
    came = new_ids - old_ids
    if len(gone) + len(came) > most:
        return None
    return Change(
        frozenset(gone),
        tuple(compress(old, map(gone.__contains__, map(id, old)))) if gone else (),
        tuple(compress(new, map(came.__contains__, map(id, new)))) if came else (),
    )


def merged(old: Iterable[Entry], change: Change, came: list[Entry]) -> list[Entry]:
    """``old`` without the entries that left, with ``came`` added, newest first."""
    gone = change.gone
    members = [e for e in old if id(e) not in gone] if gone else list(old)
    if came:
        members += came
        members.sort(key=ORDER, reverse=True)
    return members


# -- tags ----------------------------------------------------------------------

def tag_name(spellings: Counter) -> str:
    """A tag spelled several ways shows its most common spelling (the first in
    alphabetical order among equally common ones)."""
    return min((kv for kv in spellings.items() if kv[1] > 0), key=lambda kv: (-kv[1], kv[0]))[0]


def sort_tags(tags: Iterable[Tag]) -> tuple[Tag, ...]:
    return tuple(sorted(tags, key=lambda t: (t.name.casefold(), t.slug)))


def retag(tags: tuple[Tag, ...], change: Change, spellings: dict[str, Counter]) -> tuple[Tag, ...]:
    """The tags after ``change``; ``spellings`` (slug → how often each spelling
    is used, filled as tags are touched) is kept up to date for the next call.

    An entry's tag slugs are distinct (``content`` merges tags of one slug).
    """
    by_slug = {t.slug: t for t in tags}
    touched = {slug for e in change.entries for slug in e.tag_slugs}
    for slug in touched:
        old = by_slug.pop(slug, None)
        counts = spellings.get(slug)
        if counts is None:
            counts = spellings[slug] = Counter(_spelling(e, slug) for e in old.entries) if old else Counter()
        counts.subtract(_spelling(e, slug) for e in change.left if slug in e.tag_slugs)
        came = [e for e in change.came if slug in e.tag_slugs]
        counts.update(_spelling(e, slug) for e in came)
        members = merged(old.entries if old else (), change, came)
        if members:
            by_slug[slug] = Tag(name=tag_name(counts), slug=slug, entries=tuple(members))
        else:
            del spellings[slug]
    return sort_tags(by_slug.values())


def _spelling(entry: Entry, slug: str) -> str:
    return entry.tags[entry.tag_slugs.index(slug)]


# -- the archive -----------------------------------------------------------------

def rearchive(years: tuple, change: Change, month_of: Callable, year_of: Callable, day_of: Callable) -> tuple:
    """The archive (years → months → days, newest first) after ``change``.

    ``day_of(year, month, day, entries)``, ``month_of(year, month, days)`` and
    ``year_of(year, months)`` make the periods, as ``collect`` does.
    """
    came_on: dict[tuple[int, int], dict[int, list[Entry]]] = {}
    for entry in change.entries:
        d = entry.date
        came_on.setdefault((d.year, d.month), {}).setdefault(d.day, [])
    for entry in change.came:
        d = entry.date
        came_on[d.year, d.month][d.day].append(entry)
    by_year = {y.year: y for y in years}
    months_of: dict[int, dict] = {}
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
                days[day] = day_of(year, month, day, members)
        if days:
            months[month] = month_of(year, month, [days[d] for d in sorted(days, reverse=True)])
        else:
            months.pop(month, None)
    for year, months in months_of.items():
        if months:
            by_year[year] = year_of(year, [months[m] for m in sorted(months, reverse=True)])
        else:
            by_year.pop(year, None)
    return tuple(by_year[y] for y in sorted(by_year, reverse=True))
