"""The records analysts write, one class per kind and its parts, and the ids each record refers to.

Every value arrives as text from the strict loader; the value types in `values` parse it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from .values import (
    Day,
    Id,
    Language,
    Loc,
    Number,
    ReportedText,
    Text,
    TimeText,
    TimeZone,
    Url,
    When,
    parse_number,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


Status = Literal["confirmed", "reported", "claimed", "unverified", "disputed", "denied", "retracted"]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
# Who must be named, and the verb the problem message uses for them.
NEEDS_CLAIMANT = {"claimed": "claims", "disputed": "disputes", "denied": "denies"}

REPORTED = Field(
    None,
    description="When it became known, if not when its earliest source was published: YYYY-MM-DD, then"
    " optionally HH:MM or a part of the day, in the record's time zone",
)
CORRECTION = Field(
    None,
    description="Set when this fixes an error (ours or a source's), not when it is new information: what was wrong,"
    " for readers; it goes on the corrections log and on every earlier briefing that showed the error",
)
NOTE = Field(None, description="For readers: published with it")
INTERNAL_NOTE = Field(
    None,
    description="For editors only: never published",
    # Left out of every dump, so no export can carry it; the editors' schemas (validation mode) still offer it.
    exclude=True,
)


def is_internal(field: FieldInfo) -> bool:
    """Whether a field is for editors only: no page, export, feed or review summary may show its value."""
    return field.exclude is True


class StatusStep(Strict):
    """One dated step in a claim's life: claimed by X on the 12th, confirmed on the 13th."""

    status: Status
    date: When | None = Field(None, description="When this status began; the event's date if omitted")
    time: TimeText | None = None
    reported: ReportedText | None = REPORTED
    by: Id | None = Field(None, description="The actor who claims, reports, disputes or denies it")
    sources: list[Id] = Field(default_factory=list, description="Sources for this step; the event's if omitted")
    correction: Text | None = CORRECTION
    note: Text | None = NOTE
    internal_note: Text | None = INTERNAL_NOTE


def _steps(value: Any) -> Any:
    # `status: confirmed` and a single mapping are shorthands for a one-step history.
    if isinstance(value, str):
        return [{"status": value.strip()}]
    if isinstance(value, dict):
        return [value]
    return value


class _ShorthandSchema:
    """JSON Schema for a list that may also be written as one item or as one status word."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        as_list = handler(core_schema)
        return {
            "anyOf": [{"enum": list(STATUSES)}, as_list["items"], as_list],
            "description": "A status word, or its dated history, oldest first",
        }


# Never empty: whatever is on record has a status, the status it was first reported with at least.
StatusHistory = Annotated[list[StatusStep], BeforeValidator(_steps), Field(min_length=1), _ShorthandSchema()]


Qualifier = Literal["exactly", "about", "more-than", "at-least", "fewer-than", "up-to"]


class Figure(Strict):
    """A number someone gives: a value or a low/best/high range, with its unit, source and date."""

    id: Id = Field(description="Unique across the repository; the figure's permalink")
    label: Text = Field(description="What is counted, e.g. 'extra US troops to help evacuate embassy staff'")
    value: Number | None = None
    low: Number | None = None
    best: Number | None = None
    high: Number | None = None
    qualifier: Qualifier = "exactly"
    unit: Text | None = Field(None, description="e.g. troops, days, US dollars")
    by: Id | None = Field(None, description="The actor who gives the figure")
    as_of: When | None = Field(None, description="When the figure applies; the event's date if omitted")
    time: TimeText | None = None
    reported: ReportedText | None = REPORTED
    sources: list[Id] = Field(default_factory=list, description="The event's sources if omitted")
    revises: Id | None = Field(
        None, description="The id of an earlier figure this one updates (new information) or corrects (see correction)"
    )
    correction: Text | None = CORRECTION
    note: Text | None = NOTE
    internal_note: Text | None = INTERNAL_NOTE


ControlHow = Literal["captured", "handed-over", "surrendered", "withdrawn", "retaken", "held"]


class ControlChange(Strict):
    """A place passing from one actor to another, or staying held, with a status of its own."""

    place: Id
    from_: Id | None = Field(None, alias="from", description="The actor that held the place before")
    to: Id = Field(description="The actor that holds the place afterwards (for 'held', the holder)")
    how: ControlHow = "captured"
    status: StatusHistory = Field(default_factory=lambda: [StatusStep(status="reported")])
    sources: list[Id] = Field(default_factory=list, description="The event's sources if omitted")
    note: Text | None = NOTE
    internal_note: Text | None = INTERNAL_NOTE


EventKind = Literal[
    "armed-clash",
    "capture",
    "handover",
    "surrender",
    "withdrawal",
    "attack",
    "border-closure",
    "deployment",
    "evacuation",
    "statement",
    "call",
    "meeting",
    "agreement",
    "negotiation",
    "assessment",
    "warning",
    "decision",
    "other",
]


ClaimKind = Literal["characterisation", "responsibility"]


class Claim(Strict):
    """An assertion about an event that can stand or fall on its own: what it was, or who did it."""

    kind: ClaimKind
    text: Text | None = Field(
        None, description="What is claimed, e.g. 'the target was a military depot'; needed for a characterisation"
    )
    claimant: Id | None = Field(None, description="For a claim of responsibility: the actor that claims it")
    by: Id | None = Field(None, description="Who makes a characterisation, e.g. the ministry that describes the target")
    sources: list[Id] = Field(default_factory=list, description="Where the claim was made")
    status: StatusHistory = Field(default_factory=lambda: [StatusStep(status="claimed")])
    note: Text | None = NOTE
    internal_note: Text | None = INTERNAL_NOTE


class Update(Strict):
    """New information about an event, shown from when it became known."""

    date: When = Field(description="When it happened or was said")
    time: TimeText | None = None
    reported: ReportedText | None = REPORTED
    text: Text
    sources: list[Id] = Field(default_factory=list, description="Where it was reported; needed")
    note: Text | None = NOTE
    internal_note: Text | None = INTERNAL_NOTE


class Wording(Strict):
    """A new title or summary for an event; briefings published before it keep the earlier wording."""

    date: When = Field(description="When the new wording applies from")
    time: TimeText | None = None
    reported: ReportedText | None = REPORTED
    title: Text | None = None
    summary: Text | None = None
    sources: list[Id] = Field(default_factory=list, description="What the new wording rests on")
    correction: Text | None = CORRECTION
    note: Text | None = NOTE
    internal_note: Text | None = INTERNAL_NOTE


class Event(Strict):
    """Something that happened, as precisely dated and attributed as the sources allow."""

    title: Text
    date: When
    time: TimeText | None = None
    reported: ReportedText | None = REPORTED
    time_zone: TimeZone | None = Field(None, description="Overrides the site's time zone for this event")
    kind: EventKind = "other"
    summary: Text | None = None
    places: list[Id] = Field(default_factory=list)
    actors: list[Id] = Field(default_factory=list)
    sources: list[Id] = Field(default_factory=list)
    status: StatusHistory = Field(default_factory=lambda: [StatusStep(status="reported")])
    figures: list[Figure] = Field(default_factory=list)
    control: list[ControlChange] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list, description="Characterisations and claims of responsibility")
    updates: list[Update] = Field(default_factory=list, description="Later news about the event, oldest first")
    revised: list[Wording] = Field(
        default_factory=list,
        description="Later titles or summaries, oldest first; the first ones stay for earlier briefings",
    )
    tags: list[Id] = Field(default_factory=list)
    note: Text | None = Field(None, description="For readers: how the date or status was judged")
    internal_note: Text | None = INTERNAL_NOTE


QuoteKind = Literal["direct", "partial", "paraphrase"]


class Original(Strict):
    """The words as spoken, in their own language and script."""

    text: Text
    language: Language


class Quote(Strict):
    """Words someone said or wrote, verbatim unless marked as partial or paraphrase."""

    speaker: Id = Field(description="The actor who spoke")
    role: Text | None = Field(None, description="The speaker's role at the time, e.g. 'US Senate Republican leader'")
    text: Text = Field(description="Verbatim for direct and partial quotes; a paraphrase is never in quotation marks")
    kind: QuoteKind = "direct"
    context: Text | None = Field(
        None, description="What a partial quote was part of, e.g. 'on the pace of the Taliban advance'"
    )
    language: Language = Field("en", description="The language of the text")
    original: Original | None = Field(None, description="The words as spoken, when the source gives them")
    translated_by: Text | None = Field(
        None,
        description="Who translated the words into the text, e.g. 'Reuters', 'the editors';"
        " with or without the original",
    )
    date: When | None = Field(None, description="Only where the source gives it; never guessed")
    time: TimeText | None = None
    reported: ReportedText | None = REPORTED
    medium: Text | None = Field(
        None, description="How it was said, e.g. 'told Reuters', 'to Al Jazeera TV', 'statement'"
    )
    sources: list[Id] = Field(default_factory=list)
    events: list[Id] = Field(default_factory=list, description="Events the quote is about")
    tags: list[Id] = Field(default_factory=list)
    note: Text | None = NOTE
    internal_note: Text | None = INTERNAL_NOTE


SourceKind = Literal[
    "wire-agency",
    "newspaper",
    "news-website",
    "broadcaster",
    "magazine",
    "photo",
    "video",
    "official-statement",
    "government-document",
    "social-media",
    "ngo-report",
    "think-tank",
    "other",
]


class Source(Strict):
    """A published item that records cite: an article, a statement, a photo and its caption."""

    title: Text
    publisher: Text = Field(description="Who published it, e.g. Reuters, AFP, US State Department")
    kind: SourceKind
    published: When
    time: TimeText | None = Field(None, description="Time of publication, in time_zone (the site's if omitted)")
    time_zone: TimeZone | None = None
    url: Url | None = None
    author: Text | None = None
    via: Text | None = Field(None, description="Who republished it, where it was read")
    via_url: Url | None = None
    archive_url: Url | None = None
    language: Language = "en"
    note: Text | None = NOTE
    internal_note: Text | None = INTERNAL_NOTE


PlaceKind = Literal[
    "country",
    "region",
    "province",
    "district",
    "city",
    "town",
    "village",
    "border-crossing",
    "airport",
    "military-base",
    "prison",
    "building",
    "other",
]
CoordinatePrecision = Literal["exact", "approximate", "settlement", "district", "province", "country"]


def _latitude(value: Any) -> Any:
    number = parse_number(value)
    if not -90 <= number <= 90:
        raise PydanticCustomError(
            "invalid-value", "latitude", {"reason": f"latitude {value} must be between -90 and 90"}
        )
    return number


def _longitude(value: Any) -> Any:
    number = parse_number(value)
    if not -180 <= number <= 180:
        raise PydanticCustomError(
            "invalid-value", "longitude", {"reason": f"longitude {value} must be between -180 and 180"}
        )
    return number


_COORDINATE_SCHEMA = WithJsonSchema({"type": ["string", "number"], "pattern": r"^-?\d+(\.\d+)?$"})
Latitude = Annotated[Decimal, BeforeValidator(_latitude), PlainSerializer(str, return_type=str), _COORDINATE_SCHEMA]
Longitude = Annotated[Decimal, BeforeValidator(_longitude), PlainSerializer(str, return_type=str), _COORDINATE_SCHEMA]


class Coordinates(Strict):
    """Where a place is, in decimal degrees, and how exactly."""

    lat: Latitude
    lon: Longitude
    precision: CoordinatePrecision = Field(
        "settlement", description="How exact: exact, approximate, or the centre of a settlement, district..."
    )


def _rings(value: Any) -> Any:
    # Analysts draw an outline on geojson.io or in QGIS and paste its geometry; a bare list of points is one ring.
    expected = "a list of [longitude, latitude] points, or a GeoJSON Polygon or MultiPolygon"
    rings = value
    if isinstance(value, dict):
        kind, rings = value.get("type"), value.get("coordinates")
        if kind == "MultiPolygon" and isinstance(rings, list):
            rings = [ring for polygon in rings for ring in (polygon if isinstance(polygon, list) else [polygon])]
        elif kind != "Polygon" or not isinstance(rings, list):
            raise PydanticCustomError("wrong-type", "outline", {"expected": expected, "found": f"a GeoJSON {kind}"})
    elif (
        isinstance(value, list)
        and value
        and isinstance(value[0], list)
        and not any(isinstance(v, list) for v in value[0])
    ):
        rings = [value]
    for ring in rings if isinstance(rings, list) else ():
        if isinstance(ring, list) and len(ring) < 3:
            found = f"a ring of {len(ring)} point{'' if len(ring) == 1 else 's'}"
            raise PydanticCustomError(
                "wrong-type", "outline", {"expected": "rings of at least 3 points", "found": found}
            )
    return rings


class _OutlineSchema:
    """JSON Schema for an outline: one ring of [longitude, latitude] points, several, or a GeoJSON geometry."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        rings = handler(core_schema)
        geometry = {
            "type": "object",
            "properties": {"type": {"enum": ["Polygon", "MultiPolygon"]}, "coordinates": {"type": "array"}},
            "required": ["type", "coordinates"],
        }
        return {"anyOf": [rings["items"], rings, geometry]}


OutlinePoint = tuple[Longitude, Latitude]
# Rings of [longitude, latitude] points, in GeoJSON's order; a hole is a ring inside another.
Outline = Annotated[
    list[Annotated[list[OutlinePoint], Field(min_length=3)]],
    BeforeValidator(_rings),
    Field(min_length=1),
    _OutlineSchema(),
]


def _country(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{2}", value.strip()):
        reason = f"'{value}' is not a country code: write two capital letters (ISO 3166-1), such as AF, PK or NO"
        raise PydanticCustomError("invalid-value", "country", {"reason": reason})
    return value.strip()


CountryCode = Annotated[
    str, BeforeValidator(_country), Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2, e.g. AF, PK, NO")
]


class Place(Strict):
    """A place the briefings mention, with where it sits and where it is."""

    name: Text
    kind: PlaceKind
    parent: Id | None = Field(None, description="The place that contains it, e.g. the province of a city")
    country: CountryCode | None = None
    coordinates: Coordinates | None = None
    outline: Outline | None = Field(
        None,
        description="Its own outline on the map, e.g. a province or a front line's area: [longitude, latitude] points"
        " as GeoJSON writes them ([[65.1, 31.2], [65.9, 31.2], [65.5, 32.0]]), or a GeoJSON Polygon or MultiPolygon",
    )
    aliases: list[Text] = Field(default_factory=list, description="Other spellings, e.g. Mazar-e-Sharif")
    note: Text | None = NOTE
    internal_note: Text | None = INTERNAL_NOTE

    @field_validator("outline")
    @classmethod
    def _near_its_coordinates(cls, outline: list[list[OutlinePoint]] | None, info: ValidationInfo) -> Any:
        # [latitude, longitude], as map sites copy a point, is in range around Afghanistan and would draw elsewhere.
        at = info.data.get("coordinates")
        if outline and at is not None:
            lons, lats = [p[0] for ring in outline for p in ring], [p[1] for ring in outline for p in ring]
            if not (min(lons) - 2 <= at.lon <= max(lons) + 2 and min(lats) - 2 <= at.lat <= max(lats) + 2):
                expected = "[longitude, latitude] points, longitude first as GeoJSON writes them"
                found = f"points far from its coordinates ({at.lat}, {at.lon}): are longitude and latitude swapped?"
                raise PydanticCustomError("wrong-type", "outline", {"expected": expected, "found": found})
        return outline


ActorKind = Literal[
    "armed-group",
    "government",
    "government-agency",
    "military",
    "police",
    "political-party",
    "international-organisation",
    "ngo",
    "media",
    "person",
    "group",
    "other",
]


class Role(Strict):
    """A role a person held, and when."""

    title: Text
    since: When | None = None
    until: When | None = None


class Actor(Strict):
    """A person, group or institution that acts, claims or speaks."""

    name: Text
    kind: ActorKind
    short_name: Text | None = None
    country: CountryCode | None = None
    part_of: Id | None = Field(None, description="The actor it belongs to, e.g. a ministry's government")
    colour: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] | None = Field(
        None, description="Map colour for places it holds, as #rrggbb; one is chosen if omitted"
    )
    roles: list[Role] = Field(default_factory=list, description="For people: roles over time")
    note: Text | None = NOTE
    internal_note: Text | None = INTERNAL_NOTE


class Briefing(Strict):
    """A dated edition: what a busy reader must know as of a moment, with its evidence."""

    title: Text
    as_of: Day = Field(description="The date the briefing is written as of")
    time: TimeText | None = Field(None, description="As-of time or part of the day, in time_zone")
    time_zone: TimeZone | None = Field(None, description="The as-of time's zone; the site's if omitted")
    since: Day | None = Field(None, description="Start of the period covered; by default the previous briefing's date")
    summary: Text | None = None
    highlights: list[Text] = Field(default_factory=list, description="3 to 6 lines: what a busy reader must know")
    key_figures: list[Id] = Field(default_factory=list, description="Figure ids")
    quotes: list[Id] = Field(default_factory=list, description="Featured quote ids")
    watch: list[Text] = Field(default_factory=list, description="Items to watch")
    places: list[Id] = Field(default_factory=list, description="Scope: only events at these places (all if empty)")
    tags: list[Id] = Field(default_factory=list, description="Scope: only events with these tags (all if empty)")
    draft: bool = False
    internal_note: Text | None = INTERNAL_NOTE


_BRANCH = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*", re.ASCII)


def _branch(value: Any) -> Any:
    # Git's own rules for a branch name, less its rarer characters: it goes into 'edit this page' links.
    if isinstance(value, str):
        name = value.strip()
        if not _BRANCH.fullmatch(name) or ".." in name or name.endswith((".", ".lock")):
            reason = (
                f"'{value}' is not a branch name: use letters, digits, '-', '_' and '.', with '/' between parts;"
                " no part may start with '.', and '..' is not allowed"
            )
            raise PydanticCustomError("invalid-value", "branch", {"reason": reason})
        return name
    return value


Branch = Annotated[
    str, BeforeValidator(_branch), WithJsonSchema({"type": "string", "pattern": r"^[A-Za-z0-9_-][A-Za-z0-9._/-]*$"})
]


class Site(Strict):
    """Settings for the whole site, in `briefings/site.yaml`."""

    title: Text = "Situation briefings"
    description: Text | None = None
    time_zone: TimeZone = "UTC"
    language: Language = "en"
    url: Url | None = Field(None, description="Where the site is published")
    repository: Url | None = Field(None, description="The repository's web address, for 'edit this page' links")
    branch: Branch = "main"


def references(kind: str, record: Strict) -> Iterator[tuple[Loc, str, str]]:
    """Every id a record refers to, as (location in its file, folder of the target, id)."""

    def each(loc: Loc, target: str, ids: list[str]) -> Iterator[tuple[Loc, str, str]]:
        for index, ref in enumerate(ids):
            yield (*loc, index), target, ref

    if isinstance(record, Event):
        yield from each(("places",), "places", record.places)
        yield from each(("actors",), "actors", record.actors)
        yield from each(("sources",), "sources", record.sources)
        yield from _status_references(("status",), record.status)
        for i, claim in enumerate(record.claims):
            if claim.claimant:
                yield ("claims", i, "claimant"), "actors", claim.claimant
            if claim.by:
                yield ("claims", i, "by"), "actors", claim.by
            yield from each(("claims", i, "sources"), "sources", claim.sources)
            yield from _status_references(("claims", i, "status"), claim.status)
        for field in ("updates", "revised"):
            for i, item in enumerate(getattr(record, field)):
                yield from each((field, i, "sources"), "sources", item.sources)
        for i, figure in enumerate(record.figures):
            if figure.by:
                yield ("figures", i, "by"), "actors", figure.by
            if figure.revises:
                yield ("figures", i, "revises"), "figures", figure.revises
            yield from each(("figures", i, "sources"), "sources", figure.sources)
        for i, change in enumerate(record.control):
            yield ("control", i, "place"), "places", change.place
            if change.from_:
                yield ("control", i, "from"), "actors", change.from_
            yield ("control", i, "to"), "actors", change.to
            yield from each(("control", i, "sources"), "sources", change.sources)
            yield from _status_references(("control", i, "status"), change.status)
    elif isinstance(record, Quote):
        yield ("speaker",), "actors", record.speaker
        yield from each(("sources",), "sources", record.sources)
        yield from each(("events",), "events", record.events)
    elif isinstance(record, Place):
        if record.parent:
            yield ("parent",), "places", record.parent
    elif isinstance(record, Actor):
        if record.part_of:
            yield ("part_of",), "actors", record.part_of
    elif isinstance(record, Briefing):
        yield from each(("key_figures",), "figures", record.key_figures)
        yield from each(("quotes",), "quotes", record.quotes)
        yield from each(("places",), "places", record.places)


def _status_references(loc: Loc, steps: list[StatusStep]) -> Iterator[tuple[Loc, str, str]]:
    for i, step in enumerate(steps):
        if step.by:
            yield (*loc, i, "by"), "actors", step.by
        for j, ref in enumerate(step.sources):
            yield (*loc, i, "sources", j), "sources", ref
