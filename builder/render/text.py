"""Dates, times, numbers and figures in words, as plain text: the engine escapes it where it lands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

from .. import vocabulary
from ..derive import Edition
from ..model import Figure, FuzzyDate, TimeOfDay


@cache
def format_day(day: date) -> str:
    # Cached: a site has a few thousand distinct days and prints each one thousands of times.
    return f"{day.day} {day:%B %Y}"


def format_date(when: FuzzyDate) -> str:
    start, end = when.start, when.end
    if when.precision == "day":
        text = format_day(start)
    elif when.precision == "month":
        text = f"{start:%B %Y}"
    elif when.precision == "year":
        text = str(start.year)
    elif (start.year, start.month) == (end.year, end.month):
        text = f"{start.day}–{end.day} {end:%B %Y}"
    elif start.year == end.year:
        text = f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    else:
        text = f"{format_day(start)} – {format_day(end)}"
    return f"about {text}" if when.approximate else text


def format_time(moment: TimeOfDay | None) -> str:
    """A clock time as written (22:30), a part of the day in words (early morning)."""
    if moment is None:
        return ""
    return vocabulary.label("time", moment.part) if moment.part else str(moment)


_SCALE_WORDS = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


def format_number(number: Decimal) -> str:
    for scale, word in _SCALE_WORDS:
        if abs(number) >= scale and (number / scale) == (number / scale).quantize(Decimal("0.1")):
            return f"{(number / scale).normalize():f} {word}"
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():f}"


def format_figure(figure: Figure) -> str:
    if figure.value is not None:
        amount = format_number(figure.value)
    else:
        amount = f"{format_number(figure.low or Decimal(0))}–{format_number(figure.high or Decimal(0))}"
        if figure.best is not None:
            amount += f" (best estimate {format_number(figure.best)})"
    unit = f" {figure.unit}" if figure.unit else ""
    qualifier = "" if figure.qualifier == "exactly" else f"{vocabulary.label('qualifier', figure.qualifier)} "
    return f"{qualifier}{amount}{unit}"


def tag_name(tag: str) -> str:
    """A tag as readers read it: 'provincial-capitals' is 'provincial capitals'."""
    return tag.replace("-", " ")


def zone_name(zone: str) -> str:
    """'Asia/Kabul' as readers say it: 'Kabul time'."""
    return "UTC" if zone in ("UTC", "Etc/UTC") else zone.rsplit("/", 1)[-1].replace("_", " ") + " time"


# The languages a briefing on this region quotes most; any other is shown by its code.
_LANGUAGES = {
    "ar": "Arabic",
    "en": "English",
    "fa": "Persian",
    "fa-AF": "Dari",
    "prs": "Dari",
    "fr": "French",
    "de": "German",
    "he": "Hebrew",
    "hi": "Hindi",
    "ps": "Pashto",
    "pbt": "Pashto",
    "ru": "Russian",
    "es": "Spanish",
    "tg": "Tajik",
    "tr": "Turkish",
    "tk": "Turkmen",
    "ur": "Urdu",
    "uz": "Uzbek",
    "zh": "Chinese",
}


def language_name(code: str) -> str:
    """'ps' as readers say it: 'Pashto'; a code it does not know, as written."""
    return _LANGUAGES.get(code) or _LANGUAGES.get(code.split("-")[0].lower(), code)


def period(edition: Edition) -> str:
    """The period a briefing covers, in words."""
    if edition.since is None:
        return f"everything up to {format_day(edition.briefing.as_of)}"
    if edition.since == edition.briefing.as_of:
        return format_day(edition.since)
    return format_date(FuzzyDate(edition.since, edition.briefing.as_of, "range"))
