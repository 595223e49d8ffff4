"""The repository's own sample digest (content/ + digest.toml) builds with every page kind."""
from __future__ import annotations

import shutil
from pathlib import Path

import feedparser

from digest.build import build
from digest.config import load_config

REPO = Path(__file__).resolve().parents[1]


def test_sample_digest_builds_with_the_seed_entries(tmp_path: Path) -> None:
    root = tmp_path / "digest"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "digest.toml", root / "digest.toml")
    result = build(load_config(root))
    site = root / "site"
    assert result.entries >= 14

    seed = site / "2023/01/31/cis-mission-to-observe-parliamentary-elections-in-kazakhstan/index.html"
    page = seed.read_text("utf-8")
    assert "<h1>CIS mission to observe parliamentary elections in Kazakhstan</h1>" in page
    assert "31 January 2023, 15:38" in page
    other = site / "2023/03/10/kazakhstan-calls-un-to-actively-participate-in-election-monitoring/index.html"
    assert "10 March 2023, 14:20" in other.read_text("utf-8")

    atom = (site / "feed.xml").read_text("utf-8")
    rss = (site / "rss.xml").read_text("utf-8")
    feed = feedparser.parse((site / "tags/cis/feed.xml").read_bytes())
    assert not feed.bozo
    assert "CIS mission to observe parliamentary elections in Kazakhstan" in [e.title for e in feed.entries]
    assert "<published>2023-01-31T15:38:00+06:00</published>" in (site / "tags/cis/feed.xml").read_text("utf-8")
    assert "+06:00" in atom and "+0600" in rss

    for rel in ["index.html", "page/2/index.html", "tags/index.html", "tags/elections/index.html",
                "2023/index.html", "2023/01/index.html", "2023/01/31/index.html", "archive/index.html",
                "tags/elections/feed.xml", "tags/elections/rss.xml", "static/style.css", "404.html"]:
        assert (site / rel).is_file(), rel
    # the draft in the sample is left out
    drafts = [p for p in (root / "content").rglob("*.md") if "draft: true" in p.read_text("utf-8")]
    assert drafts
    everything = "".join(p.read_text("utf-8") for p in site.rglob("*.html"))
    for path in drafts:
        title = next(line for line in path.read_text("utf-8").splitlines() if line.startswith("title:"))
        assert title.split(":", 1)[1].strip().strip('"') not in everything
