"""What a page reads while it renders, and which records changed between two repositories."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from jinja2 import Template

from ..model import COLLECTIONS, Repository
from ..render import engine
from ..render.engine import Job
from .same import Same, same

_COLLECTIONS = COLLECTIONS


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""What a read found where there was no record: distinct from every value."""
EVERY = "*"
"""The key of a read of a whole collection (iterating it, or its size)."""

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
    changed_records: dict[str, set[str]] = {}
    for name in _COLLECTIONS:
        old, new = getattr(before, name), getattr(after, name)
        # Records an unchanged file validated to are the very same objects: only the others are compared.
        differ = {key for key, record in new.items() if old.get(key, MISSING) is not record}
        changed_records[name] = {key for key in differ if not same(old.get(key, MISSING), new[key])} | (
            old.keys() - new.keys()
        )
    changed_records["site"] = set() if same(before.site, after.site) else {""}
    return changed_records


@dataclass
class Rendered:
    """A page as rendered, and everything it was rendered from."""

    template: str
    context: dict[str, Any]
    reads: dict[str, frozenset[str]]
    text: str

    def holds(self, template: str, context: dict[str, Any], changed_records: dict[str, set[str]], alike: Same) -> bool:
        """Whether rendering `template` with `context` now, after `changed_records` changed, gives this text."""
        return self.template == template and alike(self.context, context) and not touched(self.reads, changed_records)


def touched(reads: Mapping[str, Collection[str]], changed: Mapping[str, set[str] | None]) -> bool:
    """Whether a page that made `reads` read a record in `changed` (by collection; None: all of it changed).

    Reading a whole collection (EVERY) counts for any change in it; a collection `changed` does not
    name counts as changed.
    """
    for where, keys in reads.items():
        differ = changed.get(where)
        if differ is None or (differ and (EVERY in keys or not differ.isdisjoint(keys))):
            return True
    return False


def page_and_reads(template: Template, job: Job, repository: Repository) -> tuple[str, dict[str, set[str]]]:
    """`job`'s page rendered through a `Tracked` view of `repository`, and the ids it read, by collection."""
    tracked = Tracked(repository)
    text = engine.page(template, job.path, tracked.repository(), job.context)
    return text, {where: keys for where, keys in tracked.reads.items() if keys}
