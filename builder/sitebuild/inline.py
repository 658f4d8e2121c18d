"""Python-Markdown's inline processor, skipping the patterns that cannot match.

For every run of text, Python-Markdown tries each inline pattern in turn (code, escapes, links,
images, autolinks, line breaks, raw HTML, entities, emphasis, footnote references...): about
twenty regular-expression searches per list item, nearly all of which find nothing. That is half
the time of a page's Markdown.

Most of these patterns cannot match without a certain character: a link needs `[`, emphasis `*`,
raw HTML `<`. `gate` reads that character set from the pattern's own regular expression, and the
processor here looks for it (one scan in C) before trying the pattern. A pattern whose expression
names no such character is tried as before. Everything else is Python-Markdown's own code: when the
characters are there the pattern is applied exactly as it would have been, so the HTML is the same
(tests/test_sitebuild.py compares whole sites with MkDocs' own build; tests/test_inline.py checks
each gate against its expression).

Links are the other half: Python-Markdown reads the text and the address of each `[text](address
"title")` one character at a time, in Python. For the plain shapes (brackets nested or not; an address
with no parentheses or quotes, with or without a quoted title) `_get_text` and `_get_link` find the same
ends with regular expressions; anything else goes to Python-Markdown's own methods.

`gated` installs both for the Markdown instances made inside it, and only for those.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import cache, partial

# Python's regular-expression parser: private, and pinned with Python itself (the workflow's images).
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from markdown import core, inlinepatterns, treeprocessors, util  # type: ignore[import-untyped]

from .patch import replaced

Gate = Callable[[str, int], bool]
# Characters a gate may look for: punctuation and line ends. Letters, digits and spaces are in
# nearly every run of text (so a gate on them would skip nothing), and letters may match other
# letters under IGNORECASE.
# `:` is left out because Python-Markdown's placeholders hold one.
_TELLING = frozenset("!\"#$%&'()*+,-./;<=>?@[\\]^_`{|}~\n")
_MOST = 8


def required(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Characters one of which every match of `pattern` contains (at or after where it starts), or None.

    None when the expression has no such small set of telling characters: the pattern is then
    always tried.
    """
    return _required(pattern.pattern, pattern.flags)


def requirements(pattern: re.Pattern[str]) -> list[frozenset[str]]:
    """Sets of telling characters such that every match of `pattern` holds one of each (at or after where
    it starts); none when the expression has no such set."""
    return list(_requirements(pattern.pattern, pattern.flags))


@cache
def _required(expression: str, flags: int) -> frozenset[str] | None:
    found = _requirements(expression, flags)
    return min(found, key=len) if found else None


@cache
def _requirements(expression: str, flags: int) -> tuple[frozenset[str], ...]:
    try:
        parsed = sre_parse.parse(expression, flags)
    except Exception:
        return ()
    found: list[frozenset[str]] = []
    for item in parsed:
        chars = _of_item(*item)
        if chars is not None and chars not in found:
            found.append(chars)
    return tuple(found)


def _of_sequence(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The best set among the parts a sequence cannot match without."""
    best: frozenset[str] | None = None
    for item in items:
        found = _of_item(*item)
        if found is not None and (best is None or len(found) < len(best)):
            best = found
    return best


def _of_item(op: Any, value: Any) -> frozenset[str] | None:
    if op is sre.LITERAL:
        return _telling({chr(value)})
    if op is sre.IN:
        return _of_class(value)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        least, _most, inner = value
        return _of_sequence(list(inner)) if least >= 1 else None
    if op is sre.SUBPATTERN:
        return _of_sequence(list(value[-1]))
    if op is sre.ATOMIC_GROUP:
        return _of_sequence(list(value))
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in value[1]:
            found = _of_sequence(list(branch))
            if found is None:
                return None
            union |= found
        return _telling(union)
    if op is sre.ASSERT:
        direction, inner = value
        # What a lookahead needs lies at or after the match's start; a lookbehind's may lie before it.
        return _of_sequence(list(inner)) if direction == 1 else None
    return None


def _of_class(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, value in items:
        if op is sre.LITERAL:
            chars.add(chr(value))
        elif op is sre.RANGE and value[1] - value[0] < _MOST:
            chars.update(chr(code) for code in range(value[0], value[1] + 1))
        else:
            return None
    return _telling(chars)


def _telling(chars: set[str]) -> frozenset[str] | None:
    return frozenset(chars) if chars and len(chars) <= _MOST and chars <= _TELLING else None


def gate(pattern: inlinepatterns.Pattern) -> frozenset[str] | None:
    """The characters `pattern` cannot match without; None for a pattern that is always tried.

    Only Python-Markdown's own kind of pattern (`InlineProcessor`, which searches from a position)
    is gated.
    """
    if not isinstance(pattern, inlinepatterns.InlineProcessor):
        return None
    return required(pattern.getCompiledRegExp())


def _found(chars: frozenset[str], data: str, start: int) -> bool:
    return any(data.find(char, start) >= 0 for char in chars)


_BRACKETS = re.compile(r"[\[\]]")
# What follows `(` and its spaces: an address without parentheses or quotes, then `)`; or that, a
# quoted title without parentheses or quotes, spaces (only: `last` skips nothing else) and `)`.
_PLAIN_LINK = re.compile(r"""([^()'"]*)\)""")
_TITLED_LINK = re.compile(r"""([^()'"]*)(["'])([^()'"]*)\2 *\)""")


def _get_text(data: str, index: int) -> tuple[str, int, bool]:
    """`LinkInlineProcessor.getText`: the text up to the `]` that closes the `[` before `index`."""
    depth = 1
    for bracket in _BRACKETS.finditer(data, index):
        depth += 1 if bracket.group() == "[" else -1
        if depth == 0:
            end = bracket.start()
            return data[index:end], end + 1, True
    return data[index:], max(index, len(data)), False


def _get_link(pattern: Any, original: Callable[[str, int], Any], data: str, index: int) -> Any:
    """`LinkInlineProcessor.getLink`: the address and title in the parentheses at `index`, and where they end."""
    opening = pattern.RE_LINK.match(data, pos=index)
    if opening is None or opening.group(1):
        return original(data, index)
    start = opening.end()
    title: str | None
    if plain := _PLAIN_LINK.match(data, start):
        href, title, end = plain.group(1), None, plain.end()
    elif titled := _TITLED_LINK.match(data, start):
        href, title, end = titled.group(1), titled.group(3), titled.end()
        title = pattern.RE_TITLE_CLEAN.sub(" ", inlinepatterns.dequote(pattern.unescape(title.strip())))
    else:
        return original(data, index)
    return pattern.unescape(href).strip(), title, end, True


def _speed_up_links(pattern: inlinepatterns.Pattern) -> None:
    """Give a link or image pattern that reads links as Python-Markdown does the faster readers above."""
    kind, base = type(pattern), inlinepatterns.LinkInlineProcessor
    if not isinstance(pattern, base):
        return
    # A reader of the pattern's own (an extension's, or one given here already) is left as it is.
    own = vars(pattern)
    if kind.getText is base.getText and "getText" not in own:
        pattern.getText = _get_text
    plain = kind.getLink is base.getLink and kind.RE_LINK is base.RE_LINK and kind.RE_TITLE_CLEAN is base.RE_TITLE_CLEAN
    if plain and "getLink" not in own:
        pattern.getLink = partial(_get_link, pattern, pattern.getLink)


class GatedInlineProcessor(treeprocessors.InlineProcessor):  # type: ignore[misc]
    """`InlineProcessor`, trying a pattern only where its gate lets it match.

    Overrides the private `__handleInline` loop (name-mangled), and nothing else; `PINNED` in
    `engine` holds the Python-Markdown version it was written against.
    """

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        # The registry, in priority order, read once per page rather than sorted on every lookup.
        self._gated = [(pattern, gate(pattern)) for pattern in self.inlinePatterns]
        for pattern, _chars in self._gated:
            _speed_up_links(pattern)
        self._all_gated = all(chars is not None for _pattern, chars in self._gated)
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> Any:
        if isinstance(data, util.AtomicString):
            return data
        # Replacing a match with a placeholder (letters, digits and control characters) never adds a
        # telling character, so this stays a superset of those in `data`.
        present = _TELLING.intersection(data)
        if not present and self._all_gated:
            # Plain words: no pattern can match.
            return data
        gated = self._gated
        apply = self._InlineProcessor__applyPattern
        start = 0
        while patternIndex < len(gated):
            pattern, chars = gated[patternIndex]
            if chars is not None and (chars.isdisjoint(present) or not _found(chars, data, start)):
                # What Python-Markdown's own loop does when the pattern finds nothing.
                patternIndex, start = patternIndex + 1, 0
                continue
            data, matched, start = apply(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def _build_treeprocessors(md: Any, **kwargs: Any) -> util.Registry[treeprocessors.Treeprocessor]:
    processors = _original(md, **kwargs)
    priority = next(item.priority for item in processors._priority if item.name == "inline")
    processors.register(GatedInlineProcessor(md), "inline", priority)
    return processors


_original = core.build_treeprocessors


def gated() -> AbstractContextManager[None]:
    """Markdown instances made inside this use `GatedInlineProcessor`."""
    return replaced((core, "build_treeprocessors", _build_treeprocessors))
