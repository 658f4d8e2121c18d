"""Values at the limits `check` allows go through every later stage: nothing valid can crash a build."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from builder.model import Figure
from builder.render import format_figure, format_number, render
from builder.validate import validate

LIMITS = """
    title: t
    date: {day}
    sources: [report]
    figures:
      - id: most
        label: l
        value: 999,999,999,999,999.999999
        by: government
      - id: least
        label: l
        low: -999,999,999,999,999.999999
        best: 0.000001
        high: 999.999999 trillion
        by: government
"""


@pytest.mark.parametrize(
    "text", ["999,999,999,999,999.999999", "-999,999,999,999,999.999999", "999 trillion", "0.000001", "1"]
)
def test_numbers_at_the_limit_are_shown(text: str) -> None:
    figure = Figure.model_validate({"id": "f", "label": "l", "value": text, "unit": "troops"})
    assert figure.value is not None
    assert format_figure(figure).endswith(" troops") and format_number(figure.value)
    assert format_number(-figure.value)


@pytest.mark.parametrize(
    ("zone", "day", "clock"),
    [("Asia/Kabul", "1800-01-01", "00:00"), ("Pacific/Kiritimati", "1800-01-01", "00:00"),
     ("America/Los_Angeles", "2200-12-31", "23:59"), ("Pacific/Pago_Pago", "2200-12-31", "23:59")],
)  # fmt: skip
def test_a_site_at_the_limits_builds_with_its_feed(repo: Callable[..., Path], zone: str, day: str, clock: str) -> None:
    # The later of the two editions covers everything since the earlier one's day, centuries away.
    first, last = sorted([day, "2021-08-13"])
    data = repo(
        {
            "site.yaml": f"time_zone: {zone}\nurl: https://briefings.example.org/\n",
            "events/at-the-limit.yaml": LIMITS.format(day=day),
            f"briefings/{first}.yaml": f"title: B\nas_of: {first}\ntime: '{clock}'\n",
            f"briefings/{last}.yaml": f"title: B\nas_of: {last}\ntime: '{clock}'\nsince: {first}\n"
            "key_figures: [most, least]\n",
        }
    )
    repository = validate(data, now=datetime(2201, 1, 2, tzinfo=UTC))
    pages = render(repository, workers=1)
    assert f"<id>https://briefings.example.org/briefings/{day}/</id>" in str(pages["feed.xml"])
    assert re.search(
        r"Events in the period covered, up to [^<]*, per (run of )?\d* ?years?<", str(pages[f"briefings/{last}.md"])
    )
    assert '<span class="key-figure__amount">999999999999999&#46;999999</span>' in str(pages[f"briefings/{last}.md"])
