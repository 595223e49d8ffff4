"""The watcher: editor scratch files are ignored, atomic saves are seen, bursts become one rebuild."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from serve_helpers import SAMPLE, set_field
from digest.config import load_config
from digest.watch import ChangeQueue, SiteSources, is_temporary

ENTRY = SAMPLE[1]


@pytest.mark.parametrize(
    "name",
    [
        ".entry.md.swp", ".entry.md.swo", ".entry.md.swx", "entry.md.swp", "entry.md~", "4913", "5036",
        ".#entry.md", "#entry.md#", ".goutputstream-4ZK8Q2", "entry.md.bck", "entry.md.bak",
        "entry.md.tmp", "entry.md___jb_tmp___", "entry.md___jb_old___", ".DS_Store", "style.css.kate-swp",
    ],
)
def test_editor_scratch_files_are_temporary(name: str) -> None:
    assert is_temporary(name)


@pytest.mark.parametrize("name", ["entry.md", "2023", "4914", "base.html", "style.css", "logo.svg", "digest.toml"])
def test_real_files_are_not_temporary(name: str) -> None:
    assert not is_temporary(name)


def test_which_paths_matter(site: Path) -> None:
    config = load_config(site)
    sources = SiteSources(config)
    content, templates, static = config.content_dir, config.templates_dir, config.static_dir
    assert sources.relevant(site / "digest.toml", False)
    assert sources.relevant(content / "2023/03/new.md", False)
    assert sources.relevant(content / "2023/04", True)  # a folder moved or deleted
    assert sources.relevant(templates / "entry.html", False)
    assert sources.relevant(templates / "static/style.css", False)
    assert sources.relevant(static / "logo.svg", False)
    assert not sources.relevant(content / "2023/03/notes.txt", False)  # the build reads only *.md
    assert not sources.relevant(content / "2023/03/.new.md.swp", False)
    assert not sources.relevant(content / ".git/index.md", False)
    assert not sources.relevant(templates / "entry.html~", False)
    assert not sources.relevant(templates / "4913", False)
    assert not sources.relevant(config.output_dir / "index.html", False)
    assert not sources.relevant(site / "README.md", False)
    assert not sources.relevant(site / ".digest-staging-site-x", True)


def test_queue_merges_everything_added_before_the_batch_is_due() -> None:
    queue = ChangeQueue(quiet=0.05)
    for i in range(100):
        queue.add([Path(f"/c/{i % 7}.md")])
    assert queue.take() == {Path(f"/c/{i}.md") for i in range(7)}
    assert queue.pending() == 0


def test_queue_close_ends_a_waiting_take() -> None:
    queue = ChangeQueue()
    got: list[object] = []
    taker = threading.Thread(target=lambda: got.append(queue.take()))
    taker.start()
    queue.close()
    taker.join(10)
    assert not taker.is_alive() and got == [None]


def test_scratch_files_never_start_a_rebuild(site: Path, running) -> None:
    folder = site / "content" / "2023" / "03"
    for name in (".entry.md.swp", "entry.md~", "4913", ".#entry.md", "#entry.md#", ".goutputstream-ABC123",
                 "entry.md.bck", "notes.txt"):
        (folder / name).write_text("scratch", encoding="utf-8")
        (folder / name).unlink()
    real = site / "content" / ENTRY
    set_field(real, "title", '"Saved after the scratch files"')
    running.wait_builds(2)
    assert running.calls == [None, {real}]


def test_atomic_save_by_rename_is_seen(site: Path, running) -> None:
    entry = site / "content" / ENTRY
    text = entry.read_text(encoding="utf-8").replace("UN-backed course", "Renamed-into-place course")
    tmp = entry.with_name(".un-backed-course-trains-domestic-observers.md.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, entry)
    running.wait_builds(2)
    assert running.calls[-1] == {entry}
    assert "Renamed-into-place course" in (site / "site" / "index.html").read_text(encoding="utf-8")


def test_vim_style_save_with_backup_is_seen(site: Path, running) -> None:
    entry = site / "content" / ENTRY
    text = entry.read_text(encoding="utf-8").replace("UN-backed course", "Backed-up course")
    backup = entry.with_name(entry.name + "~")
    probe = entry.parent / "4913"
    probe.write_text("")
    probe.unlink()
    os.rename(entry, backup)
    entry.write_text(text, encoding="utf-8")
    backup.unlink()
    running.wait_until(lambda: "Backed-up course" in (site / "site" / "index.html").read_text(encoding="utf-8"),
                       "the saved title on the home page")
    running.wait_builds(running.server.state.builds)
    assert all(c is None or c == {entry} for c in running.calls)


def test_a_burst_of_100_saves_gives_one_or_two_rebuilds(site: Path, start_server) -> None:
    # A burst is saves closer together than the quiet window. On a loaded
    # machine this process may be held up for more than the default 50 ms
    # between two saves, which then rightly start a rebuild of their own: the
    # window here is wide enough that only the merging is tested, not the
    # scheduler (ChangeQueue's own tests cover the window's arithmetic).
    running = start_server(site, quiet=1.0, longest=60.0)
    entries = [site / "content" / rel for rel in SAMPLE]
    saved = []
    for i in range(100):
        set_field(entries[i % len(entries)], "title", f'"Burst save {i}"')
        saved.append(time.monotonic())
        time.sleep(0.005)
    finals = [f"Burst save {i}" for i in range(95, 100)]

    def final_state() -> bool:
        home = (site / "site" / "index.html").read_text(encoding="utf-8")
        return all(title in home for title in finals)

    running.wait_until(final_state, "the last five titles on the home page")
    running.wait_builds(running.server.state.builds)
    rebuilds = len(running.calls) - 1
    longest_gap = max(b - a for a, b in zip(saved, saved[1:]))
    assert 1 <= rebuilds <= 2, (f"{rebuilds} rebuilds; the longest pause between two saves was "
                                f"{longest_gap:.2f} s", running.calls)
    assert set().union(*running.calls[1:]) == set(entries)
    assert running.server.state.error is None
