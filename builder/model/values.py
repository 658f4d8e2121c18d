"""The value types analysts write, and how each is parsed from the text the strict loader gives.

Ids, dates as precise as the sources allow, times of day, time zones, numbers, languages and links:
each raises a problem code (`PydanticCustomError`) that names what is wrong.
"""

from __future__ import annotations

import calendar
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema
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
        _checked_id(value)
    return value


@lru_cache(maxsize=1 << 16)
def _checked_id(value: str) -> None:
    """Raise when `value` may not be an id. Ids recur in every reference to them: each is checked once."""
    if not is_slug(value):
        raise PydanticCustomError("invalid-id", "invalid id", {"value": value})
    reason = reserved(value)
    if reason:
        raise PydanticCustomError("reserved-id", "reserved id", {"value": value, "reason": reason})


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


@lru_cache(maxsize=1 << 14)
def _parsed_date(text: str) -> FuzzyDate:
    """`FuzzyDate.parse`, once for each text: the same days recur across records, and a FuzzyDate never changes."""
    return FuzzyDate.parse(text)


def _fuzzy_date(value: Any) -> Any:
    if isinstance(value, FuzzyDate):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("wrong-type", "wrong type", {"expected": "a date", "found": _kind_of(value)})
    try:
        return _parsed_date(value)
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


_REPORTED = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]+(\S+))?", re.ASCII)


@dataclass(frozen=True)
class Reported:
    """When something became known, as an analyst writes it: `2021-08-13`, `2021-08-13 22:30` or `2021-08-13 night`."""

    day: date
    time: TimeOfDay | None = None

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.time}" if self.time else self.day.isoformat()


def _reported(value: Any) -> Any:
    if isinstance(value, Reported):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("wrong-type", "wrong type", {"expected": "a date", "found": _kind_of(value)})
    match = _REPORTED.fullmatch(value.strip())
    if not match:
        # Its message names only the forms a moment takes: a month, a range or an approximate date is none.
        raise PydanticCustomError("invalid-reported", "invalid reported", {"value": value, "reason": ""})
    try:
        day = _parse_day(match[1])
    except DateBoundError as error:
        raise PydanticCustomError(error.code, error.code, {"value": value.strip(), **error.params}) from None
    except ValueError as error:
        reason = f": {error}"
        raise PydanticCustomError("invalid-reported", "invalid reported", {"value": value, "reason": reason}) from None
    return Reported(day, _time_of_day(match[2]) if match[2] else None)


ReportedText = Annotated[
    Reported,
    BeforeValidator(_reported),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}( +([01]?\d|2[0-3]):[0-5]\d| +[a-z-]+)?$",
            "description": "When it became known: YYYY-MM-DD, then optionally a 24-hour HH:MM or a part of the day",
            "examples": ["2021-08-13", "2021-08-13 22:30", "2021-08-13 night"],
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


def parse_number(value: Any) -> Any:
    """A number as analysts write it (`3,000`, `1.5 million`) as a Decimal; raises its problem code."""
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
    BeforeValidator(parse_number),
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
