"""Build the small sample site under tests/ and compare it with expected output.

``expected/`` is the site as the default Markdown engine builds it;
``expected-cmarkgfm/`` holds only the files that the other engine builds
differently (every other file must be the same as in ``expected/``).
When an intended change alters the output, regenerate both with
``DIGEST_UPDATE_EXPECTED=1 pytest tests/test_sample_site.py`` and review the diff.
"""
from __future__ import annotations

import difflib
import os
import shutil
from dataclasses import replace
from pathlib import Path

from sitetools import SAMPLE_SITE

EXPECTED = SAMPLE_SITE / "expected"
EXPECTED_CMARKGFM = SAMPLE_SITE / "expected-cmarkgfm"


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_sample_site_matches_expected_tree(built_sample: Path) -> None:
    if os.environ.get("DIGEST_UPDATE_EXPECTED"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(built_sample, EXPECTED)
    _compare(_files(built_sample), _files(EXPECTED))


def test_sample_site_with_cmarkgfm_matches_its_expected_tree(sample_root: Path) -> None:
    from digest.build import build
    from digest.config import load_config

    out = sample_root / "site-cmarkgfm"
    build(replace(load_config(sample_root, output=out), markdown_engine="cmarkgfm"), search=False)
    got, default = _files(out), _files(EXPECTED)
    if os.environ.get("DIGEST_UPDATE_EXPECTED"):
        shutil.rmtree(EXPECTED_CMARKGFM, ignore_errors=True)
        for name in sorted(got):
            if got[name] != default.get(name):
                (EXPECTED_CMARKGFM / name).parent.mkdir(parents=True, exist_ok=True)
                (EXPECTED_CMARKGFM / name).write_bytes(got[name])
    differing = _files(EXPECTED_CMARKGFM)
    assert differing, "the sample site has Markdown the two engines render differently"
    assert set(differing) <= set(default), "expected-cmarkgfm/ holds only files of expected/"
    _compare(got, {**default, **differing})


def _compare(got: dict[str, bytes], want: dict[str, bytes]) -> None:
    assert sorted(got) == sorted(want), "the set of files differs"
    problems = []
    for name in sorted(want):
        if got[name] != want[name]:
            diff = difflib.unified_diff(
                want[name].decode("utf-8", "replace").splitlines(),
                got[name].decode("utf-8", "replace").splitlines(),
                f"expected/{name}", f"built/{name}", lineterm="",
            )
            problems.append("\n".join(diff))
    assert not problems, "\n\n".join(problems)


def test_every_page_kind_is_written(built_sample: Path) -> None:
    for rel in [
        "index.html", "page/2/index.html", "page/3/index.html",
        "2023/03/10/kazakhstan-calls-un-to-actively-participate-in-election-monitoring/index.html",
        "tags/index.html", "tags/elections/index.html", "tags/elections/page/2/index.html",
        "2023/index.html", "2023/03/index.html", "2023/03/19/index.html", "archive/index.html",
        "feed.xml", "rss.xml", "tags/cec/feed.xml", "tags/cec/rss.xml",
        "static/style.css", "404.html",
    ]:
        assert (built_sample / rel).is_file(), rel


def test_draft_is_left_out_unless_asked(sample_root: Path, built_sample: Path) -> None:
    everything = "".join(p.read_text("utf-8") for p in built_sample.rglob("*") if p.is_file())
    assert "A draft nobody should see" not in everything
    assert not (built_sample / "tags/secret").exists()

    from digest.build import build
    from digest.config import load_config

    out = sample_root / "with-drafts"
    build(load_config(sample_root, output=out, drafts=True), search=False)
    assert "A draft nobody should see" in (out / "2024/05/01/a-draft-nobody-should-see/index.html").read_text("utf-8")


def test_entry_page_shows_its_fields(built_sample: Path) -> None:
    page = (built_sample / "2024/03/02/cec-drafts-rules-for-polling-stations-abroad/index.html").read_text("utf-8")
    assert "<h1>CEC drafts rules for polling stations abroad</h1>" in page
    assert '<time datetime="2024-03-02T10:00:00+05:00">2 March 2024, 10:00</time>' in page
    assert '<span class="outlet">Kazinform</span>' in page
    assert '<span class="dateline">ASTANA</span>' in page
    assert "By Aigerim Sadykova" in page
    assert '<a href="/digest/tags/cec/">CEC</a>' in page
    original = (built_sample / "2023/03/10/kazakhstan-calls-un-to-actively-participate-in-election-monitoring/index.html").read_text("utf-8")
    assert 'href="https://example.org/kazinform/un-monitoring"' in original


def test_tag_index_counts_and_case_merge(built_sample: Path) -> None:
    index = (built_sample / "tags/index.html").read_text("utf-8")
    # "Elections" (3 entries) and "elections" (1) are one tag, shown in the usual spelling.
    assert '<a href="/digest/tags/elections/">Elections</a> <span class="count" title="4 entries">4</span>' in index
    assert "/tags/secret/" not in index


def test_home_is_newest_first_and_paginated(built_sample: Path) -> None:
    first = (built_sample / "index.html").read_text("utf-8")
    # The featured entry is pinned above the list, and not repeated in it.
    featured, latest = first.split('<h2 class="section-title">Latest</h2>')
    assert "CEC drafts rules" in featured and "CEC drafts rules" not in latest
    assert "Scraped page with" in latest
    assert latest.index("Scraped page with") < latest.index("Сайлау нәтижелері")
    assert 'href="/digest/page/2/"' in first
    last = (built_sample / "page/3/index.html").read_text("utf-8")
    assert "Page 3 of 3" in last and 'rel="prev" href="/digest/page/2/"' in last
