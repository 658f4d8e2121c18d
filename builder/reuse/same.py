"""When two values would render alike: the same object, or equal in value and in type."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from datetime import time as clock
from decimal import Decimal
from operator import is_
from typing import Any

from pydantic import BaseModel

from ..render import Later

_VALUES = (str, int, bool, date, datetime, clock, type(None))
_PLAIN = frozenset(_VALUES)


def same(a: Any, b: Any) -> bool:
    """Whether two values would render identically: the same object, or equal in value and in type.

    Stricter than `==`, which calls 1 and True, '&' and Markup('&'), Decimal('1.0') and
    Decimal('1.00') equal though each prints differently. Unknown types are never the same.
    """
    return Same()(a, b)


class Same:
    """`same`, remembering its answer for each pair of containers it compared.

    One build's pages share values (the palette, a briefing's holdings in two places): with one
    `Same` for the build, each pair is walked once. Both objects of a pair stay alive meanwhile,
    so their ids cannot be reused for others.
    """

    def __init__(self) -> None:
        self._known: dict[tuple[int, int], bool] = {}

    def __call__(self, a: Any, b: Any) -> bool:
        if a is b:
            return True
        kind = type(a)
        if kind is not type(b):
            return False
        if isinstance(a, _VALUES):
            # Of one type (so Markup only ever matches Markup), equal values print alike.
            return bool(a == b)
        if kind is Decimal or kind is float:
            return repr(a) == repr(b)
        if kind is set or kind is frozenset:
            return bool(a == b) and _PLAIN.issuperset(map(type, a)) and _PLAIN.issuperset(map(type, b))
        pair = (id(a), id(b))
        known = self._known.get(pair)
        if known is None:
            known = self._known[pair] = self._compare(kind, a, b)
        return known

    def _compare(self, kind: type, a: Any, b: Any) -> bool:
        if kind is list or kind is tuple:
            if len(a) != len(b):
                return False
            # Values built from unchanged records usually hold the very same objects.
            if all(map(is_, a, b)):
                return True
            types = list(map(type, a))
            if types != list(map(type, b)):
                return False
            # Plain values of the same types are the same when equal: compared in one go, not one by one.
            return bool(a == b) if _PLAIN.issuperset(types) else all(map(self, a, b))
        if kind is dict:
            # The value lists are made here and die here: compared without a memo entry, which
            # another list could meet again at the same address.
            return list(a) == list(b) and self._compare(list, list(a.values()), list(b.values()))
        if isinstance(a, BaseModel) or (dataclasses.is_dataclass(a) and hasattr(a, "__dict__")):
            # Fields in one order for one type: their values compare as a list, in one step.
            mine, theirs = a.__dict__, b.__dict__
            return mine.keys() == theirs.keys() and self._compare(list, list(mine.values()), list(theirs.values()))
        if dataclasses.is_dataclass(a):
            return all(self(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
        if isinstance(a, Later):
            return a.function is b.function and self(a.arguments, b.arguments)
        return False
