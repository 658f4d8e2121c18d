"""The build, stage by stage: load and validate, then (once everything is valid) render and write."""

from __future__ import annotations

import json
from pathlib import Path

from .model import KINDS, Repository, Site, json_schema
from .validate import validate

SCHEMA_DIR = Path("schemas")


def check(data: Path) -> Repository:
    """Load and validate every record under `data`; raises DataError listing every problem."""
    return validate(data)


def schemas() -> dict[str, str]:
    """The JSON Schema of each kind of file, as {file name: JSON text}."""
    documents = {f"{kind}.schema.json": json_schema(model) for kind, model in KINDS.items()}
    documents["site.schema.json"] = json_schema(Site)
    return {name: json.dumps(schema, indent=2, ensure_ascii=False) + "\n" for name, schema in documents.items()}
