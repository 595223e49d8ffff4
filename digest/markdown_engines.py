"""The Markdown engines an entry body can be rendered with: ``markdown_engine``
in ``digest.toml``.

* ``python-markdown`` (the default): the ``markdown`` package with the
  ``tables`` and ``sane_lists`` extensions, the engine digest was specified with.
* ``cmarkgfm``: GitHub's cmark-gfm (CommonMark with GitHub's tables,
  strikethrough and autolinks), compiled, about twenty times faster.

Each engine turns Markdown into raw HTML, raw HTML blocks and inline tags
included; ``digest.markup`` then puts every engine's output through the same
sanitiser. What renders differently between the two is listed in the README
(its table is checked by ``tests/test_markdown_engines.py``).
"""
from __future__ import annotations

import functools
from collections.abc import Callable

from digest.errors import ConfigError

DEFAULT = "python-markdown"
ENGINES = ("python-markdown", "cmarkgfm")

# Python-Markdown: cheap extensions only. Tables are common in curated notes;
# "extra"/"smarty" triple the Markdown time for little gain here. (A table
# column's alignment is a ``text-align`` style, which the sanitiser keeps.)
EXTENSIONS = ["tables", "sane_lists"]
EXTENSION_CONFIGS: dict[str, dict] = {}
# cmark-gfm: GitHub's extensions, less task lists (their check boxes are not
# kept by the sanitiser). Its "tagfilter" is left out: the sanitiser does more.
GFM_EXTENSIONS = ["table", "strikethrough", "autolink"]

Converter = Callable[[str], str]


@functools.cache
def converter(name: str) -> Converter:
    """Markdown → raw (unsanitised) HTML with engine ``name``, made on first use."""
    if name == "python-markdown":
        return _python_markdown()
    if name == "cmarkgfm":
        return _cmarkgfm()
    raise ConfigError(f"must be one of {', '.join(map(repr, ENGINES))}, not {name!r}", field="markdown_engine")


def _python_markdown() -> Converter:
    import markdown

    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")

    def convert(text: str) -> str:
        md.reset()
        return md.convert(text)

    return convert


def _cmarkgfm() -> Converter:
    try:
        from cmarkgfm import markdown_to_html_with_extensions
        from cmarkgfm.cmark import Options
    except ImportError as exc:  # a regular dependency, but an install can lack it
        raise ConfigError(f"'cmarkgfm' needs the cmarkgfm package, which cannot be imported ({exc}): "
                          "pip install cmarkgfm", field="markdown_engine") from None
    # UNSAFE keeps raw HTML in the output, as Python-Markdown does: the
    # sanitiser, not the engine, decides what of it stays. Strikethrough takes
    # two tildes: news text writes one for "about" (~50 to ~60 seats). A
    # column's alignment is a style, as with Python-Markdown (``align`` is obsolete HTML).
    options = (Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE
               | Options.CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES)

    def convert(text: str) -> str:
        # without the final line break, as Python-Markdown gives it
        return markdown_to_html_with_extensions(text, options=options, extensions=GFM_EXTENSIONS).rstrip("\n")

    return convert
