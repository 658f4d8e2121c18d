"""Stubs for new records: the required fields of a kind, from the model, ready to fill in."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from .model import KINDS, FuzzyDate, is_slug, registered


def stub(kind: str, today: date) -> str:
    """The text of a new record of `kind`: a schema modeline, then one line per field to fill.

    A list that may stay empty is written `[]`; one whose default is not empty (an event's status, by default
    `reported`) is left blank, so that `check` asks for it rather than the stub writing an empty history.
    """
    declared = registered(kind)
    lines = [f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json"]
    for name, field in declared.model.model_fields.items():
        key = field.alias or name
        if not field.is_required() and name not in declared.suggested:
            continue
        if field.is_required() and field.annotation in (FuzzyDate, date):
            lines.append(f"{key}: {today.isoformat()}")
        elif "list" in repr(field.annotation) and field.get_default(call_default_factory=True) == []:
            lines.append(f"{key}: []")
        else:
            lines.append(f"{key}:")
    return "\n".join(lines) + "\n"


class ScaffoldError(Exception):
    """A stub that cannot be written: a bad id, or a file that already exists."""


def write_stub(data: Path, kind: str, record_id: str, today: date) -> Path:
    """Write a new record's stub to `data/kind/record_id.yaml`; never overwrites.

    Its required dates are `today`, but a briefing named for a day (2021-08-20, 2021-08-20-evening) is as of that day.
    """
    if kind not in KINDS:
        raise ScaffoldError(f"unknown kind '{kind}': use one of {', '.join(KINDS)}")
    if not is_slug(record_id):
        raise ScaffoldError(f"'{record_id}' is not a valid id: lowercase letters, digits and single hyphens")
    target = data / kind / f"{record_id}.yaml"
    if target.exists():
        raise ScaffoldError(f"{target} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as stream:
        stream.write(stub(kind, _day(kind, record_id) or today))
    return target


# `check` holds a briefing named for a day to that day (briefing-date): its stub starts there.
_NAMED_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(kind: str, record_id: str) -> date | None:
    """The day a new briefing is named for, if it is named for one."""
    named = _NAMED_DAY.match(record_id) if kind == "briefings" else None
    try:
        return date.fromisoformat(named.group()) if named else None
    except ValueError:
        return None
