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
import logging
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
log = logging.getLogger(__name__)


@functools.cache
def converter(name: str) -> Converter:
    """Markdown → raw (unsanitised) HTML with engine ``name``, made on first use."""
    if name == "python-markdown":
        return _python_markdown()
    if name == "cmarkgfm":
        return _cmarkgfm()
    raise ConfigError(f"must be one of {', '.join(map(repr, ENGINES))}, not {name!r}", field="markdown_engine")


# Python-Markdown runs each of its processors over every body, most of them to
# find nothing: in a news entry with a link and a figure in bold, 7 of its 14
# inline patterns and half its block processors cannot match. Each processor
# below is left out of the converter for a body that has none of the strings
# any of its matches must contain. That gives the very same HTML (the tests check
# it against the whole converter, on the corpus and on generated Markdown) at
# about a third of the time (benchmarks/markdown_bench.py). The four reference
# patterns and the reference block need "]:": without a definition a reference
# changes nothing. A body with a tab, a carriage return or Python-Markdown's
# own placeholder characters, which its first step rewrites, gets every processor.
# Raw HTML is set apart on lines of its own, so a body with "<" may gain a
# line break ("word  " then a new line): it keeps the line-break pattern.
NEEDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("inline", "backtick"): ("`",), ("inline", "escape"): ("\\",),
    ("inline", "reference"): ("]:",), ("inline", "link"): ("](",), ("inline", "image_link"): ("![",),
    ("inline", "image_reference"): ("]:",), ("inline", "short_reference"): ("]:",),
    ("inline", "short_image_ref"): ("]:",), ("inline", "autolink"): ("<",), ("inline", "automail"): ("<",),
    ("inline", "html"): ("<",), ("inline", "linebreak"): ("  \n", "<"), ("inline", "entity"): ("&",),
    ("inline", "em_strong"): ("*", "_"),  # one pattern for both since Python-Markdown 3.11;
    ("inline", "em_strong2"): ("*", "_"), ("inline", "not_strong"): ("*", "_"),  # three before
    ("block", "indent"): ("    ",), ("block", "code"): ("    ",), ("block", "table"): ("|",),
    ("block", "hashheader"): ("#",), ("block", "setextheader"): ("=", "-"), ("block", "hr"): ("-", "_", "*"),
    ("block", "olist"): (".",), ("block", "quote"): (">",), ("block", "reference"): ("]:",),
    ("block", "ulist"): ("*", "+", "-"),
    ("pre", "html_block"): ("<", "&"), ("tree", "unescape"): ("\\",),  # (its parser reads &#0 too)
}
# Block processors whose test is a regular expression searched through the
# whole block: tried only on a block with one of these strings in it, which
# their expressions need too (most blocks of prose are one line with none).
BLOCK_NEEDS = {"hashheader": ("#",), "setextheader": ("\n",), "hr": ("-", "_", "*"), "quote": (">",)}
_CUES = tuple(dict.fromkeys(cue for cues in NEEDS.values() for cue in cues))
_REWRITTEN = ("\t", "\r", "\x02", "\x03")  # what NormalizeWhitespace changes before any processor
_ALL = frozenset((*_CUES, *_REWRITTEN))


def _cues_in(text: str) -> frozenset[str]:
    if any(char in text for char in _REWRITTEN):
        return _ALL
    return frozenset(cue for cue in _CUES if cue in text)


def _python_markdown() -> Converter:
    def convert(text: str) -> str:
        md = _python_markdown_for(_cues_in(text))
        md.reset()
        return md.convert(text)

    return convert


@functools.lru_cache(maxsize=256)
def _python_markdown_for(cues: frozenset[str]):
    """A Python-Markdown converter without the processors that need none of ``cues``."""
    import markdown

    md = markdown.Markdown(extensions=_extension_objects(), output_format="html")
    registries = {"inline": md.inlinePatterns, "block": md.parser.blockprocessors,
                  "pre": md.preprocessors, "tree": md.treeprocessors}
    for (kind, name), needs in NEEDS.items():
        if name in registries[kind] and cues.isdisjoint(needs):
            registries[kind].deregister(name)
    for name, needs in BLOCK_NEEDS.items():
        if name in md.parser.blockprocessors:
            _test_only_with(md.parser.blockprocessors[name], needs)
    if cues.isdisjoint(_REWRITTEN):
        md.preprocessors.register(_normalize_whitespace(md), "normalize_whitespace", 30)
    return md


def _extension_objects() -> list:
    """``EXTENSIONS`` as objects. By name, Python-Markdown looks each one up
    among the entry points of every installed package first (15 ms, a tenth
    of the work of a build after one edit)."""
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.extensions.tables import TableExtension

    classes = {"tables": TableExtension, "sane_lists": SaneListExtension}
    return [classes[name](**EXTENSION_CONFIGS.get(name, {})) for name in EXTENSIONS]


def _test_only_with(processor, needs: tuple[str, ...]) -> None:
    test = processor.test

    def test_if_cued(parent, block: str) -> bool:
        for cue in needs:
            if cue in block:
                return test(parent, block)
        return False

    processor.test = test_if_cued


def _normalize_whitespace(md):
    """Python-Markdown's first step for a body with nothing of what it rewrites
    (``_REWRITTEN``): its regular expression for lines of spaces, the slowest
    part of it on a long body, only where there is such a line."""
    from markdown.preprocessors import NormalizeWhitespace

    class Normalize(NormalizeWhitespace):
        def run(self, lines: list[str]) -> list[str]:
            source = "\n".join(lines) + "\n\n"
            if " \n" in source:
                return super().run(lines)
            return source.split("\n")

    return Normalize(md)


def gfm_options(Options) -> int:
    """cmark-gfm's options (``Options``: ``cmarkgfm.cmark.Options``).

    UNSAFE keeps raw HTML in the output, as Python-Markdown does: the
    sanitiser, not the engine, decides what of it stays. Strikethrough takes
    two tildes: news text writes one for "about" (~50 to ~60 seats). A
    column's alignment is a style, as with Python-Markdown (``align`` is obsolete HTML).
    """
    return (Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE
            | Options.CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES)


def _cmarkgfm() -> Converter:
    try:
        from cmarkgfm import _cmark
        from cmarkgfm.cmark import Options
    except ImportError as exc:  # a regular dependency, but an install can lack it
        raise ConfigError(f"'cmarkgfm' needs the cmarkgfm package, which cannot be imported ({exc}): "
                          "pip install cmarkgfm", field="markdown_engine") from None
    options = gfm_options(Options)
    lib, ffi = _cmark.lib, _cmark.ffi
    lib.cmark_gfm_core_extensions_ensure_registered()
    extensions = [lib.cmark_find_syntax_extension(name.encode()) for name in GFM_EXTENSIONS]
    free_tree, free_text = _cmark_freeing(_cmark)

    def convert(text: str) -> str:
        data = text.encode("utf-8")
        parser = lib.cmark_parser_new(options)
        try:
            for extension in extensions:
                lib.cmark_parser_attach_syntax_extension(parser, extension)
            lib.cmark_parser_feed(parser, data, len(data))
            root = lib.cmark_parser_finish(parser)
            try:
                raw = lib.cmark_render_html(root, options, lib.cmark_parser_get_syntax_extensions(parser))
                try:
                    html = ffi.string(raw).decode("utf-8")
                finally:
                    free_text(raw)
            finally:
                free_tree(root)
        finally:
            lib.cmark_parser_free(parser)
        return html.rstrip("\n")  # without the final line break, as Python-Markdown gives it

    return convert


def _cmark_freeing(_cmark):
    """How to free what cmark-gfm hands back: the document tree and the HTML.

    cmarkgfm's own ``markdown_to_html_with_extensions`` frees neither (about
    18 KB a news entry, never returned: 1 GiB in a worker that read 50,000
    entries), and its compiled bindings do not offer ``cmark_node_free``. The
    library exports it, and its allocator: their addresses are looked up with
    ctypes and called through the bindings' own FFI (a binding of cffi's
    own, from C declarations, would parse them with pycparser in every
    process: 13 ms).
    """
    import ctypes

    ffi = _cmark.ffi
    try:
        so = ctypes.CDLL(_cmark.__file__)
        node_free = ctypes.cast(so.cmark_node_free, ctypes.c_void_p).value
        allocator = so.cmark_get_default_mem_allocator
        allocator.restype = ctypes.c_void_p
        mem = ffi.cast("void **", allocator())  # cmark_mem: calloc, realloc, free (the parser's allocator)
        # (a ``void *`` parameter takes the bindings' pointers as they are)
        return ffi.cast("void(*)(void *)", node_free), ffi.cast("void(*)(void *)", mem[2])
    except (OSError, AttributeError) as exc:  # a build of cmarkgfm that does not export them
        log.warning("cmark-gfm's output cannot be freed with this build of cmarkgfm (%s): "
                    "each body rendered keeps its memory until digest exits", exc)
        return (lambda root: None), (lambda raw: None)
