"""Python-Markdown's block parser, asking a block processor only where it may match (builder/sitebuild/blocks.py)."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as etree
from typing import Any

import markdown
import pytest
from markdown import blockprocessors

from builder.sitebuild import blocks
from builder.sitebuild.inline import requirements

PROJECT = ["admonition", "attr_list", "md_in_html", "builder.footnotes", "tables", "toc"]
# Extensions with block processors of their own, asked as before beside the gated ones.
OTHERS = ["extra", "admonition", "toc", "sane_lists", "pymdownx.details", "pymdownx.blocks.admonition"]

# Pieces of lines: the characters the gates look for, at line starts and inside, and indents.
PIECES = [
    "a", "b c", " ", "    ", "\t", "#", "## ", ">", "> ", "|", "| a |", "|---|", ":", "-", "---", "***", "_ _ _",
    "=", "===", "!!! note", '!!! tip "T"', "!", "*", "+", "1.", "1. ", "[^1]:", "[r]: x.md", "<div>", "`", "é",
]  # fmt: skip
# Whole blocks of the kinds the processors take, so that documents hold them and what follows them.
BLOCKS = [
    "# Heading", "Title\n=====", "Sub\n---", "- - -", "> quoted\n> more", "| a | b |\n|---|:-:|\n| c | d |",
    "a | b\n--|--", "| one |\n|---|\n| two |", "!!! note\n    inside\n\n    more",
    '!!! warning "Careful"\n    - a list', "- item\n    - nested\n\n    !!! note\n        deep", "1. one\n2. two",
    "    code block", "Paragraph with # and > and |", "Footnote[^1] here.\n\n[^1]: The note\n    continued",
    '<div markdown="1">\n# Inside\n\n> quote\n</div>', "Text {: .class }", "#Not a heading in some readers",
    "---\nafter a rule", "Line one\nLine # two\n> three",
]  # fmt: skip


def _block(rng: random.Random) -> str:
    lines = ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 4))) for _ in range(rng.randint(1, 4))]
    return "\n".join(lines)


def _document(rng: random.Random) -> str:
    parts = [rng.choice(BLOCKS) if rng.random() < 0.5 else _block(rng) for _ in range(rng.randint(1, 8))]
    return "\n\n".join(parts) + "\n"


def _gated_markdown(extensions: list[str]) -> markdown.Markdown:
    with blocks.gated():
        md = markdown.Markdown(extensions=extensions)
    assert isinstance(md.parser, blocks.GatedBlockParser)
    return md


def _parents(md: markdown.Markdown) -> list[etree.Element]:
    """Parents a block may be parsed under: empty, after a paragraph, after an open admonition (with a list)."""
    plain = etree.Element("div")
    after = etree.Element("div")
    etree.SubElement(after, "p").text = "before"
    open_one = etree.Element("div")
    admonition = etree.SubElement(open_one, "div", {"class": "admonition note"})
    etree.SubElement(admonition, "p", {"class": "admonition-title"}).text = "Note"
    in_list = etree.Element("div")
    listed = etree.SubElement(etree.SubElement(in_list, "div", {"class": "admonition"}), "ul")
    etree.SubElement(listed, "li").text = "item"
    return [plain, after, open_one, in_list]


@pytest.mark.parametrize("extensions", [PROJECT, OTHERS], ids=["project", "others"])
def test_a_gate_never_turns_away_a_block_its_processor_takes(extensions: list[str]) -> None:
    rng = random.Random(20261201)
    md = _gated_markdown(extensions)
    gated = [(processor, gate) for processor in md.parser.blockprocessors if (gate := blocks.gate(processor))]
    assert len(gated) >= 5
    taken = turned_away = 0
    for _ in range(4000):
        block = rng.choice(BLOCKS) if rng.random() < 0.2 else _block(rng)
        for parent in _parents(md):
            for processor, gate in gated:
                state = dict(vars(processor))
                if "current_sibling" in state and rng.random() < 0.05:
                    # An admonition that read an open one's block and was not yet run.
                    processor.current_sibling, processor.content_indent = parent, 4
                may_take = gate(parent, block)
                # Asked as Python-Markdown would ask it; what asking leaves behind is undone.
                says = processor.test(parent, block)
                vars(processor).clear()
                vars(processor).update(state)
                taken += bool(says)
                turned_away += not may_take
                assert may_take or not says, (type(processor).__name__, block)
    # Both answers came often enough for this to mean something.
    assert taken > 3000 and turned_away > 20000


@pytest.mark.parametrize("extensions", [PROJECT, OTHERS, ["tables", "toc"]], ids=["project", "others", "few"])
def test_documents_parse_to_the_same_html_with_the_gates(extensions: list[str]) -> None:
    rng = random.Random(7)
    for _ in range(300):
        document = _document(rng)
        plain = markdown.Markdown(extensions=extensions)
        gated = _gated_markdown(extensions)
        assert gated.convert(document) == plain.convert(document), document
        assert getattr(gated, "toc_tokens", None) == getattr(plain, "toc_tokens", None), document


class _Counted:
    """A compiled expression that notes each search made with it."""

    def __init__(self, compiled: re.Pattern[str], asked: list[str], name: str) -> None:
        self.compiled, self.asked, self.name = compiled, asked, name
        self.pattern, self.flags, self.match = compiled.pattern, compiled.flags, compiled.match

    def search(self, *arguments: Any) -> re.Match[str] | None:
        self.asked.append(self.name)
        return self.compiled.search(*arguments)


def _counting(md: markdown.Markdown) -> list[str]:
    """The names of the heading and quote processors, each time `md` asks one about a block."""
    asked: list[str] = []
    for processor in md.parser.blockprocessors:
        if isinstance(processor, (blockprocessors.HashHeaderProcessor, blockprocessors.BlockQuoteProcessor)):
            processor.RE = _Counted(processor.RE, asked, type(processor).__name__)
    return asked


def test_a_page_of_paragraphs_and_lists_asks_no_heading_or_quote_processor() -> None:
    document = "A paragraph of words.\n\n- an item\n- another\n\nMore words, then some.\n"
    plain = markdown.Markdown(extensions=PROJECT)
    asked = _counting(plain)
    plain.convert(document)
    assert asked.count("HashHeaderProcessor") >= 3 and asked.count("BlockQuoteProcessor") >= 3
    gated = _gated_markdown(PROJECT)
    asked = _counting(gated)
    gated.convert(document)
    assert asked == []
    gated.convert("# A heading\n\n> a quote\n")
    assert "HashHeaderProcessor" in asked and "BlockQuoteProcessor" in asked


def test_the_gates_read_what_each_expression_needs() -> None:
    assert requirements(blockprocessors.HashHeaderProcessor.RE) == [frozenset("#")]
    assert requirements(blockprocessors.BlockQuoteProcessor.RE) == [frozenset(">")]
    assert requirements(blockprocessors.SetextHeaderProcessor.RE) == [frozenset("\n"), frozenset("=-")]
    assert requirements(blockprocessors.HRProcessor.SEARCH_RE) == [frozenset("-_*")]
    assert requirements(re.compile(r"\w+ \d")) == []


def test_a_processor_that_asks_its_own_way_is_always_asked() -> None:
    class Mine(blockprocessors.HashHeaderProcessor):  # type: ignore[misc]
        def test(self, parent: Any, block: str) -> bool:
            return block.startswith("%")

        def run(self, parent: Any, blocks_left: list[str]) -> None:
            etree.SubElement(parent, "h6").text = blocks_left.pop(0)[1:]

    md = _gated_markdown(["toc"])
    md.parser.blockprocessors.register(Mine(md.parser), "mine", 75)
    assert blocks.gate(md.parser.blockprocessors["mine"]) is None
    # So is one given a `test` of its own.
    quote = md.parser.blockprocessors["quote"]
    assert blocks.gate(quote) is not None
    quote.test = lambda parent, block: False
    assert blocks.gate(quote) is None
    del quote.test
    # Registered after the parser was made: the gates follow the registry.
    assert md.convert("%mine\n\n# yours\n") == '<h6 id="mine">mine</h6>\n<h1 id="yours">yours</h1>'


def test_only_markdown_made_inside_the_block_is_gated() -> None:
    with pytest.raises(RuntimeError), blocks.gated():
        raise RuntimeError
    assert blockprocessors.BlockParser is markdown.blockparser.BlockParser
    assert not isinstance(markdown.Markdown().parser, blocks.GatedBlockParser)
