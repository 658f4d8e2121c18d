"""Python-Markdown's footnotes, with the same HTML, in time linear in the references on a page.

A page where one day holds thousands of events cites each source many times. Python-Markdown 3.11.3
finds the id of a footnote's n-th reference by trying `fnref`, `fnref2`, ... `fnref{n}` in turn, and
the number of each reference by listing every footnote defined: both grow with the page, so a page
twice as long took four times as long. Here each footnote remembers the last id it handed out and
its number is looked up once. Named `builder.footnotes` in mkdocs.yml in place of `footnotes`;
tests/test_footnotes.py compares the two and pins the version these overrides were checked against.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown  # type: ignore[import-untyped]
from markdown.extensions import footnotes as original  # type: ignore[import-untyped]


class FootnoteExtension(original.FootnoteExtension):  # type: ignore[misc]
    """`footnotes` with constant-time reference ids and numbers."""

    def reset(self) -> None:
        super().reset()
        # The last id handed out for each first-reference id, and each footnote's place in
        # definition order and in reference order: what `footnotes` recomputes on every reference.
        self.last_refs: dict[str, str] = {}
        self.defined: dict[str, int] = {}
        self.referenced: dict[str, int] = {}

    def extendMarkdown(self, md: Markdown) -> None:
        super().extendMarkdown(md)
        pattern = md.inlinePatterns["footnote"].pattern
        md.inlinePatterns.register(FootnoteInlineProcessor(pattern, self), "footnote", 175)

    def setFootnote(self, id: str, text: str) -> None:
        # A footnote defined again keeps its place, as in the OrderedDict it is stored in.
        self.defined.setdefault(id, len(self.defined))
        super().setFootnote(id, text)

    def addFootnoteRef(self, id: str) -> None:
        if id not in self.referenced:
            self.referenced[id] = len(self.footnote_order)
            self.footnote_order.append(id)

    def number(self, id: str) -> int:
        """The number a reference to the defined footnote `id` shows."""
        if self.getConfig("USE_DEFINITION_ORDER"):
            return self.defined[id] + 1
        return self.referenced[id] + 1

    def unique_ref(self, reference: str, found: bool = False) -> str:
        """The id of a reference whose first occurrence's id is `reference`: the same candidates as `footnotes`
        tries, from the one after the last it handed out, since every one up to that is taken."""
        if not found:
            return reference
        last = self.last_refs.get(reference)
        candidate = reference if last is None else self._following(last)
        while candidate in self.used_refs:
            candidate = self._following(candidate)
        self.used_refs.add(candidate)
        self.last_refs[reference] = candidate
        self.found_refs[reference] = self.found_refs.get(reference, 0) + 1
        return candidate

    def _following(self, reference: str) -> str:
        """The candidate `footnotes` tries after `reference`: `fnref:x`, then `fnref2:x`, `fnref3:x`..."""
        separator = self.get_separator()
        ref, rest = reference.split(separator, 1)
        m = original.RE_REF_ID.match(ref)
        if m:
            return f"{m.group(1)}{int(m.group(2)) + 1}{separator}{rest}"
        return f"{ref}2{separator}{rest}"


class FootnoteInlineProcessor(original.FootnoteInlineProcessor):  # type: ignore[misc]
    """A reference to a footnote, numbered by a lookup instead of a search of every footnote."""

    footnotes: FootnoteExtension

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | None, int | None, int | None]:
        id = m.group(1)
        if id not in self.footnotes.footnotes:
            return None, None, None
        self.footnotes.addFootnoteRef(id)
        sup = etree.Element("sup")
        a = etree.SubElement(sup, "a")
        sup.set("id", self.footnotes.makeFootnoteRefId(id, found=True))
        a.set("href", "#" + self.footnotes.makeFootnoteId(id))
        a.set("class", "footnote-ref")
        a.text = self.footnotes.getConfig("SUPERSCRIPT_TEXT").format(self.footnotes.number(id))
        return sup, m.start(0), m.end(0)


def makeExtension(**kwargs: Any) -> FootnoteExtension:
    """The extension, as Python-Markdown and MkDocs load it by the name `builder.footnotes`."""
    return FootnoteExtension(**kwargs)
