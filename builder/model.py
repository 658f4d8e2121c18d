"""The data model: typed, immutable records, declared once.

Validation, the JSON Schemas for editors and the scaffolding stubs all derive from these classes.
Every value arrives as text from the strict loader; the types below parse it.
"""

from __future__ import annotations

import calendar
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

Loc = tuple[str | int, ...]

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MAX = 80
_SLUG = re.compile(SLUG_PATTERN)


def is_slug(text: str) -> bool:
    """True when `text` follows the one id rule: lowercase ASCII words joined by single hyphens."""
    return len(text) <= SLUG_MAX and _SLUG.fullmatch(text) is not None


# Every id names a page or a file somewhere: none may take a section's own page (`places/index.md`)
# or a name Windows keeps for a device (a checkout there could not hold `con.md`).
_SECTION_PAGE = "index"
_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(10))})
RESERVED_IDS = frozenset({_SECTION_PAGE, *_DEVICES})
# The id rule with the reserved ids left out, for editors' JSON Schemas.
ID_PATTERN = f"^(?!(?:{'|'.join(sorted(RESERVED_IDS))})$){SLUG_PATTERN[1:]}"


def reserved(text: str) -> str | None:
    """Why `text` may not be an id although it follows the id rule, or None when it may."""
    if text == _SECTION_PAGE:
        return "every section's own page has that name (places/index.md, tags/index.md...)"
    if text in _DEVICES:
        return "Windows keeps that name for a device, so no file there can have it"
    return None


def _slug(value: Any) -> Any:
    if isinstance(value, str):
        if not is_slug(value):
            raise PydanticCustomError("invalid-id", "invalid id", {"value": value})
        reason = reserved(value)
        if reason:
            raise PydanticCustomError("reserved-id", "reserved id", {"value": value, "reason": reason})
    return value


def _text(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise PydanticCustomError("empty-text", "empty text")
    return value


Id = Annotated[
    str,
    BeforeValidator(_slug),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "maxLength": SLUG_MAX}),
]
Text = Annotated[str, BeforeValidator(_text), Field(min_length=1)]

# --- dates and times -------------------------------------------------------------------------

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_YEAR = re.compile(r"(\d{4})", re.ASCII)
Precision = Literal["day", "month", "year", "range"]

# Every later stage can count on these: each day the site shows, and its moment in any time zone,
# is a valid `datetime`, and a range is short enough for a briefing or a chart to hold.
MIN_YEAR, MAX_YEAR = 1800, 2200
MAX_RANGE_DAYS = 5 * 366


class DateBoundError(ValueError):
    """A well-formed date beyond the bounds above: the problem code, and the values its message needs."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateBoundError("year-out-of-range", year=f"{year:04d}", low=MIN_YEAR, high=MAX_YEAR)
    return year


def _parse_day(text: str) -> date:
    match = _DAY.fullmatch(text)
    if not match:
        raise ValueError("expected YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    _year(year)
    try:
        return date(year, month, day)
    except ValueError as error:
        raise ValueError(str(error)) from None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _parse_point(text: str) -> tuple[date, date, Precision]:
    if _DAY.fullmatch(text):
        day = _parse_day(text)
        return day, day, "day"
    if match := _MONTH.fullmatch(text):
        year, month = _year(int(match[1])), int(match[2])
        if not 1 <= month <= 12:
            raise ValueError("month must be in 1..12")
        return date(year, month, 1), _month_end(year, month), "month"
    if _YEAR.fullmatch(text):
        year = _year(int(text))
        return date(year, 1, 1), date(year, 12, 31), "year"
    raise ValueError("expected YYYY-MM-DD")


@dataclass(frozen=True, order=True)
class FuzzyDate:
    """A date as precise as the sources allow: a day, a month, a year or a range, maybe approximate.

    Written in the EDTF subset `2021-08-13`, `2021-08`, `2021`, `2021-08-12/2021-08-13`, with a
    trailing `~` for approximate (`2021-08-12~`).
    """

    start: date
    end: date
    precision: Precision
    approximate: bool = False
    text: str = field(default="", compare=False)

    @classmethod
    def parse(cls, text: str) -> FuzzyDate:
        text = text.strip()
        approximate = text.endswith("~")
        body = text[:-1] if approximate else text
        if "/" in body:
            first, _, last = body.partition("/")
            start, _, _ = _parse_point(first.strip())
            _, end, _ = _parse_point(last.strip())
            if end < start:
                raise ValueError("the range ends before it starts")
            if (end - start).days + 1 > MAX_RANGE_DAYS:
                raise DateBoundError("range-too-long", days=(end - start).days + 1, limit=MAX_RANGE_DAYS)
            return cls(start, end, "range", approximate, f"{first.strip()}/{last.strip()}{'~' * approximate}")
        start, end, precision = _parse_point(body)
        return cls(start, end, precision, approximate, text)

    def __str__(self) -> str:
        return self.text


def _fuzzy_date(value: Any) -> Any:
    if isinstance(value, FuzzyDate):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("wrong-type", "wrong type", {"expected": "a date", "found": _kind_of(value)})
    try:
        return FuzzyDate.parse(value)
    except DateBoundError as error:
        raise PydanticCustomError(error.code, error.code, {"value": value.strip(), **error.params}) from None
    except ValueError as error:
        raise PydanticCustomError("invalid-date", "invalid date", {"value": value, "reason": str(error)}) from None


def _day(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("wrong-type", "wrong type", {"expected": "a date", "found": _kind_of(value)})
    try:
        return _parse_day(value.strip())
    except DateBoundError as error:
        raise PydanticCustomError(error.code, error.code, {"value": value.strip(), **error.params}) from None
    except ValueError as error:
        raise PydanticCustomError("invalid-date", "invalid date", {"value": value, "reason": str(error)}) from None


_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?~?$"
When = Annotated[
    FuzzyDate,
    BeforeValidator(_fuzzy_date),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _DATE_PATTERN,
            "description": "YYYY-MM-DD, YYYY-MM, YYYY or a range START/END; a trailing ~ marks it approximate",
            "examples": ["2021-08-13", "2021-08", "2021-08-12/2021-08-13", "2021-08-12~"],
        }
    ),
]
Day = Annotated[
    date,
    BeforeValidator(_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]

PartOfDay = Literal["early-morning", "morning", "midday", "afternoon", "evening", "night"]
PARTS_OF_DAY: tuple[str, ...] = PartOfDay.__args__  # type: ignore[attr-defined]
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)", re.ASCII)


@dataclass(frozen=True)
class TimeOfDay:
    """A clock time (`22:30`) or a part of the day (`night`) when the sources say no more."""

    clock: time | None = None
    part: str | None = None

    def __str__(self) -> str:
        return self.clock.strftime("%H:%M") if self.clock else str(self.part)


def _time_of_day(value: Any) -> Any:
    if isinstance(value, TimeOfDay):
        return value
    text = value.strip().lower() if isinstance(value, str) else ""
    if match := _CLOCK.fullmatch(text):
        return TimeOfDay(clock=time(int(match[1]), int(match[2])))
    if text in PARTS_OF_DAY:
        return TimeOfDay(part=text)
    raise PydanticCustomError("invalid-time", "invalid time", {"value": value, "choices": ", ".join(PARTS_OF_DAY)})


TimeText = Annotated[
    TimeOfDay,
    BeforeValidator(_time_of_day),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^([01]?\d|2[0-3]):[0-5]\d$"},
                {"enum": list(PARTS_OF_DAY)},
            ],
            "description": "24-hour HH:MM, or a part of the day",
        }
    ),
]


@cache
def _time_zones() -> frozenset[str]:
    # Only real IANA zones: not the machine's 'localtime', nor tzdata's 'Factory', 'posix/' and 'right/'.
    names = zoneinfo.available_timezones() - {"localtime", "Factory"}
    return frozenset(name for name in names if not name.startswith(("posix/", "right/")))


def _time_zone(value: Any) -> Any:
    if not isinstance(value, str) or value.strip() not in _time_zones():
        raise PydanticCustomError("invalid-time-zone", "invalid time zone", {"value": value})
    return value.strip()


TimeZone = Annotated[str, BeforeValidator(_time_zone), Field(examples=["Asia/Kabul", "UTC"])]

# --- numbers, languages, links ---------------------------------------------------------------

_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_NUMBER = re.compile(r"(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?:\s+(thousand|million|billion|trillion))?", re.ASCII)


# Under 1,000 trillion, to a millionth: every number is then exact in decimal's default 28 digits,
# whatever is done with it when it is shown.
MAX_WHOLE_DIGITS = 15
MAX_DECIMALS = 6


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value
    match = _NUMBER.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        raise PydanticCustomError("invalid-number", "invalid number", {"value": value})
    written = match[1].replace(",", "")
    scale = _SCALES[match[2]] if match[2] else 1
    # Counted on the text, before a thousand digits are turned into a number.
    whole, _, fraction = written.lstrip("-").partition(".")
    zeros = len(str(scale)) - 1
    reason = None
    if len(whole.lstrip("0")) + zeros > MAX_WHOLE_DIGITS:
        reason = "is too large: a number must be under 1,000 trillion either way; check it, or count in a larger unit"
    elif len(fraction.rstrip("0")) - zeros > MAX_DECIMALS:
        reason = f"has more than {MAX_DECIMALS} digits after the decimal point; round it"
    if reason:
        raise PydanticCustomError("number-out-of-range", "number out of range", {"value": value, "reason": reason})
    try:
        number = Decimal(written)
    except InvalidOperation:
        raise PydanticCustomError("invalid-number", "invalid number", {"value": value}) from None
    return number * scale


Number = Annotated[
    Decimal,
    BeforeValidator(_number),
    PlainSerializer(lambda number: format(number.normalize(), "f"), return_type=str),
    WithJsonSchema(
        {
            "type": ["string", "number"],
            "pattern": r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?( (thousand|million|billion|trillion))?$",
            "examples": ["3000", "3,000", "1 trillion"],
        }
    ),
]

_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi", "prs", "pbt"})


def _language(value: Any) -> Any:
    if not isinstance(value, str) or not _LANGUAGE.fullmatch(value.strip()):
        raise PydanticCustomError("invalid-language", "invalid language", {"value": value})
    return value.strip()


Language = Annotated[str, BeforeValidator(_language), Field(examples=["en", "ps", "fa-AF", "ar"])]


def is_right_to_left(language: str) -> bool:
    """True for languages written right to left (Arabic, Dari/Farsi, Pashto, Urdu, Hebrew...)."""
    return language.split("-")[0].lower() in RTL_LANGUAGES


_URL = re.compile(
    r"(?i)(https?)://([^/?#\s@]+)([/?#][^\s\"<>\\^`{|}\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]*)?"
)
_HOST_LABEL = re.compile(r"(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def _url(value: Any) -> Any:
    if not isinstance(value, str):
        raise PydanticCustomError("wrong-type", "wrong type", {"expected": "a web address", "found": _kind_of(value)})
    text = value.strip()
    match = _URL.fullmatch(text)
    if not match:
        scheme = text.split(":", 1)[0] if ":" in text else ""
        if re.match(r"(?i)https?://", text):
            reason = (
                "it contains spaces, quotes, angle brackets or invisible characters; copy it again from the browser"
            )
        elif scheme and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
            reason = f"only http and https links are allowed, not {scheme}:"
        else:
            reason = "write the full address, starting with https://"
        raise PydanticCustomError("invalid-url", "invalid url", {"value": value, "reason": reason})
    host, _, port = match[2].partition(":")
    labels = host.split(".")
    valid_host = len(labels) > 1 and all(_HOST_LABEL.fullmatch(label) for label in labels)
    if not valid_host or (port and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536)):
        raise PydanticCustomError(
            "invalid-url", "invalid url", {"value": value, "reason": "the host name is not valid"}
        )
    return text


Url = Annotated[
    str,
    BeforeValidator(_url),
    Field(json_schema_extra={"format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"}),
]


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text"


# --- records ---------------------------------------------------------------------------------


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


Status = Literal["confirmed", "reported", "claimed", "unverified", "disputed", "denied", "retracted"]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
# Who must be named, and the verb the problem message uses for them.
NEEDS_CLAIMANT = {"claimed": "claims", "disputed": "disputes", "denied": "denies"}


class StatusStep(Strict):
    """One dated step in a claim's life: claimed by X on the 12th, confirmed on the 13th."""

    status: Status
    date: When | None = Field(None, description="When this status began; the event's date if omitted")
    by: Id | None = Field(None, description="The actor who claims, reports, disputes or denies it")
    sources: list[Id] = Field(default_factory=list, description="Sources for this step; the event's if omitted")
    note: Text | None = None


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


StatusHistory = Annotated[list[StatusStep], BeforeValidator(_steps), _ShorthandSchema()]


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
    sources: list[Id] = Field(default_factory=list, description="The event's sources if omitted")
    revises: Id | None = Field(None, description="The id of an earlier figure this one corrects or updates")
    note: Text | None = None


ControlHow = Literal["captured", "handed-over", "surrendered", "withdrawn", "retaken", "held"]


class ControlChange(Strict):
    """A place passing from one actor to another, or staying held, with a status of its own."""

    place: Id
    from_: Id | None = Field(None, alias="from", description="The actor that held the place before")
    to: Id = Field(description="The actor that holds the place afterwards (for 'held', the holder)")
    how: ControlHow = "captured"
    status: StatusHistory = Field(default_factory=lambda: [StatusStep(status="reported")])
    sources: list[Id] = Field(default_factory=list, description="The event's sources if omitted")
    note: Text | None = None


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


class Event(Strict):
    """Something that happened, as precisely dated and attributed as the sources allow."""

    title: Text
    date: When
    time: TimeText | None = None
    time_zone: TimeZone | None = Field(None, description="Overrides the site's time zone for this event")
    kind: EventKind = "other"
    summary: Text | None = None
    places: list[Id] = Field(default_factory=list)
    actors: list[Id] = Field(default_factory=list)
    sources: list[Id] = Field(default_factory=list)
    status: StatusHistory = Field(default_factory=lambda: [StatusStep(status="reported")])
    figures: list[Figure] = Field(default_factory=list)
    control: list[ControlChange] = Field(default_factory=list)
    tags: list[Id] = Field(default_factory=list)
    note: Text | None = Field(None, description="For editors and readers: how the date or status was judged")


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
    language: Language = "en"
    original: Original | None = None
    date: When | None = Field(None, description="Only where the source gives it; never guessed")
    time: TimeText | None = None
    medium: Text | None = Field(
        None, description="How it was said, e.g. 'told Reuters', 'to Al Jazeera TV', 'statement'"
    )
    sources: list[Id] = Field(default_factory=list)
    events: list[Id] = Field(default_factory=list, description="Events the quote is about")
    tags: list[Id] = Field(default_factory=list)
    note: Text | None = None


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
    url: Url | None = None
    author: Text | None = None
    via: Text | None = Field(None, description="Who republished it, where it was read")
    via_url: Url | None = None
    archive_url: Url | None = None
    language: Language = "en"
    note: Text | None = None


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
    number = _number(value)
    if not -90 <= number <= 90:
        raise PydanticCustomError(
            "invalid-value", "latitude", {"reason": f"latitude {value} must be between -90 and 90"}
        )
    return number


def _longitude(value: Any) -> Any:
    number = _number(value)
    if not -180 <= number <= 180:
        raise PydanticCustomError(
            "invalid-value", "longitude", {"reason": f"longitude {value} must be between -180 and 180"}
        )
    return number


_COORDINATE_SCHEMA = WithJsonSchema({"type": ["string", "number"], "pattern": r"^-?\d+(\.\d+)?$"})
Latitude = Annotated[Decimal, BeforeValidator(_latitude), PlainSerializer(str, return_type=str), _COORDINATE_SCHEMA]
Longitude = Annotated[Decimal, BeforeValidator(_longitude), PlainSerializer(str, return_type=str), _COORDINATE_SCHEMA]


class Coordinates(Strict):
    lat: Latitude
    lon: Longitude
    precision: CoordinatePrecision = Field(
        "settlement", description="How exact: exact, approximate, or the centre of a settlement, district..."
    )


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
    aliases: list[Text] = Field(default_factory=list, description="Other spellings, e.g. Mazar-e-Sharif")
    note: Text | None = None


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
    note: Text | None = None


class Briefing(Strict):
    """A dated edition: what a busy reader must know as of a moment, with its evidence."""

    title: Text
    as_of: Day = Field(description="The date the briefing is written as of")
    time: TimeText | None = Field(None, description="As-of time, in the site's time zone")
    since: Day | None = Field(None, description="Start of the period covered; by default the previous briefing's date")
    summary: Text | None = None
    highlights: list[Text] = Field(default_factory=list, description="3 to 6 lines: what a busy reader must know")
    key_figures: list[Id] = Field(default_factory=list, description="Figure ids")
    quotes: list[Id] = Field(default_factory=list, description="Featured quote ids")
    watch: list[Text] = Field(default_factory=list, description="Items to watch")
    places: list[Id] = Field(default_factory=list, description="Scope: only events at these places (all if empty)")
    tags: list[Id] = Field(default_factory=list, description="Scope: only events with these tags (all if empty)")
    draft: bool = False


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


KINDS: dict[str, type[Strict]] = {
    "sources": Source,
    "places": Place,
    "actors": Actor,
    "events": Event,
    "quotes": Quote,
    "briefings": Briefing,
}
SINGULAR = {
    "sources": "source",
    "places": "place",
    "actors": "actor",
    "events": "event",
    "quotes": "quote",
    "briefings": "briefing",
    "figures": "figure",
}


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


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema editors use for one kind of record file."""
    schema = model.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


@dataclass(frozen=True)
class Repository:
    """Every validated record, by kind and id, in id order."""

    site: Site
    sources: dict[str, Source]
    places: dict[str, Place]
    actors: dict[str, Actor]
    events: dict[str, Event]
    quotes: dict[str, Quote]
    briefings: dict[str, Briefing]
    figures: dict[str, tuple[str, Figure]]
    """Figure id -> (id of the event that gives it, the figure)."""


@cache
def reference(model: type[BaseModel]) -> list[dict[str, Any]]:
    """Each field of a record as an editor needs it: key, what it takes, required, what it is for."""
    schema = json_schema(model)
    definitions = schema.get("$defs", {})
    rows = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        rows.append(
            {
                "key": key,
                "takes": _takes(schema["properties"][key], definitions),
                "required": info.is_required(),
                "about": info.description or "",
            }
        )
    return rows


def _takes(node: dict[str, Any], definitions: dict[str, Any]) -> str:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return f"a {name} mapping" if "properties" in definitions.get(name, {}) else name
    if "enum" in node:
        return "one of " + ", ".join(str(v) for v in node["enum"])
    if "anyOf" in node:
        options = [_takes(option, definitions) for option in node["anyOf"] if option.get("type") != "null"]
        return " or ".join(dict.fromkeys(options))
    if node.get("type") == "array":
        return f"a list of {_takes(node.get('items', {}), definitions)}"
    if node.get("pattern") == ID_PATTERN:
        return "an id"
    if "examples" in node:
        return "text such as " + ", ".join(str(e) for e in node["examples"][:3])
    if node.get("format") == "uri":
        return "an http or https address"
    if node.get("format") == "date":
        return "a date (YYYY-MM-DD)"
    kinds = node.get("type", "text")
    return {"string": "text", "boolean": "true or false"}.get(kinds if isinstance(kinds, str) else "string", "text")
