"""Everything one builder process remembers from its previous builds."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .. import derive
from ..cache import ParseCache
from ..model import Repository
from ..write import Written
from .tracking import Rendered

if TYPE_CHECKING:
    from ..validate import Loaded

# A file changed this close before it was hashed may change again without its time moving on.
_RACY_NS = 2_000_000_000
Piece = TypeVar("Piece")


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
        self.revision_at_begin = 0
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

    def begin(self) -> Memory:
        """Start a build; call before each. Digests noted during the last build are forgotten, since
        the files may have changed since; those known by `stat` stay. Returns the memory, whose
        digests the build's stamps use."""
        self._noted.clear()
        self.revision_at_begin = self.revision
        return self

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

    def record(self, path: str | Path, display: str) -> tuple[str, Loaded | None]:
        """The file's digest, and the record it validated to when it had these bytes, if it did.

        A file with no record remembered is not hashed here: loading it hashes its bytes anyway.
        """
        known = self._records.get(display)
        if known is None:
            return "", None
        try:
            digest = self.digest(path)
        except OSError:
            # Reading it again reports why it cannot be read.
            return "", None
        return digest, known[1] if known[0] == digest else None

    def remember(self, display: str, digest: str, loaded: Loaded) -> None:
        # A one-off build's memory dies with the build: holding every document till then costs memory.
        if self.lasting:
            self._records[display] = (digest, loaded)
            self._facts.pop(display, None)

    def facts(self, loaded: Loaded) -> Facts | None:
        """What validation found out about a remembered record on its own, kept with it; None if not remembered."""
        known = self._records.get(loaded.doc.path)
        if known is None or known[1] is not loaded:
            return None
        return self._facts.setdefault(loaded.doc.path, Facts())

    def keep_only(self, display: set[str]) -> None:
        """Forget records of files that are gone, so a deleted and re-added file is read again."""
        for name in set(self._records) - display:
            del self._records[name]
            self._facts.pop(name, None)
