"""Entries built to hurt: one line ``error: FILE:LINE: FIELD: message``, exit 1,
site untouched, in bounded time and memory, for ``digest build`` and ``digest check``.

The commands run in subprocesses with a memory limit and a time-out (a guard
against hangs and blow-ups, not a speed target).
"""
from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sitetools import tree_digest

from digest import check as checkmod
from digest.build import Builder
from digest.cli import main
from digest.config import load_config

MEMORY_LIMIT = 1536 * 1024 * 1024  # bytes of address space for one command
TIME_LIMIT = 120  # seconds before a command counts as hung
GOOD = "---\ntitle: A good entry\ndate: 2023-03-10T14:20:00+06:00\ntags: [Elections]\n---\nBody.\n"
ONE_LINE = re.compile(r"error: (?P<file>.+?):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+)")
LONG = "x" * 1_000_000


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def digest(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "digest", *args, "--root", str(root)],
        capture_output=True, timeout=TIME_LIMIT, preexec_fn=_limits, cwd=root,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "root"
    (root / "content" / "2023").mkdir(parents=True)
    (root / "digest.toml").write_text("search = false\n", "utf-8")
    (root / "content" / "2023" / "good.md").write_text(GOOD, "utf-8")
    assert main(["build", "--root", str(root)]) == 0
    return root


@pytest.fixture
def site(built: Path, tmp_path: Path) -> Path:
    """A small site with one good entry, built (without search): a copy of one built once."""
    return shutil.copytree(built, tmp_path / "root", symlinks=True)


def _bomb_in_tags() -> str:
    """A "billion laughs" inside the tags list: 9 levels of 9 aliases, 9⁹ strings."""
    levels = ['&l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"&l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return "---\ntitle: Bomb\ndate: 2023-03-10\ntags: [" + ", ".join(levels) + ", *l8]\n---\nBody.\n"


def _bomb_in_fields() -> str:
    """The classic form: anchors on fields of their own, the last used by ``tags``."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return "---\ntitle: Bomb\ndate: 2023-03-10\n" + "\n".join(lines) + "\ntags: [*a8, *a8]\n---\nBody.\n"


def _entry(field: str, value: str) -> str:
    head = {"title": "Long values", "date": "2023-03-10"}
    head[field] = value
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in head.items()) + "---\nBody.\n"


# name → (entry text, expected line, field, start of the message)
CASES = {
    "alias bomb in tags": (_bomb_in_tags(), 4, "tags", "YAML aliases (*name) expand the front matter by more than 1,000"),
    "alias bomb in fields": (_bomb_in_fields(), 7, "a3", "YAML aliases (*name) expand the front matter by more than 1,000"),
    "alias to itself": ("---\ntitle: Loop\ndate: 2023-03-10\ntags: &t [a, *t]\n---\n", 4, "tags",
                        "a YAML alias (*name) refers to the value that holds it"),
    "deep nesting": ("---\ntitle: Deep\ndate: 2023-03-10\ntags: " + "[" * 5000 + "]" * 5000 + "\n---\n", 4, "tags",
                     "lists and mappings are nested more than 30 deep"),
    "NUL escaped in the title": ('---\ntitle: "Nul \\0 here"\ndate: 2023-03-10\n---\nBody.\n', 2, "title",
                                 "holds the control character U+0000; remove it"),
    "escape character in a tag": ('---\ntitle: T\ndate: 2023-03-10\ntags: ["a\\x1bb"]\n---\nBody.\n', 4, "tags",
                                  "holds the control character U+001B; remove it"),
    "bell in the title": ("---\ntitle: Bell \x07 here\ndate: 2023-03-10\n---\nBody.\n", 2, "title",
                          "holds the control character U+0007 (column 13); remove it"),
    "control character in a summary's second line": (
        "---\ntitle: T\ndate: 2023-03-10\nsummary: >\n  first\n  second \x0c\n---\nBody.\n", 6, "summary",
        "holds the control character U+000C"),
    "NUL in the body": ("---\ntitle: T\ndate: 2023-03-10\n---\nFirst.\n\nThen a \x00 here.\n", 7, "body",
                        "holds the control character U+0000 (column 8); remove it"),
    "year 1 with an offset": ("---\ntitle: T\ndate: 0001-01-01T00:00:00+05:00\n---\nBody.\n", 3, "date",
                              "0001-01-01T00:00:00+05:00 is out of range: dates go from the year 2 to 9998"),
    "year 9999": ("---\ntitle: T\ndate: 9999-12-31\n---\nBody.\n", 3, "date",
                  "9999-12-31 is out of range: dates go from the year 2 to 9998"),
    **{
        f"a long {field}": (_entry(field, LONG), 4 if field != "date" else 3, field, "")
        for field in ("lang", "draft", "featured", "source_url", "date")
    },
    "a long slug of punctuation": (_entry("slug", "'" + "!" * 1_000_000 + "'"), 4, "slug", "'!!!!"),
    "a long story that is a list": (_entry("story", "[" + "x, " * 300_000 + "x]"), 4, "story",
                                    "must be a story id"),
    "a long tag that is a list": (_entry("tags", "[[" + "x, " * 300_000 + "x]]"), 4, "tags",
                                  "tag 1 must be text, not a list ['x', 'x', 'x', 'x', ...]"),
    "a long tag of punctuation": (_entry("tags", "['" + "!" * 1_000_000 + "']"), 4, "tags", "tag '!!!!"),
}


def _only_error_line(result: subprocess.CompletedProcess) -> re.Match:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 1, err[:2000]
    assert result.stdout == b""
    lines = err.splitlines()
    assert len(lines) == 1, err[:2000]
    assert len(lines[0]) < 400, lines[0][:400]
    found = ONE_LINE.fullmatch(lines[0])
    assert found, lines[0]
    return found


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_entry_gives_one_line_in_bounded_time_and_memory(site: Path, case: str) -> None:
    text, line, field, message = CASES[case]
    (site / "content" / "2023" / "bad.md").write_bytes(text.encode("utf-8"))
    before = tree_digest(site / "site")

    found = _only_error_line(digest(site, "build"))
    assert (found["file"], int(found["line"]), found["field"]) == ("content/2023/bad.md", line, field)
    assert found["message"].startswith(message)
    assert tree_digest(site / "site") == before

    checked = digest(site, "check")
    assert checked.returncode == 1
    out = checked.stdout.decode("utf-8").splitlines()
    errors = [row for row in out if ": error: " in row]
    assert errors == [f"content/2023/bad.md:{line}: error: {field}: {found['message']}"]
    assert all(len(row) < 400 for row in out)


def _symlink_loop(folder: Path) -> None:
    (folder / "loop.md").symlink_to("loop.md")


def _dangling(folder: Path) -> None:
    (folder / "gone.md").symlink_to("nowhere/gone.md")


FILES = {
    "symlink loop": (_symlink_loop, "content/2023/loop.md", "a symbolic link that leads back to itself (a loop)"),
    "dangling symlink": (_dangling, "content/2023/gone.md", "a symbolic link to nowhere/gone.md, which does not exist"),
    "name not UTF-8": (lambda folder: (folder / os.fsdecode(b"caf\xe9.md")).write_text(GOOD, "utf-8"),
                       '"content/2023/caf\\xe9.md"', "the file name is not UTF-8; rename the file"),
}


@pytest.mark.parametrize("case", FILES)
def test_a_file_that_cannot_be_an_entry_gives_one_line(site: Path, case: str) -> None:
    make, shown, message = FILES[case]
    make(site / "content" / "2023")
    before = tree_digest(site / "site")
    found = _only_error_line(digest(site, "build"))
    assert (found["file"], found["line"], found["field"], found["message"]) == (shown, "1", "file", message)
    assert tree_digest(site / "site") == before
    checked = digest(site, "check")
    assert checked.returncode == 1
    errors = [row for row in checked.stdout.decode("utf-8").splitlines() if ": error: " in row]
    assert errors == [f"{shown}:1: error: file: {message}"]


def test_a_newline_in_a_file_name_is_quoted(site: Path) -> None:
    (site / "content" / "2023" / "two\nlines.md").write_text("---\ntitle: [Broken\n---\n", "utf-8")
    found = _only_error_line(digest(site, "build"))
    assert found["file"] == '"content/2023/two\\nlines.md"'
    checked = digest(site, "check")
    errors = [row for row in checked.stdout.decode("utf-8").splitlines() if ": error: " in row]
    assert len(errors) == 1 and errors[0].startswith('"content/2023/two\\nlines.md":3: error: ')


def test_a_named_pipe_called_md_is_skipped_with_a_warning(site: Path) -> None:
    os.mkfifo(site / "content" / "2023" / "x.md")
    built = digest(site, "build")  # reading the pipe would wait for ever
    assert built.returncode == 0, built.stderr
    assert b"content/2023/x.md:1: file: skipped: a named pipe, not a regular file" in built.stderr
    assert "built 1 entries" in built.stdout.decode("utf-8")
    checked = digest(site, "check")
    assert checked.returncode == 0, checked.stderr
    assert "content/2023/x.md:1: warning: file: skipped: a named pipe, not a regular file" in checked.stdout.decode()


def _vanishing_folder(folder: Path, monkeypatch, owner, name: str) -> None:
    """After ``owner.name`` (the scan) has listed the files, their folder goes away."""
    scan = getattr(owner, name)

    def scan_then_remove(*args, **kwargs):
        found = scan(*args, **kwargs)
        shutil.rmtree(folder)
        return found

    monkeypatch.setattr(owner, name, scan_then_remove)


@pytest.mark.parametrize("count", [3, 450])  # 450: read by several processes
def test_a_folder_that_disappears_during_the_build_is_named(site: Path, monkeypatch, capsys, count: int) -> None:
    folder = site / "content" / "2024"
    folder.mkdir()
    for i in range(count):
        (folder / f"e{i:03}.md").write_text(GOOD.replace("2023-03-10", "2024-03-10").replace("good", f"{i}"), "utf-8")
    before = tree_digest(site / "site")
    _vanishing_folder(folder, monkeypatch, Builder, "_scan")
    capsys.readouterr()
    assert main(["build", "--root", str(site)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert re.fullmatch(r"error: content/2024/e\d{3}\.md:1: file: the file disappeared while it was being read "
                        r"\(moved or deleted\?\); try again", err[0]), err
    assert tree_digest(site / "site") == before


def test_a_folder_that_disappears_during_the_check_is_one_finding_a_file(site: Path, monkeypatch, capsys) -> None:
    folder = site / "content" / "2024"
    folder.mkdir()
    (folder / "e.md").write_text(GOOD, "utf-8")
    _vanishing_folder(folder, monkeypatch, checkmod.contentmod, "scan_entries")
    assert checkmod.run_check(load_config(site)) == 1
    errors = [row for row in capsys.readouterr().out.splitlines() if ": error: " in row]
    assert errors == ["content/2024/e.md:1: error: file: the file disappeared while it was being read "
                      "(moved or deleted?); try again"]
