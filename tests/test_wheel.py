"""The package as users get it: ``python -m build`` makes a wheel that holds every file
digest reads, and that wheel, installed in a fresh virtual environment outside the
repository, starts, checks, builds and serves a digest of its own."""
from __future__ import annotations

import os
import shutil
import signal
import site
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import feedparser
import pytest
from sitetools import missing, served_url

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 120  # seconds for one command; a bound, never an assertion on speed
# Where the wheel's files come from: the package, and the theme it installs as digest/theme.
SOURCES = ((REPO / "digest", "digest"), (REPO / "templates", "digest/theme"))
PAGE = """CEC registers observers for the Majilis elections
10 March 2023, 14:20
ASTANA. KAZINFORM – The Central Election Commission registered 120 international observers on Friday, the commission's secretary said at a briefing.

The observers come from twelve countries and four international organisations, and will watch the voting across the country.

Tags: Elections, CEC, Observers
"""


def package_files() -> set[str]:
    """Every file of the package in the source tree (modules and data), as the wheel names it."""
    found = set()
    for folder, prefix in SOURCES:
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                found.add(f"{prefix}/{path.relative_to(folder).as_posix()}")
    return found


def _copy_ignore(folder: str, names: list[str]) -> set[str]:
    """What a build of a clean checkout would not see: generated and local files."""
    skip = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".node", ".digest-cache"}
    if Path(folder) == REPO:
        skip |= {"site", "build", "dist", "screenshots", "public"}
    return {n for n in names if n in skip or n.endswith(".egg-info") or n.startswith((".digest-staging-", ".digest-old-"))}


def run(argv: list, *, cwd: Path, env: dict | None = None, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{argv}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """``python -m build`` on a copy of the repository: an sdist, and the wheel built from it."""
    try:
        import build  # noqa: F401
    except ImportError:
        missing("no build: pip install build")
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(REPO, source, ignore=_copy_ignore)
    run([sys.executable, "-m", "build", "--outdir", work / "dist", source], cwd=work)
    (found,) = (work / "dist").glob("digest-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory) -> tuple[Path, dict]:
    """A fresh virtual environment with the wheel installed (not editable), and the
    environment to run its commands in.

    It sees the test interpreter's packages for digest's dependencies (so nothing is
    downloaded), and therefore possibly an editable digest too: the wheel is installed
    over it with ``--ignore-installed``, and the test checks which copy is imported.
    """
    home = tmp_path_factory.mktemp("venv")
    env_dir = home / "env"
    run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", env_dir], cwd=home)
    python = env_dir / "bin" / "python"
    if sys.prefix != sys.base_prefix:  # the tests run in a virtual environment: see its packages too
        purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=home).stdout.strip()
        Path(purelib, "test-interpreter-packages.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
         "--ignore-installed", "--no-index", wheel], cwd=home)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env_dir, env


def test_the_wheel_holds_every_file_of_the_package(wheel: Path) -> None:
    expected = package_files()
    # the data files digest reads are among them (so the comparison is not empty)
    for data in ("digest/ingest/outlets.toml", "digest/ingest/tags.toml", "digest/theme/base.html",
                 "digest/theme/static/style.css", "digest/scaffold/digest.toml", "digest/scaffold/.gitignore",
                 "digest/scaffold/.github/workflows/publish.yml", "digest/scaffold/.gitlab-ci.yml"):
        assert data in expected
    shipped = set(zipfile.ZipFile(wheel).namelist())
    assert sorted(expected - shipped) == [], "files missing from the wheel (see pyproject.toml's package-data)"


def test_the_installed_digest_is_the_wheels_copy(venv: tuple[Path, dict], tmp_path: Path) -> None:
    env_dir, env = venv
    out = run([env_dir / "bin" / "python", "-c",
               "import digest, digest.render; print(digest.__file__); print(digest.render.default_theme_dir())"],
              cwd=tmp_path, env=env).stdout.split()
    for path in out:
        assert Path(path).resolve().is_relative_to(env_dir.resolve()), out
    assert not any(Path(p).resolve().is_relative_to(REPO) for p in out)
    assert shutil.which("digest", path=env["PATH"]) == str(env_dir / "bin" / "digest")


def test_a_new_user_starts_a_digest_and_builds_checks_and_serves_it(venv: tuple[Path, dict], tmp_path: Path) -> None:
    env_dir, env = venv
    digest = env_dir / "bin" / "digest"
    run([digest, "new", "news", "--language", "ru", "--title", "Выборы: дайджест"], cwd=tmp_path, env=env)
    root = tmp_path / "news"
    made = run([digest, "new", "entry", "Выборы в Мажилис", "--tags", "Elections,Majilis", "--source", "Kazinform"],
               cwd=root, env=env).stdout.strip()
    assert (root / made).is_file() and made.startswith("content/")
    (tmp_path / "page.txt").write_text(PAGE, encoding="utf-8")
    ingested = run([digest, "ingest", tmp_path / "page.txt"], cwd=root, env=env).stdout  # outlets.toml, tags.toml
    assert "written" in ingested
    check = run([digest, "check"], cwd=root, env=env)
    assert "error" not in check.stdout and check.stderr.strip().endswith("in 3 entries")
    run([digest, "build"], cwd=root, env=env)

    feed = feedparser.parse((root / "site" / "feed.xml").read_bytes())
    assert not feed.bozo and feed.feed.title == "Выборы: дайджест"
    assert {e.title for e in feed.entries} == {
        "Welcome to your digest", "Выборы в Мажилис", "CEC registers observers for the Majilis elections",
    }
    observers = next(e for e in feed.entries if e.title.startswith("CEC"))
    assert observers.published == "2023-03-10T14:20:00+06:00"  # the outlet's zone, from outlets.toml

    proc = subprocess.Popen([digest, "serve", "--port", "0"], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = served_url(proc, TIMEOUT)
        with urllib.request.urlopen(url, timeout=30) as resp:
            home = resp.read().decode("utf-8")
        assert resp.status == 200 and "Выборы в Мажилис" in home
        page = url + observers.link.removeprefix("http://localhost:8000/")
        with urllib.request.urlopen(page, timeout=30) as resp:
            assert "120 international observers" in resp.read().decode("utf-8")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(TIMEOUT) == 0
    finally:
        proc.kill()
        proc.wait()

