"""The build, stage by stage: load and validate, then (once everything is valid) render and write."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from . import cache, handwritten, reuse, stamp
from .discover import SITE_FILE
from .load import paused_gc
from .model import KINDS, Repository, Site, json_schema, kinds
from .render.engine import compile_templates
from .reuse import Memory, saved
from .validate import Remembered, validate
from .write import ahead, current_build, intact, write

SCHEMA_DIR = Path("schemas")
DOCS = Path("docs")
GENERATED = handwritten.GENERATED


def check(
    data: Path,
    parsed: cache.ParseCache | None = None,
    memory: Remembered | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Repository:
    """Load and validate every record under `data`; raises DataError listing every problem.

    `meanwhile` runs while the files are parsed on the other cores.
    """
    return validate(data, parsed, memory, meanwhile=meanwhile)


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
        target, state = docs / GENERATED, cache.folder(docs)
        # Refused here, before any work, when the generated folder or its store is not the writer's own.
        current = current_build(target)
        digests = memory.begin() if memory else stamp.Hashed()
        made_by = stamp.builder(digests)
        last = _last_build(state, current, memory, made_by)
        inputs = stamp.inputs(data, docs, made_by, digests) if last else ""
        written = memory.written if memory else None
        if current and last and (last["inputs"], last["build"]) == (inputs, current.name) and intact(current, written):
            return int(str(last["pages"])), False
        # A build from nothing creates every file: a helper makes them ahead while this one checks and derives.
        with ahead(target) if current is None and memory is None else nullcontext() as made:
            repository, save_parsed = _validate(data, state, memory or digests, made_by)
            if made:
                made.expect(*_likely_files(repository))
            folder = data.as_posix() if not data.is_absolute() else data.name
            if memory:
                pages = reuse.render(memory, repository, folder)
            else:
                assert isinstance(digests, stamp.Hashed) and save_parsed is not None
                site = data / SITE_FILE
                made_from = digests.digest(str(site)) if site.is_file() and not site.is_symlink() else "none"
                try:
                    pages = saved.render(
                        repository, folder, state, made_by, digests.records, made_from, current, meanwhile=save_parsed
                    )
                finally:
                    save_parsed()  # now, if the render ended before it ran alongside
            by_hand = handwritten.read(docs)
            handwritten.refuse_clashes(list(by_hand), sorted(pages), docs)
            changed = write({**by_hand, **pages}, target, written, made)
        # Validation noted the digest of each record file it read: when one differed from the first stamp's,
        # the inputs are hashed anew.
        if not inputs or (memory and memory.revision != memory.revision_at_begin):
            inputs = stamp.inputs(data, docs, made_by, digests)
        if live := current_build(target):
            cache.write_stamp(state / cache.STAMP, {"inputs": inputs, "build": live.name, "pages": len(pages)})
        return len(pages), changed


def _once(action: Callable[[], None]) -> Callable[[], None]:
    """`action`, done by the first call only."""
    pending = [action]

    def run() -> None:
        while pending:
            pending.pop()()

    return run


def _likely_files(repository: Repository) -> tuple[int, int]:
    """About how many files and folders a site of these records has, before its pages are planned.

    A guess, for the files made ahead (`reserve`): about one page for every few records, and a
    folder for every few pages; the writer asks for the exact numbers once it has the pages.
    """
    records = sum(len(repository.records(kind.folder)) for kind in kinds())
    return records // 4 + 64, records // 32 + 8


def _last_build(state: Path, current: Path | None, memory: Memory | None, made_by: str) -> dict[str, object] | None:
    """The stamp of the last build, when it could be current.

    A memory that holds no build of this builder yet is filled by a full build, so the next edit finds it warm.
    """
    if current is None or (memory is not None and memory.made_by != made_by):
        return None
    return cache.read_stamp(state / cache.STAMP)


def _validate(
    data: Path, state: Path, memory: Memory | stamp.Hashed, made_by: str
) -> tuple[Repository, Callable[[], None] | None]:
    """`check` with the parse cache: the preview's memory keeps it open across builds, a one-off build saves it.

    A one-off build's `stamp.Hashed` takes the digest of every file validation reads, for the stamp.
    When the data is valid, a one-off build gets the cache's save back, to run while its pages render.
    """
    lasting = memory if isinstance(memory, Memory) else None
    kept = lasting.parsed if lasting else None
    parsed = kept or cache.ParseCache.open(state / cache.PARSED)
    parsed.begin()
    if lasting:
        lasting.made_by_builder(made_by)
    try:
        # The templates are compiled while the other cores parse the files: the render needs them.
        repository = check(data, parsed, memory, meanwhile=compile_templates)
    except BaseException:
        # Files that loaded cleanly are worth keeping even when others have problems.
        if kept is None:
            parsed.save()
        raise
    finally:
        if lasting:
            lasting.parsed = parsed
    if lasting is None:
        return repository, _once(parsed.save)
    if kept is None:
        parsed.save()
    return repository, None
