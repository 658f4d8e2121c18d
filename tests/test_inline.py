"""The site build's inline processor (builder/sitebuild/inline.py) skips only patterns that cannot match.

Each gate is checked against its own regular expression on generated text, and whole documents are
converted with and without the gates, under the project's extensions and under many others
(Python-Markdown's own and PyMdown's), which must give the same HTML.
"""

from __future__ import annotations

import random
from functools import partial
from typing import Any

import markdown
import pytest
from markdown import core

from builder.sitebuild import inline

PROJECT = ["admonition", "attr_list", "md_in_html", "builder.footnotes", "tables", "toc"]
# Extensions whose inline patterns the gates must read correctly too.
OTHERS = [
    "abbr", "def_list", "fenced_code", "footnotes", "smarty", "nl2br", "wikilinks", "legacy_em",
    "pymdownx.betterem", "pymdownx.caret", "pymdownx.mark", "pymdownx.tilde", "pymdownx.keys",
    "pymdownx.inlinehilite", "pymdownx.magiclink", "pymdownx.critic", "pymdownx.smartsymbols",
    "pymdownx.emoji", "pymdownx.arithmatex", "pymdownx.escapeall",
]  # fmt: skip
ALPHABET = list("ab c\n\t") + sorted(inline._TELLING) + ["\x02", "\x03", "é", "1", ":", "~~", "++", "==", "^^"]

DOCUMENTS = [
    "Plain words, nothing else.\n",
    "*em* **strong** ***both*** _em_ __strong__ a*b*c snake_case_word * lone star\n",
    "A [link](other.md), a [ref][r], [short], ![image](i.png) and ![ref image][r].\n\n[r]: x.md\n[short]: y.md\n",
    "`code with *stars*` and ``double `tick` code`` and \\`escaped\\` and \\\\`odd` and \\\\\\`ticks`\n",
    "Escapes: \\* \\_ \\[ \\] \\< \\& \\\\ and an entity &amp; &#35; &#x41; and a bare & here.\n",
    "Autolinks <https://example.org/a?b=c> and <mail@example.org>, raw <b>bold</b> <!-- note -->.\n",
    "Line  \nbreak, and a footnote[^1] twice[^1], and [^missing].\n\n[^1]: The note, *with* `code`.\n",
    "| a | b |\n|---|---|\n| *x* | [y](z.md) |\n| `c|d` | e_f_g |\n",
    '<div markdown="1">\n*inside* [html](a.md)\n</div>\n\n<div>*raw* not [parsed](b.md)</div>\n',
    '!!! note "Title *em*"\n    Body with **strong** and a [link](c.md){ .button }.\n',
    "# Heading *em* { #id }\n\n## Two `code`\n\nText {: .class }\n",
    "Nested *emphasis with [a link](d.md) inside* and [a link with *em*](e.md).\n",
    "Smart 'quotes' -- dashes --- and ellipsis... ==mark== ^^ins^^ ~~del~~ ++ctrl+alt++ H~2~O x^2^\n",
    "{++added++} {--removed--} {~~old~>new~~} {==marked==} :smile: $a+b$ [[Wiki Link]] https://example.org\n",
    "Term\n:   Definition with *em*.\n\n*[HTML]: Hyper Text\n\nHTML is here.\n",
    "[a](b.md) [a] (b.md) [a](<b c.md> 'T') [a](b.md 'single') [a](b.md \"double\") [a](b.md \"t\"\n)\n",
    '[a [nested] text](b(c).md) [a](b.md "it\'s") [a](b.md \'say "hi"\') [a](b.md "x" "y") [a]("t")\n',
    '[unclosed](b.md and [open [a](b.md "unclosed title) [a]( b.md  "t"  ) ![i](p.png "T") ![i](p(1).png)\n',
    '[a](b.md "t"\t) [a](b.md\n"t") [a](b.md#x "A&#58; b") [a]() [a](\t) [text\nover lines](b.md)\n',
    "Placeholders \x02klzzwxh:0000\x03 and \x02wzxhzdk:0\x03 left as they are: : colon.\n",
]


def _link_pattern() -> Any:
    md = markdown.Markdown()
    md.treeprocessors["inline"].stashed_nodes = {}
    return md.inlinePatterns["link"]


def test_links_are_read_as_python_markdown_reads_them() -> None:
    pattern, rng = _link_pattern(), random.Random(1201)
    alphabet = [*"[]()'\" \t\nab.#<>&", "b.md", "x y", "&#58;"]
    original_text, original_link = pattern.getText, pattern.getLink
    link = partial(inline._get_link, pattern, original_link)
    fast = 0
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        index = rng.randint(0, len(text))
        if rng.random() < 0.5:
            # Link-shaped: parentheses right where the address is read from.
            text = text[:index] + "(" + text[index:] + rng.choice(["", ")", '")', "')"])
        assert inline._get_text(text, index) == original_text(text, index), (text, index)
        assert link(text, index) == original_link(text, index), (text, index)
        if text[index:].startswith("(") and (
            inline._PLAIN_LINK.match(text, index + 1) or inline._TITLED_LINK.match(text, index + 1)
        ):
            fast += 1
    # The fast paths were taken, not only the fallback.
    assert fast > 2000


def _patterns(extensions: list[str]) -> list[markdown.inlinepatterns.Pattern]:
    return list(markdown.Markdown(extensions=extensions).inlinePatterns)


@pytest.mark.parametrize("extensions", [PROJECT, OTHERS], ids=["project", "others"])
def test_a_gate_never_turns_away_text_its_pattern_matches(extensions: list[str]) -> None:
    rng = random.Random(20261201)
    checked = 0
    for pattern in _patterns(extensions):
        chars = inline.gate(pattern)
        if chars is None:
            continue
        expression = pattern.getCompiledRegExp()
        for _ in range(3000):
            text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 24)))
            start = rng.randint(0, len(text))
            if expression.search(text, start) is not None:
                checked += 1
                assert any(char in text[start:] for char in chars), (type(pattern).__name__, text, start)
    # The generated text matched the patterns often enough for this to mean something.
    assert checked > 1000


def test_the_common_patterns_are_gated_by_the_characters_they_need() -> None:
    gates = {type(pattern).__name__: inline.gate(pattern) for pattern in _patterns(PROJECT)}
    assert gates["LinkInlineProcessor"] == frozenset("[")
    assert gates["EscapeInlineProcessor"] == frozenset("\\")
    assert gates["AutolinkInlineProcessor"] == frozenset("<")
    assert gates["DelimiterProcessor"] == frozenset("*_")
    assert gates["FootnoteInlineProcessor"] == frozenset("[")


def test_patterns_it_cannot_read_are_always_tried() -> None:
    pattern = markdown.inlinepatterns.SimpleTextInlineProcessor(r"(\w+)")
    assert inline.gate(pattern) is None
    assert inline.required(__import__("re").compile(r"(?i)abc")) is None
    assert inline.required(__import__("re").compile(r"[^<]x")) is None
    assert inline.required(__import__("re").compile(r"(?<=\[)x")) is None
    assert inline.required(__import__("re").compile(r"(?:\[)?x")) is None
    assert inline.required(__import__("re").compile(r"a(?=\])")) == frozenset("]")
    assert inline.required(__import__("re").compile(r"(?:\[|<)x")) == frozenset("[<")


@pytest.mark.parametrize("extensions", [PROJECT, OTHERS, ["extra", "toc", "pymdownx.betterem"]])
def test_gated_documents_are_converted_to_the_same_html(extensions: list[str]) -> None:
    for document in DOCUMENTS:
        plain = markdown.Markdown(extensions=extensions).convert(document)
        with inline.gated():
            gated = markdown.Markdown(extensions=extensions)
            assert isinstance(gated.treeprocessors["inline"], inline.GatedInlineProcessor)
            assert gated.convert(document) == plain, document


def test_only_markdown_made_inside_the_block_is_gated() -> None:
    with inline.gated():
        pass
    assert core.build_treeprocessors is inline._original
    assert not isinstance(markdown.Markdown().treeprocessors["inline"], inline.GatedInlineProcessor)
    with pytest.raises(RuntimeError), inline.gated():
        raise RuntimeError
    assert core.build_treeprocessors is inline._original


def test_an_extensions_own_link_reader_is_kept() -> None:
    md = markdown.Markdown()
    pattern = md.inlinePatterns["link"]

    def own_text(data: str, index: int) -> tuple[str, int, bool]:
        return "mine", index, False

    pattern.getText = own_text
    inline._speed_up_links(pattern)
    assert pattern.getText is own_text
    assert isinstance(pattern.getLink, partial)
