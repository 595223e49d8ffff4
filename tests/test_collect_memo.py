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
from digest.model import slugify

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


def test_groups_made_again_from_the_last_site_match_fresh_ones(tmp_path: Path) -> None:
    """Many small changes of every kind, one at a time and a few at once: tags
    that appear and vanish, entries moving across days, months and years,
    drafts, URLs taken twice, stories; now and then a change too large to
    update, and a call with nothing changed. Each site equals a fresh one,
    and the groups no change touched are the very objects of the last site."""
    entries = load_entries(load_config(generate(tmp_path / "root", 200, seed=11)))
    tz = zone("Asia/Almaty")
    memo: dict = {}
    rng = random.Random(11)
    last = collect(entries, tz=tz, memo=memo)
    for step in range(160):
        before = list(entries)
        large = step % 37 == 36
        for _ in range(40 if large else rng.choice((1, 1, 1, 2, 3))):
            _change(entries, rng, step)
        site = collect(entries, tz=tz, memo=memo)
        assert site == collect(entries, tz=tz), step
        changed = set(map(id, before)) ^ set(map(id, entries))
        if not changed:
            assert site is last, step
        if large:
            last = site
            continue
        # (an entry whose URL another one took is a new copy in every site: compare the sites)
        moved = set(map(id, last.entries)) ^ set(map(id, site.entries))
        touched = {slug for e in last.entries + site.entries if id(e) in moved for slug in e.tag_slugs}
        for tag in last.tags:
            if tag.slug not in touched:
                assert site.tag(tag.name) is tag, (step, tag.slug)
        last = site


def test_stories_found_from_the_last_builds_pairs_read_back_match_fresh_ones(tmp_path: Path) -> None:
    """A single build starts from the candidate pairs the last build saved (by
    slice of time, its entries named by identity): after every kind of
    change the site is the one a call with nothing kept gives, stories and all."""
    import pickle

    from digest.stories import CandidatePairs

    entries = load_entries(load_config(generate(tmp_path / "root", 200, seed=12)))
    tz = zone("Asia/Almaty")
    rng = random.Random(12)
    memo: dict = {}
    collect(entries, tz=tz, memo=memo)
    told = 0
    for step in range(60):
        for _ in range(40 if step % 19 == 18 else rng.choice((1, 1, 2, 3))):
            _change(entries, rng, step)
        state = pickle.loads(pickle.dumps(memo["stories"]["slices"].state()))  # as a new process reads it
        memo = {"stories": {"slices": CandidatePairs.restored(state)}}
        site = collect(entries, tz=tz, memo=memo)
        assert site == collect(entries, tz=tz), step
        told += len(site.stories)
    assert told > 60  # stories were there to find


def _change(entries: list, rng: random.Random, step: int) -> None:
    i = rng.randrange(len(entries))
    entry = entries[i]
    kind = rng.randrange(9)
    mark = f"{step}-{rng.randrange(10**6)}"
    if kind == 0:  # another day, month or year
        days = rng.choice((1, 3, 20, 40, 400, -2, -35, -380))
        entries[i] = replace(entry, date=entry.date + timedelta(days=days, hours=rng.randint(-12, 12)), digest=mark)
    elif kind == 1:  # new tags: one of them maybe never seen before
        tags = tuple(rng.sample(["Выборы", "ЦИК", "Turnout", f"Tag {mark}", "Сайлау", "Mazhilis"], rng.randint(0, 3)))
        entries[i] = replace(entry, tags=tags, tag_slugs=tuple(map(slugify, tags)), digest=mark)
    elif kind == 2:  # another spelling of a tag
        entries[i] = replace(entry, tags=tuple(t.lower() for t in entry.tags), digest=mark)
    elif kind == 3:
        entries[i] = replace(entry, draft=not entry.draft, digest=mark)
    elif kind == 4 and len(entries) > 20:
        del entries[i]
    elif kind == 5:  # the URL of another entry: the later one gets "-2"
        other = entries[rng.randrange(len(entries))]
        entries[i] = replace(entry, date=other.date, slug=other.slug, digest=mark)
    elif kind == 6:  # a copy from another outlet: a story
        entries.append(replace(entry, source_path=f"copy-{mark}.md", source=f"Outlet {mark}", slug=f"copy-{mark}",
                               digest=mark))
    elif kind == 7:
        entries[i] = replace(entry, featured=not entry.featured, digest=mark)
    else:  # a new title, same place
        entries[i] = replace(entry, title=f"{entry.title} {mark}", digest=mark)


def test_the_week_of_an_entry_is_its_iso_week_in_the_site_zone_across_clock_changes() -> None:
    """The week of each entry is known from the span of the week before it
    (entries come in time order): the same week as the entry's own date in the
    zone gives, in zones whose clocks skip or repeat an hour at midnight too."""
    from datetime import datetime, timezone

    from digest.collect import _week_of
    from digest.model import Body, Entry

    rng = random.Random(5)
    for name in ("America/Sao_Paulo", "America/Havana", "Europe/Moscow", "Asia/Almaty", "UTC"):
        tz = zone(name)
        moments = sorted(rng.uniform(946684800, 1735689600) for _ in range(3000))
        # and every minute around midnight on the days the clocks changed
        changes = [m for m in range(946684800, 1735689600, 3600)
                   if datetime.fromtimestamp(m, tz).utcoffset() != datetime.fromtimestamp(m + 3600, tz).utcoffset()]
        moments += [m + s for m in changes for s in range(-7200, 7200, 60)]
        entries = [Entry("a.md", "T", datetime.fromtimestamp(m, timezone.utc).astimezone(timezone(timedelta(hours=rng.randint(-12, 12)))),
                         "t", Body("")) for m in moments]
        for order in (sorted(entries, key=lambda e: e.order), sorted(entries, key=lambda e: e.order, reverse=True), entries):
            week = _week_of(tz)
            for entry in order:
                iso = entry.date.astimezone(tz).isocalendar()
                assert week(entry) == (iso[0], iso[1]), (name, entry.date)
