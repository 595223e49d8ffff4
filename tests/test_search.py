"""Search: ``digest.search.index_site`` runs Pagefind over a built site.

The bundle Pagefind writes is read back without a browser: ``pagefind-entry.json``
lists the language indexes, the gzipped ``index/*.pf_index`` files hold the
indexed words and ``fragment/*.pf_fragment`` one JSON object per page. The
search itself, in a browser, is tested in ``tests/browser/``.
"""
from __future__ import annotations

import gzip
import json
import os
import stat
from pathlib import Path

import pytest

from digest import search
from digest.build import build
from digest.config import load_config
from digest.search import BUNDLE, MISSING, index_site
from sitetools import tree_digest

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav><a href="/">Main menu</a></nav>
<main><article data-pagefind-body{lang}><h1>{title}</h1><p>{text}</p>
<footer data-pagefind-ignore>Related stories</footer></article></main></body></html>
"""
PAGES = {
    "index.html": ("Latest news", "", "Observers arrive in Astana before the vote."),
    "2023/11/26/yavka/index.html": (
        "Явка на повторных выборах в мажилис составила 38,6%", "ru",
        "Явка на повторных выборах депутатов мажилиса составила 38,6%.",
    ),
    "2023/01/18/osk/index.html": (
        "ОСК Мәжіліс депутаттығына кандидаттардың құжаттарын қабылдауды бастады", "kk",
        "Орталық сайлау комиссиясы кандидаттардың құжаттарын қабылдауды бастады.",
    ),
}


def require_pagefind() -> Path:
    binary = search.find_binary()
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    return binary


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A tiny built site: an English page, a Russian and a Kazakh entry."""
    root = tmp_path / "site"
    for rel, (title, lang, text) in PAGES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PAGE.format(title=title, text=text, lang=f' lang="{lang}"' if lang else ""), encoding="utf-8")
    return root


def words(bundle: Path) -> bytes:
    """Every indexed word, as the raw bytes of the decompressed index chunks."""
    return b"".join(gzip.decompress(p.read_bytes()) for p in sorted((bundle / "index").glob("*.pf_index")))


def fragments(bundle: Path) -> dict[str, dict]:
    """url → the page's fragment (``content``, ``meta``, …)."""
    out = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        fragment = json.loads(data[len(b"pagefind_dcd"):])
        out[fragment["url"]] = fragment
    return out


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if p.name.startswith(f".{BUNDLE}-"))


def fake_pagefind(folder: Path, script: str) -> Path:
    path = folder / "fake-pagefind"
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def no_pagefind(monkeypatch: pytest.MonkeyPatch, empty: Path) -> None:
    """Point every place the binary is looked for at nothing."""
    empty.mkdir(exist_ok=True)
    monkeypatch.delenv(search.ENV_BINARY, raising=False)
    monkeypatch.setattr(search, "BINARY_MODULES", ("digest_no_such_module",))
    monkeypatch.setenv("PATH", str(empty))


# -- the bundle -----------------------------------------------------------------


def test_bundle_written_with_the_ui(site: Path) -> None:
    require_pagefind()
    outcome = index_site(site, language="en")
    assert outcome.ok, outcome.message
    assert outcome.pages == 3
    assert outcome.seconds > 0
    assert outcome.message.startswith("indexed 3 pages for search in ")
    bundle = site / BUNDLE
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (bundle / name).is_file(), name
    assert leftovers(site) == []


def test_one_index_for_all_languages(site: Path) -> None:
    """``<article lang="ru">`` and ``lang="kk"`` go into the site language's index."""
    require_pagefind()
    assert index_site(site, language="en").ok
    entry = json.loads((site / BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["en"]
    assert entry["languages"]["en"]["page_count"] == 3
    indexed = words(site / BUNDLE)
    for word in ("явка", "мажилиса", "мәжіліс", "кандидаттардың", "құжаттарын", "сайлау", "astana"):
        assert word.encode("utf-8") in indexed, word
    assert set(fragments(site / BUNDLE)) == {"/", "/2023/11/26/yavka/", "/2023/01/18/osk/"}


def test_language_follows_the_site(site: Path) -> None:
    require_pagefind()
    assert index_site(site, language="RU").ok
    entry = json.loads((site / BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["ru"]


def test_only_the_marked_region_is_indexed(site: Path) -> None:
    """Only ``data-pagefind-body`` is indexed, without what ``data-pagefind-ignore`` marks."""
    require_pagefind()
    (site / "about.html").write_text("<!doctype html><html lang=en><title>About</title><p>Unmarked page</p></html>")
    outcome = index_site(site, language="en")
    assert outcome.ok and outcome.pages == 3  # about.html has no data-pagefind-body
    found = fragments(site / BUNDLE)
    assert "/about.html" not in found
    for fragment in found.values():
        assert "Main menu" not in fragment["content"]
        assert "Related stories" not in fragment["content"]
    assert found["/2023/11/26/yavka/"]["meta"]["title"].startswith("Явка")


def test_reindexing_replaces_the_old_bundle(site: Path) -> None:
    require_pagefind()
    assert index_site(site, language="en").ok
    stale = site / BUNDLE / "stale.txt"
    stale.write_text("from an older bundle")
    extra = site / "2024/01/02/more/index.html"
    extra.parent.mkdir(parents=True)
    extra.write_text(PAGE.format(title="More news", lang="", text="Turnout figures"), encoding="utf-8")
    outcome = index_site(site, language="en")
    assert outcome.ok and outcome.pages == 4
    assert not stale.exists()
    assert "/2024/01/02/more/" in fragments(site / BUNDLE)
    assert leftovers(site) == []


def test_glob_limits_the_pages_read(site: Path) -> None:
    require_pagefind()
    (site / "tags" / "x").mkdir(parents=True)
    (site / "tags/x/index.html").write_text(PAGE.format(title="Tag x", lang="", text="tag page"), encoding="utf-8")
    outcome = index_site(site, language="en", glob=search.ENTRY_PAGES)
    assert outcome.ok, outcome.message
    assert set(fragments(site / BUNDLE)) == {"/2023/11/26/yavka/", "/2023/01/18/osk/"}


def test_sample_site_is_indexed(sample_root: Path) -> None:
    """The test sample site, built as usual, indexes without errors."""
    require_pagefind()
    config = load_config(sample_root)
    build(config, use_cache=False)
    outcome = index_site(config.output_dir, language=config.language)
    assert outcome.ok, outcome.message
    assert outcome.pages > 0
    assert (config.output_dir / BUNDLE / "pagefind-ui.js").is_file()


# -- when it cannot run -----------------------------------------------------------


def test_missing_binary_is_reported_not_raised(site: Path, tmp_path: Path, monkeypatch) -> None:
    no_pagefind(monkeypatch, tmp_path / "empty-bin")
    assert search.find_binary() is None
    outcome = index_site(site, language="en")
    assert not outcome.ok
    assert outcome.message == MISSING == (
        "search skipped: the Pagefind binary is not installed (pip install 'pagefind[bin]')"
    )
    assert not (site / BUNDLE).exists()
    assert leftovers(site) == []


def test_binary_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    no_pagefind(monkeypatch, tmp_path / "empty-bin")
    fake = fake_pagefind(tmp_path, 'echo "Error: from the fake" >&2; exit 3')
    monkeypatch.setenv(search.ENV_BINARY, str(fake))
    assert search.find_binary() == fake
    monkeypatch.setenv(search.ENV_BINARY, str(tmp_path / "nothing-here"))
    assert search.find_binary() is None


def test_binary_on_path(tmp_path: Path, monkeypatch) -> None:
    no_pagefind(monkeypatch, tmp_path / "bin")
    fake = fake_pagefind(tmp_path / "bin", "exit 0")
    fake.rename(tmp_path / "bin" / "pagefind")
    assert search.find_binary() == tmp_path / "bin" / "pagefind"


def test_failure_keeps_the_old_bundle(site: Path, tmp_path: Path) -> None:
    require_pagefind()
    assert index_site(site, language="en").ok
    before = tree_digest(site / BUNDLE)
    fake = fake_pagefind(tmp_path, 'echo "Running Pagefind"; echo "Error: something broke" >&2;'
                                   ' echo "the last line" >&2; exit 1')
    outcome = index_site(site, language="en", binary=fake)
    assert not outcome.ok
    assert outcome.message == "search skipped: Pagefind failed (exit status 1): the last line"
    assert tree_digest(site / BUNDLE) == before
    assert leftovers(site) == []


def test_real_failure_keeps_the_old_bundle(site: Path) -> None:
    """Pagefind itself refuses a site without HTML: its message is passed on."""
    require_pagefind()
    assert index_site(site, language="en").ok
    before = tree_digest(site / BUNDLE)
    for rel in PAGES:
        (site / rel).unlink()
    outcome = index_site(site, language="en")
    assert not outcome.ok
    assert outcome.message.startswith("search skipped: Pagefind failed (exit status 1): ")
    assert "html files" in outcome.message
    assert tree_digest(site / BUNDLE) == before
    assert leftovers(site) == []


def test_a_binary_that_writes_nothing_is_a_failure(site: Path, tmp_path: Path) -> None:
    outcome = index_site(site, language="en", binary=fake_pagefind(tmp_path, "exit 0"))
    assert not outcome.ok
    assert "wrote no pagefind.js" in outcome.message
    assert not (site / BUNDLE).exists()
    assert leftovers(site) == []


def test_a_binary_that_cannot_run(site: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.write_text("not a program")
    broken.chmod(0o755)
    outcome = index_site(site, language="en", binary=broken)
    assert not outcome.ok
    assert outcome.message.startswith(f"search skipped: cannot run {broken}")


def test_not_a_folder(tmp_path: Path) -> None:
    outcome = index_site(tmp_path / "missing", language="en")
    assert not outcome.ok
    assert outcome.message == f"search skipped: {tmp_path / 'missing'} is not a folder"
