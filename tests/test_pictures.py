"""The events chart: a bar a day while that fits, and a bounded size however far apart the dates are."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from builder.pictures import MAX_BARS, events_chart


def bars(svg: str) -> list[tuple[str, str, int]]:
    """(first day, last day, count) of each bar."""
    found = []
    for attributes in re.findall(r"<rect ([^>]*)/>", svg):
        if "data-day" in attributes:
            first = last = re.search(r'data-day="([0-9-]+)"', attributes)[1]  # type: ignore[index]
        else:
            first = re.search(r'data-from="([0-9-]+)"', attributes)[1]  # type: ignore[index]
            last = re.search(r'data-to="([0-9-]+)"', attributes)[1]  # type: ignore[index]
        found.append((first, last, int(re.search(r'data-count="(\d+)"', attributes)[1])))  # type: ignore[index]
    return found


def test_a_short_period_has_a_bar_for_every_day() -> None:
    shown = bars(events_chart({date(2021, 8, 11): 2, date(2021, 8, 13): 1}, "t"))
    assert shown == [("2021-08-11", "2021-08-11", 2), ("2021-08-12", "2021-08-12", 0), ("2021-08-13", "2021-08-13", 1)]


def test_a_longer_period_is_counted_by_week() -> None:
    counts = {date(2021, 8, 13): 1, date(2021, 8, 14): 2, date(2021, 11, 1): 4}
    svg = events_chart(counts, "Events")
    shown = bars(svg)
    assert shown[0] == ("2021-08-09", "2021-08-15", 3) and shown[-1] == ("2021-11-01", "2021-11-07", 4)
    assert sum(count for _, _, count in shown) == 7
    assert "Events, per week" in html.unescape(svg)


def test_years_are_counted_by_month() -> None:
    shown = bars(events_chart({date(2020, 1, 31): 1, date(2021, 8, 13): 5, date(2021, 8, 31): 1}, "t"))
    assert len(shown) == 20 and shown[-1] == ("2021-08-01", "2021-08-31", 6)


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2021, 8, 13), date(3021, 8, 13)),
        (date(1800, 1, 1), date(2200, 12, 31)),
        (date.min, date.max),
        (date(2021, 1, 1), date(2021, 1, 1) + timedelta(days=MAX_BARS * 7)),
    ],
)
def test_the_chart_stays_small_however_long_the_span(first: date, last: date) -> None:
    svg = events_chart({first: 1, last: 2}, "Events")
    shown = bars(svg)
    assert len(shown) <= MAX_BARS
    assert len(svg) < 300 * MAX_BARS
    assert sum(count for _, _, count in shown) == 3
    assert shown[0][0] <= first.isoformat() <= shown[0][1]
    assert shown[-1][0] <= last.isoformat() <= shown[-1][1]
