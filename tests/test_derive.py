"""What the records imply: control and status as of a date, what changed, corrections, pictures."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from builder import derive
from builder.model import Repository
from builder.render import render
from builder.validate import validate

from .conftest import SAMPLE, problems_in

AUG = {day: date(2021, 8, day) for day in range(10, 16)}


@pytest.fixture(scope="module")
def sample() -> Repository:
    return validate(SAMPLE)


def test_control_as_of_each_briefing_date(sample: Repository) -> None:
    on_12th = derive.control_on(sample, AUG[12])
    on_13th = derive.control_on(sample, AUG[13])
    assert "kandahar-city" not in on_12th
    assert (on_13th["kandahar-city"].holder, on_13th["kandahar-city"].status.status) == ("taliban", "confirmed")
    assert on_13th["kandahar-airport"].holder == "afghan-government"
    assert (on_12th["herat"].status.status, on_13th["herat"].status.status) == ("claimed", "reported")


def test_an_older_briefing_keeps_showing_the_claim(sample: Repository) -> None:
    herat = sample.events["herat-captured"]
    assert derive.status_on(herat.status, AUG[12], herat.date.start).status == "claimed"
    assert derive.status_on(herat.status, AUG[13], herat.date.start).status == "reported"


def test_what_changed_between_the_two_briefings(sample: Repository) -> None:
    first, second = derive.editions(sample)
    found = derive.changes(sample, second, first)
    assert "kandahar-city-captured" in found.new_events and "ghazni-captured" not in found.new_events
    assert [(e, old.status, new.status) for e, old, new in found.status_changes] == [
        ("herat-captured", "claimed", "reported")
    ]
    moved = {place: (before.holder if before else None, after.holder) for place, before, after in found.control_changes}
    assert moved["kandahar-city"] == (None, "taliban") and moved["herat"] == ("taliban", "taliban")
    assert "farah" not in moved, "unchanged control is not news"
    assert not derive.changes(sample, first, None)


CORRECTED = {
    "events/kandahar-falls.yaml": """
        title: Taliban take Kandahar
        date: 2021-08-12
        sources: [report]
        status:
          - status: claimed
            date: 2021-08-12
            by: taliban
          - status: denied
            date: 2021-08-13
            by: government
            note: The governor's office denied it.
        control:
          - place: kandahar
            from: government
            to: taliban
            status:
              - status: claimed
                date: 2021-08-12
                by: taliban
              - status: retracted
                date: 2021-08-13
                sources: [report]
        figures:
          - id: troops
            label: extra US troops
            value: 3,000
            as_of: 2021-08-12
            by: government
          - id: troops-revised
            label: extra US troops
            value: 4,000
            as_of: 2021-08-13
            by: government
            revises: troops
    """,
    "briefings/2021-08-12.yaml": "title: Briefing, 12 August 2021\nas_of: 2021-08-12\n",
}


def test_denials_retractions_and_revised_figures(repo: Callable[..., Path]) -> None:
    data = repo(CORRECTED)
    assert problems_in(data) == []
    repository = validate(data)
    assert "kandahar" in derive.control_on(repository, AUG[12])
    assert "kandahar" not in derive.control_on(repository, AUG[13]), "a retracted change no longer counts"
    first, second = derive.editions(repository)
    found = derive.changes(repository, second, first)
    assert found.revised_figures == ("troops-revised",)
    assert [(old.status, new.status) for _, old, new in found.status_changes] == [("claimed", "denied")]
    corrections = derive.corrections(repository)
    assert sorted((c.day, c.what) for c in corrections) == [
        (AUG[13], "control of kandahar"),
        (AUG[13], "event"),
        (AUG[13], "figure"),
    ]
    pages = render(repository)
    log = str(pages["corrections.md"])
    assert "13 August 2021: [Taliban take Kandahar]" in log and "now denied by Afghan government" in log
    assert "revised from 3,000 to 4,000" in log
    assert "[correction](../corrections.md)" in str(pages["briefings/2021-08-13.md"])


def marker_colours(svg: str) -> dict[str, str]:
    return {m[1]: m[0] for m in re.findall(r'<circle [^>]*?fill="([^"]+)"[^>]*data-place="([^"]+)"', svg)}


def test_the_map_colours_each_place_by_its_controller_as_of_the_briefing(sample: Repository) -> None:
    pages = render(sample)
    legend = dict(re.findall(r'<circle cx="\d+" cy="\d+" r="6" fill="(#[0-9a-f]{6})"[^>]*/><text[^>]*>([^<]+)</text>',
                             str(pages["briefings/2021-08-13.md"])))  # fmt: skip
    taliban = next(colour for colour, name in legend.items() if name == "Taliban")
    government = next(colour for colour, name in legend.items() if name == "Afghan government")
    on_13th = marker_colours(str(pages["briefings/2021-08-13.md"]))
    on_12th = marker_colours(str(pages["briefings/2021-08-12.md"]))
    assert on_13th["kandahar-city"] == taliban and on_13th["kandahar-airport"] == government
    assert "kandahar-city" not in on_12th, "a briefing maps the places it reports on, not the whole registry"
    assert 'data-place="herat" data-holder="taliban" data-status="claimed"' in str(pages["briefings/2021-08-12.md"])
    assert re.search(r'fill="none"[^>]*data-place="herat"', str(pages["briefings/2021-08-12.md"])), "a claim is hollow"


def test_the_chart_counts_the_events_of_each_day(sample: Repository) -> None:
    pages = render(sample)
    text = str(pages["briefings/2021-08-13.md"])
    bars = {day: int(count) for day, count in re.findall(r'data-day="([0-9-]+)" data-count="(\d+)"', text)}
    timeline = text.split("## Timeline", 1)[1].split("## Key quotes", 1)[0]
    per_day = {}
    for block in timeline.split("\n### ")[1:]:
        heading = block.splitlines()[0]
        per_day[heading] = block.count("\n#### ")
    assert per_day == {"13 August 2021": bars["2021-08-13"], "12 August 2021": bars["2021-08-12"]}
    assert bars["2021-08-13"] > 0


def test_pictures_carry_a_text_alternative(sample: Repository) -> None:
    text = str(render(sample)["briefings/2021-08-13.md"])
    assert '<title id="map-title">Control of the places in this briefing as of 13 August 2021</title>' in text
    assert "| [Kandahar](../places/kandahar-city.md) | Taliban | confirmed |" in text


def test_every_place_and_actor_has_a_page(sample: Repository) -> None:
    pages = render(sample)
    for place_id in sample.places:
        assert f"places/{place_id}.md" in pages
    for actor_id in sample.actors:
        assert f"actors/{actor_id}.md" in pages
    kandahar = str(pages["places/kandahar-city.md"])
    assert "## Control history" in kandahar and "captured: Afghan government → Taliban" in kandahar
    mcconnell = str(pages["actors/mitch-mcconnell.md"])
    assert mcconnell.count("US Senate Republican leader") >= 2
