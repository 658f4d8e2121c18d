"""Python-Markdown's list of block-level tags, asked about with a set.

`Markdown.is_block_level` looks a tag up in `md.block_level_elements`, a list of some sixty names,
and the tree processors that tidy and read attributes ask it of every element: a list scan each
time, a few per cent of a page's Markdown time. Extensions add to that list, so it stays a list:
`Listed` is one whose membership test reads a set kept in step with every change made through the
list's methods. An extension that puts a new list in its place gets the usual behaviour.

`listed` gives it to the Markdown instances made inside it (tests/test_blocklevel.py).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from markdown import blockparser, core  # type: ignore[import-untyped]

from .patch import replaced


class Listed(list):  # type: ignore[type-arg]
    """A list whose `in` reads a set of its items, rebuilt after each change; a plain list's when unhashable."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._refresh()

    def _refresh(self) -> None:
        try:
            self._members: frozenset[Any] | None = frozenset(self)
        except TypeError:
            self._members = None

    def __contains__(self, item: object) -> bool:
        members = self._members
        if members is not None:
            try:
                return item in members
            except TypeError:
                pass
        return list.__contains__(self, item)


def _changing(name: str) -> Callable[..., Any]:
    original = getattr(list, name)

    def change(self: Listed, *args: Any) -> Any:
        result = original(self, *args)
        self._refresh()
        return self if result is self else result

    change.__name__ = name
    return change


for _name in (
    "append",
    "extend",
    "insert",
    "remove",
    "pop",
    "clear",
    "__setitem__",
    "__delitem__",
    "__iadd__",
    "__imul__",
):
    setattr(Listed, _name, _changing(_name))


def _build_block_parser(md: Any, **kwargs: Any) -> blockparser.BlockParser:
    # Called by `Markdown.build_parser`, after the list is made and before any extension changes it.
    md.block_level_elements = Listed(md.block_level_elements)
    return _original(md, **kwargs)


_original = core.build_block_parser


def listed() -> AbstractContextManager[None]:
    """Markdown instances made inside this keep their block-level tags in a `Listed`."""
    return replaced((core, "build_block_parser", _build_block_parser))
