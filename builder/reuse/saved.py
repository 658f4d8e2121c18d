"""What a one-off build keeps of its pages for the next one, so that an edit renders only what it touches.

The preview remembers its pages in memory (`Memory`), where it knows records by object identity. A
one-off build (`make site`, or CI with the cache restored) starts from nothing, and without this
would render every page of a large site again after a one-word edit. So each one-off build saves,
signed with the site's key in its cache folder (`cache`):

- the digest of the file each record was made from (a record is made from its own file alone, by
  `validate`; a figure, from its event's file), and of `site.yaml`;
- for each page: its template, a fingerprint of its context (`Fingerprints`: every value by type
  and value, a record by its file's digest), the ids of the records it read while rendering
  (`tracking.Tracked`), and the digest of its text.

The next one-off build of the same builder takes a page's text from the generated folder, checked
against that digest, when its template and context fingerprint are the same and none of the records
it read changed; any other page is rendered. That is the rule the preview's memory follows
(`Rendered.holds`), with digests standing for object identity, so a kept page is exactly what
rendering it again would give (tests/test_saved.py compares with fresh builds after each kind of edit).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
import types
from collections.abc import Callable
from datetime import date, datetime
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .. import cache, parallel
from ..model import COLLECTIONS, Repository
from ..render import Later, Pages, engine
from ..render import render as render_stage
from ..render.engine import Job
from .tracking import page_and_reads, touched

FILE = "pages.json"
FORMAT = "briefings saved pages 1"
SITE = "site"
# Values printed as they are: the type's name and `repr` tell them apart (1 from True, '1.0' from '1.00').
_PLAIN = (str, int, bool, float, Decimal, date, datetime, clock, type(None))
_PREFIXES: dict[type, str] = {}
# A fingerprint longer than this is replaced by its digest, so that containers hold short parts.
_SHORT = 80


class Fingerprints:
    """A text for each value such that two values with the same text render alike, or None when unsure.

    A record of the repository stands for its file's digest; other objects are read field by field.
    Objects of kinds it does not know (anything but plain values, containers, pydantic models,
    dataclasses and `Later`) have no fingerprint, and a page whose context holds one is always
    rendered. Each object is read once per build: it is kept alive meanwhile, so its id stays its own.
    """

    def __init__(self, records: dict[int, tuple[object, str]]) -> None:
        self._known: dict[int, tuple[object, str | None]] = dict(records)

    def __call__(self, value: Any) -> str | None:
        kind = type(value)
        prefix = _PREFIXES.get(kind)
        if prefix is None and isinstance(value, _PLAIN):
            # A kind of plain value (Markup is a str): printed with its own name.
            prefix = _PREFIXES[kind] = _prefix(kind)
        if prefix is not None:
            return prefix + repr(value)
        known = self._known.get(id(value))
        if known is not None:
            return known[1]
        made = self._made(kind, value)
        if made is not None and len(made) > _SHORT:
            made = hashlib.sha256(made.encode("utf-8", "surrogateescape")).hexdigest()
        self._known[id(value)] = (value, made)
        return made

    def _made(self, kind: type, value: Any) -> str | None:
        if kind is list or kind is tuple:
            if all(type(item) is str for item in value):
                # Lists of ids, the commonest value, in one step.
                return f"{kind.__name__} of str[{','.join(map(repr, value))}]"
            return self._joined(kind.__name__, value)
        if kind is dict:
            return self._joined("dict", [part for pair in value.items() for part in pair])
        if kind is set or kind is frozenset:
            parts = [self(item) for item in value]
            return None if None in parts else f"{kind.__name__}[{','.join(sorted(map(str, parts)))}]"
        if isinstance(value, BaseModel) or (dataclasses.is_dataclass(value) and hasattr(value, "__dict__")):
            return self._joined(_name(kind), [part for pair in vars(value).items() for part in pair])
        if dataclasses.is_dataclass(value):
            fields = [part for field in dataclasses.fields(value) for part in (field.name, getattr(value, field.name))]
            return self._joined(_name(kind), fields)
        if isinstance(value, Later) and _named(value.function):
            return self._joined(f"Later {_name(value.function)}", value.arguments)
        return None

    def _joined(self, name: str, items: Any) -> str | None:
        parts = []
        for item in items:
            part = self(item)
            if part is None:
                return None
            parts.append(part)
        return f"{name}[{','.join(parts)}]"


def _prefix(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}:"


_PREFIXES.update((kind, _prefix(kind)) for kind in _PLAIN)


def _named(function: Any) -> bool:
    """Whether `function` is told by its name alone: a module's function or class, or a built-in.

    Not a closure, a lambda or a partial: two of those with one name may do different things.
    """
    if isinstance(function, types.BuiltinFunctionType):
        # `len`, not a method bound to some object (`{...}.get`), which its name does not tell.
        return isinstance(getattr(function, "__self__", None), types.ModuleType)
    if not isinstance(function, (types.FunctionType, type)) or "<" in function.__qualname__:
        return False
    return getattr(function, "__closure__", None) is None


def _name(thing: Any) -> str:
    return f"{thing.__module__}.{thing.__qualname__}"


def record_digests(repository: Repository, files: dict[tuple[str, str], str], site: str) -> dict[str, dict[str, str]]:
    """The digest of what each record was made from, by collection and id; `site` for site.yaml.

    `files` holds the digest of each record file by (kind, id). A record without one gets a digest
    that matches nothing, so the pages that read it are always rendered.
    """
    digests: dict[str, dict[str, str]] = {}
    for name in COLLECTIONS:
        if name == "figures":
            digests[name] = {
                key: f"{event} {files.get(('events', event), os.urandom(8).hex())}"
                for key, (event, _figure) in repository.figures.items()
            }
        else:
            found = repository.records(name)
            digests[name] = {key: files.get((name, key)) or os.urandom(8).hex() for key in found}
    digests[SITE] = {"": site}
    return digests


def render(
    repository: Repository,
    data_folder: str,
    state: Path,
    made_by: str,
    files: dict[tuple[str, str], str],
    site: str,
    build: Path | None,
    workers: int | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Pages:
    """`render.render`, taking from `build` (the generated folder's current build) the pages the
    last one-off build saved that no change touched, and saving this build's for the next.

    `files` and `site` are the digests of the record files and of site.yaml (`record_digests`).
    `meanwhile` runs in this process while the other cores render.
    """
    path = state / FILE
    now = record_digests(repository, files, site)
    saved = cache.read_signed(path, FORMAT, state)
    if saved is None or saved.get("made_by") != made_by or build is None:
        saved = {"records": {}, "pages": {}}
    before: dict[str, dict[str, str]] = saved.get("records") or {}
    changed = {name: _differ(before.get(name), digests) for name, digests in now.items()}
    record_of = {
        id(record): (record, f"record {name} {key} {now[name][key]}")
        for name in COLLECTIONS
        if name != "figures"
        for key, record in repository.records(name).items()
    }
    fingerprints = Fingerprints(record_of)
    pages: dict[str, Any] = {}

    def run(
        repository: Repository, jobs: list[Job], workers: int | None, meanwhile: Callable[[], None]
    ) -> dict[str, bytes]:
        old = saved.get("pages") or {}
        templates = engine.templates({job.template for job in jobs})

        def work(job: Job) -> tuple[bytes, dict[str, Any] | None]:
            """The page's bytes and what to save of it; run on every core, each with its own fingerprints.

            Bytes, not text: they cross from the other cores as they are, and are written as they are.
            """
            context = fingerprints(job.context)
            kept = old.get(job.path)
            data = _kept(kept, job, context, changed, build) if context is not None else None
            if data is not None:
                return data, kept
            text, reads = page_and_reads(templates[job.template], job, repository)
            data = text.encode("utf-8")
            if context is None:
                return data, None
            listed = {name: sorted(keys) for name, keys in reads.items()}
            entry = {"template": job.template, "context": context, "reads": listed, "text": _digest(data)}
            return data, entry

        texts: dict[str, bytes] = {}
        for job, (data, entry) in zip(jobs, parallel.split_map(work, jobs, workers, meanwhile), strict=True):
            texts[job.path] = data
            if entry is not None:
                pages[job.path] = entry
        return texts

    rendered = render_stage(repository, data_folder, workers, run=run, meanwhile=meanwhile)
    cache.write_signed(path, FORMAT, state, {"made_by": made_by, "records": now, "pages": pages})
    return rendered


def _differ(before: dict[str, str] | None, now: dict[str, str]) -> set[str] | None:
    """The ids added, removed or made from other bytes; None when nothing was saved (all differ)."""
    if not isinstance(before, dict):
        return None
    return {key for key, digest in now.items() if before.get(key) != digest} | (before.keys() - now.keys())


def _kept(kept: Any, job: Job, context: str, changed: dict[str, set[str] | None], build: Path | None) -> bytes | None:
    """The saved bytes of `job`'s page, when they still hold and the current build has them unchanged."""
    if not isinstance(kept, dict) or kept.get("template") != job.template or kept.get("context") != context:
        return None
    reads = kept.get("reads")
    if not isinstance(reads, dict) or touched(reads, changed):
        return None
    return _read(build, job.path, kept.get("text")) if build is not None else None


def _read(build: Path, relative: str, digest: object) -> bytes | None:
    """The bytes of the plain file `relative` in `build`, if their digest is `digest`: the digest of a page this
    builder encoded, so they are that page's UTF-8."""
    path = build / relative
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return data if _digest(data) == digest else None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
