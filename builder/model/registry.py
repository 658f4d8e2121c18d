"""The kinds of record, each declared once: its folder, its model, its stub and its page.

Whatever lists kinds reads this registry: validation (the folders that hold records), the JSON
Schemas and the editors' settings, `briefings new`, the exports, the schema reference page and the
preview's memory. `KINDS`, `SINGULAR` and `COLLECTIONS` are live views of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, KeysView, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from .records import Actor, Briefing, Event, Figure, Place, Quote, Site, Source, Strict
from .values import is_slug

FIGURES = "figures"
"""The collection of figures, which live inside events rather than in a folder of their own."""


@dataclass(frozen=True)
class Kind:
    """One kind of record file, and everything the builder needs to know about it."""

    folder: str
    """Where its files live in the data folder; also its collection, its schema file and its export file."""
    singular: str
    """One record of the kind, as messages and `briefings new` name it."""
    model: type[Strict]
    suggested: tuple[str, ...] = ()
    """Optional fields a new record's stub offers too, because nearly every record of the kind has them."""
    page: str | None = None
    """The template of a record's own page, `folder/id.md`, for a kind that has one."""
    templates: Path | None = None
    """The folder of its page template, when that is not among the builder's own templates."""


REGISTRY: dict[str, Kind] = {}
"""Every kind by folder, in the order the site lists them. Read it through the functions and views
here, which look it up at each call: a test may put a copy in its place for a while."""


def register(kind: Kind) -> Kind:
    """Add a kind of record after those registered already; refuses a name that is taken, and
    suggested fields its model lacks."""
    if not is_slug(kind.folder) or kind.folder in {*REGISTRY, FIGURES, "site"} or hasattr(Repository, kind.folder):
        raise ValueError(f"'{kind.folder}' cannot be the folder of a new kind of record")
    if kind.singular in SINGULAR.values():
        raise ValueError(f"'{kind.singular}' already names one record of another kind")
    unknown = [name for name in kind.suggested if name not in kind.model.model_fields]
    if unknown:
        raise ValueError(f"{kind.model.__name__} has no field {', '.join(unknown)} to suggest")
    REGISTRY[kind.folder] = kind
    return kind


def kinds() -> tuple[Kind, ...]:
    """Every kind, in order."""
    return tuple(REGISTRY.values())


def registered(folder: str) -> Kind:
    """The kind whose files live in `folder`; KeyError when there is none."""
    return REGISTRY[folder]


Value = TypeVar("Value")


class _View(Mapping[str, Value]):
    """Each kind's folder, to what `pick` takes from the kind; then the entries of `more`."""

    def __init__(self, pick: Callable[[Kind], Value], more: Mapping[str, Value] | None = None) -> None:
        self._pick, self._more = pick, dict(more or {})

    def __getitem__(self, folder: str) -> Value:
        kind = REGISTRY.get(folder)
        return self._more[folder] if kind is None else self._pick(kind)

    def __iter__(self) -> Iterator[str]:
        yield from REGISTRY
        yield from self._more

    def __len__(self) -> int:
        return len(REGISTRY) + len(self._more)


KINDS: Mapping[str, type[Strict]] = _View(lambda kind: kind.model)
"""Folder -> model, for every kind."""
SINGULAR: Mapping[str, str] = _View(lambda kind: kind.singular, {FIGURES: "figure"})
"""Collection -> one of its records, as messages name it: every kind's folder, and the figures."""
COLLECTIONS: KeysView[str] = SINGULAR.keys()
"""Every collection of records in a repository: each kind's folder, then the figures."""


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema editors use for one kind of record file."""
    schema = model.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


@dataclass(frozen=True, init=False, eq=False)
class Repository:
    """Every validated record, by kind and id, in id order: one attribute for each kind's folder.

    The built-in kinds are typed here; any kind is `records(folder)`.
    """

    site: Site
    sources: dict[str, Source]
    places: dict[str, Place]
    actors: dict[str, Actor]
    events: dict[str, Event]
    quotes: dict[str, Quote]
    briefings: dict[str, Briefing]
    figures: dict[str, tuple[str, Figure]]
    """Figure id -> (id of the event that gives it, the figure)."""

    def __init__(self, site: Site, figures: dict[str, tuple[str, Figure]], **records: dict[str, Any]) -> None:
        if records.keys() != REGISTRY.keys():
            differ = sorted(records.keys() ^ REGISTRY.keys())
            raise TypeError(f"a repository holds the records of every registered kind: not so for {differ}")
        object.__setattr__(self, "site", site)
        for folder in REGISTRY:
            object.__setattr__(self, folder, records[folder])
        object.__setattr__(self, FIGURES, figures)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(self) == vars(other)

    def records(self, folder: str) -> dict[str, Any]:
        """The records of the kind whose files live in `folder`, by id."""
        records: dict[str, Any] = getattr(self, folder)
        return records


# A quote's kind and an event's status are offered empty on purpose: defaults there would let a
# paraphrase go out in quotation marks, or a claim read as a report.
register(Kind("sources", "source", Source, suggested=("url",)))
register(Kind("places", "place", Place, suggested=("parent", "country"), page="place.md"))
register(Kind("actors", "actor", Actor, page="actor.md"))
register(Kind("events", "event", Event, suggested=("summary", "places", "actors", "sources", "status")))
register(Kind("quotes", "quote", Quote, suggested=("role", "kind", "medium", "date", "sources", "events")))
register(
    Kind(
        "briefings",
        "briefing",
        Briefing,
        suggested=("highlights", "key_figures", "quotes", "watch"),
        page="briefing.md",
    )
)
