"""The build, stage by stage: load and validate, then (once everything is valid) render and write."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from . import cache, handwritten, reuse
from .load import paused_gc
from .model import KINDS, Repository, Site, json_schema
from .render import render
from .reuse import Memory
from .validate import validate
from .write import current_build, intact, write

SCHEMA_DIR = Path("schemas")
DOCS = Path("docs")
GENERATED = handwritten.GENERATED


def check(data: Path, parsed: cache.ParseCache | None = None, memory: Memory | None = None) -> Repository:
    """Load and validate every record under `data`; raises DataError listing every problem."""
    return validate(data, parsed, memory)


def schemas() -> dict[str, str]:
    """The JSON Schema of each kind of file, as {file name: JSON text}."""
    documents = {f"{kind}.schema.json": json_schema(model) for kind, model in KINDS.items()}
    documents["site.schema.json"] = json_schema(Site)
    return {name: json.dumps(schema, indent=2, ensure_ascii=False) + "\n" for name, schema in documents.items()}


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
    # Refused here, before any work, when the generated folder or its store is not the writer's own.
    current = current_build(target)
    # A memory that holds no build yet is filled by a full one, so the next edit finds it warm.
    warm = not lasting or memory.made_by == made_by
    # Only when there is a build that could be current is it worth hashing the inputs first.
    last = previous if warm and current else None
    upfront = input_stamp(data, docs, made_by, memory) if last else None
    seen = memory.revision
    written = memory.written if lasting else None
    # Unchanged only if nobody edited, added or removed a generated file since it was written.
    if last and current and (last["inputs"], last["build"]) == (upfront, current.name) and intact(current, written):
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
    pages_by_hand = handwritten.read(docs)
    folder = data.as_posix() if not data.is_absolute() else data.name
    pages = reuse.render(memory, repository, folder) if lasting else render(repository, folder)
    handwritten.refuse_clashes(list(pages_by_hand), sorted(pages), docs)
    changed = write({**pages_by_hand, **pages}, target, written)
    live = current_build(target)
    if live is not None:
        cache.write_stamp(stamp_file, {"inputs": inputs, "build": live.name, "pages": len(pages)})
    return len(pages), changed


def builder_stamp(memory: Memory) -> str:
    """A digest of the builder's code and templates and of the libraries it runs on: a different
    builder, or the same one on another version of a library, may make different pages."""
    return _digest([(Path(__file__).parent, "builder")], memory, _libraries())


# Whatever shapes the pages or the site made of them: loading, validation, templates, escaping, MkDocs.
_LIBRARIES = ("pyyaml", "pydantic", "pydantic-core", "jinja2", "markupsafe", "markdown", "mkdocs", "mkdocs-material")


@functools.cache
def _libraries() -> str:
    """The versions of Python, of each library in _LIBRARIES and of libyaml; looked up once per process."""
    versions = [f"python {platform.python_version()}"]
    for name in _LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} absent")
    try:
        from yaml import _yaml

        versions.append(f"libyaml {_yaml.get_version_string()}")
    except ImportError:
        versions.append("libyaml absent")
    return "\n".join(versions)


def input_stamp(data: Path, docs: Path, made_by: str, memory: Memory) -> str:
    """A digest of everything the pages are made from: the data, the hand-written pages, the builder."""
    return _digest([(data, "data"), (docs, "docs")], memory, made_by)


def _digest(roots: list[tuple[Path, str]], memory: Memory, start: str = "") -> str:
    digest = hashlib.sha256(start.encode())
    for root, name in roots:
        for relative, path, plain in _files(str(root), GENERATED if name == "docs" else ""):
            try:
                # A link or a special file is never read (it may be a pipe, or endless): the build refuses it.
                seen = memory.digest(path) if plain else "not a plain file"
            except OSError as error:
                seen = f"unreadable: {error.strerror}"
            # Names that are not UTF-8 are digested as their bytes; the build reports them.
            digest.update(f"{name}/{relative}\0{seen}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _files(root: str, skipped: str) -> Iterator[tuple[str, str, bool]]:
    """(relative path, path, whether it is a plain file) for everything but folders under `root`.

    Hidden names, compiled Python and the top-level folder `skipped` are left out; the order is stable.
    """
    folders = [("", root)]
    while folders:
        prefix, folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                # Plain strings, not Path objects: this runs over every file on every build.
                entries = sorted((entry.name, entry) for entry in listing)
        except OSError:
            yield prefix, folder, False
            continue
        for name, entry in entries:
            if name.startswith(".") or name.endswith(".pyc") or name in ("__pycache__", "" if prefix else skipped):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append((f"{prefix}{name}/", entry.path))
            else:
                yield f"{prefix}{name}", entry.path, entry.is_file(follow_symlinks=False)
