"""Markdown rendering: the plain-prose fast path gives exactly Python-Markdown's output."""
from __future__ import annotations

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from digest import markup
from digest.markdown_engines import EXTENSION_CONFIGS, EXTENSIONS

# Prose with the characters that matter to Markdown mixed in.
ALPHABET = st.sampled_from(
    list("abc xyz ЖЁәқ«»—–,.;:?()\"'%$@/0123456789") + [" ", " ", "\n", "\n\n", "  ", "\t", "-", "+", "=",
    "*", "_", "`", "#", ">", "<", "&", "[", "]", "!", "|", "1. ", "- ", "    ", "\\", "~", "\r\n"]
)
TEXT = st.lists(ALPHABET, max_size=60).map("".join)


def _reference(text: str) -> str:
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")
    return markup.sanitize(md.convert(text))


@settings(max_examples=1500, deadline=None)
@given(TEXT)
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
