"""What digest's templates run on: Jinja2's runtime with less Python a value.

A page of the default theme outputs about 55 values (``{{ … }}``) and calls
about 25 functions (``partial(…)``, ``url(…)``); with Jinja2 as it comes each
value is escaped by two Python frames and each call passes through one more.
Two of Jinja2's extension points, documented for changing "the Python code a
template compiles to" and "how template variables are handled", take that out;
the pages are the same bytes:

- :class:`Generator` makes compiled templates use :func:`escape`: a ``str``
  is escaped by MarkupSafe's compiled core and becomes ``Markup`` without
  ``Markup.__new__`` (which looks for ``__html__`` again); a ``Markup`` (a
  partial, a translated word) is already safe and is returned as it is;
  anything else goes to ``markupsafe.escape``.
- :class:`Context` calls a plain function or bound method (every global of the
  theme) at once: what ``Context.call`` checks first, whether the callable
  wants the context (``pass_context`` and the like), is an attribute such a
  function has not. Anything else (macros, the i18n calls) takes Jinja2's way.

Measured on the 10,000-entry Markdown benchmark, one process, partials made
already: an entry page 74 → 58 µs, an archive day 78 → 52 µs, a tag page
152 → 113 µs, an entry's partials 48 → 39 µs.
"""
from __future__ import annotations

from types import FunctionType, MethodType

import jinja2
import markupsafe
from jinja2.compiler import CodeGenerator
from jinja2.utils import internalcode
from markupsafe import Markup

# Compiled templates hold the generator's code: the bytecode cache's key names it.
VERSION = "escape-1"

try:  # MarkupSafe 3: escape is Python around this
    from markupsafe import _escape_inner
except ImportError:  # pragma: no cover - MarkupSafe 2, whose escape is compiled whole
    escape = markupsafe.escape
else:
    _new_str = str.__new__

    def escape(value, /) -> Markup:
        """``markupsafe.escape``, the same result with one Python frame."""
        kind = type(value)
        if kind is str:
            return _new_str(Markup, _escape_inner(value))
        if kind is Markup:  # (immutable: the same object is as good as a copy)
            return value
        return markupsafe.escape(value)


class Generator(CodeGenerator):
    """Jinja2's code generator; the compiled module's ``escape`` is :func:`escape`."""

    def writeline(self, x: str, node=None, extra: int = 0) -> None:
        super().writeline(x, node, extra)
        if x.startswith("from jinja2.runtime import "):  # the module's first line: its names
            super().writeline("from digest.template_runtime import escape")


_PLAIN = (FunctionType, MethodType)


class Context(jinja2.runtime.Context):
    """Jinja2's context; a theme's function is called without the checks for
    ``pass_context`` and its kin that it cannot need."""

    @internalcode
    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja2's own signature)
        if type(__obj) in _PLAIN and not hasattr(__obj, "jinja_pass_arg"):
            if kwargs:  # what Jinja2 adds for the callables that take the context
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:  # as Jinja2 does
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception")
        return super().call(__obj, *args, **kwargs)


class Environment(jinja2.Environment):
    """A Jinja2 environment whose templates use :class:`Generator` and :class:`Context`."""

    code_generator_class = Generator
    context_class = Context
