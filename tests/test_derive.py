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


def test_control_as_known_at_each_briefing(sample: Repository) -> None:
    first, second = derive.editions(sample)
    control = derive.Control(sample)
    on_12th, on_13th = control.on(first.at), control.on(second.at)
    assert "kandahar-city" not in on_12th and "herat" not in on_12th, "reported only on the 13th"
    assert on_12th["farah"].holder == "taliban"
    assert (on_13th["kandahar-city"].holder, on_13th["kandahar-city"].status.status) == ("taliban", "confirmed")
    assert on_13th["kandahar-airport"].holder == "afghan-government"
    assert on_13th["herat"].status.status == "reported"


def test_a_step_known_after_a_briefing_is_not_in_it(repo: Callable[..., Path]) -> None:
    data = repo({
        "sources/late.yaml": "title: Confirmed\npublisher: AFP\nkind: wire-agency\n"
                             "published: 2021-08-13\ntime: '22:00'\n",
        "events/kandahar-falls.yaml": """
            title: Taliban take Kandahar
            date: 2021-08-13
            sources: [report]
            status:
              - status: claimed
                by: taliban
              - status: confirmed
                date: 2021-08-13
                sources: [late]
        """,
        "briefings/2021-08-13.yaml": "title: Evening\nas_of: 2021-08-13\ntime: evening\n",
        "briefings/2021-08-14.yaml": "title: Next day\nas_of: 2021-08-14\n",
    })  # fmt: skip
    assert problems_in(data) == []
    repository = validate(data)
    first, second = derive.editions(repository)
    facts = derive.Knowledge(repository).events["kandahar-falls"]
    event = repository.events["kandahar-falls"]
    assert derive.known.current(event.status, facts.status, first.at).status == "claimed"
    assert derive.known.current(event.status, facts.status, second.at).status == "confirmed"
    found = derive.changes(repository, second, first)
    assert [(c.event_id, c.status[0].status, c.status[1].status) for c in found.events if c.status] == [
        ("kandahar-falls", "claimed", "confirmed")
    ]
    assert "kandahar-falls" in second.events, "the briefing that learns of the confirmation shows the event"


def test_what_changed_between_the_two_briefings(sample: Repository) -> None:
    first, second = derive.editions(sample)
    found = derive.changes(sample, second, first)
    assert "kandahar-city-captured" in found.new_events and "ghazni-captured" in found.new_events
    assert "farah-taliban-patrols" not in found.new_events, "known on the 12th"
    moved = {place: (before.holder if before else None, after.holder if after else None)
             for place, before, after in found.control_changes}  # fmt: skip
    assert moved["kandahar-city"] == (None, "taliban") and moved["herat"] == (None, "taliban")
    assert "farah" not in moved, "unchanged control is not news"
    assert not derive.changes(sample, first, None)


CORRECTED = {
    "sources/early.yaml": "title: Taliban claim Kandahar\npublisher: AFP\nkind: wire-agency\npublished: 2021-08-12\n",
    "events/kandahar-falls.yaml": """
        title: Taliban take Kandahar
        date: 2021-08-12
        sources: [early]
        status:
          - status: claimed
            date: 2021-08-12
            by: taliban
          - status: denied
            date: 2021-08-13
            by: government
            sources: [report]
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


def test_denials_are_updates_retractions_and_corrections_are_logged(repo: Callable[..., Path]) -> None:
    data = repo({**CORRECTED, "events/kandahar-falls.yaml": CORRECTED["events/kandahar-falls.yaml"].replace(
        "            revises: troops\n",
        "            revises: troops\n            sources: [report]\n"
        "            correction: The first figure was misreported.\n",
    )})  # fmt: skip
    assert problems_in(data) == []
    repository = validate(data)
    assert "kandahar" in derive.control_on(repository, AUG[12])
    assert "kandahar" not in derive.control_on(repository, AUG[13]), "a retracted change no longer counts"
    first, second = derive.editions(repository)
    found = derive.changes(repository, second, first)
    assert [(c.figure_id, c.old, c.kind) for c in found.figures] == [("troops-revised", "troops", "correction")]
    assert [(c.status[0].status, c.status[1].status) for c in found.events if c.status] == [("claimed", "denied")]
    corrections = derive.corrections(repository)
    assert sorted((c.day, c.part, c.kind) for c in corrections) == [
        (AUG[13], "control", "retraction"),
        (AUG[13], "figure", "correction"),
    ], "a denial is news, not a correction"
    pages = render(repository)
    log = str(pages["corrections.md"])
    assert "**13 August 2021 · Retraction**: Control of Kandahar, in “Taliban take Kandahar”&#58; now retracted" in log
    assert "extra US troops&#58; corrected from 3,000 to 4,000. The first figure was misreported." in log
    briefing = str(pages["briefings/2021-08-13.md"])
    assert "- extra US troops: 3,000 → 4,000, according to Afghan government (correction)" in briefing
    notice = str(pages["briefings/2021-08-12.md"]).split("<!-- later:start -->")[1].split("<!-- later:end -->")[0]
    assert '!!! warning "Corrected on 13 August 2021"' in notice and "corrections.md#correction-" in notice


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
    assert on_12th["farah"] == taliban and "herat" not in on_12th, "Herat's claim was reported on the 13th"


def test_the_chart_counts_the_events_of_each_day(sample: Repository) -> None:
    pages = render(sample)
    text = str(pages["briefings/2021-08-13.md"])
    bars = {day: int(count) for day, count in re.findall(r'data-day="([0-9-]+)" data-count="(\d+)"', text)}
    timeline = text.split("## Timeline", 1)[1].split("## Key quotes", 1)[0]
    per_day = {}
    for block in timeline.split("\n### ")[1:]:
        heading = block.splitlines()[0]
        # Events over before the period, learned of in it, are listed but not charted.
        if heading != "Earlier events, newly reported":
            per_day[heading] = block.count("\n#### ")
    assert per_day == {"13 August 2021": bars["2021-08-13"], "12 August 2021": bars["2021-08-12"]}
    assert bars["2021-08-13"] > 0


def test_pictures_carry_a_text_alternative(sample: Repository) -> None:
    text = str(render(sample)["briefings/2021-08-13.md"])
    assert '<title id="map-title">Control of the places in this briefing as of 13 August 2021</title>' in text
    badge = '[<span class="status status--confirmed">confirmed'
    assert f"| [Kandahar](../places/kandahar-city.md) | Taliban | {badge}" in text


def test_every_place_and_actor_has_a_page(sample: Repository) -> None:
    pages = render(sample)
    for place_id in sample.places:
        assert f"places/{place_id}.md" in pages
    for actor_id in sample.actors:
        assert f"actors/{actor_id}.md" in pages
    kandahar = str(pages["places/kandahar-city.md"])
    assert "## Control history" in kandahar and "Captured by Taliban from Afghan government" in kandahar
    mcconnell = str(pages["actors/mitch-mcconnell.md"])
    assert mcconnell.count("US Senate Republican leader") >= 2


def test_places_without_coordinates_are_listed_and_their_holders_tabled(repo: Callable[..., Path]) -> None:
    # The base repository's places have no coordinates: nothing can be drawn, nothing may be lost.
    data = repo({
        "events/kandahar-falls.yaml": """
            title: Taliban take Kandahar
            date: 2021-08-13
            sources: [report]
            control:
              - place: kandahar
                to: taliban
            figures:
              - id: troops
                label: extra US troops
                value: 3,000
                by: government
        """,
    })  # fmt: skip
    text = str(render(validate(data))["briefings/2021-08-13.md"])
    assert "<svg" not in text.split("## Timeline")[0]
    assert "Not on the map, for want of coordinates: [Kandahar](../places/kandahar.md) (Taliban, reported)." in text
    assert "## Who holds what" in text and "| [Kandahar](../places/kandahar.md) | Taliban |" in text
