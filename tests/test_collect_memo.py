"""``collect`` with a memo kept between calls (as a long-lived builder keeps
it) gives the same site as a fresh call, after every kind of change."""
from __future__ import annotations

import random
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from digest.build import load_entries
from digest.collect import collect
from digest.config import load_config, zone

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from corpus import generate  # noqa: E402


def test_a_memo_kept_between_calls_gives_the_same_site(tmp_path: Path) -> None:
    entries = load_entries(load_config(generate(tmp_path / "root", 120, seed=9)))
    tz = zone("Asia/Almaty")
    memo: dict = {}
    rng = random.Random(9)
    for step in range(24):
        assert collect(entries, tz=tz, memo=memo) == collect(entries, tz=tz), step
        i = rng.randrange(len(entries))
        entry = entries[i]
        change = step % 6
        if change == 0:  # a later date, maybe another week
            entries[i] = replace(entry, date=entry.date + timedelta(days=rng.randint(1, 9)), digest=f"d{step}")
        elif change == 1:  # another spelling of a tag: the shown name of the tag may change
            entries[i] = replace(entry, tags=tuple(t.upper() for t in entry.tags), digest=f"t{step}")
        elif change == 2:  # featured: pinned, first in its edition
            entries[i] = replace(entry, featured=not entry.featured, digest=f"f{step}")
        elif change == 3:
            del entries[i]
        elif change == 4:  # a new title: a new URL
            entries[i] = replace(entry, slug=f"{entry.slug}-x{step}", digest=f"s{step}")
        else:  # a copy from another outlet: a story
            entries.append(replace(entry, source_path=f"copy-{step}.md", source="Another Outlet", slug=f"copy-{step}",
                                   digest=f"c{step}"))


def test_an_edition_follows_changes_made_in_other_weeks(tmp_path: Path) -> None:
    """Two changes that leave a week's own entries alone and still change its
    edition: a tag's shown name (its most common spelling) and an entry of the
    week becoming the second report of a story led from the week before."""
    entries = load_entries(load_config(generate(tmp_path / "root", 120, seed=10)))
    tz = zone("Asia/Almaty")
    memo: dict = {}
    assert collect(entries, tz=tz, memo=memo) == collect(entries, tz=tz)

    # The newest entry keeps its spelling of its first tag; every other entry with that tag changes it.
    newest = max(entries, key=lambda e: e.order)
    tag = newest.tags[0]
    for i, entry in enumerate(entries):
        if entry is not newest and tag in entry.tags:
            spelled = tuple(t.upper() if t == tag else t for t in entry.tags)
            entries[i] = replace(entry, tags=spelled, digest=entry.digest + "-spelled")
    site = collect(entries, tz=tz, memo=memo)
    assert site == collect(entries, tz=tz)
    assert any(name == tag.upper() for edition in site.editions[:1] for name, _, _ in edition.groups)

    # A copy from another outlet, dated the day before a Monday entry: its story is led from the week before.
    monday = next(e for e in sorted(entries, key=lambda e: e.order) if e.date.astimezone(tz).weekday() == 0
                  and e.date.astimezone(tz).hour >= 1)
    copy = replace(monday, source_path="copy.md", source="Another Outlet", slug="copy",
                   date=monday.date - timedelta(days=1), digest="copy")
    site = collect([*entries, copy], tz=tz, memo=memo)
    assert site == collect([*entries, copy], tz=tz)
    assert any(len(story.entries) == 2 and copy in story.entries for story in site.stories)
