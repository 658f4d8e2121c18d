"""The pictures: the events chart (a bar a day while that fits, bounded however far apart the dates are) and the
control map (outlines under the markers, labels that read and never collide, a legend per status)."""

from __future__ import annotations

import html
import itertools
import math
import random
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from builder import derive, pictures
from builder.derive import Holding
from builder.model import ControlChange, Place, StatusStep
from builder.pictures import MAX_BARS, events_chart
from builder.render import render
from builder.validate import validate

from .conftest import SAMPLE, problems_in


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


# --- the control map -----------------------------------------------------------------------------

PALETTE = {"taliban": "#1f6fc5", "government": "#c0392b"}
NAMES = {"taliban": "Taliban", "government": "Afghan government"}


def place(name: str, lat: str | None = None, lon: str | None = None, kind: str = "city", **more: Any) -> Place:
    data: dict[str, Any] = {"name": name, "kind": kind, **more}
    if lat is not None:
        data["coordinates"] = {"lat": lat, "lon": lon}
    return Place.model_validate(data)


def holding(place_id: str, holder: str, status: str) -> Holding:
    return Holding(place_id, holder, StatusStep(status=status), "event", ControlChange(place=place_id, to=holder))


@pytest.fixture(scope="module")
def sample_pages() -> dict[str, str]:
    return {path: str(text) for path, text in render(validate(SAMPLE)).items()}


def the_map(page: str) -> str:
    start = page.index('<svg class="picture picture--map"')
    return page[start : page.index("</svg>", start) + len("</svg>")]


def sample_map(day: str) -> pictures.ControlMap:
    """The map of a sample briefing, as `render` draws it, with its layout."""
    repository = validate(SAMPLE)
    derived = derive.derived(repository)
    for edition, brief in zip(derived.editions, derived.briefs, strict=True):
        if edition.id == day:
            places = {p: repository.places[p] for p in sorted(brief.places)}
            used = {h.holder: PALETTE.get(h.holder, "#000000") for h in brief.holdings.values()}
            return pictures.control_map(places, brief.holdings, NAMES, used, "map")
    raise AssertionError(day)


def all_boxes(layout: pictures.Layout) -> list[tuple[str, pictures.Box]]:
    return [(" ".join(label.lines), label.box) for label in (*layout.labels, *layout.countries, *layout.legend)]


def assert_laid_out(drawn: pictures.ControlMap) -> None:
    """Every label of every tier inside the SVG, labels on the map and legend entries below it, none overlapping."""
    assert drawn.layouts
    for layout in drawn.layouts:
        for text, (left, top, right, bottom) in all_boxes(layout):
            assert 0 <= left < right <= drawn.width and 0 <= top < bottom <= layout.height, (layout.tier.name, text)
        for label in (*layout.labels, *layout.countries):
            assert label.box[3] <= drawn.map_height, (layout.tier.name, label)
        for label in layout.legend:
            assert label.box[1] >= drawn.map_height, (layout.tier.name, label)
        boxes = all_boxes(layout)
        for index, (text, box) in enumerate(boxes):
            for other, second in boxes[index + 1 :]:
                overlap = box[0] < second[2] and second[0] < box[2] and box[1] < second[3] and second[1] < box[3]
                assert not overlap, (layout.tier.name, text, other)


def test_the_map_draws_country_outlines_under_the_markers(sample_pages: dict[str, str]) -> None:
    svg = the_map(sample_pages["briefings/2021-08-13.md"])
    countries = re.findall(r'<path d="M[^"]+" fill-opacity="[0-9.]+"><title>([^<]+)</title>', svg)
    assert {"Afghanistan", "Pakistan", "Iran", "Tajikistan"} <= set(countries)
    assert svg.index('class="countries"') < svg.index('class="markers"') < svg.index('class="tier tier--wide"')
    assert 'viewBox="0 0 1000 ' in svg and "width=" not in svg.split(">", 1)[0], "it scales to the column"


def test_outlines_come_from_the_committed_files_and_are_projected_once_per_frame() -> None:
    region, countries = pictures.layer(pictures.REGION)
    assert region == (44.0, 22.0, 82.0, 44.0)
    afghanistan = next(c for c in countries if c.name == "Afghanistan")
    assert 60 < afghanistan.bbox[0] < 61 and 74 < afghanistan.bbox[2] < 75.5
    for name in ("region-10m.json", "world-110m.json"):
        assert (pictures.GEODATA / name).stat().st_size < 100_000, "simplified, not the source's full detail"
    sample_map("2021-08-13")
    before = pictures.outlines.cache_info()
    sample_map("2021-08-13")
    after = pictures.outlines.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 1


@pytest.mark.parametrize("day", ["2021-08-12", "2021-08-13"])
def test_labels_stay_inside_the_map_and_never_overlap(day: str) -> None:
    drawn = sample_map(day)
    assert_laid_out(drawn)
    for layout in drawn.layouts:
        labelled = {label.place_id for label in layout.labels}
        assert labelled == {m for m in re.findall(r'data-place="([^"]+)"', drawn.svg)}, layout.tier.name


def test_kandahar_city_and_its_airport_do_not_overlap() -> None:
    drawn = sample_map("2021-08-13")
    markers = {
        place_id: (float(x), float(y))
        for x, y, place_id in re.findall(r'translate\(([\d.]+) ([\d.]+)\)"><title>[^<]*</title><circle[^>]*'
                                         r'data-place="([^"]+)"', drawn.svg)
    }  # fmt: skip
    narrow = max(tier.scale for tier in pictures.TIERS)
    assert math.dist(markers["kandahar-city"], markers["kandahar-airport"]) >= 2 * pictures.RADIUS * narrow
    for layout in drawn.layouts:
        city, airport = (
            next(x for x in layout.labels if x.place_id == p) for p in ("kandahar-city", "kandahar-airport")
        )
        assert city.lines == ("Kandahar",) and airport.lines == ("Kandahar airport",), "named, not numbered"


def test_text_reads_at_least_11_px_on_a_phone_and_12_on_a_desktop() -> None:
    wide, narrow = pictures.TIERS
    # The narrowest column each tier shows in: 688 px (a 720 px window), 328 px (a 360 px phone).
    assert wide.font * 688 / pictures.WIDTH >= 12
    assert narrow.font * 328 / pictures.WIDTH >= 11
    svg = sample_map("2021-08-13").svg
    sizes = {float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)}
    assert sizes == {wide.font, narrow.font}, "no text has a size of its own"
    tiers = re.findall(r'<g class="tier tier--[a-z]+"[^>]*>', svg)
    assert len(tiers) == 2 and all('fill="currentColor"' in tier for tier in tiers), "text takes the theme's colour"
    assert f"@media {pictures.NARROW}" in svg


def test_the_legend_draws_each_status_its_own_way() -> None:
    places = {p: place(p.title(), "3" + str(n), "6" + str(n)) for n, p in enumerate(("one", "two", "three", "four"))}
    statuses = dict(zip(places, ("confirmed", "reported", "claimed", "disputed"), strict=True))
    holdings = {p: holding(p, "taliban", status) for p, status in statuses.items()}
    svg = str(pictures.control_map(places, holdings, NAMES, {"taliban": "#1f6fc5"}, "t").svg)
    legend = svg.split('class="tier tier--wide"', 1)[1].split('class="legend"', 1)[1].split("</g></g>", 1)[0]
    swatches = re.findall(r'<g transform="translate\(\d+ \d+\)">(.*?)</g><text[^>]*>([^<]+)<', legend)
    entries = {words: shape for shape, words in swatches}
    assert list(entries) == ["confirmed", "reported, not confirmed", "claimed or unverified", "disputed"]
    assert len(set(entries.values())) == 4, "no two statuses drawn alike"
    markers = re.findall(r'<g class="marker"[^>]*><title>[^<]*</title>(.*?)</g>', svg)
    shapes = {re.search(r'data-status="([a-z]+)"', m)[1]: re.sub(r' data-[a-z]+="[^"]*"', "", m) for m in markers}  # type: ignore[index]
    assert len(set(shapes.values())) == 4
    assert 'r="6" fill="#1f6fc5"' in legend and ">Taliban</text>" in legend


def test_a_holding_from_before_the_period_says_when_it_was_last_reported() -> None:
    places = {"farah": place("Farah", "32.37", "62.11"), "herat": place("Herat", "34.35", "62.2")}
    holdings = {"farah": holding("farah", "taliban", "reported"), "herat": holding("herat", "taliban", "confirmed")}
    drawn = pictures.control_map(places, holdings, NAMES, PALETTE, "t", last_reported={"farah": date(2021, 7, 30)})
    for layout in drawn.layouts:
        farah = next(label for label in layout.labels if label.place_id == "farah")
        herat = next(label for label in layout.labels if label.place_id == "herat")
        assert farah.lines == ("Farah", "last reported 30 Jul 2021") and herat.lines == ("Herat",)
    assert "Farah: Taliban, reported, last reported 30 Jul 2021" in html.unescape(drawn.svg)
    assert_laid_out(drawn)


def test_a_briefing_notes_a_holding_reported_before_its_period(repo: Callable[..., Path]) -> None:
    data = repo(
        {
            "places/farah.yaml": "name: Farah\nkind: city\ncountry: AF\ncoordinates: {lat: 32.37, lon: 62.11}\n",
            "sources/old.yaml": "title: Farah patrols\npublisher: AP\nkind: wire-agency\npublished: 2021-08-01\n",
            "events/farah-patrols.yaml": """
                title: Taliban patrol Farah
                date: 2021-08-01
                places: [farah]
                actors: [taliban]
                sources: [old]
                control:
                  - place: farah
                    to: taliban
                    how: held
            """,
            "briefings/2021-08-13.yaml": """
                title: Briefing, 13 August 2021
                as_of: 2021-08-13
                since: 2021-08-12
                places: [farah, kandahar]
                key_figures: [troops]
                quotes: [official]
            """,
        }
    )
    page = str(render(validate(data))["briefings/2021-08-13.md"])
    assert ">last reported 1 Aug 2021</tspan>" in the_map(page)


def test_places_without_coordinates_come_back_as_data(sample_pages: dict[str, str]) -> None:
    drawn = sample_map("2021-08-13")
    unplaced = {u.place_id: u for u in drawn.unplaced}
    assert "helmand-province" in unplaced and unplaced["helmand-province"].name == "Helmand province"
    assert "afghanistan" not in unplaced and "qatar" not in unplaced, "a country is the map, not a place on it"
    assert not set(unplaced) & set(re.findall(r'data-place="([^"]+)"', drawn.svg))
    empty = pictures.control_map(
        {"p": place("Nowhere")}, {"p": holding("p", "taliban", "claimed")}, NAMES, PALETTE, "t"
    )
    [nowhere] = empty.unplaced
    assert not empty.svg and (nowhere.place_id, nowhere.name) == ("p", "Nowhere")
    assert nowhere.holding is not None and (nowhere.holding.holder, nowhere.holding.status.status) == (
        "taliban",
        "claimed",
    )


def test_a_place_may_carry_its_own_outline() -> None:
    square = [["64", "31"], ["65", "31"], ["65", "32"], ["64", "32"]]
    province = place("Helmand province", kind="province", outline=square)
    assert province.outline is not None and len(province.outline) == 1
    geojson = place("Helmand province", kind="province", outline={"type": "Polygon", "coordinates": [square]})
    assert geojson.outline == province.outline
    places = {"helmand": province, "lashkar-gah": place("Lashkar Gah", "31.58", "64.37")}
    holdings = {"helmand": holding("helmand", "taliban", "reported")}
    drawn = pictures.control_map(places, holdings, NAMES, PALETTE, "t")
    svg = str(drawn.svg)
    area = re.search(r'<g class="areas"[^>]*><path d="(M[^"]+)" fill="#1f6fc5"[^>]*data-place="helmand"', svg)
    assert area is not None and svg.index('class="areas"') < svg.index('class="markers"')
    assert not drawn.unplaced
    assert {label.place_id for label in drawn.layouts[0].labels} == {"helmand", "lashkar-gah"}
    assert_laid_out(drawn)


@pytest.mark.parametrize(
    ("outline", "reason"),
    [
        ("[[64, 31], [65, 31]]", "must be rings of at least 3 points, not a ring of 2 points"),
        ("{type: Point, coordinates: [64, 31]}", "or a GeoJSON Polygon or MultiPolygon, not a GeoJSON Point"),
        ("[[31.6, 65.7], [31.7, 65.7], [31.7, 65.8]]", "are longitude and latitude swapped?"),
        ("[[64, 31], [265, 31], [64, 32]]", "longitude 265 must be between -180 and 180"),
    ],
)
def test_an_outline_that_cannot_be_right_is_refused(repo: Callable[..., Path], outline: str, reason: str) -> None:
    text = f"name: Kandahar\nkind: city\ncountry: AF\ncoordinates: {{lat: 31.61, lon: 65.71}}\noutline: {outline}\n"
    [problem] = problems_in(repo({"places/kandahar.yaml": text}))
    assert reason in problem.message and problem.path.endswith("places/kandahar.yaml") and problem.line == 5, problem


def test_a_crowded_map_keeps_its_labels_apart() -> None:
    rng = random.Random(7)
    places = {f"p{n}": place(f"Place number {n}", f"{30 + rng.random() * 6:.4f}", f"{61 + rng.random() * 10:.4f}")
              for n in range(200)}  # fmt: skip
    holdings = {p: holding(p, rng.choice(list(PALETTE)), rng.choice(list(pictures.STYLE))) for p in list(places)[::2]}
    drawn = pictures.control_map(places, holdings, NAMES, PALETTE, "t")
    assert_laid_out(drawn)
    for layout in drawn.layouts:
        assert len(layout.labels) <= pictures.MAX_LABELS
        assert len([label for label in layout.labels if label.key]) <= pictures.MAX_KEYED


def test_a_label_crowded_from_its_marker_stands_off_with_a_leader_that_crosses_nothing() -> None:
    rng = random.Random(7)
    places = {f"p{n}": place(f"Place number {n}", f"{30 + rng.random() * 6:.4f}", f"{61 + rng.random() * 10:.4f}")
              for n in range(200)}  # fmt: skip
    drawn = pictures.control_map(places, {}, NAMES, PALETTE, "t")
    centres = {
        place_id: (float(x), float(y))
        for x, y, place_id in re.findall(r'translate\(([\d.]+) ([\d.]+)\)"><title>[^<]*</title><circle[^>]*'
                                         r'data-place="([^"]+)"', drawn.svg)
    }  # fmt: skip
    for layout in drawn.layouts:
        # What each marker keeps clear around it (no holder, so no ring): a leader crosses none but its own.
        radius = pictures.RADIUS * layout.tier.scale + 2
        leaders = [label for label in layout.labels if label.leader]
        assert len(leaders) >= 3, (layout.tier.name, "names that found no room beside their marker are still named")
        tier = str(drawn.svg).split(f'class="tier tier--{layout.tier.name}"', 1)[1].split("</g>", 1)[0]
        assert tier.count('class="leader"') == len(leaders)
        for label in leaders:
            start = centres[label.place_id]
            end = (min(max(start[0], label.box[0]), label.box[2]), min(max(start[1], label.box[1]), label.box[3]))
            steps = int(math.dist(start, end) * 2)
            # Its first and last 4 units are left out: markers may overlap where there are too many to spread.
            points = [(start[0] + (end[0] - start[0]) * n / steps, start[1] + (end[1] - start[1]) * n / steps)
                      for n in range(1, steps)]  # fmt: skip
            points = [pt for pt in points if math.dist(pt, start) > 4 and math.dist(pt, end) > 4]
            for other, (x, y) in centres.items():
                if other != label.place_id:
                    crossed = [pt for pt in points if abs(pt[0] - x) < radius and abs(pt[1] - y) < radius]
                    assert not crossed, (layout.tier.name, label.place_id, other)
            for other_label in layout.labels:
                if other_label is not label:
                    left, top, right, bottom = other_label.box
                    inside = [pt for pt in points if left < pt[0] < right and top < pt[1] < bottom]
                    assert not inside, (layout.tier.name, label.place_id, other_label.place_id)


def test_a_map_outside_the_region_uses_the_world_outlines() -> None:
    places = {"paris": place("Paris", "48.86", "2.35"), "lyon": place("Lyon", "45.76", "4.84")}
    name, _, main = pictures.frame([(2.35, 48.86), (4.84, 45.76)])
    assert name == pictures.WORLD and main == "France"
    svg = str(pictures.control_map(places, {}, NAMES, PALETTE, "t").svg)
    assert "<title>France</title>" in svg and "no control recorded" in svg


def test_names_on_the_map_are_inert() -> None:
    attack = '<script>alert(1)</script>" onload="x'
    svg = str(pictures.control_map({"p": place(attack, "31.6", "65.7")}, {}, NAMES, PALETTE, attack).svg)
    assert "<script>" not in svg and 'onload="x' not in svg


def test_a_month_of_days_charts_at_its_own_size_with_labels_that_do_not_touch() -> None:
    first = date(2021, 8, 1)
    svg = str(pictures.events_chart({first + timedelta(days=n): n % 5 + 1 for n in range(31)}, "Events"))
    box = re.search(r'viewBox="0 0 (\d+) (\d+)" width="(\d+)" height="(\d+)"', svg)
    assert box and box[1] == box[3] and box[2] == box[4], "drawn at its own size: 12 units are 12 pixels"
    labels = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="206">', svg)]
    assert len(labels) >= 10, "a label at least every few days"
    assert all(b - a >= pictures.CHART_LABEL_WIDTH for a, b in itertools.pairwise(labels))


def test_no_two_holders_share_a_colour_whatever_the_actors_ask() -> None:
    chosen = pictures.colours(
        ["taliban", "government", "militia", *(f"group-{n}" for n in range(9))],
        {"taliban": "#FF0000", "government": "#ff0000", "militia": pictures.UNKNOWN},
    )
    assert chosen["taliban"] == "#ff0000", "an actor's own colour, when free"
    named = [chosen["taliban"], chosen["government"], chosen["militia"]]
    assert len(set(named)) == 3 and pictures.UNKNOWN not in named
    # Past the palette, the others share one colour that is neither a palette one nor "no control recorded".
    assert chosen["group-8"] == pictures.OTHERS not in (*pictures.PALETTE, pictures.UNKNOWN)
