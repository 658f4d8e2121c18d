"""The template engine's one liberty with Jinja: output compiled without Jinja's own escape() call."""

from __future__ import annotations

import jinja2
import pytest
from markupsafe import Markup

from builder.render import engine

TEMPLATE = "{{ text }}|{{ markup }}|{{ nothing }}|{{ number }}|{{ link|url }}|{% for x in items %}{{ x }}{% endfor %}"
VALUES = {
    "text": "<b>bold</b> & [link](javascript:alert(1))",
    "markup": Markup("<i>kept</i>"),
    "nothing": None,
    "number": 3000,
    "link": "https://example.org/?a=1&b=<2>",
    "items": ["*one*", Markup("**two**")],
}


def environment(kind: type[jinja2.Environment]) -> jinja2.Environment:
    return engine.configure(kind(autoescape=True, finalize=engine._finalize, undefined=jinja2.StrictUndefined))


def test_jinja_is_the_version_the_override_was_written_for() -> None:
    # `_Generator` overrides a private method of Jinja's code generator: a new Jinja must be checked first.
    assert jinja2.__version__ == engine.JINJA_VERSION


def test_the_override_renders_exactly_what_jinja_would() -> None:
    ours = environment(engine._Environment).from_string(TEMPLATE).render(**VALUES)
    theirs = environment(jinja2.Environment).from_string(TEMPLATE).render(**VALUES)
    assert ours == theirs
    assert ours.startswith("&#60;b&#62;bold&#60;/b&#62; &#38; &#91;link&#93;&#40;javascript&#58;")
    assert "|<i>kept</i>||3000|" in ours


def test_the_override_is_in_force() -> None:
    ours = environment(engine._Environment).compile(TEMPLATE, raw=True)
    theirs = environment(jinja2.Environment).compile(TEMPLATE, raw=True)
    assert "escape(environment.finalize(" in theirs
    assert "escape(environment.finalize(" not in ours and "(environment.finalize(" in ours


@pytest.mark.parametrize("volatile", ["{% autoescape false %}{{ text }}{% endautoescape %}"])
def test_autoescape_switched_off_in_a_template_keeps_jinjas_code(volatile: str) -> None:
    ours = environment(engine._Environment).from_string(volatile).render(**VALUES)
    theirs = environment(jinja2.Environment).from_string(volatile).render(**VALUES)
    assert ours == theirs
