"""``digest new``: a new digest that builds, checks clean and publishes; new entries; refusals."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import pytest
import yaml

from digest import scaffold
from digest.cli import main, make_parser
from digest.config import load_config
from digest.content import KNOWN_FIELDS, find_entries, read_entry
from digest.ingest.outlets import load_outlets
from digest.ingest.tags import load_vocabulary
from digest.ingest.write import read_front_matter

SCAFFOLD_FILES = {
    ".github/workflows/publish.yml", ".gitignore", ".gitlab-ci.yml", "README.md", "digest.toml",
    "outlets.toml", "requirements.txt", "tags.toml",
}


def new(*args: str) -> int:
    return main(["new", *args])


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    return err.strip()


@pytest.fixture
def site(tmp_path: Path, capsys) -> Path:
    assert new(str(tmp_path / "my-digest")) == 0
    capsys.readouterr()
    return tmp_path / "my-digest"


# ---------------------------------------------------------------- digest new SITE


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_a_new_site_checks_clean_and_builds_with_its_feed(tmp_path: Path, capsys, language: str) -> None:
    root = tmp_path / "news"
    assert new(str(root), "--language", language) == 0
    out = capsys.readouterr().out
    assert "next: cd" in out and "digest serve" in out

    assert main(["check", "--root", str(root)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.strip() == "no problems in 1 entry"

    assert main(["build", "--root", str(root), "--no-search"]) == 0
    config = load_config(root)
    assert config.language == language and config.timezone == "Asia/Almaty"
    assert config.title == scaffold._NAMES[language][0]
    page = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "Welcome to your digest" in page and scaffold._NAMES[language][0] in page
    feed = feedparser.parse((root / "site" / "feed.xml").read_bytes())
    assert not feed.bozo and [e.title for e in feed.entries] == ["Welcome to your digest"]


def test_the_site_has_its_files_and_settings(tmp_path: Path, capsys) -> None:
    root = tmp_path / "d"
    before = datetime.now().astimezone()
    assert new(str(root), "--title", 'Vybory "2027" \\ digest', "--timezone", "Europe/Moscow", "--language", "ru") == 0
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    (example,) = files - SCAFFOLD_FILES
    assert re.fullmatch(r"content/\d{4}/\d{2}/welcome-to-your-digest\.md", example)

    config = load_config(root)
    assert config.title == 'Vybory "2027" \\ digest' and config.timezone == "Europe/Moscow"
    assert config.language == "ru"
    assert (root / "README.md").read_text(encoding="utf-8").startswith('# Vybory "2027" \\ digest\n')

    # every key of digest.toml is there or named in a comment
    text = (root / "digest.toml").read_text(encoding="utf-8")
    from digest.config import _KEYS

    for key in _KEYS:
        assert re.search(rf"^#? ?{key} = ", text, re.M), key

    entry = read_entry(root / example, config)
    meta = read_front_matter((root / example).read_text(encoding="utf-8"))
    assert set(meta) == set(KNOWN_FIELDS), "the example entry shows every front-matter field"
    assert entry.date.utcoffset() == timedelta(hours=3)  # Moscow
    assert before - timedelta(minutes=1) <= entry.date <= datetime.now().astimezone()
    assert example == f"content/{entry.date:%Y/%m}/welcome-to-your-digest.md"


def test_outlets_and_tags_files_are_empty_and_their_examples_are_real(site: Path) -> None:
    assert tomllib.loads((site / "outlets.toml").read_text(encoding="utf-8")) == {}
    assert tomllib.loads((site / "tags.toml").read_text(encoding="utf-8")) == {}
    assert load_vocabulary(site).entries == load_vocabulary(None).entries

    # Uncommented, the examples in the comments are files digest reads.
    example = re.compile(r'^# (?=\[|[\w"][\w" ]*[\w"] = )', re.M)
    for name in ("outlets.toml", "tags.toml"):
        path = site / name
        path.write_text(example.sub("", path.read_text(encoding="utf-8")), encoding="utf-8")
    outlets = load_outlets(site)
    shipped = load_outlets(None).outlet("Vlast.kz")
    vlast = outlets.outlet("Vlast.kz")  # the example extends a shipped outlet
    assert "Vlast" not in shipped.aliases and "VLAST" not in shipped.dateline
    assert "Vlast" in vlast.aliases and "VLAST" in vlast.dateline and vlast.timezone == "Asia/Almaty"
    assert outlets.is_stop("Новости партнёров") and not load_outlets(None).is_stop("Новости партнёров")
    vocabulary = load_vocabulary(site)
    assert vocabulary.lookup("Акимат") == "Akimat"
    assert vocabulary.lookup("Региональные выборы") == "Regional elections"


def test_gitignore_keeps_out_what_a_build_makes(site: Path) -> None:
    assert main(["build", "--root", str(site), "--no-search"]) == 0
    for leftover in (".digest-staging-site-x1/index.html", ".digest-old-site-x2/index.html",
                     "public/index.html", ".pip-cache/x"):
        (site / leftover).parent.mkdir(parents=True, exist_ok=True)
        (site / leftover).write_text("x")
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    status = subprocess.run(["git", "-C", str(site), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    listed = {line[3:] for line in status.splitlines()}
    assert (site / "site" / "index.html").exists() and (site / ".digest-cache").is_dir()
    assert listed == SCAFFOLD_FILES | {p.relative_to(site).as_posix() for p in (site / "content").rglob("*.md")}


def test_a_non_empty_folder_is_refused_and_left_as_it_was(tmp_path: Path, capsys) -> None:
    root = tmp_path / "taken"
    root.mkdir()
    (root / "notes.txt").write_text("mine")
    assert new(str(root)) == 1
    assert one_error_line(capsys) == (
        f"error: {root}: the folder is not empty; digest new writes only into a new or empty folder "
        "(nothing was written)"
    )
    assert [p.name for p in root.iterdir()] == ["notes.txt"] and (root / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]  # no staging folder left

    (root / "notes.txt").unlink()
    (root / ".hidden").write_text("")  # a hidden file counts too
    assert new(str(root)) == 1
    capsys.readouterr()

    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert new(str(a_file)) == 1
    assert one_error_line(capsys) == f"error: {a_file}: is a file; digest new makes a folder (nothing was written)"


def test_an_empty_folder_is_used(tmp_path: Path, capsys) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    assert new(str(root), "--title", " Two\nlines ") == 0
    assert load_config(root).title == "Two lines"  # one line, as digest.toml and the README's heading need
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_a_bad_time_zone_or_misplaced_flag_is_one_line(tmp_path: Path, capsys) -> None:
    assert new(str(tmp_path / "a"), "--timezone", "Mars/Olympus") == 1
    assert one_error_line(capsys) == (
        "error: --timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as Asia/Almaty)"
    )
    assert new(str(tmp_path / "a"), "--tags", "x") == 1
    assert one_error_line(capsys) == "error: --tags: --tags is for an entry (digest new entry TITLE)"
    assert new("entry") == 1
    assert one_error_line(capsys) == (
        "error: digest new entry needs a TITLE (for a site folder called entry: digest new ./entry)"
    )
    assert not (tmp_path / "a").exists()


# ---------------------------------------------------------------- the CI files


def _digest_commands(lines: list[str], values: dict[str, str]) -> list[list[str]]:
    """The ``digest …`` command lines of a CI script, with its variables filled in."""
    found = []
    for line in lines:
        for name, value in values.items():
            line = line.replace(name, value)
        words = shlex.split(line)
        if words and words[0] == "digest":
            found.append(words[1:])
    return found


def _run_ci_commands(site: Path, commands: list[list[str]], monkeypatch) -> None:
    """Run them as CI does, in the site's folder."""
    monkeypatch.chdir(site)
    for argv in commands:
        make_parser().parse_args(argv)  # every flag the CI file uses exists
        assert main(argv) == 0, argv


def test_the_github_workflow_builds_with_the_pages_address_and_publishes(site: Path, monkeypatch) -> None:
    flow = yaml.safe_load((site / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    trigger = flow.get("on", flow.get(True))  # YAML 1.1 reads the key `on` as true
    assert trigger["push"]["branches"] == ["main"]
    assert flow["permissions"]["pages"] == "write" and flow["permissions"]["id-token"] == "write"
    steps = flow["jobs"]["build"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    runs = [s["run"] for s in steps if "run" in s]
    assert "python -m pip install -r requirements.txt" in runs
    assert runs.index("digest check") < runs.index('digest build --base-url "${{ steps.pages.outputs.base_url }}/"')
    cache = steps[uses.index("actions/cache")]
    assert cache["with"]["path"] == ".digest-cache"
    assert uses.index("actions/configure-pages") < uses.index("actions/cache") < uses.index("actions/upload-pages-artifact")
    assert steps[uses.index("actions/upload-pages-artifact")]["with"]["path"] == "site"
    assert flow["jobs"]["deploy"]["needs"] == "build"
    assert flow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")

    _run_ci_commands(site, _digest_commands(runs, {"${{ steps.pages.outputs.base_url }}": "https://someone.github.io/news"}), monkeypatch)
    feed = feedparser.parse((site / "site" / "feed.xml").read_bytes())
    assert feed.entries[0].link.startswith("https://someone.github.io/news/")
    assert 'href="/news/tags/"' in (site / "site" / "index.html").read_text(encoding="utf-8")


def test_the_gitlab_job_builds_into_public_with_the_pages_address(site: Path, monkeypatch) -> None:
    ci = yaml.safe_load((site / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    job = ci["pages"]
    assert job["script"][0] == "python -m pip install -r requirements.txt"
    assert ".digest-cache/" in job["cache"]["paths"]
    assert job["artifacts"]["paths"] == ["public"]
    assert job["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    commands = _digest_commands(job["script"], {"$CI_PAGES_URL": "https://group.gitlab.io/news"})
    assert [c[0] for c in commands] == ["check", "build"]

    _run_ci_commands(site, commands, monkeypatch)
    feed = feedparser.parse((site / "public" / "feed.xml").read_bytes())
    assert feed.entries[0].link.startswith("https://group.gitlab.io/news/")
    assert not (site / "site").exists()


def test_the_ci_files_date_files_by_their_last_commit_so_the_restored_cache_is_used(
    site: Path, monkeypatch
) -> None:
    flow = yaml.safe_load((site / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    (dating,) = [s["run"] for s in flow["jobs"]["build"]["steps"] if "run" in s and "git" in s["run"]]
    assert flow["jobs"]["build"]["steps"][0]["with"]["fetch-depth"] == 0
    ci = yaml.safe_load((site / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert dating in ci["pages"]["script"] and ci["variables"]["GIT_DEPTH"] == 0

    def git(*args: str, when: str | None = None) -> None:
        env = {**os.environ, "GIT_AUTHOR_DATE": when or "", "GIT_COMMITTER_DATE": when or ""}
        subprocess.run(["git", "-C", str(site), "-c", "user.name=E", "-c", "user.email=e@example.org", *args],
                       check=True, capture_output=True, env=env)

    (example,) = (site / "content").rglob("*.md")
    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "new digest", when="2026-01-02T03:04:05+00:00")
    example.write_text(example.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    git("commit", "-q", "-am", "an edit", when="2026-01-03T00:00:00+00:00")

    def ci_run() -> None:
        """What CI does: a fresh checkout (every file dated now, no site/), then the dating step."""
        shutil.rmtree(site / "site", ignore_errors=True)
        for path in site.rglob("*"):
            if path.is_file() and ".digest-cache" not in path.parts and ".git" not in path.parts:
                os.utime(path)
        subprocess.run(["bash", "-e", "-c", dating], cwd=site, check=True)

    ci_run()
    assert main(["build", "--root", str(site), "--no-search"]) == 0
    ci_run()  # the next run, with the last run's .digest-cache/ restored
    assert example.stat().st_mtime == datetime.fromisoformat("2026-01-03T00:00:00+00:00").timestamp()
    assert (site / "digest.toml").stat().st_mtime == datetime.fromisoformat("2026-01-02T03:04:05+00:00").timestamp()

    from digest.cache import EntryCache

    found = []
    get = EntryCache.get
    monkeypatch.setattr(EntryCache, "get", lambda self, rel, stamp: found.append(get(self, rel, stamp)) or found[-1])
    assert main(["build", "--root", str(site), "--no-search"]) == 0
    assert len(found) == 1 and found[0] is not None  # the entry came from the cache, not read again


def test_a_bad_base_url_on_the_command_line_is_one_line(site: Path, capsys) -> None:
    assert main(["build", "--root", str(site), "--base-url", "group.gitlab.io/news"]) == 1
    assert one_error_line(capsys) == (
        "error: --base-url: base_url: must be an absolute http(s) URL, not 'group.gitlab.io/news'"
    )
    assert not (site / "site").exists()


def test_requirements_name_where_digest_came_from(monkeypatch, site: Path) -> None:
    text = (site / "requirements.txt").read_text(encoding="utf-8")
    assert text.splitlines()[-1] == f"digest=={scaffold.__version__}"  # an editable install: by name

    class Dist:
        def __init__(self, recorded: str) -> None:
            self.recorded = recorded

        def read_text(self, name: str) -> str:
            assert name == "direct_url.json"
            return self.recorded

    cases = {
        '{"url": "https://git.example.org/x/digest", "vcs_info": {"vcs": "git", "commit_id": "abc123"}}':
            "digest @ git+https://git.example.org/x/digest@abc123",
        '{"url": "https://example.org/digest-0.1.0-py3-none-any.whl", "archive_info": {}}':
            "digest @ https://example.org/digest-0.1.0-py3-none-any.whl",
        '{"url": "file:///home/me/digest-0.1.0-py3-none-any.whl", "archive_info": {}}':
            f"digest=={scaffold.__version__}",
    }
    for recorded, expected in cases.items():
        monkeypatch.setattr(scaffold.importlib.metadata, "distribution", lambda name, r=recorded: Dist(r))
        assert scaffold.install_requirement().splitlines()[-1] == expected


# ---------------------------------------------------------------- digest new entry


def test_a_new_entry_is_dated_now_in_the_sites_zone(site: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(site)
    before = datetime.now().astimezone().replace(second=0, microsecond=0)
    assert new("entry", "Выборы в Мажилис: ЦИК", "--tags", "Elections, CEC,", "--source", "Kazinform", "--lang", "ru") == 0
    shown = capsys.readouterr().out
    path = site / shown.strip()
    assert shown == f"{path.relative_to(site)}\n"
    entry = read_entry(path, load_config(site))
    assert path.name == "vybory-v-mazhilis-tsik.md" and path.parent == site / "content" / f"{entry.date:%Y/%m}"
    assert entry.title == "Выборы в Мажилис: ЦИК" and entry.tags == ("Elections", "CEC")
    assert entry.source == "Kazinform" and entry.lang == "ru" and not entry.slug_given
    assert entry.date.utcoffset() == datetime.now(load_config(site).tz).utcoffset()
    assert before <= entry.date <= datetime.now().astimezone()
    assert main(["check"]) == 0  # warnings only (no text yet): not an error


def test_a_taken_slug_gets_2_and_nothing_is_overwritten(site: Path, capsys) -> None:
    assert new("entry", "Turnout reaches 40%", "--root", str(site)) == 0
    first = site / capsys.readouterr().out.strip()
    first.write_text(first.read_text(encoding="utf-8") + "The editor's text.\n", encoding="utf-8")
    kept = first.read_bytes()
    assert new("entry", "Turnout reaches 40%", "--root", str(site)) == 0
    second = site / capsys.readouterr().out.strip()
    assert second.name == "turnout-reaches-40-2.md" and first.read_bytes() == kept
    assert read_front_matter(second.read_text(encoding="utf-8"))["slug"] == "turnout-reaches-40-2"

    # An entry elsewhere that holds the same URL (its slug: field, the same day) takes the slug too.
    other = site / "content" / "elsewhere.md"
    day = read_entry(first, load_config(site)).date
    other.write_text(f"---\ntitle: Another\ndate: {day.isoformat()}\nslug: cec-meets\n---\nText.\n", encoding="utf-8")
    assert new("entry", "CEC meets", "--root", str(site)) == 0
    assert capsys.readouterr().out.strip().endswith("cec-meets-2.md")
    assert main(["build", "--root", str(site), "--no-search"]) == 0
    assert len(find_entries(site / "content")) == 5


def test_a_title_without_letters_is_refused(site: Path, capsys) -> None:
    assert new("entry", "!!!", "--root", str(site)) == 1
    assert one_error_line(capsys) == "error: title: '!!!' has no letters or digits to make a URL from"


# ---------------------------------------------------------------- not a digest


@pytest.mark.parametrize("command", [["build"], ["serve", "--port", "0"], ["check"], ["new", "entry", "Title"]])
def test_a_folder_that_is_not_a_digest_says_so(tmp_path: Path, capsys, command: list[str]) -> None:
    root = tmp_path / "elsewhere"
    root.mkdir()
    assert main([*command, "--root", str(root)]) == 1
    assert one_error_line(capsys) == (
        f"error: {root}: not a digest: no digest.toml and no content/ folder; "
        "start one with `digest new SITE`, or name one with --root DIR"
    )
    assert list(root.iterdir()) == []
    if command[0] in ("build", "check"):  # a content folder alone is a digest
        (root / "content").mkdir()
        assert main([*command, "--root", str(root)]) == 0
