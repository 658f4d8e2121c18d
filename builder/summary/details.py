"""What changed within one record, as the summary tells it: one line per field, in the words editors use."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import TypeVar

from pydantic import BaseModel

from .. import escape
from ..model import ControlChange, Event, Figure, Quote, StatusStep, Strict
from ..model.records import is_internal
from ..render import format_figure

# Text fields too long to print in a one-line change; they are named, not shown. Internal fields are only
# named too: the summary is posted where the repository's readers may see it, and the diff shows the text.
_LONG_TEXT = frozenset({"summary", "note", "text"})
# Lists of sentences, diffed item by item and shown by their start.
_TEXT_LISTS = {"highlights": "highlight", "watch": "watch item"}
_SHORT = 80


def label(record: Strict | None) -> str:
    """What a record is, after its id: a title, a name, or who said what."""
    if isinstance(record, Quote):
        if record.kind == "paraphrase":
            return f"— {inert(record.speaker)}, paraphrased: {inert(_start(record.text))}"
        return f"— {inert(record.speaker)}: “{inert(_start(record.text))}”"
    for name in ("title", "name"):
        value = getattr(record, name, None)
        if value:
            return f"— {inert(value)}"
    return ""


def describe(old: Strict, new: Strict) -> list[str]:
    """What changed from `old` to `new`, one Markdown line each."""
    if isinstance(old, Event) and isinstance(new, Event):
        details = _fields(old, new, skip={"status", "control", "figures"})
        details += _status("status", old.status, new.status)
        details += _controls(old.control, new.control)
        details += _figures(old.figures, new.figures)
        return details
    return _fields(old, new)


def _fields(old: BaseModel, new: BaseModel, skip: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """One line per changed field, in the model's order, named as editors write them."""
    details: list[str] = []
    for name, info in type(new).model_fields.items():
        before, after = getattr(old, name), getattr(new, name)
        if name in skip or before == after:
            continue
        field = info.alias or name
        if isinstance(before, list) and isinstance(after, list):
            details += _list_change(field, before, after)
        elif isinstance(before, BaseModel) and isinstance(after, BaseModel):
            inner = [name for name in type(after).model_fields if getattr(before, name) != getattr(after, name)]
            details.append(f"{field} changed ({', '.join(inner)})")
        elif field in _LONG_TEXT or is_internal(info) or isinstance(before, BaseModel) or isinstance(after, BaseModel):
            verb = "added" if before is None else "removed" if after is None else "changed"
            details.append(f"{field} {verb}")
        else:
            details.append(f"{field}: {inert(_start(_value(before)))} → {inert(_start(_value(after)))}")
    return details


def _list_change(field: str, before: list[object], after: list[object]) -> list[str]:
    if field in _TEXT_LISTS:
        return _sentences(_TEXT_LISTS[field], [str(item) for item in before], [str(item) for item in after])
    if not all(isinstance(item, str) for item in [*before, *after]):
        return [f"{field} changed"]
    added = [item for item in after if item not in before]
    removed = [item for item in before if item not in after]
    parts = []
    if added:
        parts.append("added " + ", ".join(inert(item) for item in added))
    if removed:
        parts.append("removed " + ", ".join(inert(item) for item in removed))
    return [f"{field}: {'; '.join(parts) if parts else 'reordered'}"]


def _sentences(noun: str, before: list[str], after: list[str]) -> list[str]:
    """Added, removed and reworded items of a list of sentences, each shown by its start."""
    details: list[str] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        reworded = min(i2 - i1, j2 - j1) if op == "replace" else 0
        details += [f"{noun} changed: “{inert(_start(item))}”" for item in after[j1 : j1 + reworded]]
        details += [f"{noun} added: “{inert(_start(item))}”" for item in after[j1 + reworded : j2]]
        details += [f"{noun} removed: “{inert(_start(item))}”" for item in before[i1 + reworded : i2]]
    return details


# --- events: status, control, figures --------------------------------------------------------


def _step(step: StatusStep) -> str:
    return f"{inert(step.status)} by {inert(step.by)}" if step.by else inert(step.status)


def _status(field: str, before: list[StatusStep], after: list[StatusStep]) -> list[str]:
    """'status: claimed by taliban → confirmed', or that the history changed with the status as it was."""
    if before == after:
        return []
    if not before or not after or _step(before[-1]) != _step(after[-1]):
        was = _step(before[-1]) if before else "none"
        now = _step(after[-1]) if after else "none"
        return [f"{field}: {was} → {now}"]
    return [f"{field} history changed (still {_step(after[-1])})"]


def _movement(change: ControlChange) -> str:
    if change.how == "held":
        return f"held by {inert(change.to)}"
    if change.from_:
        return f"{inert(change.from_)} → {inert(change.to)}"
    return f"to {inert(change.to)}"


def _by_place(changes: list[ControlChange]) -> dict[tuple[str, int], ControlChange]:
    """Control changes keyed by place and by order among those of the same place."""
    keyed: dict[tuple[str, int], ControlChange] = {}
    for change in changes:
        count = sum(place == change.place for place, _ in keyed)
        keyed[(change.place, count)] = change
    return keyed


K = TypeVar("K", str, tuple[str, int])
V = TypeVar("V", bound=Strict)


def _differing(old: dict[K, V], new: dict[K, V]) -> Iterator[tuple[V | None, V | None]]:
    """(before, after) for every key whose item was added, removed or changed, in key order."""
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key), new.get(key)
        if was != now:
            yield was, now


def _other_fields(model: type[Strict], was: Strict, now: Strict, described: set[str]) -> list[str]:
    """The names, as written in the file, of the fields not already described that differ."""
    return [
        info.alias or name
        for name, info in model.model_fields.items()
        if name not in described and getattr(was, name) != getattr(now, name)
    ]


def _controls(before: list[ControlChange], after: list[ControlChange]) -> list[str]:
    details: list[str] = []
    for was, now in _differing(_by_place(before), _by_place(after)):
        if was is None and now is not None:
            how = "" if now.how == "held" else f", {inert(now.how)}"
            details.append(f"added control of {inert(now.place)}: {_movement(now)}{how} ({_step(now.status[-1])})")
        elif now is None and was is not None:
            details.append(f"removed control of {inert(was.place)}: {_movement(was)}")
        elif was is not None and now is not None:
            parts = []
            if _movement(was) != _movement(now):
                parts.append(f"was {_movement(was)}")
            if was.how != now.how:
                parts.append(f"how: {inert(was.how)} → {inert(now.how)}")
            parts += _status("status", was.status, now.status)
            rest = _other_fields(ControlChange, was, now, {"place", "from_", "to", "how", "status"})
            if rest:
                parts.append(f"{', '.join(rest)} changed")
            details.append(f"control of {inert(now.place)}: {_movement(now)}; {'; '.join(parts)}")
    return details


def _amount(figure: Figure) -> str:
    return inert(format_figure(figure))


def _figures(before: list[Figure], after: list[Figure]) -> list[str]:
    details: list[str] = []
    for was, now in _differing({f.id: f for f in before}, {f.id: f for f in after}):
        if was is None and now is not None:
            details.append(f"figure added: {inert(now.id)}, {inert(_start(now.label))}: {_amount(now)}")
        elif now is None and was is not None:
            details.append(f"figure removed: {inert(was.id)}, {inert(_start(was.label))}: {_amount(was)}")
        elif was is not None and now is not None:
            parts = []
            if _amount(was) != _amount(now):
                parts.append(f"{_amount(was)} → {_amount(now)}")
            rest = _other_fields(Figure, was, now, {"value", "low", "best", "high", "qualifier", "unit"})
            if rest:
                parts.append(f"{', '.join(rest)} changed")
            details.append(f"figure changed: {inert(now.id)}, {'; '.join(parts) or 'amount changed'}")
    return details


# --- values as text --------------------------------------------------------------------------


def _value(value: object) -> str:
    """A field's value as an editor would write it in the file."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value.normalize(), ",f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)  # text, a literal, a FuzzyDate or TimeOfDay (which print as written)


def _start(text: str, limit: int = _SHORT) -> str:
    """The first words of `text`, up to about `limit` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] or flat[:limit]
    return cut.rstrip(" ,;:.") + "…"


def inert(value: object) -> str:
    """`value` made inert for Markdown and HTML, as a plain string (a Markup would escape what is added to it)."""
    return str(escape.text(value))
