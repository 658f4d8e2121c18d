"""The schema reference page's wording: each field of a record as an editor needs it, in plain English."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, TypeAdapter

from .registry import json_schema
from .values import ID_PATTERN, Day, Language, Number, ReportedText, TimeText, TimeZone, When


@cache
def reference(model: type[BaseModel]) -> list[dict[str, Any]]:
    """Each field of a record as an editor needs it: key, what it takes, required, what it is for."""
    schema = json_schema(model)
    definitions = schema.get("$defs", {})
    rows = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        rows.append(
            {
                "key": key,
                "takes": _takes(schema["properties"][key], definitions),
                "required": info.is_required(),
                "about": info.description or "",
            }
        )
    return rows


# What a value of each of these types takes, as one value and as the items of a list. A field's schema
# node is matched against the type's own schema, so the words follow the type wherever it is used.
_WORDS: tuple[tuple[Any, str, str], ...] = (
    (
        When,
        "a date: 2021-08-13, 2021-08, 2021 or a range 2021-08-12/2021-08-13, with a trailing ~ when approximate",
        "dates such as 2021-08-13, 2021-08 or 2021-08-12/2021-08-13",
    ),
    (Day, "a date (YYYY-MM-DD)", "dates (YYYY-MM-DD)"),
    (
        ReportedText,
        "a date, optionally with a time or a part of the day: 2021-08-13, 2021-08-13 22:30, 2021-08-13 night",
        "dates, each optionally with a time",
    ),
    (
        TimeText,
        "a time (22:30, on a 24-hour clock) or a part of the day: early-morning, morning, midday, afternoon,"
        " evening, night",
        "times or parts of the day",
    ),
    (TimeZone, "a time zone such as Asia/Kabul or UTC", "time zones such as Asia/Kabul or UTC"),
    (Number, "a number such as 3000, 3,000 or 1.5 million", "numbers such as 3000, 3,000 or 1.5 million"),
    (Language, "a language code such as en, ps or fa-AF", "language codes such as en, ps or fa-AF"),
)
# What a field adds to its type's schema: left out when matching.
_ANNOTATIONS = frozenset({"title", "description", "default"})


def _bare(node: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in node.items() if key not in _ANNOTATIONS}


@cache
def _known() -> list[tuple[dict[str, Any], str, str]]:
    return [(_bare(TypeAdapter(kind).json_schema()), one, many) for kind, one, many in _WORDS]


def _takes(node: dict[str, Any], definitions: dict[str, Any], many: bool = False) -> str:
    """What a schema node takes, in words: as one value, or (`many`) as the items of a list."""
    bare = _bare(node)
    for schema, one, several in _known():
        if bare == schema:
            return several if many else one
    if "$ref" in node:
        name: str = node["$ref"].rsplit("/", 1)[-1]
        if "properties" not in definitions.get(name, {}):
            return name
        if many:
            return f"{name} mappings"
        return f"{'an' if name[0] in 'AEIOU' else 'a'} {name} mapping"
    if "enum" in node:
        choices = ", ".join(str(value) for value in node["enum"])
        return f"words from {choices}" if many else f"one of {choices}"
    if "anyOf" in node:
        options = [option for option in node["anyOf"] if option.get("type") != "null"]
        # A list that may also be written as one of its items (a status history) reads as the list alone.
        lists = [_bare(option.get("items", {})) for option in options if option.get("type") == "array"]
        options = [option for option in options if _bare(option) not in lists]
        words = list(dict.fromkeys(_takes(option, definitions, many) for option in options))
        return (", or " if any("," in word for word in words) else " or ").join(words)
    if node.get("type") == "array":
        return f"a list of {_takes(node.get('items', {}), definitions, many=True)}"
    if node.get("pattern") == ID_PATTERN:
        return "ids" if many else "an id"
    if "examples" in node:
        examples = ", ".join(str(e) for e in node["examples"][:3])
        return f"texts such as {examples}" if many else f"text such as {examples}"
    if node.get("format") == "uri":
        return "http or https addresses" if many else "an http or https address"
    if node.get("type") == "boolean":
        return "true or false values" if many else "true or false"
    return "texts" if many else "text"
