"""The build, stage by stage: load and validate, then (once everything is valid) render and write."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .model import KINDS, Repository, Site, json_schema
from .render import render
from .validate import validate
from .write import write

SCHEMA_DIR = Path("schemas")
DOCS = Path("docs")
GENERATED = "generated"


class BuildError(Exception):
    """A build that cannot go ahead for a reason other than the data (which raises DataError)."""


def check(data: Path) -> Repository:
    """Load and validate every record under `data`; raises DataError listing every problem."""
    return validate(data)


def schemas() -> dict[str, str]:
    """The JSON Schema of each kind of file, as {file name: JSON text}."""
    documents = {f"{kind}.schema.json": json_schema(model) for kind, model in KINDS.items()}
    documents["site.schema.json"] = json_schema(Site)
    return {name: json.dumps(schema, indent=2, ensure_ascii=False) + "\n" for name, schema in documents.items()}


def handwritten(docs: Path) -> dict[str, bytes]:
    """The hand-written pages and assets under `docs`, which the site serves beside the generated ones."""
    found = {}
    for folder, subfolders, names in os.walk(docs):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and Path(folder, d) != docs / GENERATED)
        for name in sorted(names):
            path = Path(folder, name)
            if not name.startswith(".") and path != docs / GENERATED:
                found[path.relative_to(docs).as_posix()] = path.read_bytes()
    return found


def build(data: Path, docs: Path = DOCS) -> tuple[Repository, int, bool]:
    """Validate, render and write the site's pages into `docs/generated`.

    Returns the repository, the number of pages, and whether anything changed on disk.
    Raises DataError before anything is written when the data has problems.
    """
    repository = check(data)
    pages_by_hand = handwritten(docs)
    folder = data.as_posix() if not data.is_absolute() else data.name
    pages = render(repository, data_folder=folder)
    clashes = sorted(set(pages) & set(pages_by_hand))
    if clashes:
        raise BuildError(f"docs/{clashes[0]} is hand-written but the builder generates that page; rename it")
    changed = write({**pages_by_hand, **pages}, docs / GENERATED)
    return repository, len(pages), changed
