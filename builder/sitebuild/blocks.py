"""Python-Markdown's block parser, skipping the block processors that cannot match a block.

For every block of a page (a paragraph, a heading, a list, a table...), Python-Markdown asks each
block processor in turn whether the block is its kind, until one takes it. Most ask with a regular
expression searched through the whole block: a heading's `#`, a quote's `>`, a rule's `---`, an
admonition's `!!!`, a setext heading's `===`. For a page of paragraphs and lists those searches
find nothing, block after block: about a tenth of a page's Markdown time.

Here, a processor whose question is known is asked only when the block holds a character it
cannot say yes without. Those characters are read from the processor's own regular expression,
as `inline` reads an inline pattern's (`inline.requirements`); the processors whose question is
more than that expression are described here: a table needs `|` in a block of more than one line,
and an admonition also takes an indented block after an open one. A processor not listed, or one
whose `test` is its own, is asked as before. When the characters are there the processor is
asked exactly as Python-Markdown would ask it, so the HTML is the same (tests/test_blocks.py).

`gated` gives this parser to the Markdown instances made inside it, and only to those.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from markdown import blockparser, blockprocessors  # type: ignore[import-untyped]
from markdown.extensions import admonition, tables  # type: ignore[import-untyped]

from .inline import requirements
from .patch import replaced

Gate = Callable[[Any, str], bool]
"""Whether a processor may take a block under a parent: False only when its `test` would be False."""

# Processors whose `test` is their expression's search or match and nothing it could pass without:
# the expression's attribute.
_SEARCHED = {
    blockprocessors.HashHeaderProcessor: "RE",
    blockprocessors.BlockQuoteProcessor: "RE",
    blockprocessors.SetextHeaderProcessor: "RE",
    blockprocessors.HRProcessor: "SEARCH_RE",
}
# A table's first line is split on `|` into two or more cells, or starts or ends with one; its
# second line is the separator row.
_TABLE = (frozenset("|"), frozenset("\n"))


def _all_present(needed: tuple[frozenset[str], ...]) -> Callable[[str], bool]:
    """Whether a text holds, for each set, one of its characters: one C search each."""
    searches = [re.compile(f"[{re.escape(''.join(sorted(chars)))}]").search for chars in needed]
    if len(searches) == 1:
        [search] = searches
        return lambda text: search(text) is not None
    return lambda text: all(search(text) is not None for search in searches)


def gate(processor: Any) -> Gate | None:
    """The gate of `processor`; None for one that is always asked."""
    kind = type(processor)
    if "test" in vars(processor) or "parse_content" in vars(processor):
        return None
    if (
        kind.test is admonition.AdmonitionProcessor.test
        and kind.parse_content is admonition.AdmonitionProcessor.parse_content
    ):
        return _admonition(processor)
    needed = _needed(processor)
    if not needed:
        return None
    present = _all_present(needed)
    return lambda parent, block: present(block)


def _needed(processor: Any) -> tuple[frozenset[str], ...]:
    """What a block must hold for a heading, quote, rule or table processor to take it; nothing for others."""
    kind = type(processor)
    for known, attribute in _SEARCHED.items():
        if kind.test is known.test:
            return tuple(requirements(getattr(processor, attribute)))
    return _TABLE if kind.test is tables.TableProcessor.test else ()


def _admonition(processor: Any) -> Gate | None:
    """An admonition's start, or a block that `parse_content` may give to an open one.

    That is any block while it holds the admonition it read last (asking resets it), or one
    indented by a tab: without that indent it finds no sibling.
    """
    needed = tuple(requirements(processor.RE))
    if not needed:
        return None
    present = _all_present(needed)

    def may_take(parent: Any, block: str) -> bool:
        return processor.current_sibling is not None or block.startswith(" " * processor.tab_length) or present(block)

    return may_take


class GatedBlockParser(blockparser.BlockParser):  # type: ignore[misc]
    """`BlockParser`, asking a block processor about a block only where its gate lets it match.

    Overrides `parseBlocks`, Python-Markdown's loop over the blocks; `PINNED` in `engine` holds
    the version it was written against.
    """

    def __init__(self, md: Any) -> None:
        super().__init__(md)
        self._processors: list[Any] = []
        self._gated: list[tuple[Any, Gate | None]] = []

    def parseBlocks(self, parent: Any, blocks: list[str]) -> None:
        while blocks:
            # The registry is read again for every block, as Python-Markdown does; the gates are
            # made again only when it holds other processors.
            processors = list(self.blockprocessors)
            if processors != self._processors:
                self._processors, self._gated = processors, [(each, gate(each)) for each in processors]
            for processor, may_take in self._gated:
                if may_take is not None and not may_take(parent, blocks[0]):
                    continue
                # `run` returns False when it declines after all: the next processors are asked.
                if processor.test(parent, blocks[0]) and processor.run(parent, blocks) is not False:
                    break


def gated() -> AbstractContextManager[None]:
    """Markdown instances made inside this parse their blocks with `GatedBlockParser`."""
    return replaced((blockprocessors, "BlockParser", GatedBlockParser))
