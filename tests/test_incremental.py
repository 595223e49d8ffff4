"""Incremental and cached builds write exactly the bytes of a clean cold build."""
from __future__ import annotations

import os
from datetime import date, timedelta
import random
import shutil
import sys
from pathlib import Path

import pytest

from digest.build import Builder, build
from digest.config import load_config

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from corpus import generate  # noqa: E402


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_same_as_cold(root: Path, built: Path, tmp_path: Path, label: str) -> None:
    cold = tmp_path / f"cold-{label}"
    build(load_config(root, output=cold), use_cache=False)
    got, want = _tree(built), _tree(cold)
    assert sorted(got) == sorted(want), f"{label}: files differ: {sorted(set(got) ^ set(want))[:10]}"
    differing = [name for name in want if got[name] != want[name]]
    assert not differing, f"{label}: bytes differ in {differing[:10]}"
    shutil.rmtree(cold)


def _edit(rng: random.Random, root: Path, n: int, touched: set[Path] | None = None) -> str:
    content = root / "content"
    files = sorted(content.rglob("*.md"))
    path = rng.choice(files)
    text = path.read_text("utf-8")
    kind = rng.choice(["title", "tags", "date", "body", "delete", "add", "summary", "draft", "touch", "retell", "feature"])
    if kind == "title":
        text = text.replace('title: "', f'title: "Edited {rng.randint(0, 999)} ', 1)
    elif kind == "tags":
        text = text.replace("tags: [", f"tags: [Edited tag {rng.randint(0, 3)}, ", 1)
    elif kind == "date":
        lines = text.splitlines(keepends=True)
        lines = [f"date: 20{rng.randint(18, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T10:00:00+06:00\n"
                 if line.startswith("date:") else line for line in lines]
        text = "".join(lines)
    elif kind == "body":
        text += f"\nAn added paragraph number {rng.randint(0, 999)}.\n"
    elif kind == "summary":
        text = text.replace("lang:", f'summary: "Editor note {rng.randint(0, 99)}"\nlang:', 1)
    elif kind == "draft":
        text = text.replace("lang:", "draft: true\nlang:", 1)
    elif kind == "feature":
        text = text.replace("lang:", "featured: true\nlang:", 1)
    elif kind == "retell":  # the same story from another outlet: the two become one story
        new = path.with_name(f"retold-{n}.md")
        lines = ["source: Another Outlet\n" if line.startswith("source:") else line for line in text.splitlines(keepends=True)]
        new.write_text("".join(lines).replace('title: "', 'title: "Retold: ', 1), "utf-8")
        if touched is not None:
            touched.add(new)
        return f"retell {new.name}"
    elif kind == "delete":
        path.unlink()
        if touched is not None:
            touched.add(path)
        return f"delete {path.name}"
    elif kind == "add":
        new = path.with_name(f"added-{n}.md")
        new.write_text(text.replace('title: "', f'title: "Added {n} ', 1), "utf-8")
        if touched is not None:
            touched.add(new)
        return f"add {new.name}"
    path.write_text(text, "utf-8")
    if touched is not None:
        touched.add(path)
    return f"{kind} {path.name}"


@pytest.mark.parametrize("seed", [1, 2])
def test_random_edits_in_one_builder_match_cold_builds(tmp_path: Path, seed: int) -> None:
    root = generate(tmp_path / "root", 60, seed=seed)
    (root / "digest.toml").write_text(
        'title = "T"\nbase_url = "https://example.org/"\ntimezone = "Asia/Almaty"\nper_page = 5\nfeed_limit = 4\nsearch = false\n',
        "utf-8",
    )
    rng = random.Random(seed)
    builder = Builder(load_config(root))
    first = builder.build()
    assert first.full
    for step in range(12):
        what = _edit(rng, root, step)
        result = builder.build()
        assert not result.full, what
        _assert_same_as_cold(root, root / "site", tmp_path, f"step {step}: {what}")


def test_rebuilds_told_what_changed_match_cold_builds(tmp_path: Path) -> None:
    """As in ``digest serve``: the watcher names the changed files, the cache is saved at the end."""
    root = generate(tmp_path / "root", 50, seed=11)
    rng = random.Random(11)
    builder = Builder(load_config(root), autosave=False)
    builder.build()
    for step in range(12):
        touched: set[Path] = set()
        what = _edit(rng, root, step, touched)
        if step % 3 == 0:
            what = _edit(rng, root, step + 100, touched) + " + " + what
        result = builder.build(changed=touched)
        assert not result.full, what
        _assert_same_as_cold(root, root / "site", tmp_path, f"step {step}: {what}")
    builder.save()
    again = build(load_config(root))
    assert (again.rendered, again.written) == (0, 0)


def test_fresh_processes_with_the_cache_match_cold_builds(tmp_path: Path) -> None:
    root = generate(tmp_path / "root", 40, seed=7)
    rng = random.Random(7)
    build(load_config(root))
    for step in range(8):
        what = _edit(rng, root, step)
        result = build(load_config(root))  # a new Builder each time: the disk cache only
        assert not result.full, what
        _assert_same_as_cold(root, root / "site", tmp_path, f"step {step}: {what}")


def _two_tags(root: Path) -> None:
    """Two tags only: each tag's list is long, so an edit changes the related
    entries near it on the list and not those far from it."""
    import re

    for i, path in enumerate(sorted((root / "content").rglob("*.md"))):
        text = path.read_text("utf-8")
        path.write_text(re.sub(r"^tags: \[.*\]$", f"tags: [{['Turnout', 'CEC, Turnout', 'CEC'][i % 3]}]", text, flags=re.M), "utf-8")


@pytest.mark.parametrize("seed", [41, 42])
def test_fresh_builds_keeping_the_last_builds_entry_pages_match_cold_builds(tmp_path: Path, seed: int) -> None:
    """A fresh ``digest build`` takes the key of each entry page that cannot
    have changed from the last build's manifest; what it writes is still what
    a cold build writes, after edits of every kind."""
    root = generate(tmp_path / "root", 90, seed=seed)
    _two_tags(root)
    toml = root / "digest.toml"
    toml.write_text(toml.read_text("utf-8").replace("per_page = 20", "per_page = 4"), "utf-8")
    rng = random.Random(seed)
    build(load_config(root))
    for step in range(14):
        what = _edit(rng, root, step)
        if step % 4 == 3:
            what += " + " + _edit(rng, root, step + 100)
        result = build(load_config(root))
        assert not result.full, what
        _assert_same_as_cold(root, root / "site", tmp_path, f"step {step}: {what}")


def test_a_fresh_build_after_one_edit_works_out_only_the_entry_pages_near_it(tmp_path: Path, monkeypatch) -> None:
    """The related entries of a page far from an edit (on every list of its
    tags) are not worked out again: the last build's key is kept."""
    from digest.collect import RELATED, Site

    root = generate(tmp_path / "root", 90, seed=43)
    _two_tags(root)
    build(load_config(root))
    path = sorted((root / "content").rglob("*.md"))[40]
    path.write_text(path.read_text("utf-8").replace('title: "', 'title: "Edited ', 1), "utf-8")
    asked: list[str] = []
    original = Site.related_and_ids

    def counting(self, entry, *args, **kwargs):
        asked.append(entry.url)
        return original(self, entry, *args, **kwargs)

    import digest.sitemap as sitemap

    lines: list[str] = []
    row = sitemap._row

    def counting_rows(spec, config):
        lines.append(spec.path)
        return row(spec, config)

    monkeypatch.setattr(Site, "related_and_ids", counting)
    monkeypatch.setattr(sitemap, "_row", counting_rows)
    result = build(load_config(root))
    monkeypatch.undo()
    # its own page, and its neighbours within reach on the lists of its (up to two) tags
    assert 1 <= len(asked) <= 2 * (2 * RELATED + 1), asked
    # the sitemap lines of the pages that were there before are the last build's
    assert len(lines) == 1 and "/edited-" in lines[0], lines  # the edited entry's page, at its new URL
    assert result.rendered < result.pages // 10
    _assert_same_as_cold(root, root / "site", tmp_path, "one edit")


def test_fresh_builds_after_a_long_lived_builder_match_cold_builds(tmp_path: Path) -> None:
    """``digest serve`` saves the manifest of its last build when it stops: the
    entry pages' state saved with it must be that build's, or a fresh build
    after an edit is undone would keep a page as the preview left it."""
    root = generate(tmp_path / "root", 90, seed=44)
    _two_tags(root)
    build(load_config(root))
    path = sorted((root / "content").rglob("*.md"))[40]
    original = path.read_text("utf-8")
    preview = Builder(load_config(root), autosave=False)  # as digest serve keeps one
    path.write_text(original.replace('title: "', 'title: "Edited in the preview ', 1), "utf-8")
    preview.build()
    preview.save()
    path.write_text(original, "utf-8")  # undone while no preview runs
    build(load_config(root))
    _assert_same_as_cold(root, root / "site", tmp_path, "the edit undone")
    rng = random.Random(44)
    for step in range(6):
        what = _edit(rng, root, step)
        preview = Builder(load_config(root), autosave=False)
        preview.build()
        what += " + " + _edit(rng, root, step + 100)
        preview.build()
        preview.save()
        what += " + " + _edit(rng, root, step + 200)
        build(load_config(root))
        _assert_same_as_cold(root, root / "site", tmp_path, f"step {step}: {what}")


def test_nothing_changed_renders_and_writes_nothing(tmp_path: Path) -> None:
    root = generate(tmp_path / "root", 30, seed=3)
    build(load_config(root))
    stamps = {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*") if p.is_file()}
    again = build(load_config(root))
    assert (again.rendered, again.written, again.removed) == (0, 0, 0)
    assert {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*") if p.is_file()} == stamps


def test_a_build_with_the_same_inputs_does_not_read_the_entries(tmp_path: Path, monkeypatch) -> None:
    root = generate(tmp_path / "root", 30, seed=3)
    (root / "static").mkdir()
    (root / "static/extra.txt").write_text("one", "utf-8")
    first = build(load_config(root))

    def no_reading(*args, **kwargs):
        raise AssertionError("the entries were read")

    with monkeypatch.context() as m:
        m.setattr(Builder, "_load", no_reading)
        again = build(load_config(root))
    assert (again.entries, again.pages, again.rendered) == (first.entries, first.pages, 0)

    # Any input that changes means a real look: an entry, a template, a static file, a setting.
    def touched(path: Path) -> None:
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))

    entry = next((root / "content").rglob("*.md"))
    (root / "templates").mkdir()
    (root / "templates/404.html").write_text('{% extends "base.html" %}{% block content %}Lost{% endblock %}', "utf-8")
    for change in (
        lambda: touched(entry),
        lambda: (root / "templates/404.html").write_text('{% extends "base.html" %}{% block content %}Gone{% endblock %}', "utf-8"),
        lambda: touched(root / "static/extra.txt"),
        lambda: (root / "digest.toml").write_text((root / "digest.toml").read_text("utf-8") + 'description = "x"\n', "utf-8"),
    ):
        build(load_config(root))
        change()
        calls = []
        original = Builder._load

        def counting(self, *args, **kwargs):
            calls.append(1)
            return original(self, *args, **kwargs)

        with monkeypatch.context() as m:
            m.setattr(Builder, "_load", counting)
            build(load_config(root))
        assert calls, change
    _assert_same_as_cold(root, root / "site", tmp_path, "after the changes")


def test_body_edit_rewrites_only_what_shows_the_body(tmp_path: Path) -> None:
    root = generate(tmp_path / "root", 30, seed=4)
    build(load_config(root))
    path = sorted((root / "content").rglob("*.md"))[5]
    path.write_text(path.read_text("utf-8") + "\nOne more paragraph.\n", "utf-8")
    result = build(load_config(root))
    assert 1 <= result.written < 15  # its page and the feeds, not the whole site
    _assert_same_as_cold(root, root / "site", tmp_path, "body edit")


def test_template_change_rebuilds_affected_pages(tmp_path: Path) -> None:
    root = generate(tmp_path / "root", 20, seed=5)
    build(load_config(root))
    (root / "templates").mkdir()
    (root / "templates/404.html").write_text("<p>Lost</p>\n", "utf-8")
    result = build(load_config(root))
    assert result.written == 1
    assert (root / "site/404.html").read_text("utf-8") == "<p>Lost</p>\n"
    _assert_same_as_cold(root, root / "site", tmp_path, "template change")


def test_deleted_output_falls_back_to_a_full_build(tmp_path: Path) -> None:
    root = generate(tmp_path / "root", 20, seed=6)
    build(load_config(root))
    shutil.rmtree(root / "site")
    result = build(load_config(root))
    assert result.full
    _assert_same_as_cold(root, root / "site", tmp_path, "after rm -rf site")


def test_damaged_cache_is_ignored(tmp_path: Path) -> None:
    root = generate(tmp_path / "root", 20, seed=8)
    build(load_config(root))
    damaged = [path for path in (root / ".digest-cache").rglob("*") if path.is_file()]
    assert any(path.parent.name == "templates" for path in damaged)  # compiled templates too
    for path in damaged:
        path.write_bytes(b"not a pickle")
    result = build(load_config(root))
    assert result.entries > 0
    _assert_same_as_cold(root, root / "site", tmp_path, "damaged cache")


def test_parallel_build_writes_the_same_bytes_as_a_serial_one(tmp_path: Path, monkeypatch) -> None:
    """The forked workers (used from a few hundred entries on) change nothing in the output."""
    import digest.parallel as parallel

    root = generate(tmp_path / "root", 80, seed=12)
    serial = tmp_path / "serial"
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ENTRIES", 10**9)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_PAGES", 10**9)
    build(load_config(root, output=serial), use_cache=False)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ENTRIES", 1)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    pools = []
    monkeypatch.setattr(parallel, "_Pool", lambda n, made=parallel._Pool: pools.append(n) or made(n))
    builder = Builder(load_config(root))
    assert builder.build().full
    assert _tree(root / "site") == _tree(serial)
    assert pools == [2, 2], "one pool reads, one renders: entry pages, then lists with every entry's partials"
    # the builder keeps every entry's partials the workers made, for the lists of the next builds
    partials = builder._renderer._partials
    assert len(partials) >= 2 * 80 and all(type(html) is str for html in partials.values())
    # and an incremental rebuild after that, also through the workers
    rng = random.Random(12)
    for step in range(4):
        what = _edit(rng, root, step)
        builder.build()
        _assert_same_as_cold(root, root / "site", tmp_path, f"parallel step {step}: {what}")
    assert not list(tmp_path.glob("**/.digest-partials-*")), "a partials folder was left behind"


def test_entry_cache_keeps_up_with_edits_in_few_files(tmp_path: Path, monkeypatch) -> None:
    """Each ``digest build`` adds a small segment to the entry index (and a small
    pack of bodies); they are merged before they pile up, and the index always
    reads back as the entries themselves."""
    import digest.cache as cachemod
    import digest.parallel as parallel
    from digest.build import load_entries

    monkeypatch.setattr(parallel, "PARALLEL_MIN_ENTRIES", 1)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    root = generate(tmp_path / "root", 40, seed=21)
    config = load_config(root)
    settings = cachemod.config_digest(config)
    build(config)
    cache_dir = root / ".digest-cache"
    assert len(list(cache_dir.glob("entries-*.pickle"))) == 2  # one from each reading process
    rng = random.Random(21)
    for step in range(cachemod.MAX_SEGMENTS + cachemod.MAX_SMALL_PACKS):
        what = _edit(rng, root, step)
        build(config)  # a fresh process each time, as `digest build` is
        cached = cachemod.load_entries(cache_dir, settings)
        fresh = {e.source_path: e for e in load_entries(config)}
        assert {rel: entry for rel, (_, entry) in cached.entries.items()} == fresh, f"step {step}: {what}"
        assert len(list(cache_dir.glob("entries-*.pickle"))) <= cachemod.MAX_SEGMENTS
        assert len(list(cache_dir.glob("bodies-*.pack"))) <= cachemod.MAX_SMALL_PACKS + 2
    _assert_same_as_cold(root, root / "site", tmp_path, "after many fresh builds")


def test_long_tag_lists_rebuilt_after_edits_match_cold_builds(tmp_path: Path) -> None:
    """Two tags only, so each tag's list is long and an edit changes related
    entries near it but not far from it: the pages a long-lived builder keeps
    from its last plan must be exactly those a cold build would make."""
    root = generate(tmp_path / "root", 90, seed=31)
    _two_tags(root)
    rng = random.Random(31)
    builder = Builder(load_config(root))
    builder.build()
    for step in range(16):
        touched: set[Path] = set()
        what = _edit(rng, root, step, touched)
        builder.build(touched)
        _assert_same_as_cold(root, root / "site", tmp_path, f"step {step}: {what}")


def test_a_story_told_under_other_tags_and_weeks_rebuilds_the_lists_that_show_it(tmp_path: Path) -> None:
    """A copy from another outlet with other tags, a day earlier (maybe the
    week before): the original's tag pages and edition show the story though
    none of their own entries changed. Then the copy goes again."""
    import re

    root = generate(tmp_path / "root", 60, seed=41)
    builder = Builder(load_config(root))
    builder.build()
    for step, path in enumerate(sorted((root / "content").rglob("*.md"))[5:50:9]):
        text = path.read_text("utf-8")
        day = re.search(r"^date: (\d{4}-\d\d-\d\d)", text, flags=re.M).group(1)
        earlier = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
        copy = path.with_name(f"copy-{step}.md")
        copy.write_text(
            re.sub(r"^tags: \[.*\]$", "tags: [Elsewhere]",
                   re.sub(r"^source: .*$", "source: Another Outlet",
                          re.sub(r"^date: \d{4}-\d\d-\d\d", f"date: {earlier}", text, flags=re.M), flags=re.M),
                   flags=re.M).replace('title: "', 'title: "Copy: ', 1),
            "utf-8",
        )
        result = builder.build({copy})
        assert any(p.startswith("tags/elsewhere/") for p in _tree(root / "site")), step
        _assert_same_as_cold(root, root / "site", tmp_path, f"step {step}: copy of {path.name}")
        assert result.written > 0
        copy.unlink()
        builder.build({copy})
        _assert_same_as_cold(root, root / "site", tmp_path, f"step {step}: copy of {path.name} gone")


def test_a_long_lived_builder_forgets_the_partials_of_old_versions(tmp_path: Path) -> None:
    """``digest serve`` left running: every save renders an entry's card and list
    lines again; the old versions' are dropped, not kept for the rest of the day."""
    root = generate(tmp_path / "root", 30, seed=5)
    builder = Builder(load_config(root), autosave=False)
    builder.build()
    first = len(builder._renderer._partials)
    files = sorted((root / "content").rglob("*.md"))
    for step in range(150):
        path = files[step % len(files)]
        path.write_text(path.read_text("utf-8").replace('title: "', f'title: "Save {step} ', 1), "utf-8")
        builder.build(changed={path})
    assert first > 0
    assert len(builder._renderer._partials) < 2 * first + 80, (first, len(builder._renderer._partials))
    _assert_same_as_cold(root, root / "site", tmp_path, "after 150 saves")


def _parallel(monkeypatch) -> None:
    import digest.parallel as parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN_ENTRIES", 1)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setattr(parallel, "workers", lambda: 2)


def test_the_templates_are_compiled_while_the_entries_are_read(tmp_path: Path, monkeypatch) -> None:
    """The main process compiles the theme while its workers read: it is ready when the entries are."""
    import digest.build as buildmod

    _parallel(monkeypatch)
    root = generate(tmp_path / "root", 30, seed=4)
    builder = Builder(load_config(root))
    seen = []

    def collect(*args, **kwargs):
        renderer = builder._renderer
        seen.append(renderer is not None and {key[1] for key in renderer.env.cache.keys()})  # (loader, name)
        return real(*args, **kwargs)

    real = buildmod.collect
    monkeypatch.setattr(buildmod, "collect", collect)
    assert builder.build().full
    assert len(seen) == 1 and {"entry.html", "base.html", "_card.html", "index.html", "_masthead.html"} <= seen[0]


@pytest.mark.parametrize("broken", ["entry.html", "_card.html"])
def test_a_broken_template_is_reported_after_a_bad_entry_as_before(tmp_path: Path, monkeypatch, broken: str) -> None:
    """Compiling the theme while the entries are read changes nothing in what a build reports first."""
    from digest.errors import ContentError, TemplateError

    _parallel(monkeypatch)
    root = generate(tmp_path / "root", 30, seed=4)
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / broken).write_text("{% for x in y %}\n", "utf-8")
    with pytest.raises(TemplateError, match="template syntax error"):
        build(load_config(root))
    bad = sorted((root / "content").rglob("*.md"))[7]
    bad.write_text("---\ntitle: x\n---\nno date\n", "utf-8")
    with pytest.raises(ContentError, match="date"):
        build(load_config(root))


def test_every_template_of_the_default_theme_is_compiled_while_reading() -> None:
    from digest.plan import PAGE_TEMPLATES
    from digest.render import default_theme_dir

    assert sorted(p.name for p in default_theme_dir().glob("*.html")) == sorted(PAGE_TEMPLATES)
