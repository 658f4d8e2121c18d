"""Long lines of plain markup, handed past the HTML parsers of Markdown that would only copy them.

A briefing's map is one line of SVG of 20-30 KB. Python-Markdown's raw HTML pass (`html_block`, or
md_in_html's) and MkDocs' anchor pass (`mkdocs_raw_html`) each run an HTML parser over it, one tag
at a time in Python, only to copy it unchanged into a raw HTML block and to note its ids: a third
of a briefing's Markdown time.

Before these passes, a line that is one element of plain markup (`element`: tags with quoted
attributes, text and character references, balanced, its root not block-level) is set aside: the
line becomes its start tag, a placeholder and its end tag, and its ids are read from its tags. The
line is put back into the raw HTML block that holds the placeholder if both parsers read the
placeholder alone as the text of an element, in the state where they read tags (not in a comment,
a script, a title or a raw block's tail), having left nothing unread until the end.

The text before the line being the same, each parser reached the line's start tag in the same
state either way, and from the end of that tag it reads the rest of the line token by token, the
stack of open elements back where it was after the end tag. A decision made before the line that
looks ahead could differ only if the line could end what it looks for: a quote (the line holds no
quote its start tag lacks), the end of a comment or marked section (the line holds none), or the
end of md_in_html's paragraph (a line with a comment before it in its paragraph is not set aside).
Otherwise `Retry` is raised before anything else of the page is converted, and `render` converts
the page again the usual way.

`handed` installs this for the Markdown instances made inside it; `engine.PINNED` holds the versions
it was written against, and tests/test_aside.py compares it with the usual conversion.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from markdown import core, htmlparser, preprocessors, util  # type: ignore[import-untyped]
from markdown.extensions import md_in_html  # type: ignore[import-untyped]
from mkdocs.structure import pages

from .patch import replaced

# Lines shorter than this are left to the parsers: setting them aside would save little.
LONG = 1000
_NAME = r"[a-zA-Z][a-zA-Z0-9]*"
_ATTRIBUTE = r' [a-zA-Z_:][-a-zA-Z0-9_:.]*="[^"<>\x00-\x1f]*"'
_START = rf"<{_NAME}(?:{_ATTRIBUTE})* ?/?>"
_END = rf"</{_NAME}>"
_TEXT = r"[^<>&\x00-\x1f]++"
_REFERENCE = r"&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);"
# A style sheet, which may hold `>`.
_STYLE = rf"<style(?:{_ATTRIBUTE})*>[^<&\x00-\x1f]*+</style>"
# A line of these and nothing else, so that every `<` in it begins a tag. Possessive, so that a
# line that does not match fails in linear time.
_ELEMENT = re.compile(rf"(?>{_STYLE}|{_START}|{_END}|{_TEXT}|{_REFERENCE})++")
# In such a line: each tag (in lower case: `/` if it ends an element, its name, `/` if it is empty),
# each start tag with an attribute that may be an anchor, and each attribute.
_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)(?:[^<>/]++|/(?!>))*+(/?)>")
_ANCHORISH = re.compile(r" (?:[iI][dD]|[nN][aA][mM][eE])=")
_START_TAG = re.compile(rf"<({_NAME})((?:{_ATTRIBUTE})*+)")
_ATTRIBUTES = re.compile(r' ([^="]+)="([^"]*)"')
# What ends a comment or a marked section that began before the line, in any Python's HTMLParser.
_CLOSES = (("--", re.compile(r"--[\s!]*>")), ("]", re.compile(r"\]\s*>")))
# Elements whose content HTMLParser reads as text (script...), or may (title, textarea in newer
# Pythons; style): the first kind is never set aside, the second only holding text.
_RAW_TEXT = re.compile(r"<(?:script|xmp|iframe|noembed|noframes|noscript|plaintext)[ />]")
_TEXT_ONLY = frozenset({"title", "textarea", "style"})
_NOT_TEXT_ONLY = re.compile(r"<(title|textarea|style)(?: [^<>]*)?>[^<]*+<(?!/\1>)")
# What may make md_in_html look ahead from a comment in the line's paragraph.
_LOOKS_AHEAD = re.compile(r"<[!?]|</[^a-zA-Z]")
_BLANK = re.compile(r"[ \t]*")
# The passes between setting aside and putting back: MkDocs' anchors, then the raw HTML blocks.
_PASSES = (pages._RawHTMLPreprocessor, preprocessors.HtmlBlockPreprocessor, md_in_html.HtmlBlockPreprocessor)
_ASIDE, _BACK = 21.5, 19.5
ATTRIBUTE = "_briefings_aside"


class Retry(Exception):
    """The page's lines set aside could not be shown to convert the same: convert it the usual way."""


@dataclass
class Line:
    """One line set aside: itself, what stands in for it, its element's name and the anchors its tags hold."""

    text: str
    stand_in: str
    name: str
    anchors: list[str]


@dataclass
class Aside:
    """The lines set aside on one page, by placeholder, and those each parser read as the text of their element."""

    lines: dict[str, Line] = field(default_factory=dict)
    anchors_read: set[str] = field(default_factory=set)
    blocks_read: set[str] = field(default_factory=set)
    # The anchors MkDocs' pass found in the page as converted, the lines' own left out.
    anchors: set[str] = field(default_factory=set)
    # Whether a parser left markup unread until the end (an unclosed declaration): it then reads it
    # again at positions that depend on the length of the lines before, set aside or not.
    pending: bool = False


def element(line: str, md: Any) -> tuple[str, str, str, list[str]] | None:
    """`line`'s start tag, end tag, name and anchors, when it is one element of plain markup; else None."""
    if line[0] != "<" or line[-1] != ">" or _ELEMENT.fullmatch(line) is None:
        return None
    # The line is tags and text, and begins and ends with a tag: every `<` begins one.
    lower = line.lower()
    if _RAW_TEXT.search(lower) or _NOT_TEXT_ONLY.search(lower):
        return None
    tags = iter(_TAG.findall(lower))
    closing, name, empty = next(tags)
    if closing or empty or md.is_block_level(name) or name in _TEXT_ONLY:
        return None
    root = name
    stack = [name]
    for closing, name, empty in tags:
        if closing:
            if stack.pop() != name:
                return None
            if not stack:
                break
        elif not empty:
            stack.append(name)
    if stack or next(tags, None) is not None:
        # Unclosed, or a second element after the first.
        return None
    start = line[: line.index(">") + 1]
    # A quote that a tag before the line left open closes in the start tag, with the line or without.
    if any(quote in line and quote not in start for quote in "\"'"):
        return None
    if any(mark in line and closes.search(line) for mark, closes in _CLOSES):
        return None
    return start, line[line.rindex("</") :], root, _anchors(line)


def _anchors(line: str) -> list[str]:
    """The ids of a line of plain markup's tags, and the names of its links, as MkDocs' anchor pass reads them."""
    anchors: list[str] = []
    read: set[int] = set()
    for found in _ANCHORISH.finditer(line):
        # In a tag when the last angle bracket before is its `<`: text and values hold none.
        opening = line.rfind("<", 0, found.start())
        if line.rfind(">", 0, found.start()) > opening or opening in read:
            continue
        read.add(opening)
        tag = _START_TAG.match(line, opening)
        assert tag is not None
        name = tag.group(1).lower()
        for key, value in _ATTRIBUTES.findall(tag.group(2)):
            key = key.lower()
            if key == "id" or (key == "name" and name == "a"):
                anchors.append(html.unescape(value))
    return anchors


class _SetAside(preprocessors.Preprocessor):  # type: ignore[misc]
    def run(self, lines: list[str]) -> list[str]:
        anchor_pass = self._anchor_pass()
        if anchor_pass is None:
            return lines
        aside = Aside()
        looks_ahead = False
        for number, line in enumerate(lines):
            if _BLANK.fullmatch(line):
                looks_ahead = False
                continue
            if len(line) >= LONG and line[0] == "<" and line[-1] == ">" and not looks_ahead:
                found = element(line, self.md)
                if found is not None:
                    start, end, name, anchors = found
                    placeholder = f"{util.STX}briefings-aside:{len(aside.lines)}{util.ETX}"
                    stand_in = start + placeholder + end
                    aside.lines[placeholder] = Line(line, stand_in, name, anchors)
                    lines[number] = stand_in
                    continue
            if _LOOKS_AHEAD.search(line):
                # md_in_html looks ahead from a comment to the end of its paragraph.
                looks_ahead = True
        if aside.lines:
            setattr(self.md, ATTRIBUTE, aside)
            # MkDocs' anchor pass, which runs next, is done here, noting how it read the placeholders.
            parser = _Anchors(aside)
            parser.feed("\n".join(lines))
            aside.pending = aside.pending or bool(parser.rawdata)
            parser.close()
            aside.anchors = parser.present_anchor_ids
            anchor_pass.run = _unchanged
        return lines

    def _anchor_pass(self) -> Any:
        """MkDocs' anchor pass, when it and a raw HTML pass are all that run before the lines are put back."""
        registry = self.md.preprocessors
        between = [item for item in registry._priority if _BACK < item.priority < _ASIDE]
        between.sort(key=lambda item: item.priority, reverse=True)
        kinds = [type(registry[item.name]) for item in between]
        if len(kinds) != 2 or kinds[0] is not _PASSES[0] or kinds[1] not in _PASSES[1:]:
            return None
        return registry[between[0].name]


class _PutBack(preprocessors.Preprocessor):  # type: ignore[misc]
    def run(self, lines: list[str]) -> list[str]:
        aside: Aside | None = getattr(self.md, ATTRIBUTE, None)
        if aside is None:
            return lines
        blocks = self.md.htmlStash.rawHtmlBlocks
        if aside.pending or set(aside.lines) != aside.anchors_read or set(aside.lines) != aside.blocks_read:
            raise Retry
        if any(placeholder in text for placeholder in aside.lines for text in lines):
            raise Retry
        put_back = 0
        for index, block in enumerate(blocks):
            if not isinstance(block, str):
                continue
            for placeholder, line in aside.lines.items():
                if placeholder in block:
                    if block.count(placeholder) != 1 or line.stand_in not in block:
                        raise Retry
                    block = block.replace(line.stand_in, line.text)
                    put_back += 1
            blocks[index] = block
        if put_back != len(aside.lines):
            raise Retry
        anchor_pass = self.md.preprocessors["mkdocs_raw_html"]
        anchor_pass.present_anchor_ids = aside.anchors.union(*(line.anchors for line in aside.lines.values()))
        _put_back.append(len(aside.lines))
        return lines


class _Reading:
    """A parser noting each placeholder it read as the only text of its element, outside a raw block's tail.

    The start tag, the placeholder alone as text and the end tag read as such: the parser was
    reading tags (not in a comment, a script or a title) where the line began.
    """

    aside: Aside
    read: set[str]
    _last: str | None = None

    def handle_data(self, data: str) -> None:
        self._last = data if not getattr(self, "intail", False) else None
        super().handle_data(data)  # type: ignore[misc]

    def handle_endtag(self, tag: str) -> None:
        line = self.aside.lines.get(self._last or "")
        if line is not None and line.name == tag:
            self.read.add(self._last or "")
        self._last = None
        super().handle_endtag(tag)  # type: ignore[misc]

    def close(self) -> None:
        self.aside.pending = self.aside.pending or bool(getattr(self, "rawdata", ""))
        super().close()  # type: ignore[misc]


def _forgetting(name: str) -> Callable[..., None]:
    """A handler that forgets the text last read, then does what the parser's own does."""

    def handler(self: _Reading, *args: Any) -> None:
        self._last = None
        getattr(super(_Reading, self), name)(*args)

    handler.__name__ = handler.__qualname__ = name
    return handler


# Anything else read in between is not the placeholder alone.
_OTHER_EVENTS = (
    "handle_starttag",
    "handle_startendtag",
    "handle_comment",
    "handle_decl",
    "handle_pi",
    "unknown_decl",
    "handle_charref",
    "handle_entityref",
)
for _event in _OTHER_EVENTS:
    setattr(_Reading, _event, _forgetting(_event))


class _Anchors(_Reading, pages._HTMLHandler):
    def __init__(self, aside: Aside) -> None:
        super().__init__()
        self.aside, self.read = aside, aside.anchors_read


class _Blocks(_Reading, htmlparser.HTMLExtractor):  # type: ignore[misc]
    def __init__(self, md: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(md, *args, **kwargs)
        self.aside = getattr(md, ATTRIBUTE, None) or Aside()
        self.read = self.aside.blocks_read


class _BlocksInHtml(_Reading, md_in_html.HTMLExtractorExtra):  # type: ignore[misc]
    def __init__(self, md: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(md, *args, **kwargs)
        self.aside = getattr(md, ATTRIBUTE, None) or Aside()
        self.read = self.aside.blocks_read


def _unchanged(lines: list[str]) -> list[str]:
    return lines


def _build_preprocessors(md: Any, **kwargs: Any) -> util.Registry[preprocessors.Preprocessor]:
    registry = _build(md, **kwargs)
    registry.register(_SetAside(md), "briefings_aside", _ASIDE)
    registry.register(_PutBack(md), "briefings_back", _BACK)
    return registry


_build = core.build_preprocessors
_put_back: list[int] = []


def render(page: Any, config: Any, files: Any) -> int:
    """`page.render`, with long lines of plain markup set aside; how many were (0 when converted the usual way)."""
    try:
        with handed() as put_back:
            page.render(config, files)
    except Retry:
        page.render(config, files)
        return 0
    return sum(put_back)


@contextmanager
def handed() -> Iterator[list[int]]:
    """Markdown instances made inside this set long lines of plain markup aside; yields how many each put back."""
    global _put_back
    _put_back = []
    # Python-Markdown's module attributes, which `Markdown` and the raw HTML passes look up when used.
    with replaced(
        (core, "build_preprocessors", _build_preprocessors),
        (preprocessors, "HTMLExtractor", _Blocks),
        (md_in_html, "HTMLExtractorExtra", _BlocksInHtml),
    ):
        yield _put_back
