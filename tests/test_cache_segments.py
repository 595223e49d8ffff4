"""Entries stored in a cache segment and read back."""
from __future__ import annotations

from pathlib import Path

from digest import cache
from digest.config import load_config
from digest.content import parse_entry
from digest.cache import Stamp


def _entry(config, n: int, tags: str, source: str):
    raw = (f"---\ntitle: Entry {n}\ndate: 2024-03-0{n}T10:00:00+05:00\ntags: [{tags}]\nsource: {source}\n"
           f"dateline: ASTANA\nlang: ru\n---\nBody {n}.\n").encode()
    return parse_entry(raw, rel=f"e{n}.md", shown=f"content/e{n}.md", config=config)


def test_entries_read_back_are_equal_and_share_what_they_repeat(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    made = [_entry(config, 1, "Elections, CEC", "Kazinform"), _entry(config, 2, "Elections, CEC", "Kazinform"),
            _entry(config, 3, "CEC, Observers", "TASS")]
    assert made[0].tags is not made[1].tags  # each read on its own
    writer = cache.PackWriter(tmp_path)
    made = [writer.store(e) for e in made]
    writer.close()
    rows = [cache.entry_row(e.source_path, Stamp(10, 20), e) for e in made]
    path = cache.write_segment(tmp_path, "settings", rows)
    found, gone = cache.read_segment(path, "settings")
    back = [found[e.source_path][1] for e in made]
    assert back == made and gone == []
    assert [found[e.source_path][0] for e in made] == [Stamp(10, 20)] * 3
    assert back[0].tags is back[1].tags and back[0].tag_slugs is back[1].tag_slugs
    assert back[0].source is back[1].source and back[0].dateline is back[2].dateline and back[0].lang is back[2].lang
    assert back[0].tags[1] is back[2].tags[0]  # "CEC" in two different lists of tags


def test_a_body_in_a_pack_is_read_when_asked_for_and_not_kept(tmp_path: Path) -> None:
    """A process that renders every entry page of its share does not end up holding every body."""
    from digest.model import Body

    writer = cache.PackWriter(tmp_path)
    ref = writer.add("<p>Явка — 54,2 %</p>")
    writer.close()
    body = Body(None, ref)
    assert body.html == "<p>Явка — 54,2 %</p>" and body.html == "<p>Явка — 54,2 %</p>"
    assert body._html is None  # read from the pack each time
    assert Body("<p>kept</p>").html == "<p>kept</p>"  # a body made in memory stays there
