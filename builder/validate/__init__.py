"""Validation: find every record file, check each against the schema, then across records.

Every check runs and every problem is collected; the caller fails once, with all of them. The
checks live beside this: `schema` (each file on its own), `references` (ids and references across
records), `rules` (the editorial rules of each record on its own) and `across` (the editorial rules
that compare a record with others: when it became known, who held a place, what a figure revises).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from .. import model
from ..cache import ParseCache
from ..discover import SITE_FILE, RecordFile, display_link, display_root, find_files
from ..load import paused_gc
from ..model import Repository
from ..problems import DataError, Problem, problem
from ..read import read_all
from .loaded import Facts, Failed, Loaded, Remembered
from .references import MAX_SUGGESTIONS, MAX_SUGGESTIONS_PER_FILE, link
from .rules import Today, editorial, today_in
from .schema import MAX_PROBLEMS_PER_FILE, check_record, check_schema

__all__ = [
    "MAX_PROBLEMS_PER_FILE",
    "MAX_SUGGESTIONS",
    "MAX_SUGGESTIONS_PER_FILE",
    "Facts",
    "Failed",
    "Loaded",
    "Remembered",
    "Today",
    "check_record",
    "check_schema",
    "site_today",
    "today_in",
    "validate",
]

# The name the fuzz tests know it by.
_check_schema = check_schema


def validate(
    root: Path,
    parsed: ParseCache | None = None,
    memory: Remembered | None = None,
    *,
    now: datetime | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Repository:
    """Load and check every record under `root`; raise DataError with every problem found.

    With a parse cache, files whose bytes loaded cleanly before are not parsed again; with a memory
    of earlier builds in this process, files whose bytes passed the schema before are not even read.
    Records may not be dated after today in the site's time zone at `now` (by default, the present).
    `meanwhile` runs while the files are parsed on the other cores.
    """
    if root.is_symlink():
        # Everything under a linked data folder lives elsewhere: none of it is read.
        raise DataError([problem("linked-folder", display_link(root), 1, 1, name=root.name)])
    with paused_gc():
        return _validate(root, parsed or ParseCache(), memory, now, meanwhile)


def site_today(root: Path, now: datetime | None = None) -> Today:
    """Today at `now` in the time zone of `root`'s site.yaml; in UTC when it gives none or has problems."""
    site, _ = _check_site(root, ParseCache(), None)
    return Today(today_in(site.time_zone, now), site.time_zone)


def _validate(
    root: Path,
    parsed: ParseCache,
    memory: Remembered | None,
    now: datetime | None,
    meanwhile: Callable[[], None] | None = None,
) -> Repository:
    files, problems = find_files(root)
    loaded, failed, found = _check_files(files, parsed, memory, meanwhile)
    problems.extend(found)
    site, found = _check_site(root, parsed, memory)
    problems.extend(found)
    repository, found = link(site, loaded, failed, memory)
    problems.extend(found)
    today = Today(today_in(site.time_zone, now), site.time_zone)
    problems.extend(editorial(loaded, repository, today, memory))
    if problems:
        raise DataError(problems)
    return repository


def _check_files(
    files: list[RecordFile],
    parsed: ParseCache,
    memory: Remembered | None,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[list[Loaded], list[Failed], list[Problem]]:
    """The records that passed the schema, the files that did not, and the problems."""
    problems: list[Problem] = []
    loaded: list[Loaded] = []
    # Files that exist but failed still count: their own problems are reported, and references to
    # them should not add a misleading "no such id".
    failed: list[Failed] = []
    known: dict[str, tuple[str, Loaded | None]] = {
        file.display: memory.record(file.path, file.display) if memory else ("", None) for file in files
    }
    unknown = [(Path(file.path), file.display) for file in files if known[file.display][1] is None]
    reading = time.time_ns()
    documents = dict(zip([display for _, display in unknown], read_all(unknown, parsed, meanwhile), strict=True))
    if memory:
        for path, display in unknown:
            if documents[display][2]:
                memory.note(path, documents[display][2], reading)
    for kind, _, display, stem in files:
        digest, remembered = known[display]
        if remembered is not None:
            parsed.put(digest, remembered.doc.data)
            loaded.append(remembered)
            continue
        doc, found, read = documents[display]
        problems.extend(found)
        if doc is None:
            failed.append(Failed(kind, stem, display, None))
            continue
        record, found = check_record(kind, stem, doc)
        problems.extend(found)
        if record is None:
            failed.append(Failed(kind, stem, display, doc.data))
        else:
            loaded.append(Loaded(kind, stem, record, doc))
            # Only a record with no problem of its own is remembered: a remembered one is not checked again.
            if memory and read and not found:
                memory.remember(display, read, loaded[-1])
    if memory:
        memory.keep_only({file.display for file in files})
    return loaded, failed, problems


def _check_site(root: Path, parsed: ParseCache, memory: Remembered | None) -> tuple[model.Site, list[Problem]]:
    """The site's settings from `site.yaml`, or the defaults when there is none or it has problems."""
    site_file = root / SITE_FILE
    if not site_file.is_file():
        return model.Site(), []
    reading = time.time_ns()
    [(doc, problems, digest)] = read_all([(site_file, f"{display_root(root)}/{SITE_FILE}")], parsed)
    if memory and digest:
        memory.note(site_file, digest, reading)
    if doc is None:
        return model.Site(), problems
    checked, found = check_schema("site", model.Site, doc)
    return checked if isinstance(checked, model.Site) else model.Site(), problems + found
