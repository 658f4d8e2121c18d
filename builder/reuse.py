"""What a long-lived builder (the preview) remembers between builds, so a rebuild redoes only what an edit touched.

Each memory is checked before it is trusted:

- file digests by `stat`, as git's index does: a file is hashed again when its size, inode or times
  changed, or when it changed so soon before it was read that a later edit could keep its time;
- validated records by file digest, with what validation learned from each alone (`Facts`): an
  unchanged file is neither read, parsed nor checked again;
- the derived editions, changes and holdings, while the records they depend on are the same;
- rendered pages with what they were made from: their template, their context and the ids of
  every record they read while rendering. A page is reused only when its context is the same
  objects or equal in value and type, and none of the records it read changed, so a reused page is
  exactly what rendering it again would give;
- each record's part of the big export files (`Pieces`), while the record is the same object;
- what the writer last wrote (`write.Written`), and the parse cache, kept open.

A one-off build (`make site`, CI) starts with an empty memory and simply does all the work.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as clock
from decimal import Decimal
from operator import is_
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pydantic import BaseModel

from . import derive, parallel
from .cache import ParseCache
from .model import COLLECTIONS, Repository
from .render import Pages, engine
from .render import render as render_stage
from .render.engine import Job, Later
from .write import Written

if TYPE_CHECKING:
    from .validate import Loaded

# A file changed this close before it was hashed may change again without its time moving on.
_RACY_NS = 2_000_000_000
_COLLECTIONS = COLLECTIONS
_VALUES = (str, int, bool, date, datetime, clock, type(None))
_PLAIN = frozenset(_VALUES)
Piece = TypeVar("Piece")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""What a read found where there was no record: distinct from every value."""
EVERY = "*"
"""The key of a read of a whole collection (iterating it, or its size)."""


def same(a: Any, b: Any) -> bool:
    """Whether two values would render identically: the same object, or equal in value and in type.

    Stricter than `==`, which calls 1 and True, '&' and Markup('&'), Decimal('1.0') and
    Decimal('1.00') equal though each prints differently. Unknown types are never the same.
    """
    return Same()(a, b)


class Same:
    """`same`, remembering its answer for each pair of containers it compared.

    One build's pages share values (the palette, a briefing's holdings in two places): with one
    `Same` for the build, each pair is walked once. Both objects of a pair stay alive meanwhile,
    so their ids cannot be reused for others.
    """

    def __init__(self) -> None:
        self._known: dict[tuple[int, int], bool] = {}

    def __call__(self, a: Any, b: Any) -> bool:
        if a is b:
            return True
        kind = type(a)
        if kind is not type(b):
            return False
        if isinstance(a, _VALUES):
            # Of one type (so Markup only ever matches Markup), equal values print alike.
            return bool(a == b)
        if kind is Decimal or kind is float:
            return repr(a) == repr(b)
        if kind is set or kind is frozenset:
            return bool(a == b) and _PLAIN.issuperset(map(type, a)) and _PLAIN.issuperset(map(type, b))
        pair = (id(a), id(b))
        known = self._known.get(pair)
        if known is None:
            known = self._known[pair] = self._compare(kind, a, b)
        return known

    def _compare(self, kind: type, a: Any, b: Any) -> bool:
        if kind is list or kind is tuple:
            if len(a) != len(b):
                return False
            # Values built from unchanged records usually hold the very same objects.
            if all(map(is_, a, b)):
                return True
            types = list(map(type, a))
            if types != list(map(type, b)):
                return False
            # Plain values of the same types are the same when equal: compared in one go, not one by one.
            return bool(a == b) if _PLAIN.issuperset(types) else all(map(self, a, b))
        if kind is dict:
            # The value lists are made here and die here: compared without a memo entry, which
            # another list could meet again at the same address.
            return list(a) == list(b) and self._compare(list, list(a.values()), list(b.values()))
        if isinstance(a, BaseModel) or (dataclasses.is_dataclass(a) and hasattr(a, "__dict__")):
            # Fields in one order for one type: their values compare as a list, in one step.
            mine, theirs = a.__dict__, b.__dict__
            return mine.keys() == theirs.keys() and self._compare(list, list(mine.values()), list(theirs.values()))
        if dataclasses.is_dataclass(a):
            return all(self(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
        if isinstance(a, Later):
            return a.function is b.function and self(a.arguments, b.arguments)
        return False


# --- what a page reads --------------------------------------------------------------------------

Reads = dict[str, set[str]]
"""The ids a page looked up, by collection ('site' for the site settings); EVERY for a whole collection."""


class _Collection(Mapping[str, Any]):
    """A read-only view of one of the repository's collections that notes each lookup."""

    def __init__(self, records: dict[str, Any], noted: set[str]) -> None:
        self._records, self._noted = records, noted

    def __getitem__(self, key: str) -> Any:
        self._noted.add(key)
        return self._records[key]

    def get(self, key: str, default: Any = None) -> Any:
        self._noted.add(key)
        return self._records.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._noted.add(str(key))
        return key in self._records

    def __iter__(self) -> Iterator[str]:
        self._noted.add(EVERY)
        return iter(self._records)

    def __len__(self) -> int:
        self._noted.add(EVERY)
        return len(self._records)


class Tracked:
    """The repository as one page sees it: the same records, with every lookup noted in `reads`."""

    def __init__(self, repository: Repository) -> None:
        self.reads: Reads = {name: set() for name in (*_COLLECTIONS, "site")}
        self._site = repository.site
        for name in _COLLECTIONS:
            setattr(self, name, _Collection(getattr(repository, name), self.reads[name]))

    @property
    def site(self) -> Any:
        self.reads["site"].add("")
        return self._site

    def records(self, folder: str) -> Any:
        return getattr(self, folder)

    def repository(self) -> Repository:
        # Typed as the repository it stands for: templates and views read it through the same attributes.
        return cast(Repository, self)


def changed(before: Repository, after: Repository) -> dict[str, set[str]]:
    """The ids of the records added, removed or different in `after`, by collection ('site': {''} or {})."""
    moved: dict[str, set[str]] = {}
    for name in _COLLECTIONS:
        old, new = getattr(before, name), getattr(after, name)
        # Records an unchanged file validated to are the very same objects: only the others are compared.
        differ = {key for key, record in new.items() if old.get(key, MISSING) is not record}
        moved[name] = {key for key in differ if not same(old.get(key, MISSING), new[key])} | (old.keys() - new.keys())
    moved["site"] = set() if same(before.site, after.site) else {""}
    return moved


@dataclass
class Rendered:
    """A page as rendered, and everything it was rendered from."""

    template: str
    context: dict[str, Any]
    reads: dict[str, frozenset[str]]
    text: str

    def holds(self, template: str, context: dict[str, Any], moved: dict[str, set[str]], alike: Same) -> bool:
        """Whether rendering `template` with `context` now, after `changed` records `moved`, gives this text."""
        if self.template != template or not alike(self.context, context):
            return False
        for where, keys in self.reads.items():
            differ = moved[where]
            if differ and (EVERY in keys or not keys.isdisjoint(differ)):
                return False
        return True


def derived(repository: Repository, memory: Memory, changed_records: dict[str, set[str]] | None) -> derive.Derived:
    """`derive.derived(repository)`, taken from `memory` when nothing it depends on has changed.

    `changed_records` holds the records `changed` since `memory.rendered_from`.
    """
    kept = memory.derived
    current = kept and changed_records is not None and kept[0] is memory.rendered_from
    if kept and current and changed_records is not None and _derives_alike(kept[0], repository, changed_records):
        # As right for this repository as for the one it was made from: the next build compares with this one.
        fresh = kept[1]
    else:
        fresh = derive.derived(repository)
    memory.derived = (repository, fresh)
    return fresh


def render(memory: Memory, repository: Repository, data_folder: str, workers: int | None = None) -> Pages:
    """`render.render`, reusing the derived data, the pages and the export pieces that no change touched.

    The memory is then updated to this build.
    """
    before = memory.rendered_from
    changed_records = changed(before, repository) if before is not None else None

    def run(
        repository: Repository, jobs: list[Job], workers: int | None, meanwhile: Callable[[], None]
    ) -> dict[str, str]:
        return _run(memory, repository, jobs, changed_records, workers, meanwhile)

    pages = render_stage(repository, data_folder, workers, derived=derived(repository, memory, changed_records),
                         run=run, pieces=memory.pieces)  # fmt: skip
    memory.pieces.done()
    memory.rendered_from = repository
    return pages


def _run(
    memory: Memory,
    repository: Repository,
    jobs: list[Job],
    changed_records: dict[str, set[str]] | None,
    workers: int | None,
    meanwhile: Callable[[], None],
) -> dict[str, str]:
    """The text of each job's page, taken from `memory` when it still holds, else rendered and remembered."""
    texts: dict[str, str] = {}
    todo = []
    remembered = memory.pages
    alike = Same()
    for job in jobs:
        kept = remembered.get(job.path) if changed_records is not None else None
        if (
            kept is not None
            and changed_records is not None
            and kept.holds(job.template, job.context, changed_records, alike)
        ):
            texts[job.path] = kept.text
        else:
            todo.append(job)
    templates = engine.templates({job.template for job in todo})

    def work(job: Job) -> tuple[str, Reads]:
        tracked = Tracked(repository)
        return engine.page(templates[job.template], job.path, tracked.repository(), job.context), tracked.reads

    for job, (text, reads) in zip(todo, parallel.split_map(work, todo, workers, meanwhile), strict=True):
        texts[job.path] = text
        found = {where: frozenset(keys) for where, keys in reads.items() if keys}
        remembered[job.path] = Rendered(job.template, job.context, found, text)
    for path in set(remembered) - {job.path for job in jobs}:
        del remembered[path]
    return texts


def _derives_alike(before: Repository, after: Repository, moved: dict[str, set[str]]) -> bool:
    """Whether no briefing or quote moved, and every event that did kept its `derive.DERIVED_FROM` fields."""
    if moved["briefings"] or moved["quotes"]:
        return False
    for key in moved["events"]:
        old, new = before.events.get(key), after.events.get(key)
        if old is None or new is None or not all(same(getattr(old, f), getattr(new, f)) for f in derive.DERIVED_FROM):
            return False
    return True


class Pieces:
    """Parts of the exports made from one record each, kept while the record is the same object."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str, int], tuple[object, Any]] = {}
        self._used: dict[tuple[str, str, int], tuple[object, Any]] = {}

    def of(self, part: str, record_id: str, record: object, make: Callable[[str, Any], Piece]) -> Piece:
        """`make(record_id, record)`, made again only when the record is not the object it was made from."""
        key = (part, record_id, id(record))
        kept = self._kept.get(key)
        # The record is held with its piece, so its id cannot pass to another object meanwhile.
        value: Piece = kept[1] if kept is not None and kept[0] is record else make(record_id, record)
        self._used[key] = (record, value)
        return value

    def done(self) -> None:
        """End of a build: keep only what this build used."""
        self._kept, self._used = self._used, {}


@dataclass
class Facts:
    """What validation learns from one record alone, so an unchanged record is not looked at again."""

    references: list[tuple[Any, str, str]] | None = None
    """Every id it refers to: (where, kind, id)."""
    clean_on: Any = None
    """The day its own editorial rules last found nothing (some depend on the date)."""


def _identity(status: os.stat_result) -> tuple[int, int, int, int]:
    return status.st_mtime_ns, status.st_size, status.st_ino, status.st_ctime_ns


class Memory:
    """Everything one builder process remembers from its previous builds; see the module's docstring."""

    def __init__(self, lasting: bool = True) -> None:
        self.lasting = lasting
        """False for a one-off build's memory, which need not keep `stat` results for a next build."""
        self._digests: dict[str, tuple[tuple[int, int, int, int], str]] = {}
        self._noted: dict[str, str] = {}
        self.revision = 0
        """Counts the notes that changed a digest this build had already seen or hashed."""
        self._records: dict[str, tuple[str, Loaded]] = {}
        self._facts: dict[str, Facts] = {}
        self.pages: dict[str, Rendered] = {}
        self.rendered_from: Repository | None = None
        """The repository every page in `pages` is right for."""
        self.pieces = Pieces()
        self.derived: tuple[Repository, derive.Derived] | None = None
        """What the last derivation was made from, and what it gave."""
        self.written = Written()
        self.parsed: ParseCache | None = None
        """The parse cache, open across builds; saved by `close`, or by a build that opened it."""
        self.made_by = ""
        """The digest of the builder that rendered `pages`: a different builder renders differently."""

    def begin(self) -> None:
        """Start a build; call before each. Digests noted during the last build are forgotten, since
        the files may have changed since; those known by `stat` stay."""
        self._noted.clear()

    def note(self, path: str | Path, digest: str, read_since: int) -> None:
        """The digest of bytes this build read from `path` anyway, so it is not read again for the stamp.

        `read_since` is a `time.time_ns()` from before the bytes were read: a file changed after
        that may hold other bytes than `digest`, so its `stat` is not kept with it.
        """
        name = os.path.normpath(path)
        if self._noted.get(name) != digest:
            self.revision += 1
        self._noted[name] = digest
        if self.lasting:
            self._remember_digest(name, os.stat(name), digest, read_since)

    def digest(self, path: str | Path) -> str:
        """The SHA-256 of a file's bytes: as noted in this build, else as last hashed when `stat` says
        the file is unchanged, else hashed now."""
        name = os.path.normpath(path)
        noted = self._noted.get(name)
        if noted is not None:
            return noted
        status = os.stat(name)
        known = self._digests.get(name)
        if known and known[0] == _identity(status):
            self._noted[name] = known[1]
            return known[1]
        with open(name, "rb") as stream:
            digest = hashlib.file_digest(stream, "sha256").hexdigest()
        # `status` is from before the read: a change after it makes the next `stat` differ.
        self._remember_digest(name, status, digest, time.time_ns())
        self._noted[name] = digest
        return digest

    def _remember_digest(self, name: str, status: os.stat_result, digest: str, read_at: int) -> None:
        # A file changed this close to its reading could change again without its times moving on.
        if max(status.st_mtime_ns, status.st_ctime_ns) < read_at - _RACY_NS:
            self._digests[name] = (_identity(status), digest)
        else:
            self._digests.pop(name, None)

    def close(self) -> None:
        """Save what later builds added to the parse cache, for the next process."""
        if self.parsed is not None:
            self.parsed.save()

    def made_by_builder(self, made_by: str) -> None:
        """Forget the pages and export pieces of another builder (its templates, say, have changed since)."""
        if made_by != self.made_by:
            self.pages.clear()
            self.rendered_from = None
            self.derived = None
            self.pieces = Pieces()
            self.made_by = made_by

    def record(self, path: str | Path, shown: str) -> tuple[str, Loaded | None]:
        """The file's digest, and the record it validated to when it had these bytes, if it did.

        A file with no record remembered is not hashed here: loading it hashes its bytes anyway.
        """
        known = self._records.get(shown)
        if known is None:
            return "", None
        try:
            digest = self.digest(path)
        except OSError:
            # Reading it again reports why it cannot be read.
            return "", None
        return digest, known[1] if known[0] == digest else None

    def remember(self, shown: str, digest: str, loaded: Loaded) -> None:
        # A one-off build's memory dies with the build: holding every document till then costs memory.
        if self.lasting:
            self._records[shown] = (digest, loaded)
            self._facts.pop(shown, None)

    def facts(self, loaded: Loaded) -> Facts | None:
        """What validation found out about a remembered record on its own, kept with it; None if not remembered."""
        known = self._records.get(loaded.doc.path)
        if known is None or known[1] is not loaded:
            return None
        return self._facts.setdefault(loaded.doc.path, Facts())

    def keep_only(self, shown: set[str]) -> None:
        """Forget records of files that are gone, so a deleted and re-added file is read again."""
        for name in set(self._records) - shown:
            del self._records[name]
            self._facts.pop(name, None)
