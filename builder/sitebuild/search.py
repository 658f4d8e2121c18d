"""The search index of Material for MkDocs, with a faster HTML parser that gives the same sections.

Material's `Parser` is an `html.parser.HTMLParser` that asks `self.skip.intersection(self.context)`,
`"pre" in self.context` and `self.section.el in self.context` on every callback, each a scan of the
open elements through `Element.__eq__`; with HTMLParser's own bookkeeping, that makes it one of
the slowest steps of a site build. `Sections` keeps that state machine but follows the open elements with counters,
and reads the page with one regular expression that takes the common tags; any other markup goes
through HTMLParser's own methods, so odd markup splits exactly as it does for Material.

Material's quirks are kept on purpose, since the index must not change: elements are compared by
tag name, so closing any `<div>` ends the exclusion of an excluded `<div>`, and the text of a
heading is every text inside an element named like it. Checked against mkdocs-material 9.8.1 and
the HTMLParser of Python 3.11.7 (3.11.13 and later read <title>, <textarea> and some comments
otherwise): `tests/test_search_index.py` compares both parsers on tricky snippets, generated pages
and the sample site, and pins Material's version.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from types import MappingProxyType
from typing import Any

from material.plugins.search.plugin import (  # type: ignore[import-untyped]
    Element,
    Section,
)
from material.plugins.search.plugin import SearchIndex as MaterialIndex
from material.plugins.search.plugin import void as VOID

__all__ = ["Index", "MaterialIndex", "Sections"]

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Material's `Parser.skip` at the start and `Parser.keep`: an element skipped this way stays skipped.
ALWAYS_SKIPPED = frozenset({"object", "script", "style"})
KEPT = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})
COUNTED = HEADINGS | {"hx", "pre"}

# Only ASCII spaces: HTMLParser's tag names run on over \v and non-ASCII spaces. Possessive
# repeats: nothing here needs to give characters back, and the engine saves no positions.
_SPACE = r"[ \t\n\r\f]"
_NAME = r"[a-zA-Z][-.:a-zA-Z0-9_]*+"
_ATTRIBUTE_NAME = r"[a-zA-Z_:][-.:a-zA-Z0-9_]*+"
_VALUE = r"""(?:"[^"]*+"|'[^']*+'|(?!["'=])[^>\s]*+)"""
# Text up to the next `<`, a start tag, an end tag, a comment, or any other `<` with the rest of the
# page. The tags are the plain ones, which HTMLParser cannot read otherwise (no `==`, no attribute
# glued to a quote, no \v); the rest, <script> and <style> included, goes to HTMLParser's methods.
_TOKEN = re.compile(
    "|".join(
        [
            r"([^<]++)",
            r"<(?![sS](?:[cC][rR][iI][pP][tT]|[tT][yY][lL][eE])\b)"
            rf"({_NAME})((?:{_SPACE}++{_ATTRIBUTE_NAME}(?:{_SPACE}*+={_SPACE}*+{_VALUE})?+)*+){_SPACE}*+(/?)>",
            rf"</({_NAME})\s*+>",
            r"<!--[\s\S]*?--\s*>",
            r"(<[\s\S]*)",
        ]
    )
)
# An attribute of a plain tag: name, `=` if it has a value, and the value in double, single or no quotes.
_ATTRIBUTES = re.compile(rf"""({_ATTRIBUTE_NAME})(?:{_SPACE}*+(=){_SPACE}*+(?:"([^"]*+)"|'([^']*+)'|([^>\s]*+)))?""")
_EXCLUDE = "data-search-exclude"
_NO_ATTRIBUTES: Mapping[str, str | None] = MappingProxyType({})
# Pages repeat their entities (permalinks' &para;, footnotes' &#8617;), and decoding runs Python per entity.
_unescape = lru_cache(maxsize=4096)(unescape)
_STARTTAGOPEN = re.compile(r"<[a-zA-Z]")
# What ends HTMLParser's CDATA mode for <script> and <style>.
_CDATA_END = {tag: re.compile(rf"</\s*{tag}\s*>", re.I) for tag in HTMLParser.CDATA_CONTENT_ELEMENTS}


# A token: (text, tag, attributes, slash, closing tag, decoded text). `_TOKEN.findall` gives the
# first five, the attributes as source; its last group, markup left to HTMLParser, only ends its list.
# `_Recorder` gives HTMLParser's reading of that markup: attributes as a mapping, text decoded.
Token = tuple[str, str, str | Mapping[str, str | None], str, str, str]


class Sections:
    """The sections Material's `Parser` finds in a page's HTML, in `data`: same `Section` objects, same order.

    Material feeds the parser the whole page, then closes it, which reads like one pass that knows
    where the page ends; so does this.
    """

    def __init__(self, html: str) -> None:
        self.data: list[Section] = []
        self.section: Section | None = None
        self.context: list[str] = []
        # How many elements of the names that matter are open: <pre> keeps spaces, and text goes to
        # the title while an element named like the section's heading is open (Material compares
        # elements by tag name).
        self.open = dict.fromkeys(COUNTED, 0)
        # Tags whose elements are skipped (Material's `skip` set, compared by tag name too), and how
        # many open elements have one.
        self.skipped = set(ALWAYS_SKIPPED)
        self.skipping = 0
        # The depths of the open permalinks (`<a class="headerlink">`), whose text is left out of titles.
        self.permalinks: list[int] = []
        recorder, pos = _Recorder(html), 0
        while True:
            tokens: list[Token] = _TOKEN.findall(html, pos)
            markup = tokens.pop()[5] if tokens and tokens[-1][5] else ""
            self._run(tokens)
            if not markup:
                return
            tokens, pos = recorder.read(len(html) - len(markup))
            self._run(tokens)

    def _run(self, tokens: list[Token]) -> None:
        """Material's `handle_starttag`, `handle_endtag` and `handle_data`, inlined: they run for every token."""
        data, context, open_, skipped, permalinks = self.data, self.context, self.open, self.skipped, self.permalinks
        section, skipping = self.section, self.skipping
        heading = section.el.tag if section else ""
        pre, in_title = open_["pre"], bool(heading) and open_[heading] > 0
        for text, tag, source, slash, closing, decoded in tokens:
            if tag:  # handle_starttag
                tag = tag.lower()
                if tag in VOID:
                    continue
                attrs = _attributes(tag, source) if source else _NO_ATTRIBUTES
                context.append(tag)
                if tag in COUNTED:
                    open_[tag] += 1
                    pre, in_title = open_["pre"], bool(heading) and open_[heading] > 0
                if tag in skipped:
                    skipping += 1
                if attrs:
                    if tag == "a" and attrs.get("class") == "headerlink":
                        permalinks.append(len(context))
                    if tag in HEADINGS and "id" in attrs:
                        depth, first = len(context), not data
                        if first and tag != "h1":
                            _append(data, Element("hx"), depth)
                            first = False
                        section, heading, in_title = _append(data, Element(tag, attrs), depth), tag, True
                        section.id = None if first else attrs["id"]
                if section is None:
                    section, heading, in_title = _append(data, Element("hx")), "hx", open_["hx"] > 0
                if attrs and (_EXCLUDE in attrs or attrs.get("class") == "linenodiv"):
                    if tag not in skipped:
                        skipped.add(tag)
                        skipping += context.count(tag)
                elif tag in KEPT and not skipping:
                    (section.title if in_title else section.text).append(f"<{tag}>")
                if not slash:
                    continue
                closing = tag
            if closing:  # handle_endtag
                tag = closing.lower()
                if not context or context[-1] != tag:
                    continue
                assert section is not None  # The start tag made one.
                depth = len(context)
                context.pop()
                if tag in COUNTED:
                    open_[tag] -= 1
                    pre, in_title = open_["pre"], open_[heading] > 0
                if section.depth > depth:
                    # A heading nested in an element ends with the element: its parent section goes on.
                    for previous in reversed(data):
                        if previous.depth <= depth:
                            section.depth = float("inf")
                            section, heading = previous, previous.el.tag
                            in_title = open_[heading] > 0
                            break
                if permalinks and permalinks[-1] == depth:
                    permalinks.pop()
                if tag in skipped:
                    skipping -= 1
                    if tag not in ALWAYS_SKIPPED:
                        skipped.remove(tag)
                        skipping -= context.count(tag)
                elif tag in KEPT and not skipping:
                    kept = section.title if in_title else section.text
                    # An element left empty, or holding only spaces, is taken out. Material looks for
                    # the first opening tag of that name, not the last; from the end, a text ends the search.
                    opening, last = kept.index(f"<{tag}>"), len(kept) - 1
                    while last > opening and kept[last].isspace():
                        last -= 1
                    if last == opening:
                        del kept[opening:]
                    else:
                        kept.append(f"</{tag}>")
                continue
            if text:  # handle_data
                text = _unescape(text) if "&" in text else text
            elif decoded:
                text = decoded
            else:
                continue  # A comment.
            if skipping:
                continue
            space = text.isspace()
            if not pre:
                text = " " if space else text.replace("\n", " ")
            if section is None:
                section, heading, in_title = _append(data, Element("hx")), "hx", open_["hx"] > 0
            if in_title:
                if not permalinks:
                    section.title.append(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
            elif not space:
                section.text.append(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
            elif pre or not section.text or not section.text[-1].isspace():
                section.text.append(text)
        self.section, self.skipping = section, skipping


def _append(data: list[Section], el: Element, depth: float = 0) -> Section:
    data.append(section := Section(el, depth))
    return section


def _attributes(tag: str, source: str | Mapping[str, str | None]) -> Mapping[str, str | None]:
    """The attributes as HTMLParser gives them; for other elements than headings only if they can matter."""
    if not isinstance(source, str):
        return source
    if tag not in HEADINGS:
        # Plain substring tests: a regular expression would crawl through the long `d` of SVG paths.
        lowered = source.lower()
        if not ("&" in lowered or "headerlink" in lowered or "linenodiv" in lowered or _EXCLUDE in lowered):
            return _NO_ATTRIBUTES
    return {
        name.lower(): unescape(double or single or bare) if equals else None
        for name, equals, double, single, bare in _ATTRIBUTES.findall(source)
    }


class _Recorder(HTMLParser):
    """HTMLParser's own code for the markup the fast tokenizer leaves: <script>, <style>, odd or cut tags, stray `<`."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.rawdata = html
        self.tokens: list[Token] = []

    def read(self, i: int) -> tuple[list[Token], int]:
        """The tokens of the markup at `i`, as `HTMLParser.goahead` reads it after `close()`, and where it ends."""
        html, self.tokens = self.rawdata, []
        if _STARTTAGOPEN.match(html, i):
            k = self.parse_starttag(i)
        elif html.startswith("</", i):
            k = self.parse_endtag(i)
        elif html.startswith("<!--", i):
            k = self.parse_comment(i)
        elif html.startswith("<?", i):
            k = self.parse_pi(i)
        elif html.startswith("<!", i):
            k = self.parse_html_declaration(i)
        else:
            self.handle_data("<")
            return self.tokens, i + 1
        if k < 0:
            # Not closed before the end of the page: HTMLParser gives it as text.
            k = html.find(">", i + 1)
            k = k + 1 if k >= 0 else html.find("<", i + 1)
            if k < 0:
                k = i + 1
            self.handle_data(unescape(html[i:k]))
        if self.cdata_elem:
            # The content of a <script> or <style> is always skipped: only where it ends matters.
            tag = self.cdata_elem
            self.clear_cdata_mode()
            end = _CDATA_END[tag].search(html, k)
            if end is None:
                return self.tokens, len(html)  # HTMLParser drops the rest of the page.
            self.handle_endtag(tag)
            k = end.end()
        return self.tokens, k

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("", tag, dict(attrs), "", "", ""))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("", "", "", "", tag, ""))

    def handle_data(self, data: str) -> None:
        # HTMLParser never gives empty text here, which would read as a comment.
        self.tokens.append(("", "", "", "", "", data))


class Index(MaterialIndex):  # type: ignore[misc]
    """Material's `SearchIndex`, reading pages with `Sections`; install it after the plugin's `on_config`.

    Given `pieces`, each page's entries as JSON text (what `json.dumps` makes of the page's list of
    entries, without its brackets), it writes the index from them, as Material's would from the entries.
    """

    pieces: list[str] | None = None

    def generate_search_index(self, prev: Any) -> str:
        if self.pieces is None or prev:
            return str(super().generate_search_index(prev))
        config = {key: self.config[key] for key in ["lang", "separator", "pipeline", "fields"]}
        empty = json.dumps({"config": config, "docs": []}, separators=(",", ":"), default=str)
        assert empty.endswith("[]}")
        return empty[:-2] + ",".join(piece for piece in self.pieces if piece) + "]}"

    def add_entry_from_context(self, page: Any) -> None:
        """Material's, with `Sections` for its `Parser`; `page` is an MkDocs `Page` (Material's API is untyped)."""
        search = page.meta.get("search") or {}
        if search.get("exclude"):
            return
        for section in Sections(page.content).data:
            if not section.is_excluded():
                self.create_entry_for_section(section, page.toc, page.url, page)
