"""Machine-readable exports: JSON with its JSON Schema, CSV, TimelineJS, GeoJSON and an Atom feed.

Pure like `render`: returns {path: text}; the writer puts them beside the pages, and MkDocs copies
them into the site untouched.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, time
from functools import cache
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator
from pydantic import BaseModel

from . import derive, escape, known, vocabulary
from .model import KINDS, SINGULAR, Briefing, Event, Repository
from .render.text import format_date, format_time

DATA_DIR = "data"
FEED = "feed.xml"
# Feed readers want what is new, not the archive; a feed that grew with it would slow every poll.
FEED_SIZE = 50


def _dump(document: Any, indent: int | None = None) -> str:
    # Data files are compact: indenting them would hand the work to json's slow pure-Python path.
    return json.dumps(document, ensure_ascii=False, indent=indent, sort_keys=True) + "\n"


Piece = TypeVar("Piece")


class Pieces(Protocol):
    """Where each record's part of the big files comes from: made afresh, or kept from an earlier build."""

    def of(self, part: str, record_id: str, record: Any, make: Callable[[str, Any], Piece]) -> Piece: ...


class Fresh:
    """Every piece made afresh: what a one-off build needs."""

    def of(self, part: str, record_id: str, record: Any, make: Callable[[str, Any], Piece]) -> Piece:
        return make(record_id, record)


def exports(
    repository: Repository,
    site_url: str | None,
    editions: list[derive.Edition] | None = None,
    pieces: Pieces | None = None,
    control: derive.Control | None = None,
) -> dict[str, str]:
    """Every export of the site, by path under the generated folder.

    `pieces` may keep each record's part of the big files between builds (the preview's does); `control` is
    the repository's control index, when the caller has built it already.
    """
    editions = derive.editions(repository) if editions is None else editions
    pieces = pieces or Fresh()
    files: dict[str, str] = {}
    for kind in KINDS:
        files[f"{DATA_DIR}/{kind}.json"] = _records(getattr(repository, kind), pieces)
        files[f"{DATA_DIR}/{kind}.schema.json"] = _schema_file(kind)
    files[f"{DATA_DIR}/events.csv"] = events_csv(repository, pieces)
    files[f"{DATA_DIR}/timeline.json"] = _timeline_file(repository, pieces)
    files[f"{DATA_DIR}/places.geojson"] = _dump(geojson(repository, editions, control))
    files[FEED] = atom(repository, site_url, editions)
    return files


def _records(records: dict[str, Any], pieces: Pieces) -> str:
    """`_dump` of {id: record as JSON}, put together from each record's own part."""
    parts = [pieces.of("json", record_id, record, _record_json) for record_id, record in sorted(records.items())]
    return "{" + ", ".join(parts) + "}\n"


def _record_json(record_id: str, record: BaseModel) -> str:
    """`"id": {record}` exactly as `_dump` writes it inside the object of all records."""
    # Internal notes are `exclude=True` in the model: no dump carries them, whoever calls it.
    document = record.model_dump(mode="json", by_alias=True, exclude_none=True)
    return _dump({record_id: document})[1:-2]


@cache
def _schema_file(kind: str) -> str:
    return _dump(collection_schema(kind), indent=2)


def collection_schema(kind: str) -> dict[str, Any]:
    """The schema of an export file: an object of records by id, each as the editors' schema says less the fields
    that are never published, which every dump leaves out (`model.records.is_internal`)."""
    record = KINDS[kind].model_json_schema(by_alias=True, mode="serialization")
    definitions = record.pop("$defs", {})
    name = KINDS[kind].__name__
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{kind} by id",
        "type": "object",
        "propertyNames": {"pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$"},
        "additionalProperties": {"$ref": f"#/$defs/{name}"},
        "$defs": {**definitions, name: record},
    }


def events_csv(repository: Repository, pieces: Pieces | None = None) -> str:
    """One row per event: when and how precisely, where, who, its status, who claims it, its sources.

    `status_by` is who the current status step names (the claimant of a claim, the party that denies...);
    `claimant` lists the actors of the event's claims of responsibility (`claims` of kind `responsibility`),
    by id, whatever the status of each claim. `title` is the title as first written, as in `events.json`,
    whose `revised` holds the later wordings.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "date", "precision", "approximate", "start", "end", "time", "reported", "title", "kind",
                     "places", "actors", "status", "status_by", "claimant", "sources"])  # fmt: skip
    pieces = pieces or Fresh()
    lines = [pieces.of("csv", event_id, event, _line) for event_id, event in repository.events.items()]
    return out.getvalue() + "".join(lines)


def _line(event_id: str, event: Event) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(_row(event_id, event))
    return out.getvalue()


def _row(event_id: str, event: Event) -> list[str]:
    """An event's row, from the event alone.

    `reported` is the event's own `reported` field as the analyst wrote it (`2021-08-13`, `2021-08-13 22:30`,
    `2021-08-13 night`, in the event's time zone), and empty when it has none. The moment an event became known
    otherwise comes from its sources' publication, but a row is kept between builds for as long as its event is
    the same object (`Pieces`): a value read from a source would go stale when only the source is edited. The
    JSON exports carry the sources' `published`, `time` and `time_zone` for whoever needs the rest.
    """
    current = event.status[-1] if event.status else None
    claimants = [claim.claimant for claim in event.claims if claim.kind == "responsibility" and claim.claimant]
    row = [
        event_id, str(event.date), event.date.precision, str(event.date.approximate).lower(),
        event.date.start.isoformat(), event.date.end.isoformat(), str(event.time or ""), str(event.reported or ""),
        event.title, event.kind, ";".join(event.places), ";".join(event.actors), current.status if current else "",
        (current.by or "") if current else "", ";".join(dict.fromkeys(claimants)), ";".join(event.sources),
    ]  # fmt: skip
    return [escape.csv_cell(cell) for cell in row]


def _wording(event: Event) -> tuple[str, str | None]:
    """An event's title and summary as they now read: its latest `revised` wording of each, if any.

    Every wording on record counts, so this needs the event alone; `known.wording` asks when each became known.
    """
    title, summary = event.title, event.summary
    for wording in event.revised:
        title, summary = wording.title or title, wording.summary or summary
    return title, summary


def _timeline_date(day: Any, clock: time | None = None) -> dict[str, str]:
    when = {"year": str(day.year), "month": str(day.month), "day": str(day.day)}
    if clock is not None:
        when.update(hour=str(clock.hour), minute=str(clock.minute))
    return when


def timelinejs(repository: Repository) -> dict[str, Any]:
    """The TimelineJS3 JSON format: one slide per event. TimelineJS renders these texts as HTML.

    A slide shows the event as it now reads (its latest `revised` title and summary), then each of its
    `updates`, oldest first, as a paragraph that starts with its date.
    """
    slides = [_slide(event_id, event) for event_id, event in _in_order(repository)]
    return {"title": _timeline_title(repository), "events": slides}


def _in_order(repository: Repository) -> list[tuple[str, Event]]:
    return [(event_id, repository.events[event_id]) for event_id in derive.in_order(repository)]


def _timeline_title(repository: Repository) -> dict[str, Any]:
    return {"text": {"headline": escape.html(repository.site.title)}}


def _timeline_file(repository: Repository, pieces: Pieces) -> str:
    """`_dump(timelinejs(repository))`, put together from each slide's own JSON text."""
    slides = [pieces.of("slide", event_id, event, _slide_json) for event_id, event in _in_order(repository)]
    title = _dump(_timeline_title(repository)).rstrip("\n")
    return '{"events": [' + ", ".join(slides) + '], "title": ' + title + "}\n"


def _slide_json(event_id: str, event: Event) -> str:
    return _dump(_slide(event_id, event)).rstrip("\n")


def _slide(event_id: str, event: Event) -> dict[str, Any]:
    title, summary = _wording(event)
    slide: dict[str, Any] = {
        "unique_id": event_id,
        # TimelineJS takes a clock time; a part of the day ("night") goes in the display date.
        "start_date": _timeline_date(event.date.start, event.time.clock if event.time else None),
        "text": {"headline": escape.html(title), "text": _slide_text(summary, event)},
        "group": escape.html(_group(event.kind)),
    }
    if event.date.end != event.date.start:
        slide["end_date"] = _timeline_date(event.date.end)
    part = event.time.part if event.time else None
    if event.date.precision != "day" or part:
        # In words, as the pages give it: '12–13 August 2021, night', not '2021-08-12/2021-08-13'.
        when = format_date(event.date)
        slide["display_date"] = escape.html(f"{when}, {format_time(event.time)}" if part else when)
    return slide


def _slide_text(summary: str | None, event: Event) -> str:
    """The summary, then each update as `<p>date: text</p>`; every value HTML-escaped."""
    if not event.updates:
        return escape.html(summary or "")
    paragraphs = [summary] if summary else []
    for update in event.updates:
        when = f"{format_date(update.date)}, {format_time(update.time)}" if update.time else format_date(update.date)
        paragraphs.append(f"{when}: {update.text}")
    return "".join(f"<p>{escape.html(paragraph)}</p>" for paragraph in paragraphs)


def _group(kind: str) -> str:
    """A kind of event as the glossary names it: 'armed-clash' -> 'Armed clash'."""
    return vocabulary.capital(vocabulary.label("event", kind))


def geojson(
    repository: Repository, editions: list[derive.Edition], control: derive.Control | None = None
) -> dict[str, Any]:
    """Places with coordinates, with who holds each as known at the latest briefing's as-of moment.

    `as_of` is that briefing's date; `known_as_of` the moment the holdings are known at, in ISO 8601: the
    date, or the date and time with its offset from UTC when the briefing gives a clock time. A briefing
    as of a part of the day ("evening") gives the date alone: no clock time is made up for it.
    """
    latest = editions[-1] if editions else None
    holdings = (control or derive.Control(repository)).on(latest.at) if latest else {}
    day = latest.briefing.as_of.isoformat() if latest else None
    moment = _known_as_of(latest.briefing, repository.site.time_zone) if latest else None
    features = []
    for place_id, place in repository.places.items():
        if place.coordinates is None:
            continue
        holding = holdings.get(place_id)
        features.append({
            "type": "Feature",
            "id": place_id,
            "geometry": {"type": "Point", "coordinates": [float(place.coordinates.lon), float(place.coordinates.lat)]},
            "properties": {
                "name": place.name, "kind": place.kind, "country": place.country,
                "precision": place.coordinates.precision,
                "held_by": holding.holder if holding else None,
                "control_status": holding.status.status if holding else None,
                "as_of": day,
                "known_as_of": moment,
            },
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def _known_as_of(briefing: Briefing, site_zone: str) -> str:
    clock = briefing.time.clock if briefing.time else None
    if clock is None:
        return briefing.as_of.isoformat()
    zone = ZoneInfo(briefing.time_zone or site_zone)
    return datetime.combine(briefing.as_of, clock, zone).isoformat(timespec="minutes")


def atom(repository: Repository, site_url: str | None, editions: list[derive.Edition]) -> str:
    """An Atom feed of the FEED_SIZE most recent briefings, newest first, with absolute links."""
    editions = editions[-FEED_SIZE:]
    base = (site_url or repository.site.url or "").rstrip("/") + "/"
    feed = FeedGenerator()
    feed.id(base)
    feed.title(repository.site.title)
    # Atom requires an author of the feed unless every entry names one; an empty feed names none.
    feed.author(name=repository.site.title)
    feed.subtitle(repository.site.description or repository.site.title)
    feed.link(href=base, rel="alternate")
    feed.link(href=base + FEED, rel="self")
    feed.language(repository.site.language)
    moments = {}
    for edition in editions:
        # The as-of moment, already in the site's zone whatever the briefing's own; a day with no time, at its start.
        moments[edition.id] = known.instant(edition.at, repository.site.time_zone).astimezone(UTC)
    feed.updated(max(moments.values(), default=datetime(1970, 1, 1, tzinfo=UTC)))
    for edition in editions:
        briefing = edition.briefing
        url = f"{base}briefings/{edition.id}/"
        entry = feed.add_entry(order="prepend")
        entry.id(url)
        entry.title(briefing.title)
        # Atom requires an author for each entry; a briefing names none, so the site is its author.
        entry.author(name=repository.site.title)
        entry.link(href=url, rel="alternate")
        entry.updated(moments[edition.id])
        entry.published(moments[edition.id])
        summary = briefing.summary or " ".join(briefing.highlights) or briefing.title
        entry.summary(summary)
    document: bytes = feed.atom_str(pretty=True)
    return document.decode("utf-8")


def kinds_described() -> list[tuple[str, str]]:
    """(kind, what one record is) for the Data page."""
    return [(kind, (KINDS[kind].__doc__ or SINGULAR[kind]).strip().splitlines()[0]) for kind in KINDS]
