"""Markdown rendering: the plain-prose fast path gives exactly Python-Markdown's output."""
from __future__ import annotations

import markdown
from hypothesis import example, given, settings
from hypothesis import strategies as st

from digest import markup
from digest.markdown_engines import EXTENSION_CONFIGS, EXTENSIONS

# Prose with the characters that matter to Markdown mixed in.
ALPHABET = st.sampled_from(
    list("abc xyz ЖЁәқ«»—–,.;:?()\"'%$@/0123456789\xa0\u2003\u2028\x85") + [" ", " ", "\n", "\n\n", "  ", "\t", "-", "+", "=",
    "*", "_", "`", "#", ">", "<", "&", "[", "]", "!", "|", "1. ", "- ", "    ", "\\", "~", "\r\n"]
)
TEXT = st.lists(ALPHABET, max_size=60).map("".join)


def _reference(text: str) -> str:
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")
    return markup.sanitize(md.convert(text))


@settings(max_examples=1500, deadline=None)
@given(TEXT)
@example("\t\n\na")  # a first line of spaces is an empty code block, but only with more text after it
def test_fast_path_equals_python_markdown(text: str) -> None:
    fast = markup._plain_paragraphs(text)
    if fast is not None:
        assert fast == _reference(text)
    assert markup.render_markdown(text) == _reference(text)


def test_fast_path_takes_plain_news_prose() -> None:
    text = (
        "ASTANA. KAZINFORM The CEC said turnout reached 54.2 percent (preliminary), «a good figure».\n\n"
        "АСТАНА, 19 марта. /ТАСС/. Явка составила 54,2%.\nВторая строка абзаца.\n"
    )
    assert markup._plain_paragraphs(text) == (
        "<p>ASTANA. KAZINFORM The CEC said turnout reached 54.2 percent (preliminary), «a good figure».</p>\n"
        "<p>АСТАНА, 19 марта. /ТАСС/. Явка составила 54,2%.\nВторая строка абзаца.</p>"
    )


def test_markup_goes_through_the_parser_and_the_sanitiser() -> None:
    assert markup._plain_paragraphs("1. first\n2. second") is None
    assert markup.render_markdown("1. first\n2. second") == "<ol>\n<li>first</li>\n<li>second</li>\n</ol>"
    assert markup.render_markdown("a <script>x()</script> b") == "<p>a  b</p>"


def test_lede_is_the_first_paragraph_cut_at_a_word() -> None:
    html = "<p>" + "word " * 100 + "</p><p>second</p>"
    lede = markup.lede(html, limit=30)
    assert lede == "word word word word word word…"
    assert markup.lede("<p>Short &amp; <em>sweet</em>.</p>") == "Short & sweet."


@given(st.lists(st.sampled_from(["a", "Ж", " ", "\n", "\t", "\xa0", "\u2003", "\u2028", "\x85", "\x1c", "&nbsp;", "<br>", "&#32;"]),
                max_size=40).map("".join))
@example("\xa0 a\u2003\u2003b\x85")
def test_the_lede_folds_every_unicode_space_as_the_regular_expression_did(text) -> None:
    import html as html_module
    import re

    expected = re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", "", text))).strip()
    assert markup.lede(f"<p>{text}</p>", limit=10**6) == expected


PROSE = st.lists(
    st.sampled_from(list("abc xyz ЖЁәқ«»—,.;:?()\"'%$@/09") + [" ", "\n", "\n\n", "\n \n", "\n\n\n", " .", "1", "1.", "2)"]),
    max_size=60,
).map("".join)


@settings(max_examples=1500, deadline=None)
@given(PROSE)
def test_fast_path_on_prose_like_text(text: str) -> None:
    fast = markup._plain_paragraphs(text)
    if fast is not None:
        assert fast == _reference(text)


def test_prose_like_text_mostly_takes_the_fast_path() -> None:
    import random

    rng = random.Random(0)
    words = ["выборы", "CEC", "turnout", "54.2", "(AA)", "«quote»", "—", "percent,", "said."]
    taken = 0
    for _ in range(200):
        paras = [" ".join(rng.choice(words) for _ in range(rng.randint(3, 12))) for _ in range(rng.randint(1, 5))]
        text = "\n\n".join(paras) + "\n"
        fast = markup._plain_paragraphs(text)
        if fast is not None:
            taken += 1
            assert fast == _reference(text)
    assert taken > 150


def test_sanitised_links_and_images_stay_valid_html() -> None:
    html = markup.render_markdown('<a title="t" href="javascript:alert(1)">bad</a> <a href="https://x.org">ok</a> <img src="x"> <img src="y" alt="Y">')
    assert html == (
        '<p><a title="t">bad</a> <a href="https://x.org" rel="noopener nofollow">ok</a> '
        '<img src="x" alt=""> <img src="y" alt="Y"></p>'
    )


# Bodies as editors write them: blocks of prose and of Markdown, between blank
# lines of every kind (the runs between plain paragraphs are rendered apart).
PLAIN_BLOCK = st.sampled_from([
    "ASTANA. The CEC said turnout reached 54.2 percent.", "Явка составила 54,2%.\nВторая строка абзаца.",
    "Сайлау өтті. «Дауыс» берілді", "a\xa0b (c), d; e: f?", "2024 was a year", "ends with a colon:",
])
MARKED_BLOCK = st.sampled_from([
    "- one\n- two", "* one\n\n* two", "1. first\n2. second", "1) first", "> a quote\nlazy line", "> quote",
    "## Heading", "Title\n=====", "Sub\n---", "---", "    code line", "    code\n\n    more code",
    "| a | b |\n|---|---|\n| 1 | 2 |", "a **bold** word", "a [link](https://x.org) here", "see [x][r]",
    "[r]: https://r.org", "line with a hard break  \nnext", "<div>\n\nraw\n\n</div>", "a <b>tag</b>",
    "- item\n\n    continued in the item", "  indented two", "text\twith tab", "`code` span", "a_b_c", "\\*not\\*",
    "- item\nlazy", "+ plus", "=", "-", "",
])
SEPARATOR = st.sampled_from(["\n\n", "\n \n", "\n\n\n", "\n\t\n", "\n\n \n\n", "\n"])


@st.composite
def editor_bodies(draw) -> str:
    blocks = draw(st.lists(st.one_of(PLAIN_BLOCK, MARKED_BLOCK), min_size=1, max_size=8))
    text = blocks[0]
    for block in blocks[1:]:
        text += draw(SEPARATOR) + block
    return text + draw(st.sampled_from(["", "\n", "\n\n", " \n"]))


@settings(max_examples=3000, deadline=None)
@given(editor_bodies())
def test_plain_paragraphs_set_aside_give_the_whole_bodys_html(text: str) -> None:
    assert markup.render_markdown(text) == _reference(text)


def test_only_the_marked_up_blocks_reach_python_markdown(monkeypatch) -> None:
    seen: list[str] = []
    real = markup.converter("python-markdown")
    monkeypatch.setattr(markup, "converter", lambda engine: lambda text: seen.append(text) or real(text))
    body = "First plain paragraph.\n\n- a list\n- of two\n\nSecond plain.\n\nA **bold** word.\n\n> quoted\n\nLast plain.\n"
    html = markup.render_markdown(body)
    assert seen == ["- a list\n- of two", "A **bold** word.\n\n> quoted"]
    assert html == _reference(body)
    seen.clear()
    with_reference = body + "\n[x]: https://x.org\n"
    assert markup.render_markdown(with_reference) == _reference(with_reference)
    assert seen == [with_reference]  # a reference may be used anywhere: rendered whole
