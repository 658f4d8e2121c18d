"""Arbitrary input only ever produces problems with positions: never an exception or a hang."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.load import load_text
from builder.model import KINDS
from builder.validate import _check_schema

YAML_ALPHABET = st.sampled_from([*string.printable, *"-:[]{}&*!?|>#'\"\\\t", "é", "ش", "\u2028", "\x00", "\x85"])
yaml_text = st.text(alphabet=YAML_ALPHABET, max_size=300)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_text)
def test_any_text_loads_or_gives_positioned_problems(text: str) -> None:
    doc, problems = load_text(text, "f.yaml")
    assert (doc is None) == bool(problems)
    for found in problems:
        assert found.line >= 1 and found.col >= 1 and found.code


scalars = st.one_of(st.text(max_size=30), st.sampled_from(["2021-08-13", "22:30", "claimed", "NO", "", "x" * 100]))
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(scalars, inner, max_size=3), max_leaves=10
)
field_names = st.sampled_from(
    [
        "title",
        "date",
        "time",
        "status",
        "figures",
        "control",
        "sources",
        "speaker",
        "text",
        "kind",
        "as_of",
        "name",
        "places",
        "url",
        "published",
        "original",
        "coordinates",
        "x",
    ]
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(KINDS)), st.dictionaries(field_names, values, max_size=6))
def test_any_field_values_give_problems_not_exceptions(kind: str, data: dict[str, object]) -> None:
    lines = "\n".join(f"{key}: x" for key in data) or "x: y"
    doc, _ = load_text(lines + "\n", "f.yaml")
    assert doc is not None
    doc.data = data  # type: ignore[assignment]
    record, problems = _check_schema(kind, KINDS[kind], doc)
    assert (record is None) == bool(problems)
    for found in problems:
        assert found.line >= 1 and found.col >= 1 and found.code


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_rendering_any_text_is_inert(text: str) -> None:
    import html
    import re

    import markdown

    from builder import escape

    rendered = markdown.markdown(
        f"- {escape.text(text)}", extensions=["attr_list", "footnotes", "tables", "admonition"]
    )
    tags = re.findall(r"</?([a-z0-9]+)", rendered)
    assert set(tags) <= {"ul", "li"}, rendered
    shown = html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()
    visible = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "\ufffd", text)
    expected = " ".join(re.sub("[\u202a-\u202e]", lambda m: f"[U+{ord(m.group()):04X}]", visible).split())
    assert shown == expected or (not expected and shown == "")
