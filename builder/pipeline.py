"""The build, stage by stage: load and validate, then (once everything is valid) render and write."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from . import cache
from .load import paused_gc
from .model import KINDS, Repository, Site, json_schema
from .render import render
from .reuse import Memory
from .validate import validate
from .write import write

SCHEMA_DIR = Path("schemas")
DOCS = Path("docs")
GENERATED = "generated"


class BuildError(Exception):
    """A build that cannot go ahead for a reason other than the data (which raises DataError)."""


def check(data: Path, parsed: cache.ParseCache | None = None, memory: Memory | None = None) -> Repository:
    """Load and validate every record under `data`; raises DataError listing every problem."""
    return validate(data, parsed, memory)


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


def build(data: Path, docs: Path = DOCS, memory: Memory | None = None) -> tuple[int, bool]:
    """Validate, render and write the site's pages into `docs/generated`.

    Returns the number of generated pages and whether anything changed on disk. When nothing that
    goes into the pages has changed since the last build, returns at once and writes nothing.
    Raises DataError before anything is written when the data has problems. A process that builds
    again and again (the preview) passes the same `memory` each time, and each build redoes only
    what changed since the one before.
    """
    with paused_gc():
        return _build(data, docs, memory)


def _build(data: Path, docs: Path, memory: Memory | None) -> tuple[int, bool]:
    target = docs / GENERATED
    state = cache.folder(docs)
    stamp_file = state / cache.STAMP
    # A one-off build still notes the digests of what it reads, so the stamp does not read it twice.
    lasting, memory = memory is not None, memory or Memory(lasting=False)
    memory.begin()
    made_by = builder_stamp(memory)
    previous = cache.read_stamp(stamp_file)
    current = target.resolve() if target.is_symlink() else None
    # A memory that holds no build yet is filled by a full one, so the next edit finds it warm.
    warm = not lasting or memory.made_by == made_by
    # Only when there is a build that could be current is it worth hashing the inputs first.
    last = previous if warm and current and current.is_dir() else None
    upfront = input_stamp(data, docs, made_by, memory) if last else None
    seen = memory.revision
    if last and current and (last["inputs"], last["build"]) == (upfront, current.name):
        return int(str(last["pages"])), False
    opened = not (lasting and memory.parsed)
    parsed = cache.ParseCache.open(state / cache.PARSED) if opened else memory.parsed or cache.ParseCache()
    parsed.begin()
    memory.made_by_builder(made_by)
    try:
        repository = check(data, parsed, memory)
    finally:
        # Files that loaded cleanly are worth keeping even when others have problems. A lasting
        # memory keeps the cache open and saves it when its process is done (`Memory.close`).
        if opened:
            parsed.save()
        if lasting:
            memory.parsed = parsed
    # A one-off build is done with the loaded data: the memory is better spent on rendering.
    del parsed
    # After validation, which noted the digest of every record file it read: those are not read again,
    # and when none differed from what the first stamp saw, that stamp stands.
    inputs = upfront if upfront and memory.revision == seen else input_stamp(data, docs, made_by, memory)
    pages_by_hand = handwritten(docs)
    folder = data.as_posix() if not data.is_absolute() else data.name
    pages = render(repository, data_folder=folder, memory=memory if lasting else None)
    clashes = sorted(set(pages) & set(pages_by_hand))
    if clashes:
        raise BuildError(f"docs/{clashes[0]} is hand-written but the builder generates that page; rename it")
    changed = write({**pages_by_hand, **pages}, target, memory.written if lasting else None)
    cache.write_stamp(stamp_file, {"inputs": inputs, "build": target.resolve().name, "pages": len(pages)})
    return len(pages), changed


def builder_stamp(memory: Memory) -> str:
    """A digest of the builder's code and templates: a different builder makes different pages."""
    return _digest([(Path(__file__).parent, "builder")], memory)


def input_stamp(data: Path, docs: Path, made_by: str, memory: Memory) -> str:
    """A digest of everything the pages are made from: the data, the hand-written pages, the builder."""
    return _digest([(data, "data"), (docs, "docs")], memory, made_by)


def _digest(roots: list[tuple[Path, str]], memory: Memory, start: str = "") -> str:
    digest = hashlib.sha256(start.encode())
    for root, name in roots:
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = sorted(
                d for d in subfolders if not d.startswith(".") and d not in (GENERATED, "__pycache__")
            )
            # Plain strings, not Path objects: this runs over every file on every build.
            relative = os.path.relpath(folder, root).replace(os.sep, "/")
            for file in sorted(files):
                if file.startswith(".") or file.endswith(".pyc"):
                    continue
                path = os.path.join(folder, file)
                digest.update(f"{name}/{relative}/{file}\0{memory.digest(path)}\0".encode())
    return digest.hexdigest()
