"""The theme's words in compiled templates: ``_("Latest")`` becomes its translation.

A theme string without variables is the same on every page of a language, so
it is translated when a template is compiled, not when a page renders: the
template's code holds the translated text (Jinja2 folds the constant into the
text around it), and a page pays nothing for it. Strings with variables
(``_("Tag: %(tag)s", tag=name)``) and plurals stay calls.

Compiled templates therefore differ by language and catalog: the bytecode
cache's key says which (:class:`WordsBytecodeCache`).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator

import jinja2
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

from digest.template_runtime import VERSION

CALLS = frozenset({"_", "gettext"})  # the theme's names for a translation (see make_environment)


class ConstantWords(Extension):
    """Replaces ``_("text")`` and ``gettext("text")``, a call with one string
    literal and nothing else, by ``("translated text"|safe)``, which Jinja2's
    optimizer folds into the template's text. Safe, like the call's own result:
    a translation is the theme's markup (catalogs are the site's, not scraped).

    The environment's ``theme_gettext`` is the theme's own ``_`` (see
    make_environment), so the compiled text is what the call returns. A call
    on an attribute (``x._("text")``) is left alone."""

    def filter_stream(self, stream: TokenStream) -> Iterable[Token]:
        translate: Callable[[str], str] | None = getattr(self.environment, "theme_gettext", None)
        if translate is None:
            return stream
        return _folded(list(stream), translate)


def _folded(tokens: list[Token], translate: Callable[[str], str]) -> Iterator[Token]:
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i]
        if (token.type == "name" and token.value in CALLS and i + 3 < n
                and tokens[i + 1].type == "lparen" and tokens[i + 2].type == "string"
                and tokens[i + 3].type == "rparen" and (i == 0 or tokens[i - 1].type != "dot")):
            line = token.lineno
            text = str(translate(tokens[i + 2].value))  # what the call would return on every page
            yield Token(line, "lparen", "(")
            yield Token(line, "string", text)
            yield Token(line, "pipe", "|")
            yield Token(line, "name", "safe")
            yield Token(line, "rparen", ")")
            i += 4
            continue
        yield token
        i += 1


class WordsBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between processes, one copy per language and
    catalog (``words``): the compiled code holds that catalog's words."""

    def __init__(self, directory: str, words: str) -> None:
        super().__init__(directory)
        self.words = words

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(f"{self.words}\0{name}", filename)


def words_key(code: str, translations) -> str:
    """What the compiled templates of a language depend on: its code and its
    catalog's messages (not the header, whose dates change with each merge),
    and the code digest compiles them to (``template_runtime.VERSION``)."""
    catalog = getattr(translations, "_catalog", None) or {}
    text = repr(sorted((repr(k), v) for k, v in catalog.items() if k != ""))
    return f"{code}-{hashlib.blake2b(text.encode(), digest_size=8).hexdigest()}-{VERSION}"
