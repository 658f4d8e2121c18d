"""The schema reference page's wording: each field of a record as an editor needs it, in plain English."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel

from .registry import json_schema
from .values import ID_PATTERN


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


def _takes(node: dict[str, Any], definitions: dict[str, Any]) -> str:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return f"a {name} mapping" if "properties" in definitions.get(name, {}) else name
    if "enum" in node:
        return "one of " + ", ".join(str(v) for v in node["enum"])
    if "anyOf" in node:
        options = [_takes(option, definitions) for option in node["anyOf"] if option.get("type") != "null"]
        return " or ".join(dict.fromkeys(options))
    if node.get("type") == "array":
        return f"a list of {_takes(node.get('items', {}), definitions)}"
    if node.get("pattern") == ID_PATTERN:
        return "an id"
    if "examples" in node:
        return "text such as " + ", ".join(str(e) for e in node["examples"][:3])
    if node.get("format") == "uri":
        return "an http or https address"
    if node.get("format") == "date":
        return "a date (YYYY-MM-DD)"
    kinds = node.get("type", "text")
    return {"string": "text", "boolean": "true or false"}.get(kinds if isinstance(kinds, str) else "string", "text")
