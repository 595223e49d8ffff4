"""The same story told by several outlets: found by text similarity at build time.

(Interface only; the method is filled in next.)
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from digest.model import Entry


@dataclass(frozen=True, slots=True)
class Story:
    """Entries that report one event; ``entries[0]`` is the lead."""

    id: str
    entries: tuple[Entry, ...]

    @property
    def lead(self) -> Entry:
        return self.entries[0]

    def others(self, entry: Entry) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e is not entry)


def sketch(title: str, text: str, lang: str | None) -> bytes:
    """A compact fingerprint of an entry's title and Markdown body."""
    return b""


def find_stories(entries: Sequence[Entry], threshold: float) -> tuple[Story, ...]:
    """Groups of two or more entries that report the same event."""
    return ()
