"""Every bad input a user can hit: one clear line, exit status 1, site/ untouched."""
from __future__ import annotations

from pathlib import Path

import pytest

from sitetools import tree_digest
from digest.cli import main

GOOD_HEAD = "---\ntitle: A good entry\ndate: 2023-03-10T14:20:00+06:00\ntags: [Elections]\n---\nBody.\n"

BAD_ENTRIES = {
    "not-yaml": (
        "---\ntitle: Broken\ndate: 2023-03-10\ntags: [Elections\n---\nBody\n",
        "content/2023/bad.md:5: front matter is not valid YAML: did not find expected ',' or ']'",
    ),
    "missing-title": (
        "---\ndate: 2023-03-10\n---\nBody\n",
        "content/2023/bad.md:1: title: missing: every entry needs a title",
    ),
    "empty-title": (
        "---\ntitle: '  '\ndate: 2023-03-10\n---\nBody\n",
        "content/2023/bad.md:2: title: missing: every entry needs a title",
    ),
    "missing-date": (
        "---\ntitle: No date\n---\nBody\n",
        "content/2023/bad.md:1: date: missing: every entry needs a date, e.g. 2023-03-10T14:20:00+06:00",
    ),
    "bad-date": (
        "---\ntitle: Bad date\ndate: 10 March 2023\n---\nBody\n",
        "content/2023/bad.md:3: date: could not read '10 March 2023' as a date; write ISO 8601, e.g. 2023-03-10T14:20:00+06:00",
    ),
    "impossible-date": (
        "---\ntitle: Bad date\ndate: 2023-02-30T10:00:00\n---\nBody\n",
        "content/2023/bad.md:3: date: could not read '2023-02-30T10:00:00' as a date; write ISO 8601, e.g. 2023-03-10T14:20:00+06:00",
    ),
    "tag-not-string": (
        "---\ntitle: Bad tag\ndate: 2023-03-10\ntags: [Elections, 2023]\n---\nBody\n",
        "content/2023/bad.md:4: tags: tag 2 must be text, not a number 2023",
    ),
    "tag-mapping": (
        "---\ntitle: Bad tag\ndate: 2023-03-10\ntags:\n  - name: Elections\n---\nBody\n",
        "content/2023/bad.md:4: tags: tag 1 must be text, not a mapping {'name': 'Elections'}",
    ),
    "tags-not-list": (
        "---\ntitle: Bad tags\ndate: 2023-03-10\ntags: {a: 1}\n---\nBody\n",
        "content/2023/bad.md:4: tags: must be a list of tags, e.g. [Elections, CEC], not a mapping",
    ),
    "empty-file": (
        "",
        "content/2023/bad.md: the file is empty; an entry needs front matter with a title and a date",
    ),
    "no-front-matter": (
        "Just some text\n",
        "content/2023/bad.md:1: no front matter: an entry starts with a '---' line, then YAML, then '---'",
    ),
    "unclosed-front-matter": (
        "---\ntitle: Open\ndate: 2023-03-10\n",
        "content/2023/bad.md:1: front matter is not closed: add a '---' line after it",
    ),
    "front-matter-list": (
        "---\n- a\n- b\n---\nBody\n",
        "content/2023/bad.md:2: front matter must be a mapping of 'field: value' lines",
    ),
    "draft-not-bool": (
        "---\ntitle: X\ndate: 2023-03-10\ndraft: maybe\n---\nBody\n",
        "content/2023/bad.md:4: draft: must be true or false, not 'maybe'",
    ),
    "story-not-an-id": (
        "---\ntitle: X\ndate: 2023-03-10\nstory: [a, b]\n---\nBody\n",
        "content/2023/bad.md:4: story: must be a story id (text shared by the entries of one story) or false, not ['a', 'b']",
    ),
    "story-true": (
        "---\ntitle: X\ndate: 2023-03-10\nstory: true\n---\nBody\n",
        "content/2023/bad.md:4: story: must be a story id (text shared by the entries of one story) or false, not true",
    ),
    "bad-source-url": (
        "---\ntitle: X\ndate: 2023-03-10\nsource_url: javascript:alert(1)\n---\nBody\n",
        "content/2023/bad.md:4: source_url: must be an http(s) URL, not 'javascript:alert(1)'",
    ),
    "bad-lang": (
        "---\ntitle: X\ndate: 2023-03-10\nlang: Russian language\n---\nBody\n",
        "content/2023/bad.md:4: lang: must be a language code such as en, ru or kk, not 'Russian language'",
    ),
    "empty-slug": (
        "---\ntitle: X\ndate: 2023-03-10\nslug: '../..'\n---\nBody\n",
        "content/2023/bad.md:4: slug: '../..' has no letters or digits to make a URL from",
    ),
}


def _run(root: Path, *extra: str) -> int:
    return main(["build", "--root", str(root), *extra])


@pytest.fixture
def site_before(sample_root: Path) -> tuple[Path, dict[str, str]]:
    assert _run(sample_root) == 0
    return sample_root, tree_digest(sample_root / "site")


@pytest.mark.parametrize("case", sorted(BAD_ENTRIES))
def test_bad_entry_stops_the_build_with_one_line(case: str, site_before, capsys) -> None:
    root, before = site_before
    text, message = BAD_ENTRIES[case]
    (root / "content/2023/bad.md").write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert _run(root) == 1
    err = capsys.readouterr().err
    assert err == f"error: {message}\n"
    assert tree_digest(root / "site") == before
    assert not list(root.glob(".digest-staging-*")), "the staging folder was left behind"


def test_file_that_is_not_utf8(site_before, capsys) -> None:
    root, before = site_before
    (root / "content/2023/bad.md").write_bytes(
        "---\ntitle: Выборы\n".encode("cp1251") + b"date: 2023-03-10\n---\n"
    )
    capsys.readouterr()
    assert _run(root) == 1
    assert capsys.readouterr().err == (
        "error: content/2023/bad.md:2: is not UTF-8 text (byte 0xc2 at offset 11); save it as UTF-8\n"
    )
    assert tree_digest(root / "site") == before


def test_two_explicit_slugs_on_one_url_name_both_files(site_before, capsys) -> None:
    root, before = site_before
    for name in ("a.md", "b.md"):
        (root / "content/2023" / name).write_text(
            f"---\ntitle: Entry {name}\ndate: 2023-05-05T10:00:00+06:00\nslug: same\n---\nBody\n", "utf-8"
        )
    capsys.readouterr()
    assert _run(root) == 1
    assert capsys.readouterr().err == (
        "error: slug: 2023/a.md and 2023/b.md both want the URL /2023/05/05/same/; "
        "change the slug of one of them\n"
    )
    assert tree_digest(root / "site") == before


def test_missing_template_is_named(site_before, capsys) -> None:
    root, before = site_before
    (root / "templates").mkdir()
    (root / "templates/entry.html").write_text('{% extends "layout.html" %}', "utf-8")
    capsys.readouterr()
    assert _run(root) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: template not found: layout.html")
    assert err.count("\n") == 1
    assert tree_digest(root / "site") == before


def test_template_syntax_error_names_file_and_line(site_before, capsys) -> None:
    root, before = site_before
    (root / "templates").mkdir()
    (root / "templates/tags.html").write_text("<h1>Tags</h1>\n{% for tag in all_tags %}\n", "utf-8")
    capsys.readouterr()
    assert _run(root) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "templates/tags.html:2: template syntax error: Unexpected end of template" in err
    assert tree_digest(root / "site") == before


def test_template_using_an_unknown_variable(site_before, capsys) -> None:
    root, before = site_before
    (root / "templates").mkdir()
    (root / "templates/404.html").write_text("{{ no_such_thing.title }}", "utf-8")
    capsys.readouterr()
    assert _run(root) == 1
    err = capsys.readouterr().err
    assert "templates/404.html: 'no_such_thing' is undefined (while rendering /404.html)" in err
    assert tree_digest(root / "site") == before


CONFIG_ERRORS = {
    'timezone = "Mars/Olympus"\n': "digest.toml: timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as Asia/Almaty)",
    "per_page = 0\n": "digest.toml: per_page: must be at least 1, not 0",
    'per_page = "ten"\n': "digest.toml: per_page: must be a whole number, not 'ten'",
    'colour = "red"\n': "digest.toml: colour: unknown key (known keys: base_url, cache_dir, content_dir, description, feed_content, feed_limit, language, languages, markdown_engine, output_dir, per_page, search, static_dir, story_threshold, templates_dir, timezone, title, topic)",
    'base_url = "example.org"\n': "digest.toml: base_url: must be an absolute http(s) URL, not 'example.org'",
    "story_threshold = 2\n": "digest.toml: story_threshold: must be a number above 0 and at most 1, not 2.0",
    'story_threshold = "high"\n': "digest.toml: story_threshold: must be a number, not 'high'",
    'search = "yes"\n': "digest.toml: search: must be true or false, not 'yes'",
    'feed_content = "some"\n': "digest.toml: feed_content: must be 'full' or 'summary', not 'some'",
    "title = \n": "digest.toml:1: not valid TOML (Invalid value (at line 1, column 9))",
}


@pytest.mark.parametrize("toml", sorted(CONFIG_ERRORS))
def test_bad_configuration(toml: str, site_before, capsys) -> None:
    root, before = site_before
    (root / "digest.toml").write_text(toml, "utf-8")
    capsys.readouterr()
    assert _run(root) == 1
    err = capsys.readouterr().err
    assert err == f"error: {root / CONFIG_ERRORS[toml]}\n"
    assert tree_digest(root / "site") == before


def test_output_that_would_swallow_the_site_is_refused(sample_root: Path, capsys) -> None:
    assert _run(sample_root, "--output", str(sample_root)) == 1
    assert capsys.readouterr().err == (
        f"error: the output folder {sample_root} would replace {sample_root}; choose another --output\n"
    )
    assert (sample_root / "content/2023/vybory.md").is_file()


def test_foreign_output_folder_is_not_replaced(sample_root: Path, tmp_path: Path, capsys) -> None:
    other = tmp_path / "documents"
    other.mkdir()
    (other / "thesis.txt").write_text("precious", "utf-8")
    assert _run(sample_root, "--output", str(other)) == 1
    assert capsys.readouterr().err == (
        f"error: the output folder {other} is not empty and was not written by digest; "
        "refusing to replace it (empty it or choose another --output)\n"
    )
    assert (other / "thesis.txt").read_text("utf-8") == "precious"


def test_good_build_after_a_failed_one_replaces_the_site(site_before) -> None:
    root, before = site_before
    (root / "content/2023/bad.md").write_text("---\ntitle: Fixed\n---\n", "utf-8")
    assert _run(root) == 1
    (root / "content/2023/bad.md").write_text("---\ntitle: Fixed\ndate: 2023-03-11\n---\nNow fine.\n", "utf-8")
    assert _run(root) == 0
    assert (root / "site/2023/03/11/fixed/index.html").is_file()


def test_the_command_says_its_line_through_a_pipe_and_exits_with_its_status(site_before) -> None:
    """``digest`` ends without the interpreter's slow clean-up: what it prints
    must still reach a pipe, and its exit status must be main()'s."""
    import subprocess
    import sys

    root, before = site_before
    command = [sys.executable, "-m", "digest", "build", "--root", str(root), "--no-search"]
    ok = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("built ") and ok.stdout.endswith(" s\n") and ok.stderr == ""
    (root / "content/2023/bad.md").write_text(BAD_ENTRIES["missing-date"][0], encoding="utf-8")
    failed = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1
    assert failed.stdout == "" and failed.stderr == f"error: {BAD_ENTRIES['missing-date'][1]}\n"
    assert tree_digest(root / "site") == before


def test_a_verbose_build_says_where_its_time_went(sample_root: Path, caplog) -> None:
    """``digest -v build`` ends with one line: each step's wall and CPU time."""
    import logging
    import re

    caplog.set_level(logging.INFO, logger="digest")
    assert main(["-v", "build", "--root", str(sample_root), "--no-search"]) == 0
    line = next(r.getMessage() for r in caplog.records if r.name == "digest.build" and "rendered" in r.getMessage())
    steps = re.findall(r"([a-z ]+) (\d+\.\d\d) s \((\d+\.\d\d) CPU-s\)", line.split(": ", 1)[1])
    assert [s[0].strip() for s in steps] == ["scan", "read", "group", "plan", "render and write", "save"], line
    total = float(re.search(r"in (\d+\.\d\d) s:", line).group(1))
    assert sum(float(wall) for _, wall, _ in steps) <= total + 0.06, line
