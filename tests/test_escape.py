"""The escaping module on its own: every attack is inert, wherever the text lands."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import markdown
import pytest

from builder import escape

EXTENSIONS = ["admonition", "attr_list", "footnotes", "tables", "toc", "abbr", "def_list", "md_in_html"]

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[click](javascript:alert(1))",
    "[x]: javascript:alert(1)",
    "![img](https://evil.example/x.png)",
    "<https://evil.example>",
    '{: onclick="alert(1)" }',
    '!!! danger "Overlay"',
    "# Heading",
    "Text[^1]\n\n[^1]: injected note",
    '--8<-- "/etc/passwd"',
    "{{ 7*7 }} {% raw %}",
    "| a | b |\n|---|---|",
    "*emphasis* __strong__ `code` ~~strike~~",
    "1. ordered",
    "- bullet",
    "> quote",
    "    indented code",
    "&#106;avascript:alert(1) &lt;b&gt;",
    "*[HTML]: Hyper Text",
    "Term\n: definition",
    'line one\n\n<div style="position:fixed;inset:0">overlay</div>',
    "\\* backslash",
    "<form action=https://evil.example><input></form>",
]


def render(source: str) -> str:
    return markdown.markdown(source, extensions=EXTENSIONS)


def visible(html: str) -> str:
    import html as html_module
    import re

    return html_module.unescape(re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("attack", ATTACKS)
def test_text_renders_as_the_literal_characters(attack: str) -> None:
    html = render(f"Before {escape.text(attack)} after")
    assert html.startswith("<p>") and html.endswith("</p>")
    assert html.count("<") == 2, html  # only the paragraph's own tags
    assert visible(html) == "Before " + " ".join(attack.split()) + " after"


class Elements(HTMLParser):
    """Every element and attribute in a piece of HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


TEMPLATES = {
    "- {}": {"ul", "li"},
    "# {}": {"h1"},
    "> {}": {"blockquote", "p"},
    "| {} | x |\n|---|---|": {"table", "thead", "tbody", "tr", "th", "td"},
    "{}": {"p"},
    "**{}**": {"p", "strong"},
    "[{}](https://a.example)": {"p", "a"},
}


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_text_is_inert_at_the_start_of_any_block(attack: str, template: str) -> None:
    html = render(template.format(escape.text(attack)))
    elements = Elements(html).found
    assert {tag for tag, _ in elements} <= TEMPLATES[template], html
    for tag, attrs in elements:
        for name, value in attrs:
            assert (tag, name) in {("h1", "id"), ("a", "href")}, html
            assert name != "href" or value == "https://a.example", html
    assert " ".join(attack.split()) in visible(html)


def test_pipes_never_split_a_table_cell() -> None:
    html = render(f"| {escape.text('a | b')} | c |\n|---|---|")
    assert html.count("<td>") == 2 and "a | b" in visible(html)


def test_template_braces_never_reach_a_template_engine() -> None:
    escaped = escape.text("{{ config }} {% include 'x' %} ${x}")
    assert "{" not in escaped and "%" not in escaped and "$" not in escaped


def test_paragraphs_keep_blank_lines_and_nothing_else() -> None:
    html = render(escape.paragraphs("first <b>one</b>\nstill first\n\n# second"))
    assert html == "<p>first &#60;b&#62;one&#60;/b&#62; still first</p>\n<p>&#35; second</p>"


def test_bidirectional_controls_are_shown_not_obeyed() -> None:
    assert escape.text("abc\u202edef") == "abc&#91;U+202E&#93;def"
    assert escape.text("\u067e\u200f \u2067x\u2069") == "\u067e\u200f \u2067x\u2069"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a b", "https://example.org/a%20b"),
        ('https://example.org/"><script>', "https://example.org/%22%3E%3Cscript%3E"),
        ("https://example.org/x?a=1&b=(2)", "https://example.org/x?a=1&amp;b=%282%29"),
        ("HTTP://EXAMPLE.ORG/", "HTTP://EXAMPLE.ORG/"),
    ],
)
def test_urls_are_encoded_for_links_and_attributes(url: str, expected: str) -> None:
    assert escape.url(url) == expected
    html = render(f"[link]({escape.url(url)})")
    assert html.count("<a ") == 1 and "<script" not in html


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", "//evil.example", "x"]
)
def test_only_web_urls_are_accepted(url: str) -> None:
    with pytest.raises(ValueError):
        escape.url(url)


def test_front_matter_titles_are_quoted_and_carry_entities() -> None:
    value = escape.title('Kabul: "<b>falls</b>" {{ x }}\nnext')
    assert json.loads(value) == "Kabul&#58; &#34;&#60;b&#62;falls&#60;/b&#62;&#34; &#123;&#123; x &#125;&#125; next"


@pytest.mark.parametrize("value", ["kandahar-city", "2021-08-13"])
def test_anchors_accept_ids(value: str) -> None:
    assert escape.anchor(value) == value


@pytest.mark.parametrize("value", ["Kandahar", 'x" onmouseover="a', "a b", ""])
def test_anchors_refuse_anything_else(value: str) -> None:
    with pytest.raises(ValueError):
        escape.anchor(value)
