"""Each file on its own against its kind's schema: pydantic's errors as problems an editor can act on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from typing import Any

from pydantic import ValidationError

from .. import model
from ..load import Document
from ..model import KINDS, SINGULAR, STATUSES, Loc, Strict
from ..problems import TEMPLATES, Problem, did_you_mean, problem

MAX_PROBLEMS_PER_FILE = 50


def check_record(kind: str, stem: str, doc: Document) -> tuple[Strict | None, list[Problem]]:
    """Check one loaded file against its kind's schema and the id rule."""
    problems = []
    if not model.is_slug(stem):
        problems.append(problem("invalid-id", doc.path, 1, 1, value=stem))
    elif reason := model.reserved(stem):
        problems.append(problem("reserved-id", doc.path, 1, 1, value=stem, reason=reason))
    if "id" in doc.data and kind != "figures":
        problems.append(
            doc.problem(
                "invalid-value",
                ("id",),
                at_key=True,
                reason="a record's id is its file name; remove 'id' or rename the file",
            )
        )
        # The rest of the record is checked as if 'id' were gone: its other problems show in the same run.
        doc = replace(doc, data={key: value for key, value in doc.data.items() if key != "id"})
    record, found = check_schema(kind, KINDS[kind], doc)
    return record, problems + found


def check_schema(kind: str, cls: type[Strict], doc: Document) -> tuple[Strict | None, list[Problem]]:
    """`doc` as a `cls` (the kind `kind`, or the site), or None and the first MAX_PROBLEMS_PER_FILE problems."""
    try:
        return cls.model_validate(doc.data), []
    except ValidationError as error:
        # A file with hundreds of mistakes is one mistake repeated: report the first ones.
        details = error.errors(include_url=False)[:MAX_PROBLEMS_PER_FILE]
        found = [_schema_problem(kind, cls, doc, detail) for detail in details]
        # 'titel' is reported as unknown with "did you mean 'title'?": not also as a missing 'title'.
        suggested = {m.group(1) for p in found if p.code == "unknown-key" for m in [_MEANT.search(p.message)] if m}
        return None, [p for p in found if not (p.code == "missing-field" and _missing_key(p) in suggested)]


_MEANT = re.compile(r"did you mean '([^']+)'\?")


def _missing_key(found: Problem) -> str:
    return found.message.split("needs '", 1)[-1].split("'", 1)[0]


def _schema_problem(kind: str, cls: type[Strict], doc: Document, detail: Any) -> Problem:
    loc: Loc = tuple(detail["loc"])
    kind_of_error: str = detail["type"]
    context: dict[str, Any] = dict(detail.get("ctx") or {})
    value = detail.get("input")
    key = _key_name(loc, kind)
    choices = _choices(kind_of_error, context)
    blank = value is None or (bool(choices) and isinstance(value, str) and not value.strip())
    if kind_of_error == "too_short":
        what = f"a status word (one of {', '.join(STATUSES)}) or its steps" if key == "status" else "at least one item"
        return doc.problem("empty-text", loc, key=key, what=what)
    if (blank and kind_of_error != "missing") or kind_of_error == "empty-text":
        # `key:` with nothing after it, on a field that needs a value; for a choice, say what it may be.
        what = f"one of {', '.join(choices)}" if choices else "its value"
        return doc.problem("empty-text", loc, key=key, what=what)
    if isinstance(value, list | dict) and kind_of_error in _VALUE_CODES:
        return doc.problem("wrong-type", loc, key=key, expected="a single value", found=_found(value))
    if kind_of_error in TEMPLATES:
        return doc.problem(kind_of_error, loc, **{"key": key, **context})
    if kind_of_error == "missing":
        return doc.problem("missing-field", loc[:-1], key=key, where=_where(kind, loc[:-1]))
    if kind_of_error == "extra_forbidden":
        allowed = _allowed_keys(cls, loc[:-1])
        return doc.problem(
            "unknown-key", loc, at_key=True, key=key, where=_where(kind, loc[:-1]), suggestion=_key_hint(key, allowed)
        )
    if kind_of_error == "literal_error":
        text = value if isinstance(value, str) else _found(value)
        return doc.problem(
            "invalid-choice", loc, value=text, choices=", ".join(choices), suggestion=did_you_mean(str(text), choices)
        )
    if kind_of_error in {"bool_parsing", "bool_type"}:
        return doc.problem("invalid-choice", loc, value=value, choices="true, false", suggestion="")
    expected = {
        "string_type": "text",
        "list_type": "a list ('- item' lines, or [a, b])",
        "model_type": "a mapping of keys and values",
        "dict_type": "a mapping of keys and values",
        "model_attributes_type": "a mapping of keys and values",
    }.get(kind_of_error)
    if expected:
        return doc.problem("wrong-type", loc, key=key, expected=expected, found=_found(value))
    return doc.problem("invalid-value", loc, reason=f"'{key}': {detail['msg']}")


def _choices(kind_of_error: str, context: dict[str, Any]) -> list[str]:
    """The values a choice may take, or none when the error is not about a choice."""
    if kind_of_error == "literal_error":
        return re.findall(r"'([^']*)'", context.get("expected", ""))
    if kind_of_error in {"bool_parsing", "bool_type"}:
        return ["true", "false"]
    return []


# Codes about the form of one value: a list or mapping in their place is a different mistake.
_VALUE_CODES = {
    *("invalid-date", "invalid-reported", "invalid-time", "invalid-number", "invalid-url", "invalid-id"),
    *("invalid-language", "invalid-time-zone", "invalid-value", "literal_error", "bool_parsing", "bool_type"),
    *("string_type", "year-out-of-range", "range-too-long", "number-out-of-range", "reserved-id"),
}


def _key_name(loc: Loc, kind: str) -> str:
    if not loc:
        return kind
    if isinstance(loc[-1], int):
        parent = f" of '{loc[-2]}'" if len(loc) > 1 else ""
        return f"item {loc[-1] + 1}{parent}"
    return str(loc[-1])


def _found(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{value}'"


def _where(kind: str, loc: Loc) -> str:
    name = SINGULAR.get(kind, kind)
    if not loc:
        return f"this {name}"
    parts = [f"item {part + 1}" if isinstance(part, int) else f"'{part}'" for part in loc]
    return f"{' '.join(parts)} of this {name}"


def _key_hint(key: str, allowed: list[str]) -> str:
    if not allowed:
        return "; remove it"
    hint = did_you_mean(key, allowed)
    return hint or f"; allowed keys are {', '.join(allowed)}"


@cache
def _schema(cls: type[Strict]) -> dict[str, Any]:
    return model.json_schema(cls)


def _allowed_keys(cls: type[Strict], loc: Loc) -> list[str]:
    """The keys the schema allows at `loc`, found by walking the JSON Schema."""
    schema = _schema(cls)
    defs = schema.get("$defs", {})

    def objects(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        if "$ref" in node:
            yield from objects(defs[node["$ref"].rsplit("/", 1)[-1]])
        for option in node.get("anyOf", []):
            yield from objects(option)
        if "properties" in node or "items" in node:
            yield node

    current = [schema]
    for part in loc:
        following = []
        for node in current:
            for candidate in objects(node):
                if isinstance(part, int) and "items" in candidate:
                    following.append(candidate["items"])
                elif isinstance(part, str) and part in candidate.get("properties", {}):
                    following.append(candidate["properties"][part])
        current = following
    keys: list[str] = []
    for node in current:
        for candidate in objects(node):
            keys.extend(k for k in candidate.get("properties", {}) if k not in keys)
    return keys
