"""The value types analysts write: dates, times, numbers, links, languages."""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from builder.model import ID_PATTERN, Event, FuzzyDate, Quote, Source, is_right_to_left, is_slug, reserved


def event(**fields: Any) -> Event:
    return Event.model_validate({"title": "t", "date": "2021-08-13", "sources": ["s"], **fields})


def error_types(**fields: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        event(**fields)
    return [detail["type"] for detail in caught.value.errors()]


@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "approximate"),
    [
        ("2021-08-13", date(2021, 8, 13), date(2021, 8, 13), "day", False),
        ("2021-08", date(2021, 8, 1), date(2021, 8, 31), "month", False),
        ("2020-02", date(2020, 2, 1), date(2020, 2, 29), "month", False),
        ("2020", date(2020, 1, 1), date(2020, 12, 31), "year", False),
        ("2021-08-12/2021-08-13", date(2021, 8, 12), date(2021, 8, 13), "range", False),
        ("2021-08-12~", date(2021, 8, 12), date(2021, 8, 12), "day", True),
        ("2021-08/2021-09~", date(2021, 8, 1), date(2021, 9, 30), "range", True),
    ],
)
def test_dates_keep_their_precision(text: str, start: date, end: date, precision: str, approximate: bool) -> None:
    parsed = FuzzyDate.parse(text)
    assert (parsed.start, parsed.end, parsed.precision, parsed.approximate) == (start, end, precision, approximate)
    assert str(parsed) == text


@pytest.mark.parametrize(
    "text",
    ["2021-02-30", "2021-13", "13/08/2021", "2021-8-13", "yesterday", "2021-08-13/2021-08-12", "2021-08-13T10:00"],
)
def test_impossible_or_ambiguous_dates_are_refused(text: str) -> None:
    assert error_types(date=text) == ["invalid-date"]


@pytest.mark.parametrize(("text", "clock"), [("22:30", time(22, 30)), ("7:05", time(7, 5)), ("00:00", time(0, 0))])
def test_clock_times(text: str, clock: time) -> None:
    assert event(time=text).time.clock == clock  # type: ignore[union-attr]


def test_parts_of_day() -> None:
    parsed = event(time="Night").time
    assert parsed is not None and parsed.part == "night" and str(parsed) == "night"
    assert error_types(time="late") == ["invalid-time"]
    assert error_types(time="24:00") == ["invalid-time"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("3000", 3000), ("3,000", 3000), ("1.5", Decimal("1.5")), ("1 trillion", 10**12), ("2.5 million", 2_500_000)],
)
def test_numbers_as_people_write_them(text: str, value: Decimal) -> None:
    figure = event(figures=[{"id": "f", "label": "l", "value": text}]).figures[0]
    assert figure.value == value


@pytest.mark.parametrize("text", ["lots", "3,00", "1e6", "3 000", "$3000", "NaN"])
def test_non_numbers_are_refused(text: str) -> None:
    assert error_types(figures=[{"id": "f", "label": "l", "value": text}]) == ["invalid-number"]


def source(url: str) -> Source:
    return Source.model_validate(
        {"title": "t", "publisher": "p", "kind": "photo", "published": "2021-08-13", "url": url}
    )


@pytest.mark.parametrize(
    "url",
    ["https://www.reuters.com/world/asia-pacific/x-2021-08-13/", "http://example.org", "HTTPS://EXAMPLE.ORG/a?b=c#d"],
)
def test_web_addresses(url: str) -> None:
    assert source(url).url == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "//evil.example.org",
        "https://",
        "https://user@evil.example.org",
        "https://exa mple.org",
        "www.reuters.com",
        "file:///etc/passwd",
        "https://localhost",
    ],
)
def test_only_http_and_https_links_to_real_hosts(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        source(url)
    assert [detail["type"] for detail in caught.value.errors()] == ["invalid-url"]


def test_original_language_text_beside_the_translation() -> None:
    quote = Quote.model_validate(
        {
            "speaker": "taliban",
            "text": "Kandahar is completely conquered.",
            "original": {"text": "کندهار په بشپړه توګه فتح شو", "language": "ps"},
            "sources": ["s"],
        }
    )
    assert quote.original is not None and is_right_to_left(quote.original.language)
    assert not is_right_to_left(quote.language)
    assert is_right_to_left("fa-AF") and is_right_to_left("ar")


@pytest.mark.parametrize("original", [None, {"text": "کندهار په بشپړه توګه فتح شو", "language": "ps"}])
def test_a_translation_names_its_translator_with_or_without_the_original(original: dict[str, str] | None) -> None:
    quote = Quote.model_validate(
        {
            "speaker": "taliban",
            "text": "the pace of the advance",
            "kind": "partial",
            "context": "on the pace of the Taliban advance",
            "translated_by": "Reuters",
            "original": original,
            "sources": ["s"],
        }
    )
    assert quote.translated_by == "Reuters" and quote.context == "on the pace of the Taliban advance"


@pytest.mark.parametrize("field", ["translated_by", "context"])
def test_an_empty_translator_or_context_is_refused(field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Quote.model_validate({"speaker": "taliban", "text": "words", field: " ", "sources": ["s"]})
    assert [(detail["type"], detail["loc"]) for detail in caught.value.errors()] == [("empty-text", (field,))]


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("kandahar-city", True),
        ("2021-08-13", True),
        ("Kandahar", False),
        ("kandahar--city", False),
        ("-kandahar", False),
        ("kandahar_city", False),
        ("a" * 81, False),
        ("ghazni\u0131", False),
        ("", False),
    ],
)
def test_one_strict_id_rule(text: str, ok: bool) -> None:
    assert is_slug(text) is ok


def test_status_shorthands_become_a_history() -> None:
    assert [step.status for step in event(status="confirmed").status] == ["confirmed"]
    assert [step.by for step in event(status={"status": "claimed", "by": "taliban"}).status] == ["taliban"]
    assert [step.status for step in event().status] == ["reported"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("0001/9999", "year-out-of-range"),
        ("2021-08-13/3021-08-13", "year-out-of-range"),
        ("1799-12-31", "year-out-of-range"),
        ("2201", "year-out-of-range"),
        ("0000-01", "year-out-of-range"),
        ("2016-01-01/2021-08-13", "range-too-long"),
    ],
)
def test_both_ends_of_a_date_are_bounded(text: str, code: str) -> None:
    assert error_types(date=text) == [code]


def test_dates_at_the_bounds_are_valid() -> None:
    assert event(date="1800-01-01").date.start == date(1800, 1, 1)
    assert event(date="2200-12-31").date.end == date(2200, 12, 31)
    assert event(date="2016-08-14/2021-08-13").date.precision == "range"


def test_a_day_is_bounded_too() -> None:
    from builder.model import Briefing

    with pytest.raises(ValidationError) as caught:
        Briefing.model_validate({"title": "t", "as_of": "9999-12-31"})
    assert [detail["type"] for detail in caught.value.errors()] == ["year-out-of-range"]


@pytest.mark.parametrize(
    "text", ["1" + "0" * 39, "1,000,000,000,000,000", "1000 trillion", "-1000 trillion", "0.1234567", "1" * 5000]
)
def test_numbers_are_bounded_in_size_and_digits(text: str) -> None:
    assert error_types(figures=[{"id": "f", "label": "l", "value": text}]) == ["number-out-of-range"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("999,999,999,999,999.999999", Decimal("999999999999999.999999")),
        ("-999 trillion", -999 * 10**12),
        ("1.1234567 million", Decimal("1123456.7")),
        ("0.123456", Decimal("0.123456")),
        ("2.50000000", Decimal("2.5")),
    ],
)
def test_numbers_at_the_bounds_are_valid(text: str, value: Decimal) -> None:
    figure = event(figures=[{"id": "f", "label": "l", "value": text}]).figures[0]
    assert figure.value == value


@pytest.mark.parametrize("text", ["index", "con", "prn", "aux", "nul", "com1", "lpt9", "com0"])
def test_reserved_ids(text: str) -> None:
    assert is_slug(text) and reserved(text)
    assert error_types(places=[text]) == ["reserved-id"]
    assert not re.fullmatch(ID_PATTERN, text)


@pytest.mark.parametrize("text", ["index-page", "console", "com10", "kabul"])
def test_ids_that_only_look_reserved(text: str) -> None:
    assert reserved(text) is None and re.fullmatch(ID_PATTERN, text)


@pytest.mark.parametrize(
    ("branch", "ok"),
    [
        ("main", True),
        ("release/2021.08", True),
        ("gh-pages", True),
        ("../main", False),
        ("a/../b", False),
        ("a..b", False),
        ("/main", False),
        ("main/", False),
        ("a//b", False),
        (".hidden", False),
        ("main.lock", False),
        ("main.", False),
    ],
)
def test_branch_names(branch: str, ok: bool) -> None:
    from builder.model import Site

    if ok:
        assert Site.model_validate({"branch": branch}).branch == branch
    else:
        with pytest.raises(ValidationError) as caught:
            Site.model_validate({"branch": branch})
        assert [detail["type"] for detail in caught.value.errors()] == ["invalid-value"]
