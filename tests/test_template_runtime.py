"""digest's Jinja2 runtime (digest.template_runtime): the same output as Jinja2's own."""
from __future__ import annotations

import jinja2
import markupsafe
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from markupsafe import Markup

from digest import template_runtime
from digest.template_runtime import Environment, escape


class Safe:
    def __html__(self):
        return "<b>safe</b>"


class Text(str):
    """A str subclass: not the fast path."""


@given(st.text())
@example("<a href=\"x\" title='y'>&amp;</a>")
def test_escape_is_markupsafes_for_any_text(text):
    ours, theirs = escape(text), markupsafe.escape(text)
    assert type(ours) is Markup and ours == theirs


@pytest.mark.parametrize("value", [Markup("<i>kept</i>"), Safe(), 42, 3.5, None, Text("<x>"), ("<t>",)])
def test_escape_is_markupsafes_for_other_values(value):
    ours, theirs = escape(value), markupsafe.escape(value)
    assert type(ours) is Markup and ours == theirs


def test_compiled_templates_use_the_fast_escape():
    source = Environment(autoescape=True).compile("{{ x }}", raw=True)
    assert "from digest.template_runtime import escape" in source
    template = Environment(autoescape=True).from_string("{{ x }}")
    assert template.root_render_func.__globals__["escape"] is escape


def both(source: str, **context) -> tuple[str, str]:
    """``source`` rendered by Jinja2's environment and by digest's, with the same globals."""
    out = []
    for kind in (jinja2.Environment, Environment):
        env = kind(autoescape=True, undefined=jinja2.StrictUndefined)
        env.globals.update(context)
        out.append(env.from_string(source).render())
    return out[0], out[1]


def test_calls_in_loops_and_blocks_render_as_with_jinja2():
    @jinja2.pass_context
    def seen(context, name):
        return context.get(name, "-")

    class Holder:
        def method(self, x):
            return f"<{x}>"

    def plain(*args, **kwargs):
        return f"{args}{sorted(kwargs)}"

    source = (
        "{% macro m(a) %}[{{ a }}]{% endmacro %}"
        "{% for i in [1, 2] %}{{ seen('i') }} {{ plain(i, k=i) }} {{ h.method(i) }} {{ m(i) }} {{ loop.index }}|{% endfor %}"
        "{% set y = 'why' %}{{ seen('y') }} {{ plain() }}"
    )
    jinja, ours = both(source, seen=seen, plain=plain, h=Holder())
    assert ours == jinja
    assert ours.startswith("- (1,)[&#39;k&#39;] &lt;1&gt; [1] 1|") and ours.endswith("why ()[]")


def test_a_callable_raising_stop_iteration_is_undefined_as_with_jinja2():
    def ends():
        raise StopIteration

    for kind in (jinja2.Environment, Environment):
        env = kind(undefined=jinja2.StrictUndefined)
        env.globals["ends"] = ends
        with pytest.raises(jinja2.UndefinedError, match="StopIteration"):
            env.from_string("{{ ends() }}").render()


def test_a_function_marked_for_the_environment_still_gets_it():
    @jinja2.pass_environment
    def which(environment):
        return type(environment).__name__

    assert Environment().from_string("{{ which() }}").render(which=which) == "Environment"


def test_the_bytecode_cache_key_names_the_generator():
    from digest.theme_words import words_key

    assert words_key("en", None).endswith(template_runtime.VERSION)
