"""What changed between two builds' entries, and the tags updated for it.

A long-lived builder (``digest serve``) groups the entries again after every
save, and most groups (tags, days of the archive, weeks of the editions) hold
none of the entries that changed. ``change_between`` finds the change (the
entries that left, the entries that came), ``merged`` makes one group again
from its last members and the change, and ``retag`` does so for the tags;
``collect`` does the same for the archive and the editions. Every group the
change does not touch is the same object as before, so what is planned from it
can be kept too. The answer is what grouping every entry afresh gives
(``tests/test_collect_memo.py`` compares the two).

Entries are immutable and compared by identity: an entry that is edited,
moved or renamed is a new object, so it leaves and comes back.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import compress
from operator import attrgetter
from typing import Iterable

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

