"""The site lock: two processes on one site wait for each other instead of breaking the cache."""
from __future__ import annotations

import os
import re
import signal
import time
import urllib.request
from pathlib import Path

from reliability_helpers import (
    WAITING, Running, assert_same_tree, clean_tree, entries, holding_lock, make_site, run, set_title, tree,
    wait_for,
)

# Enough entries that reading and rendering run in worker processes, which
# store bodies and index segments in the cache folder (the files a concurrent
# save used to delete).
N = 450


def test_two_cold_builds_at_once_both_succeed_and_leave_a_working_cache(tmp_path: Path) -> None:
    root = make_site(tmp_path / "root", N)
    first, second = Running("build", "--root", root), Running("build", "--root", root)
    codes = first.finish(), second.finish()
    assert codes == (0, 0), "\n".join(first.err + second.err)
    assert any(WAITING in line for line in first.err + second.err)  # one waited for the other
    want = clean_tree(root, tmp_path / "clean")
    assert_same_tree(tree(root / "site"), want, "after two builds at once")
    # The cache they left works for the next builds.
    set_title(entries(root)[7], "A title given after the race", 2_000_000_000)
    again = run("build", "--root", root)
    assert "incremental" in again.stdout, again.stdout
    assert_same_tree(tree(root / "site"), clean_tree(root, tmp_path / "clean2"), "after the next build")


def test_a_second_build_waits_with_a_message_then_builds(tmp_path: Path) -> None:
    root = make_site(tmp_path / "root", 30)
    with holding_lock(root) as pid:
        waiting = Running("build", "--root", root)
        line = waiting.wait_line(WAITING, "err")
        assert line == f"waiting for another digest process on this site (pid {pid})…"
        time.sleep(0.5)
        assert waiting.proc.poll() is None and not (root / "site").exists()  # it waits, writing nothing
    assert waiting.finish() == 0, "\n".join(waiting.err)
    assert_same_tree(tree(root / "site"), clean_tree(root, tmp_path / "clean"))


def test_no_wait_stops_at_once_with_one_line(tmp_path: Path) -> None:
    root = make_site(tmp_path / "root", 30)
    scraped = tmp_path / "scraped"
    scraped.mkdir()
    with holding_lock(root) as pid:
        for command in (["build"], ["ingest", scraped], ["serve", "--port", "0"]):
            started = time.monotonic()
            done = run(*command, "--root", root, "--no-wait", check=False)
            assert done.returncode == 1, (command, done.stdout, done.stderr)
            lines = done.stderr.strip().split("\n")
            assert len(lines) == 1 and lines[0].startswith("error: "), (command, done.stderr)
            assert f"another digest process on this site (pid {pid})" in lines[0]
            assert time.monotonic() - started < 60
    assert not (root / "site").exists()


def _serving_url(server: Running) -> str:
    line = server.wait_line(" at http://", "out")
    return re.search(r"at (http://\S+)", line).group(1)


def _day_page(entry: Path) -> str:
    """The archive page of the entry's day (it lists the entry by its title)."""
    day = re.search(r"^date: (\d{4})-(\d\d)-(\d\d)", entry.read_text("utf-8"), re.M)
    return "/".join(day.groups()) + "/"


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def _errors(server: Running) -> list[str]:
    return [line for line in server.err if line.lower().startswith("error") or "Traceback" in line]


def _saved(server: Running, path: Path, title: str, stamp: int) -> None:
    """Save an entry and wait for the preview's rebuild: it must work."""
    mark, errors = len(server.out), len(_errors(server))
    set_title(path, title, stamp)
    wait_for(lambda: any("changed: built" in line for line in server.out[mark:]) or len(_errors(server)) > errors,
             "the preview's rebuild")
    assert not _errors(server), "\n".join(server.err)


def test_build_beside_a_running_preview(tmp_path: Path) -> None:
    root = make_site(tmp_path / "root", N)
    files = entries(root)
    server = Running("serve", "--root", root, "--port", "0")
    try:
        url = _serving_url(server)
        # A build beside the preview works (a full one: the preview keeps its cache in memory)...
        assert "built" in run("build", "--root", root).stdout
        # ...and the preview goes on rebuilding on every save. The newest
        # entries: their feeds show other entries' bodies, read from the packs.
        _saved(server, files[-1], "Saved in the preview after a build", 2_000_000_000)
        assert "Saved in the preview after a build" in _get(url + _day_page(files[-1]))
        _saved(server, files[-2], "Saved in the preview before a build", 2_000_000_010)
        set_title(files[-3], "Saved while nothing watches but the build", 2_000_000_020)
        assert "built" in run("build", "--root", root).stdout
        _saved(server, files[-4], "Saved in the preview after the second build", 2_000_000_030)
        page = _get(url + _day_page(files[-4]))
        assert "Saved in the preview after the second build" in page
    finally:
        server.proc.send_signal(signal.SIGTERM)
        assert server.finish() == 0, "\n".join(server.err)
    assert not _errors(server), "\n".join(server.err)
    run("build", "--root", root)
    assert_same_tree(tree(root / "site"), clean_tree(root, tmp_path / "clean"), "after the preview stopped")


def _scraped_pages(folder: Path, n: int) -> None:
    """Plain-text dumps of invented reports, as a scraper saves them."""
    folder.mkdir(parents=True)
    places = ["Astana", "Almaty", "Shymkent", "Karaganda", "Aktobe", "Pavlodar"]
    for i in range(n):
        place = places[i % len(places)]
        day = 1 + i % 27
        text = (
            "Kazinform\n\n"
            f"District {i * 7} of {place} reports its count\n\n"
            f"{day} March 2028, 1{i % 10}:{10 + i % 50}\n\n"
            f"ASTANA. KAZINFORM The district election commission number {i * 7} in {place} finished "
            f"counting the ballots of {1000 + i * 13} voters on Sunday evening, its chairman said.\n\n"
            f"Turnout in the district reached {40 + i % 50}.{i % 10} percent, the commission said, and "
            f"observers from {2 + i % 9} organisations watched the count until the protocol was signed.\n\n"
            f"The results of district {i * 7} will be passed to the regional commission on Monday.\n"
        )
        (folder / f"page-{i:03d}.txt").write_text(text, "utf-8")


def test_two_ingests_of_one_folder_write_each_article_once(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "content").mkdir(parents=True)
    (root / "digest.toml").write_text('title = "T"\nsearch = false\n', "utf-8")
    scraped = tmp_path / "scraped"
    _scraped_pages(scraped, 60)
    first, second = Running("ingest", scraped, "--root", root), Running("ingest", scraped, "--root", root)
    codes = first.finish(), second.finish()
    assert codes == (0, 0), "\n".join(first.out[-5:] + first.err + second.out[-5:] + second.err)
    written = sorted(p.name for p in (root / "content").rglob("*.md"))
    assert len(written) == 60, written[:10]
    assert not [name for name in written if re.search(r"-\d+\.md$", name)], written
    # One run wrote them, the other found them all already there.
    summaries = first.out[-1] + " | " + second.out[-1]
    assert "60 written" in summaries and "60 unchanged" in summaries, summaries
