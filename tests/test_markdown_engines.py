"""The two Markdown engines: what each renders, the table of their differences,
the one-line errors of the setting, and the warnings of ``digest check``."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from digest import markup
from digest.build import build
from digest.check import check_site
from digest.config import load_config
from digest.markdown_differences import DIFFERENCES, find, table
from digest.markdown_engines import ENGINES, GFM_EXTENSIONS, converter, gfm_options

REPO = Path(__file__).resolve().parents[1]

# What each engine makes of each example of the table: (python-markdown, cmarkgfm).
RENDERED = {
    'a list right after a line of text': (
        '<p>Candidates:\n- Ivanov\n- Petrov</p>',
        '<p>Candidates:</p>\n<ul>\n<li>Ivanov</li>\n<li>Petrov</li>\n</ul>'),
    'a table right after a line of text': (
        '<p>Turnout:\n| Region | % |\n|---|---:|\n| Abai | 61.0 |</p>',
        '<p>Turnout:</p>\n<table>\n<thead>\n<tr>\n<th>Region</th>\n<th style="text-align:right">%</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>Abai</td>\n<td style="text-align:right">61.0</td>\n</tr>\n</tbody>\n</table>'),
    'a nested list indented by 2 spaces': (
        '<ul>\n<li>Majilis</li>\n<li>98 seats</li>\n<li>Senate</li>\n</ul>',
        '<ul>\n<li>Majilis\n<ul>\n<li>98 seats</li>\n</ul>\n</li>\n<li>Senate</li>\n</ul>'),
    "a list right after a quote's line": (
        '<blockquote>\n<p>We are ready.\n- CEC</p>\n</blockquote>',
        '<blockquote>\n<p>We are ready.</p>\n</blockquote>\n<ul>\n<li>CEC</li>\n</ul>'),
    "an item's second paragraph indented by 2 spaces": (
        '<ul>\n<li>Ballots</li>\n</ul>\n<p>Printed in Astana.</p>',
        '<ul>\n<li>\n<p>Ballots</p>\n<p>Printed in Astana.</p>\n</li>\n</ul>'),
    'a list whose bullet changes (`-`, then `*`)': (
        '<ul>\n<li>Amanat</li>\n<li>Respublica</li>\n</ul>',
        '<ul>\n<li>Amanat</li>\n</ul>\n<ul>\n<li>Respublica</li>\n</ul>'),
    'items numbered `1)`': (
        '<p>1) Registration\n2) Voting</p>',
        '<ol>\n<li>Registration</li>\n<li>Voting</li>\n</ol>'),
    'a bare web or e-mail address': (
        '<p>Results: https://example.org/results or press@example.org</p>',
        '<p>Results: <a href="https://example.org/results" rel="noopener nofollow">https://example.org/results</a> or <a href="mailto:press@example.org" rel="noopener nofollow">press@example.org</a></p>'),
    '`~~strikethrough~~`': (
        '<p>Turnout ~~54%~~ 55%</p>',
        '<p>Turnout <del>54%</del> 55%</p>'),
    'a backslash at the end of a line': (
        '<p>First line\\\nsecond line</p>',
        '<p>First line<br>\nsecond line</p>'),
    'a fenced code block (```` ``` ````)': (
        '<p><code>turnout = 54.2</code></p>',
        '<pre><code>turnout = 54.2\n</code></pre>'),
    '`#` with no space after it at the start of a line': (
        '5 candidates registered',
        '<p>#5 candidates registered</p>'),
    'Markdown inside an HTML block, after a blank line': (
        '\n\n*Photo: CEC*\n\n',
        '\n<p><em>Photo: CEC</em></p>\n'),
}


def _alike(html: str) -> str:
    """The HTML without whitespace around tags: a browser shows the two alike."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", html.strip())


def test_every_construct_of_the_table_has_its_rendering_checked() -> None:
    assert [d.construct for d in DIFFERENCES] == list(RENDERED)


@pytest.mark.parametrize("difference", DIFFERENCES, ids=lambda d: d.construct)
def test_each_difference_renders_as_the_table_says(difference) -> None:
    pm, cm = (markup.render_markdown(difference.example, engine) for engine in ENGINES)
    assert (pm, cm) == RENDERED[difference.construct]
    assert _alike(pm) != _alike(cm)
    portable = [markup.render_markdown(difference.portable, engine) for engine in ENGINES]
    assert _alike(portable[0]) == _alike(portable[1]), "the portable form renders alike"


@pytest.mark.parametrize("difference", DIFFERENCES, ids=lambda d: d.construct)
def test_check_finds_each_difference_and_not_its_portable_form(difference) -> None:
    assert [d.construct for _, d in find(difference.example)] == [difference.construct]
    assert list(find(difference.portable)) == []


def test_check_leaves_addresses_in_links_html_and_code_alone() -> None:
    body = ('[results](https://example.org/r) <https://example.org/s> <iframe src="https://example.org/"></iframe>\n'
            "`press@example.org`\n\n[r]: https://example.org/t\n")
    assert list(find(body)) == []
    assert markup.render_markdown(body, "cmarkgfm").count("<a ") == markup.render_markdown(body, "python-markdown").count("<a ")


def test_the_readme_has_the_table() -> None:
    readme = REPO / "README.md"
    text = readme.read_text("utf-8")
    section = f"<!-- markdown-differences -->\n{table()}\n<!-- /markdown-differences -->"
    if os.environ.get("DIGEST_UPDATE_EXPECTED"):
        text = re.sub(r"<!-- markdown-differences -->.*?<!-- /markdown-differences -->", lambda _: section, text, flags=re.S)
        readme.write_text(text, "utf-8")
    assert section in text, "regenerate with DIGEST_UPDATE_EXPECTED=1 python -m pytest tests/test_markdown_engines.py"


def test_common_editor_markdown_renders_alike() -> None:
    body = ("ASTANA. The [CEC](https://example.org/cec) registered **12** candidates, *Kazinform* says.\n\n"
            "- Amanat\n- Respublica\n    - a nested item\n\n1. Registration\n2. Voting\n\n"
            "> We are ready.\n\n## Turnout\n\n| Region | % |\n|:---|---:|\n| Abai | 61.0 |\n\n"
            "Line one  \nline two, <https://example.org/results>.\n")
    pm, cm = (markup.render_markdown(body, engine) for engine in ENGINES)
    assert _alike(pm) == _alike(cm)
    assert '<th style="text-align:right">%</th>' in pm  # a column's alignment survives the sanitiser
    assert list(find(body)) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_every_engine_goes_through_the_sanitiser(engine: str) -> None:
    body = ('<p style="color:red" onclick="x()">Styled</p> <td style="text-align:right">cell</td>\n\n'
            'Text <script>alert(1)</script> [x](javascript:alert(2)) <a href="https://x.org" onclick="y()">ok</a>\n\n'
            '<div onmouseover="z()">\n<iframe src="https://x.org"></iframe>\n</div>\n\n<img src="i.png">\n')
    html = markup.render_markdown(body, engine)
    assert not re.search(r"<script|<iframe|<div|javascript:|onclick|onmouseover|style=", html), html
    assert '<a href="https://x.org" rel="noopener nofollow">ok</a>' in html
    assert '<img src="i.png" alt="">' in html


PROSE = st.lists(
    st.sampled_from(list("abc xyz ЖЁәқ«»—,.;:?()\"'%$/09") + [" ", "\n", "\n\n", "\n \n", " .", "1.", "2)", "www.",
                    "https://x.org", "@", "~", "a@b.org"]),
    max_size=60,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(PROSE)
def test_the_fast_path_is_taken_for_cmarkgfm_only_where_it_agrees(text: str) -> None:
    assert markup.render_markdown(text, "cmarkgfm") == markup.sanitize(converter("cmarkgfm")(text))


def _whole_python_markdown(text: str) -> str:
    import markdown

    from digest.markdown_engines import EXTENSION_CONFIGS, EXTENSIONS

    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")
    return md.convert(text)


def test_python_markdown_without_the_processors_a_body_cannot_use_gives_the_same_html() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from markdown_bench import generated

    bodies = generated(400, markdown=True) + [d.example for d in DIFFERENCES] + [d.portable for d in DIFFERENCES]
    for body in bodies:
        assert converter("python-markdown")(body) == _whole_python_markdown(body), body


def test_a_body_with_a_link_gets_the_link_pattern_alone() -> None:
    from digest.markdown_engines import _cues_in, _python_markdown_for

    md = _python_markdown_for(_cues_in("## Turnout\n\nASTANA. The [CEC](https://example.org/cec) met on Monday.\n"))
    assert "link" in md.inlinePatterns and "em_strong" not in md.inlinePatterns
    # no "]:", so no reference is defined, and the four reference patterns could change nothing
    assert not [name for name in ("reference", "short_reference", "image_reference", "short_image_ref", "image_link")
                if name in md.inlinePatterns]
    assert "paragraph" in md.parser.blockprocessors and "reference" not in md.parser.blockprocessors
    assert "ulist" not in md.parser.blockprocessors
    # a block without "#" is not searched for a heading
    assert md.parser.blockprocessors["hashheader"].test(None, "no heading here") is False
    assert md.parser.blockprocessors["hashheader"].test(None, "## Turnout") is True


# Lines and spans of the Markdown editors write, and what is close to them
# (a dash that is not a bullet, a bracket that is not a link, a lone #).
MARKDOWN = st.lists(st.sampled_from([
    "word ", "Слово ", "54.2 ", "2024. ", "- ", "* ", "+ ", "1. ", "2) ", "> ", "## ", "#", "---", "===", "***",
    "- - -", "__", "_", "*", "**", "`", "\\", "[", "]", "](https://example.org/a)", "![", "]: https://x.org",
    "[a]", "[a]: https://example.org/a", "<", ">", "&amp;", "&", "|", "|---|", "  ", "    ", "\n", "\n\n",
    "  \n", " \n", "\t", "\r\n", "<b>", "</b>", "<div>", "</div>", "<https://example.org>", "~~",
]), max_size=40).map("".join)


@settings(max_examples=3000, deadline=None)
@given(MARKDOWN)
@example("word \n  <div>")  # the raw HTML set on a line of its own: "word \n  " then a new line, a line break
def test_python_markdown_without_unused_processors_equals_the_whole_converter(text: str) -> None:
    assert converter("python-markdown")(text) == _whole_python_markdown(text)


def test_plain_prose_renders_the_same_with_both_engines() -> None:
    bodies = [p.read_text("utf-8").split("\n---\n", 1)[1] for p in sorted((REPO / "content").rglob("*.md"))]
    assert bodies
    for body in bodies:
        assert markup.sanitize(converter("cmarkgfm")(body)) == markup.render_markdown(body, "python-markdown")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_sample_digest_builds_alike_with_each_engine(tmp_path: Path) -> None:
    """The repository's sample digest is plain prose but for a credit line in
    italics: both engines give the same site, byte for byte."""
    root = tmp_path / "digest"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "digest.toml", root / "digest.toml")
    sites = {}
    for engine in ENGINES:
        config = replace(load_config(root, output=tmp_path / engine), markdown_engine=engine)
        build(config, search=False, use_cache=False)
        sites[engine] = _tree(tmp_path / engine)
    assert len(sites["cmarkgfm"]) > 100
    assert sites["python-markdown"] == sites["cmarkgfm"]
    page = (tmp_path / "cmarkgfm/2023/01/31/cis-mission-to-observe-parliamentary-elections-in-kazakhstan/index.html")
    assert "<p><em>Photo: eng.belta.by</em></p>" in page.read_text("utf-8")


def _site(tmp_path: Path, body: str, engine: str | None) -> Path:
    root = tmp_path / "site-root"
    (root / "content").mkdir(parents=True, exist_ok=True)
    setting = f'markdown_engine = "{engine}"\n' if engine else ""
    (root / "digest.toml").write_text(f'search = false\n{setting}', "utf-8")
    (root / "content" / "a.md").write_text(
        f'---\ntitle: "A"\ndate: 2023-03-10T10:00:00+06:00\nsource: Kazinform\nsource_url: https://example.org/a\n---\n{body}',
        "utf-8")
    return root


def test_switching_the_engine_renders_the_entries_again(tmp_path: Path) -> None:
    body = "Candidates:\n- Ivanov\n- Petrov\n"
    root = _site(tmp_path, body, None)
    page = root / "site/2023/03/10/a/index.html"
    build(load_config(root))
    assert "<p>Candidates:\n- Ivanov\n- Petrov</p>" in page.read_text("utf-8")
    _site(tmp_path, body, "cmarkgfm")
    build(load_config(root))  # with the cache of the first build
    assert "<li>Ivanov</li>" in page.read_text("utf-8")


def _digest(root: Path, *args: str, code: str = "") -> subprocess.CompletedProcess:
    script = code + "import sys; from digest.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", script, *args, "--root", str(root)], capture_output=True, text=True,
                          timeout=60)


def test_an_unknown_engine_is_one_line(tmp_path: Path) -> None:
    root = _site(tmp_path, "Text.\n", "pandoc")
    done = _digest(root, "build")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: {root / 'digest.toml'}: markdown_engine: must be one of 'python-markdown', 'cmarkgfm', not 'pandoc'"]


def test_a_missing_engine_package_is_one_line(tmp_path: Path) -> None:
    root = _site(tmp_path, "Text.\n", "cmarkgfm")
    done = _digest(root, "build", code="import sys; sys.modules['cmarkgfm'] = None; ")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {root / 'digest.toml'}: markdown_engine: 'cmarkgfm' needs the "
                                                   "cmarkgfm package"), lines
    assert lines[0].endswith("pip install cmarkgfm")


def test_check_warns_where_the_engines_differ(tmp_path: Path) -> None:
    root = _site(tmp_path, "Intro.\n\nCandidates:\n- Ivanov\n- Petrov\n\nSee https://example.org/x.\n", None)
    assert [f for f in check_site(load_config(root))[0] if f.topic == "markdown"] == []  # only when asked
    done = _digest(root, "check", "--markdown")
    assert done.returncode == 0, done.stderr
    shown = done.stdout.splitlines()
    assert shown == [
        "content/a.md:10: warning: markdown: a list right after a line of text: with python-markdown (this digest's "
        "engine), the lines stay text in the paragraph; with cmarkgfm, a paragraph, then a list "
        "(leave a blank line before the list)",
        "content/a.md:13: warning: markdown: a bare web or e-mail address: with python-markdown (this digest's "
        "engine), text; with cmarkgfm, links (put the address in `<…>`)",
    ]


@settings(max_examples=2000, deadline=None)
@given(MARKDOWN)
def test_cmarkgfm_renders_what_its_own_wrapper_renders(text: str) -> None:
    """digest calls cmark-gfm step by step (to free what it returns): the same HTML."""
    from cmarkgfm import markdown_to_html_with_extensions
    from cmarkgfm.cmark import Options

    expected = markdown_to_html_with_extensions(text, options=gfm_options(Options),
                                                extensions=GFM_EXTENSIONS).rstrip("\n")
    assert converter("cmarkgfm")(text) == expected


_RENDER_MANY = """
import sys
from digest.markdown_engines import converter

def rss_kib():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))

body = sys.stdin.read()
convert = converter("cmarkgfm")
convert(body)
before = rss_kib()
for _ in range(3000):
    convert(body)
print(rss_kib() - before)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the process's memory from /proc (Linux)")
def test_cmarkgfm_gives_back_the_memory_of_each_body() -> None:
    """cmarkgfm's own wrapper keeps each body's document tree and HTML (about
    49 KB for this one): 3,000 of them grew a process by 144 MiB."""
    para = ("The commission counted **1 068 280** ballots at [the polling stations](https://example.org/a), "
            "*more* than in 2019. ")
    body = "\n\n".join([para * 3] * 6 + ["- one\n- two\n- three", "> A quote.", "| a | b |\n|---|---|\n| 1 | 2 |"])
    grown = subprocess.run([sys.executable, "-c", _RENDER_MANY], input=body, capture_output=True, text=True,
                           check=True, cwd=REPO).stdout
    assert int(grown) < 8 * 1024, f"the process grew by {int(grown)} KiB rendering the same body 3,000 times"


def test_python_markdown_extensions_are_made_without_a_search_of_the_installed_packages(monkeypatch) -> None:
    """By name, each extension is looked up among every installed package's
    entry points (15 ms a process): the engine passes them as objects."""
    import markdown.util

    from digest import markdown_engines

    def no_search():
        raise AssertionError("the installed packages' entry points were searched")

    monkeypatch.setattr(markdown.util, "get_installed_extensions", no_search)
    markdown_engines._python_markdown_for.cache_clear()
    try:
        text = "| a | b |\n|---|---|\n| 1 | 2 |\n\n1. one\n2. two\n\n* three\n"
        html = converter("python-markdown")(text)
    finally:
        markdown_engines._python_markdown_for.cache_clear()
    monkeypatch.undo()
    assert html == _whole_python_markdown(text)
    assert "<table>" in html and "<ol>" in html and "<ul>" in html
