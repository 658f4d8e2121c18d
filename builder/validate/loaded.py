"""A record that passed the schema, and what validation asks of a memory of earlier builds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from ..load import Document
from ..model import Loc, Strict


@dataclass(frozen=True)
class Loaded:
    """A record that passed the schema: its kind (folder), id, typed record and source document."""

    kind: str
    id: str
    record: Strict
    doc: Document


@dataclass(frozen=True)
class Failed:
    """A record file that did not pass the schema: kind (folder), id, path as problems name it, data if it loaded."""

    kind: str
    id: str
    path: str
    data: dict[str, Any] | None


class Facts(Protocol):
    """What validation learned about one remembered record on its own, kept for the next build."""

    references: list[tuple[Loc, str, str]] | None
    """Every id it refers to: (where, kind, id); None until worked out."""
    clean_on: date | None
    """The day its own editorial rules last found nothing (some depend on the date)."""


class Remembered(Protocol):
    """A memory of earlier builds in this process: records that validated, by each file's bytes.

    `validate` works the same without one; with one, an unchanged file is neither read nor checked again.
    """

    def record(self, path: str, display: str, /) -> tuple[str, Loaded | None]:
        """The file's digest, and the record it validated to when it had these bytes, if it did."""
        ...

    def note(self, path: Path, digest: str, read_since: int, /) -> None:
        """The digest of the bytes read from `path`; `read_since` is a `time.time_ns()` from before reading."""
        ...

    def remember(self, display: str, digest: str, loaded: Loaded, /) -> None:
        """The record the file named `display` validated to with the bytes of `digest`, with no problem."""
        ...

    def facts(self, loaded: Loaded, /) -> Facts | None:
        """What validation found out about a remembered record on its own; None if not remembered."""
        ...

    def keep_only(self, displays: set[str], /) -> None:
        """Forget the records of files not named in `displays`."""
        ...
