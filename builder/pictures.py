"""Pictures made at build time as inline SVG: a control map and a chart of events over time.

They need no network, no tile server and no JavaScript. Colours of text and lines follow the
theme through `currentColor`, so they read in dark mode and in print; every mark carries data
attributes, so tests can check what a reader sees.

The map draws Natural Earth's country outlines (`geodata/`, whose README says where they come from)
under the places. The SVG scales to the column, so its text is sized for the column's width: the
labels and the legend are laid out twice, for a wide column and for a phone, and a media query in
the SVG shows the one that fits. Outlines are projected once per frame and process.
"""

from __future__ import annotations

import calendar
import functools
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from markupsafe import Markup

from . import escape
from .derive import Holding
from .model import Place

PALETTE = ("#1f6fc5", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085", "#7f8c8d")
UNKNOWN = "#9e9e9e"
# Holders past the palette share one colour, apart from "no control recorded" and from every palette colour.
OTHERS = "#4a4a4a"
MAP_KINDS = ("city", "town", "village", "border-crossing", "airport", "military-base", "district")
GEODATA = Path(__file__).resolve().parent / "geodata"
REGION, WORLD = "region-10m", "world-110m"
WIDTH = 1000
RADIUS = 8.0
# The map area's height over its width: no taller than a landscape screen can show, no flatter than a strip.
ASPECT = (0.5, 0.68)
# Frames snap outward to this many degrees, so the briefings of one area share one frame and its outlines.
GRID = 0.5
# A country no wider or taller than this is framed whole when most places are in it.
WHOLE_COUNTRY = 25.0
# Past this many places, the rest keep only their tooltip: a label for each would cover the map.
MAX_LABELS = 60
MAX_KEYED = 20
COUNTRY_NAMES = 8
NARROW = "screen and (max-width: 44.9375em)"
NOTE = ' class="note"'
# How each status is drawn: solid, solid with a ring, hollow and dashed, half filled.
STYLE = {"confirmed": "confirmed", "reported": "reported", "claimed": "claimed", "unverified": "claimed",
         "disputed": "disputed"}  # fmt: skip
STATUS_LEGEND = (
    ("confirmed", "confirmed"),
    ("reported", "reported, not confirmed"),
    ("claimed", "claimed or unverified"),
    ("disputed", "disputed"),
)
# The chart shows a bar a day up to this many, then a bar a week, a month, or a run of years: its
# size stays bounded however far apart the dates are.
MAX_BARS = 60

Box = tuple[float, float, float, float]
Point = tuple[float, float]


@dataclass(frozen=True)
class Tier:
    """One layout of the labels and the legend: font size in viewBox units, the markers' scale, when it shows.

    The SVG is as wide as the column: 1000 units are about 930 px on a desktop (at least 688 px
    where the wide layout shows) and about 358 px on a 390 px phone (328 px on a 360 px one), so
    18 units read 12.4 px or more and 34 units 11 px or more.
    """

    name: str
    font: float
    scale: float


TIERS = (Tier("wide", 18.0, 1.0), Tier("narrow", 34.0, 1.8))


def colours(holders: list[str], fixed: dict[str, str | None]) -> dict[str, str]:
    """A colour for each holder, in the order given: its own if the actor names one, else the first of the palette
    no earlier holder has. A holder's colour depends only on those before it, so one added later changes no other."""
    chosen: dict[str, str] = {}
    for holder in dict.fromkeys(holders):
        own = fixed.get(holder)
        taken = set(chosen.values())
        # An actor's own colour, unless an earlier holder has it already or it reads as "no control recorded".
        if own and (own.lower() in taken or own.lower() in (UNKNOWN, OTHERS)):
            own = None
        chosen[holder] = own.lower() if own else next((c for c in PALETTE if c not in taken), OTHERS)
    return chosen


@dataclass(frozen=True)
class Unplaced:
    """A place the map was given but cannot draw: it has neither coordinates nor an outline."""

    place_id: str
    name: str
    holding: Holding | None
    """Who holds it as known then, if anyone: the page can say so beside its name."""


@dataclass(frozen=True)
class Label:
    """Where one tier wrote a place's name: its box in viewBox units; a leader line or a number when it sits apart."""

    place_id: str
    lines: tuple[str, ...]
    box: Box
    leader: bool = False
    key: int | None = None


@dataclass(frozen=True)
class Layout:
    """One tier's labels, country names and legend entries, and the height of the SVG it shows."""

    tier: Tier
    labels: tuple[Label, ...]
    countries: tuple[Label, ...]
    legend: tuple[Label, ...]
    height: float


@dataclass(frozen=True)
class ControlMap:
    """The map as SVG, the places it could not draw, and its layout (for tests)."""

    svg: Markup
    unplaced: tuple[Unplaced, ...] = ()
    layouts: tuple[Layout, ...] = ()
    width: float = WIDTH
    map_height: float = 0.0


@dataclass
class _Mark:
    place_id: str
    name: str
    at: Point
    holder: str | None
    status: str | None
    lines: tuple[str, ...]
    outline: str = ""
    x: float = 0.0
    y: float = 0.0
    marker: bool = True


def _text(value: str) -> str:
    # Inline SVG is parsed as HTML inside the page: the same entities keep its text inert.
    return str(escape.text(value))


# --- the outlines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    name: str
    rings: tuple[tuple[Point, ...], ...]
    bbox: Box


@functools.cache
def layer(name: str) -> tuple[Box, tuple[Country, ...]]:
    """A layer of `geodata/`: the box it covers and its countries, rings as (lon, lat); read once per process."""
    data = json.loads((GEODATA / f"{name}.json").read_text(encoding="utf-8"))
    unit = data["unit"]
    countries = []
    for country in data["countries"]:
        rings = []
        for flat in country["rings"]:
            x = y = 0
            points = []
            for index in range(0, len(flat), 2):
                x, y = x + flat[index], y + flat[index + 1]
                points.append((x * unit, y * unit))
            rings.append(tuple(points))
        lons = [p[0] for ring in rings for p in ring]
        lats = [p[1] for ring in rings for p in ring]
        countries.append(Country(country["name"], tuple(rings), (min(lons), min(lats), max(lons), max(lats))))
    west, south, east, north = data["bbox"]
    return (west, south, east, north), tuple(countries)


def _inside(point: Point, rings: tuple[tuple[Point, ...], ...]) -> bool:
    x, y = point
    inside = False
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


@functools.lru_cache(maxsize=4096)
def _country_at(name: str, lon: float, lat: float) -> Country | None:
    for country in layer(name)[1]:
        west, south, east, north = country.bbox
        if west <= lon <= east and south <= lat <= north and _inside((lon, lat), country.rings):
            return country
    return None


def _within(box: Box, outer: Box) -> bool:
    return outer[0] <= box[0] and outer[1] <= box[1] and box[2] <= outer[2] and box[3] <= outer[3]


def frame(points: list[Point]) -> tuple[str, Box, str | None]:
    """The layer, the (west, south, east, north) frame and the main country of a map of `points` (lon, lat).

    The frame holds every point and, when most of them lie in one country not too large, all of that
    country; its edges snap to GRID degrees and its shape stays within ASPECT.
    """
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    west, south, east, north = min(lons), min(lats), max(lons), max(lats)
    name = REGION if _within((west, south, east, north), layer(REGION)[0]) else WORLD
    found = Counter(c.name for p in points if (c := _country_at(name, round(p[0], 4), round(p[1], 4))))
    main = None
    if found:
        main = min(found, key=lambda country: (-found[country], country))
        box = next(c.bbox for c in layer(name)[1] if c.name == main)
        if box[2] - box[0] <= WHOLE_COUNTRY and box[3] - box[1] <= WHOLE_COUNTRY:
            west, south, east, north = min(west, box[0]), min(south, box[1]), max(east, box[2]), max(north, box[3])
    pad = max(0.3, 0.04 * max(east - west, north - south))
    west, south = math.floor((west - pad) / GRID) * GRID, math.floor((south - pad) / GRID) * GRID
    east, north = math.ceil((east + pad) / GRID) * GRID, math.ceil((north + pad) / GRID) * GRID
    south, north = max(south, -85.0), min(north, 85.0)
    squeeze = math.cos(math.radians((north + south) / 2))
    ratio = (north - south) / ((east - west) * squeeze)
    if ratio > ASPECT[1]:
        grow = ((north - south) / ASPECT[1] / squeeze - (east - west)) / 2
        west, east = west - grow, east + grow
    elif ratio < ASPECT[0]:
        grow = (ASPECT[0] * (east - west) * squeeze - (north - south)) / 2
        south, north = max(south - grow, -85.0), min(north + grow, 85.0)
    box = (west, south, east, north)
    if name == REGION and not _within(box, layer(REGION)[0]):
        name = WORLD
    return name, box, main


class Projection:
    """Equirectangular, longitudes shrunk by the cosine of the middle latitude, to WIDTH units across."""

    def __init__(self, box: Box) -> None:
        self.west, self.south, self.east, self.north = box
        self.squeeze = math.cos(math.radians((self.north + self.south) / 2))
        self.scale = WIDTH / ((self.east - self.west) * self.squeeze)
        self.height = round((self.north - self.south) * self.scale)

    def __call__(self, lon: float, lat: float) -> Point:
        return (lon - self.west) * self.squeeze * self.scale, (self.north - lat) * self.scale


def clip(points: list[Point], box: Box) -> list[Point]:
    """Sutherland-Hodgman: the part of a ring inside `box` (lowest x, lowest y, highest x, highest y).

    tools/outlines.py clips the outlines it commits with it too.
    """
    left, top, right, bottom = box
    for axis, limit, keep_above in ((0, left, True), (0, right, False), (1, top, True), (1, bottom, False)):
        if not points:
            break

        def inside(p: Point, axis: int = axis, limit: float = limit, above: bool = keep_above) -> bool:
            return p[axis] >= limit if above else p[axis] <= limit

        result: list[Point] = []
        previous = points[-1]
        for point in points:
            if inside(point) != inside(previous):
                t = (limit - previous[axis]) / (point[axis] - previous[axis])
                result.append((previous[0] + t * (point[0] - previous[0]), previous[1] + t * (point[1] - previous[1])))
            if inside(point):
                result.append(point)
            previous = point
        points = result
    return points


def _path(rings: list[list[Point]]) -> str:
    """SVG path data in whole units, each point after a ring's first as a move from the one before."""
    parts = []
    for ring in rings:
        points = [(round(x), round(y)) for x, y in ring]
        kept = [p for p, q in zip(points, points[-1:] + points[:-1], strict=True) if p != q] or points[:1]
        if len(kept) < 3:
            continue
        (x0, y0), moves = kept[0], []
        for x, y in kept[1:]:
            moves.append(f"{x - x0} {y - y0}")
            x0, y0 = x, y
        parts.append(f"M{kept[0][0]} {kept[0][1]}l" + " ".join(moves) + "z")
    return "".join(parts).replace(" -", "-")


def _area(ring: list[Point]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def _centroid(ring: list[Point]) -> Point:
    area = _area(ring)
    if abs(area) < 1e-9:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    cx = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))
    cy = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))
    return cx / (6 * area), cy / (6 * area)


@functools.lru_cache(maxsize=64)
def outlines(name: str, box: Box) -> tuple[tuple[str, str, Point, float], ...]:
    """Each country of layer `name` seen in frame `box`: (name, SVG path, the middle of its largest part, that
    part's area), projected and clipped once per process and frame."""
    project = Projection(box)
    window = (-6.0, -6.0, WIDTH + 6.0, project.height + 6.0)
    west, south, east, north = box
    drawn = []
    for country in layer(name)[1]:
        cw, cs, ce, cn = country.bbox
        if ce < west or cw > east or cn < south or cs > north:
            continue
        rings = [clip([project(lon, lat) for lon, lat in ring], window) for ring in country.rings]
        rings = [ring for ring in rings if len(ring) >= 3]
        path = _path(rings)
        if path:
            largest = max(rings, key=lambda ring: abs(_area(ring)))
            drawn.append((country.name, path, _centroid(largest), abs(_area(largest))))
    return tuple(drawn)


# --- the layout ---------------------------------------------------------------------------------

# Advance widths in em of DejaVu Sans, the widest sans-serif the theme's font stack finds on Linux:
# estimated boxes are at least as wide as the drawn text with any of its fonts.
_EM = {
    char: width
    for chars, width in (
        ("ijl", 0.28), ("IJ", 0.30), (" .,;'!|", 0.32), (":", 0.34), ("f", 0.36), ("-", 0.37), ("t()", 0.40),
        ("r", 0.42), ("sz", 0.53), ("c", 0.55), ("L", 0.56), ("F", 0.58), ("kvxy", 0.6), ("P", 0.61),
        ("aeoTY", 0.62), ("E", 0.64), ("bdghnpquS0123456789", 0.64), ("K", 0.66), ("AVXZB", 0.69), ("RC", 0.7),
        ("U", 0.74), ("HN", 0.76), ("D", 0.78), ("GOQ", 0.79), ("w", 0.82), ("M", 0.87), ("m", 0.98), ("W", 0.99),
    )
    for char in chars
}  # fmt: skip


@functools.lru_cache(maxsize=4096)
def text_width(text: str, font: float) -> float:
    """The width of `text` at `font` units, estimated from the widths above (0.65 em for any other letter)."""
    return font * sum(_EM.get(char, 0.65) for char in text)


class _Taken:
    """Boxes already used, and the leader lines drawn; past a few dozen boxes, they are also bucketed on a grid,
    so that a look-up reads only its neighbours."""

    CELL = 80.0
    FEW = 20

    def __init__(self) -> None:
        self.boxes: list[Box] = []
        self.cells: dict[tuple[int, int], list[Box]] = defaultdict(list)
        self.lines: list[tuple[float, float, float, float]] = []

    def _cells(self, box: Box) -> Iterator[tuple[int, int]]:
        for i in range(math.floor(box[0] / self.CELL), math.floor(box[2] / self.CELL) + 1):
            for j in range(math.floor(box[1] / self.CELL), math.floor(box[3] / self.CELL) + 1):
                yield i, j

    def free(self, box: Box) -> bool:
        # Written out as loops: a map's layout asks this hundreds of thousands of times.
        left, top, right, bottom = box
        if len(self.boxes) <= self.FEW:
            if any(left < x1 and x0 < right and top < y1 and y0 < bottom for x0, y0, x1, y1 in self.boxes):
                return False
        else:
            cell, cells = self.CELL, self.cells
            rows = range(math.floor(top / cell), math.floor(bottom / cell) + 1)
            for i in range(math.floor(left / cell), math.floor(right / cell) + 1):
                for j in rows:
                    for x0, y0, x1, y1 in cells.get((i, j), ()):
                        if left < x1 and x0 < right and top < y1 and y0 < bottom:
                            return False
        return not self.lines or not any(_meets(*line, box) for line in self.lines)

    def add(self, box: Box) -> None:
        self.boxes.append(box)
        if len(self.boxes) > self.FEW:
            for other in self.boxes if len(self.boxes) == self.FEW + 1 else (box,):
                for cell in self._cells(other):
                    self.cells[cell].append(other)

    def draw(self, start: Point, end: Point) -> None:
        """Take the leader line from `start` to `end`: no box found free later lies across it."""
        self.lines.append((*start, *end))

    def crosses(self, start: Point, end: Point, own: tuple[Box, ...] = ()) -> bool:
        """Whether the line from `start` to `end` passes through a box taken, other than `own`, away from its ends.

        The ends are left out as far as the line's first and last steps of 4 units; each box is met as a
        1-unit point would meet it, so it is widened by half a unit. A leader starts at its marker's centre,
        so the boxes its marker took are `own`: it is drawn from the marker's edge, across them.
        """
        steps = max(1, int(math.dist(start, end) / 4))
        if steps < 2:
            return False
        dx, dy = (end[0] - start[0]) / steps, (end[1] - start[1]) / steps
        x0, y0 = start[0] + dx, start[1] + dy
        x1, y1 = start[0] + dx * (steps - 1), start[1] + dy * (steps - 1)
        reach = (min(x0, x1) - 0.5, min(y0, y1) - 0.5, max(x0, x1) + 0.5, max(y0, y1) + 0.5)
        nearby = (
            self.boxes
            if len(self.boxes) <= self.FEW
            else {other for cell in self._cells(reach) for other in self.cells.get(cell, ())}
        )
        return any(box not in own and _meets(x0, y0, x1, y1, box) for box in nearby)


def _meets(x0: float, y0: float, x1: float, y1: float, box: Box) -> bool:
    """Whether the segment from (x0, y0) to (x1, y1) meets the inside of `box` widened by half a unit."""
    left, top, right, bottom = box[0] - 0.5, box[1] - 0.5, box[2] + 0.5, box[3] + 0.5
    low, high = 0.0, 1.0
    for start, delta, lowest, highest in ((x0, x1 - x0, left, right), (y0, y1 - y0, top, bottom)):
        if delta == 0:
            if not lowest < start < highest:
                return False
            continue
        first, second = (lowest - start) / delta, (highest - start) / delta
        low, high = max(low, min(first, second)), min(high, max(first, second))
        if low >= high:
            return False
    return True


def _spread(marks: list[_Mark], gap: float, bounds: Box) -> None:
    """Move markers closer than `gap` apart, a little at a time, until none are (or 40 rounds have passed)."""
    if len(marks) > 120:
        return
    for _ in range(40):
        moved = False
        for index, one in enumerate(marks):
            for other in marks[index + 1 :]:
                dx, dy = other.x - one.x, other.y - one.y
                distance = math.hypot(dx, dy)
                if distance >= gap:
                    continue
                if distance < 1e-6:
                    dx, dy, distance = 1.0, 0.0, 1.0
                push = (gap - distance) / 2 + 0.01
                ux, uy = dx / distance * push, dy / distance * push
                one.x, one.y, other.x, other.y = one.x - ux, one.y - uy, other.x + ux, other.y + uy
                moved = True
        for mark in marks:
            mark.x = min(max(mark.x, bounds[0]), bounds[2])
            mark.y = min(max(mark.y, bounds[1]), bounds[3])
        if not moved:
            return


def _block(lines: tuple[str, ...], font: float) -> tuple[float, float]:
    """Width and height of a label's box: each line's ascent and descent, plus a margin all round."""
    margin = 0.12 * font
    width = max(text_width(line, font) for line in lines) + 2 * margin
    return width, 1.17 * font + 1.2 * font * (len(lines) - 1) + 2 * margin


# The eight directions a label may stand off in, between the compass points: computed once, not per label.
_DIRECTIONS = tuple(
    (math.cos(angle), math.sin(angle)) for angle in (math.radians(step * 45 + 22.5) for step in range(8))
)


def _candidates(x: float, y: float, clear: float, width: float, height: float) -> Iterator[tuple[Box, str, bool]]:
    """Boxes for a label of `width` x `height` around (x, y), nearest first: (box, text anchor, with a leader)."""
    d = clear * 0.72
    yield (x + clear, y - height / 2, x + clear + width, y + height / 2), "start", False
    yield (x - clear - width, y - height / 2, x - clear, y + height / 2), "end", False
    yield (x - width / 2, y - clear - height, x + width / 2, y - clear), "middle", False
    yield (x - width / 2, y + clear, x + width / 2, y + clear + height), "middle", False
    yield (x + d, y - d - height, x + d + width, y - d), "start", False
    yield (x + d, y + d, x + d + width, y + d + height), "start", False
    yield (x - d - width, y - d - height, x - d, y - d), "end", False
    yield (x - d - width, y + d, x - d, y + d + height), "end", False
    for distance in (2.6 * clear, 4 * clear, 6.5 * clear):
        for cos, sin in _DIRECTIONS:
            px, py = x + distance * cos, y + distance * sin
            left, anchor = (
                (px, "start") if cos > 0.3 else (px - width, "end") if cos < -0.3 else (px - width / 2, "middle")
            )
            top = py if sin > 0.3 else py - height if sin < -0.3 else py - height / 2
            yield (left, top, left + width, top + height), anchor, True


def _lay_out(
    tier: Tier,
    marks: list[_Mark],
    countries: tuple[tuple[str, str, Point, float], ...],
    map_height: float,
    legend: list[tuple[str, str, str]],
) -> tuple[Layout, str]:
    """Where this tier writes each label, country name and legend entry, and the SVG for them."""
    font = tier.font
    radius = RADIUS * tier.scale
    bounds = (2.0, 2.0, WIDTH - 2.0, map_height - 2.0)
    taken = _Taken()
    own: dict[str, tuple[Box, ...]] = {}
    for mark in marks:
        boxes: tuple[Box, ...] = ()
        if mark.marker:
            r = radius + (3.5 * tier.scale if STYLE.get(mark.status or "") == "reported" else 0) + 2
            boxes += ((mark.x - r, mark.y - r, mark.x + r, mark.y + r),)
        if (mark.x, mark.y) != mark.at:
            boxes += ((mark.at[0] - 3, mark.at[1] - 3, mark.at[0] + 3, mark.at[1] + 3),)
        for box in boxes:
            taken.add(box)
        own[mark.place_id] = boxes
    labels: list[Label] = []
    keyed: list[Label] = []
    parts: list[str] = []
    for mark in marks[:MAX_LABELS]:
        reported = STYLE.get(mark.status or "") == "reported"
        clear = radius + (3.5 * tier.scale if reported else 0) + 0.25 * font if mark.marker else 0.0
        width, height = _block(mark.lines, font)
        chosen = _spot(mark, width, height, max(clear, 0.6 * font), bounds, taken, own[mark.place_id])
        lines, key = mark.lines, None
        if chosen is None and len(keyed) < MAX_KEYED:
            # No room for the name: a number beside the marker, and the name in the legend's key.
            lines, key = (str(len(keyed) + 1),), len(keyed) + 1
            chosen = _spot(mark, *_block(lines, font), max(clear, 0.6 * font), bounds, taken, own[mark.place_id])
        if chosen is None:
            continue  # no room even for a number: the marker keeps its tooltip
        box, anchor, leader = chosen
        label = Label(mark.place_id, lines, box, leader, key)
        if key:
            keyed.append(Label(mark.place_id, mark.lines, box, leader, key))
        taken.add(box)
        if leader:
            taken.draw((mark.x, mark.y), _nearest(box, (mark.x, mark.y)))
        labels.append(label)
        parts.append(_label_svg(label, anchor, font, (mark.x, mark.y) if leader else None, radius))
    names = []
    # The largest countries in view get their name where it covers nothing: a map needs only a few to be read.
    for country, _, (cx, cy), area in sorted(countries, key=lambda c: (-c[3], c[0]))[:COUNTRY_NAMES]:
        text = country.upper()
        width, height = _block((text,), font)
        if width * height * 3 > area:
            continue
        for dx, dy in ((0, 0), (0, -0.1), (0, 0.1), (-0.08, 0), (0.08, 0)):
            x, y = cx + dx * WIDTH, cy + dy * map_height
            box = (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
            if _within(box, bounds) and taken.free(box):
                taken.add(box)
                names.append(Label("", (text,), box))
                parts.append(
                    f'<text class="country" x="{x:.0f}" y="{_baseline(box, font):.0f}" text-anchor="middle">'
                    f"{_text(text)}</text>"
                )
                break
    entries, legend_svg, height = _legend(tier, legend, keyed, map_height)
    layout = Layout(tier, tuple(labels), tuple(names), tuple(entries), height)
    svg = (
        f'<g class="tier tier--{tier.name}" font-size="{font:g}" fill="currentColor">'
        + "".join(parts)
        + legend_svg
        + "</g>"
    )
    return layout, svg


def _spot(
    mark: _Mark, width: float, height: float, clear: float, bounds: Box, taken: _Taken, own: tuple[Box, ...]
) -> tuple[Box, str, bool] | None:
    """The first free box for a label of `width` x `height` by `mark`: on an area's middle, beside its marker, or
    further off with a leader line that crosses nothing but `own`, what the mark's marker took; None when there
    is none."""
    if not mark.marker:
        box = (mark.x - width / 2, mark.y - height / 2, mark.x + width / 2, mark.y + height / 2)
        if _within(box, bounds) and taken.free(box):
            return box, "middle", False
    for box, anchor, leader in _candidates(mark.x, mark.y, clear, width, height):
        if not _within(box, bounds) or not taken.free(box):
            continue
        if leader and taken.crosses((mark.x, mark.y), _nearest(box, (mark.x, mark.y)), own):
            continue
        return box, anchor, leader
    return None


def _nearest(box: Box, point: Point) -> Point:
    return min(max(point[0], box[0]), box[2]), min(max(point[1], box[1]), box[3])


def _baseline(box: Box, font: float) -> float:
    return box[1] + 0.12 * font + 0.93 * font


def _label_svg(label: Label, anchor: str, font: float, leader_from: Point | None, radius: float) -> str:
    left, _, right, _ = label.box
    x = {"start": left + 0.12 * font, "end": right - 0.12 * font, "middle": (left + right) / 2}[anchor]
    y = _baseline(label.box, font)
    line = ""
    if leader_from is not None:
        end = _nearest(label.box, leader_from)
        angle = math.atan2(end[1] - leader_from[1], end[0] - leader_from[0])
        start = leader_from[0] + radius * math.cos(angle), leader_from[1] + radius * math.sin(angle)
        line = (
            f'<line class="leader" x1="{start[0]:.0f}" y1="{start[1]:.0f}" x2="{end[0]:.0f}" y2="{end[1]:.0f}" '
            'stroke="currentColor" stroke-width="1.5"/>'
        )
    spans = "".join(
        f'<tspan x="{x:.0f}" y="{y + 1.2 * font * n:.0f}"{NOTE if n else ""}>{_text(text)}</tspan>'
        for n, text in enumerate(label.lines)
    )
    place = f' data-for="{escape.anchor(label.place_id)}"' if label.place_id else ""
    key = f' data-key="{label.key}"' if label.key else ""
    return f'{line}<text class="label" text-anchor="{anchor}"{place}{key}>{spans}</text>'


def _legend(
    tier: Tier, items: list[tuple[str, str, str]], keyed: list[Label], top: float
) -> tuple[list[Label], str, float]:
    """The legend below the map, in rows that wrap: its entries' boxes, its SVG and the SVG's height with it."""
    font = tier.font
    swatch = round(6 * tier.scale)
    rows_gap, row = 0.45 * font, 1.2 * font
    x, y = 4.0, top + 0.6 * font
    entries: list[Label] = []
    parts = ['<g class="legend">']
    for kind, colour_or_style, words in [*items, *(("key", str(k.key), " ".join(k.lines)) for k in keyed)]:
        mark = 2 * swatch + 10 if kind != "key" else text_width(colour_or_style, font) + 8
        width = mark + text_width(words, font) + font
        if x > 4 and x + width > WIDTH - 4:
            x, y = 4.0, y + row + rows_gap
        cx, cy = round(x + swatch + 2), round(y + row / 2)
        baseline = y + 0.12 * font + 0.93 * font - 0.1 * font
        if kind == "holder":
            parts.append(
                f'<circle cx="{cx}" cy="{cy}" r="{swatch}" fill="{colour_or_style}" '
                f'stroke="{colour_or_style}" stroke-width="2"/>'
            )
        elif kind == "status":
            parts.append(f'<g transform="translate({cx} {cy})">{_shape(colour_or_style, "currentColor", swatch)}</g>')
        elif kind == "moved":
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="{2.5 * tier.scale:g}" fill="currentColor"/>')
        else:
            parts.append(f'<text x="{x:.0f}" y="{baseline:.0f}" font-weight="bold">{colour_or_style}</text>')
        parts.append(f'<text x="{x + mark:.0f}" y="{baseline:.0f}">{_text(words)}</text>')
        entries.append(Label("", (words,), (x, y, x + width - font, y + row)))
        x += width
    parts.append("</g>")
    return entries, "".join(parts), y + row + 0.6 * font


def _shape(style: str, colour: str, r: float, data: str = "") -> str:
    """A marker drawn around (0, 0): solid, solid with a ring, hollow and dashed, or half filled."""
    if style == "confirmed":
        return f'<circle r="{r:g}" fill="{colour}" stroke="{colour}" stroke-width="2"{data}/>'
    if style == "reported":
        return (
            f'<circle r="{r:g}" fill="{colour}" stroke="{colour}" stroke-width="2"{data}/>'
            f'<circle r="{r + 3.5:g}" fill="none" stroke="{colour}" stroke-width="1.5"/>'
        )
    if style == "claimed":
        return f'<circle r="{r:g}" fill="none" stroke="{colour}" stroke-width="3" stroke-dasharray="3 2"{data}/>'
    if style == "disputed":
        return (
            f'<circle r="{r:g}" fill="none" stroke="{colour}" stroke-width="2.5"{data}/>'
            f'<path d="M0-{r:g}A{r:g} {r:g} 0 0 0 0 {r:g}z" fill="{colour}"/>'
        )
    return f'<circle r="{r * 0.75:g}" fill="{colour}" stroke="{colour}" stroke-width="2"{data}/>'


# --- the map ------------------------------------------------------------------------------------

_CSS = (
    ".picture--map .tier--narrow{display:none}"
    ".picture--map .label{paint-order:stroke;stroke:var(--md-default-bg-color,#fff);stroke-width:5px;"
    "stroke-linejoin:round}"
    ".picture--map .note{font-style:italic}"
    ".picture--map .country{fill-opacity:.7;letter-spacing:.05em}"
    f"@media {NARROW}{{"
    ".picture--map .tier--wide{display:none}"
    ".picture--map .tier--narrow{display:inline}"
    ".picture--map .tier--narrow .label{stroke-width:8px}"
    f".picture--map .marker>*{{transform:scale({TIERS[1].scale:g})}}"
    "svg.picture--map{aspect-ratio:var(--narrow)!important}}"
)


def _short_day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def control_map(
    places: Mapping[str, Place],
    holdings: Mapping[str, Holding],
    names: Mapping[str, str],
    palette: Mapping[str, str],
    title: str,
    last_reported: Mapping[str, date] | None = None,
) -> ControlMap:
    """An SVG map of the places with coordinates or an outline, each coloured by who holds it.

    `last_reported` gives the date of each holding last reported before the briefing's period: its
    label says so. Places without coordinates or an outline (countries aside) come back as `unplaced`.
    """
    last_reported = last_reported or {}
    marks: list[_Mark] = []
    unplaced = []
    for pid, place in places.items():
        holding = holdings.get(pid)
        if place.kind == "country":
            continue
        if place.coordinates is None and place.outline is None:
            unplaced.append(Unplaced(pid, place.name, holding))
            continue
        if place.kind not in MAP_KINDS and holding is None and place.outline is None:
            continue
        at = (float(place.coordinates.lon), float(place.coordinates.lat)) if place.coordinates else (0.0, 0.0)
        lines = (
            (place.name, f"last reported {_short_day(last_reported[pid])}") if pid in last_reported else (place.name,)
        )
        marks.append(
            _Mark(
                pid,
                place.name,
                at,
                holding.holder if holding else None,
                holding.status.status if holding else None,
                lines,
                marker=place.coordinates is not None,
            )
        )
    if not marks:
        return ControlMap(Markup(""), tuple(sorted(unplaced, key=lambda u: (u.name, u.place_id))))
    points = [m.at for m in marks if m.marker]
    for pid in (m.place_id for m in marks):
        for ring in places[pid].outline or ():
            points += [(float(lon), float(lat)) for lon, lat in ring]
    name, box, main = frame(points)
    project = Projection(box)
    map_height = project.height
    shapes = []
    for mark in marks:
        outline = places[mark.place_id].outline
        if outline:
            rings = [[project(float(lon), float(lat)) for lon, lat in ring] for ring in outline]
            mark.outline = _path(rings)
            if not mark.marker:
                largest = max(rings, key=lambda ring: abs(_area(ring)))
                mark.at = _centroid(largest)
        if mark.marker:
            mark.at = project(*mark.at)
        mark.x, mark.y = mark.at
    drawn = [m for m in marks if m.marker]
    wide_gap = 2 * (RADIUS + 3.5) * TIERS[-1].scale + 4
    _spread(drawn, wide_gap, (RADIUS * 2, RADIUS * 2, WIDTH - RADIUS * 2, map_height - RADIUS * 2))
    rank = {"confirmed": 0, "reported": 1, "claimed": 2, "unverified": 2, "disputed": 3}
    marks.sort(key=lambda m: (m.holder is None, not m.marker, rank.get(m.status or "", 4), m.y, m.place_id))
    countries = outlines(name, box)
    # Holders past the palette share its last colour: one entry says so, rather than one grey entry each.
    by_colour: dict[str, list[str]] = defaultdict(list)
    for holder, colour in palette.items():
        by_colour[colour].append(names.get(holder, holder))
    legend: list[tuple[str, str, str]] = [
        ("holder", colour, held[0] if len(held) == 1 else "other holders") for colour, held in by_colour.items()
    ]
    if any(m.holder is None for m in marks):
        legend.append(("holder", UNKNOWN, "no control recorded"))
    legend += [("status", style, words) for style, words in STATUS_LEGEND]
    if any((m.x, m.y) != m.at for m in drawn):
        legend.append(("moved", "", "exact place of a marker moved aside"))
    layouts, tiers = [], []
    for tier in TIERS:
        layout, svg = _lay_out(tier, marks, countries, map_height, legend)
        layouts.append(layout)
        tiers.append(svg)
    height = math.ceil(max(layout.height for layout in layouts))
    wide, narrow = (math.ceil(layout.height) for layout in layouts)
    parts = [
        f'<svg class="picture picture--map" viewBox="0 0 {WIDTH} {height}" preserveAspectRatio="xMidYMin slice" '
        f'style="aspect-ratio:{WIDTH}/{wide};--narrow:{WIDTH}/{narrow}" role="img" aria-labelledby="map-title" '
        'aria-describedby="map-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="map-title">{_text(title)}</title>',
        f'<desc id="map-desc">{_text(_description(marks))}</desc>',
        f"<style>{_CSS}</style>",
        f'<rect width="{WIDTH}" height="{map_height}" fill="currentColor" fill-opacity="0.03"/>',
        '<g class="countries" stroke="currentColor" stroke-opacity="0.45" stroke-width="1.2" '
        'stroke-linejoin="round" fill="currentColor">',
    ]
    for country, path, _, _ in countries:
        parts.append(
            f'<path d="{path}" fill-opacity="{0.13 if country == main else 0.06}"><title>'
            f"{_text(country)}</title></path>"
        )
    parts.append("</g>")
    for mark in marks:
        if mark.outline:
            shapes.append(_area_svg(mark, palette))
    if shapes:
        parts.append('<g class="areas" fill-rule="evenodd">' + "".join(shapes) + "</g>")
    moved = [m for m in drawn if (m.x, m.y) != m.at]
    if moved:
        parts.append('<g class="moved" stroke="currentColor" stroke-width="1.2" fill="currentColor">')
        for mark in moved:
            parts.append(
                f'<line x1="{mark.at[0]:.0f}" y1="{mark.at[1]:.0f}" x2="{mark.x:.0f}" y2="{mark.y:.0f}"/>'
                f'<circle cx="{mark.at[0]:.0f}" cy="{mark.at[1]:.0f}" r="2.5"/>'
            )
        parts.append("</g>")
    parts.append('<g class="markers">')
    for mark in drawn:
        colour = palette.get(mark.holder or "", UNKNOWN)
        holder = escape.anchor(mark.holder) if mark.holder else "unknown"
        data = (
            f' data-place="{escape.anchor(mark.place_id)}" data-holder="{holder}" '
            f'data-status="{mark.status or "unknown"}"'
        )
        style = STYLE.get(mark.status or "", "reported") if mark.holder else "none"
        parts.append(
            f'<g class="marker" transform="translate({mark.x:.0f} {mark.y:.0f})"><title>'
            f"{_text(_describe(mark, names, last_reported))}</title>{_shape(style, colour, RADIUS, data)}</g>"
        )
    parts.append("</g>")
    parts += tiers
    parts.append(
        f'<rect width="{WIDTH}" height="{map_height}" fill="none" stroke="currentColor" stroke-opacity="0.35"/></svg>'
    )
    return ControlMap(
        Markup("".join(parts)),
        tuple(sorted(unplaced, key=lambda u: (u.name, u.place_id))),
        tuple(layouts),
        WIDTH,
        map_height,
    )


def _area_svg(mark: _Mark, palette: Mapping[str, str]) -> str:
    colour = palette.get(mark.holder or "", UNKNOWN)
    style = STYLE.get(mark.status or "", "reported") if mark.holder else "none"
    opacity = {"confirmed": 0.3, "reported": 0.2, "claimed": 0.0, "disputed": 0.12}.get(style, 0.1)
    dash = ' stroke-dasharray="8 4"' if style in ("claimed", "disputed") else ""
    holder = escape.anchor(mark.holder) if mark.holder else "unknown"
    return (
        f'<path d="{mark.outline}" fill="{colour}" fill-opacity="{opacity:g}" stroke="{colour}" stroke-width="2"'
        f'{dash} data-place="{escape.anchor(mark.place_id)}" data-holder="{holder}" '
        f'data-status="{mark.status or "unknown"}"/>'
    )


def _describe(mark: _Mark, names: Mapping[str, str], last_reported: Mapping[str, date]) -> str:
    if mark.holder is None:
        return f"{mark.name}: no control recorded"
    said = f"{mark.name}: {names.get(mark.holder, mark.holder)}, {mark.status}"
    if mark.place_id in last_reported:
        said += f", last reported {_short_day(last_reported[mark.place_id])}"
    return said


def _description(marks: list[_Mark]) -> str:
    held = sum(1 for mark in marks if mark.holder)
    return (
        f"{len(marks)} places, {held} with a holder on record. A solid marker is confirmed, a ringed one reported but"
        " not confirmed, a hollow one claimed or unverified, a half-filled one disputed; each marker's tooltip names"
        " the place, its holder and the status, and the table with the map lists them."
    )


Bar = tuple[date, date]


def _bars(first: date, last: date) -> tuple[str, list[Bar], Callable[[date], int]]:
    """What one bar counts, each bar's first and last day, and the bar a day falls in: no more than MAX_BARS."""
    if (last - first).days < MAX_BARS:
        return (
            "day",
            [(first + timedelta(n), first + timedelta(n)) for n in range((last - first).days + 1)],
            (lambda day: (day - first).days),
        )
    monday = first - timedelta(first.weekday())
    if (last - monday).days // 7 < MAX_BARS:
        weeks = [monday + timedelta(weeks=n) for n in range((last - monday).days // 7 + 1)]
        return (
            "week",
            [(start, start + timedelta(min(6, (date.max - start).days))) for start in weeks],
            (lambda day: (day - monday).days // 7),
        )
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months <= MAX_BARS:
        starts = [(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1) for n in range(months)]
        return (
            "month",
            [(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])) for y, m in starts],
            (lambda day: (day.year - first.year) * 12 + day.month - first.month),
        )
    size = math.ceil((last.year - first.year + 1) / MAX_BARS)
    years = range(first.year, last.year + 1, size)
    unit = "year" if size == 1 else f"{size} years"
    return (
        unit,
        [(date(y, 1, 1), date(min(y + size - 1, last.year), 12, 31)) for y in years],
        (lambda day: (day.year - first.year) // size),
    )


def _bar_label(unit: str, bar: Bar) -> str:
    start, end = bar
    if unit in ("day", "week"):
        return f"{start.day} {start:%b}"
    if unit == "month":
        return f"{start:%b} {start.year}"
    return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"


# Units a bar takes, and the room a bar's label ("13 Aug", "2021–2025") needs, at 12 units high.
CHART_STEP = 34
CHART_LABEL_WIDTH = 56


def events_chart(counts: dict[date, int], title: str) -> Markup:
    """An SVG bar chart of events from the first day counted to the last.

    A bar a day, every day, when there are at most MAX_BARS of them; else a bar a week, a month or
    a run of years, whichever is the finest that keeps to MAX_BARS, as the title then says.
    """
    if not counts:
        return Markup("")
    unit, bars, bar_of = _bars(min(counts), max(counts))
    totals = [0] * len(bars)
    for day, count in counts.items():
        totals[bar_of(day)] += count
    title = f"{title}, {'per' if unit[0].isalpha() else 'per run of'} {unit}"
    height, bottom, top = 220, 190, 30
    width = max(240, CHART_STEP * len(bars) + 60)
    step = (width - 60) / len(bars)
    # A label every `every` bars, so that labels 12 units high never touch: the chart is drawn at its own
    # size (the page scrolls it sideways where it is wider than the column), so 12 units are 12 pixels.
    every = max(1, math.ceil(CHART_LABEL_WIDTH / step))
    peak = max(totals) or 1
    parts = [
        f'<svg class="picture picture--chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{_text(title)}</title>',
        f'<line x1="30" y1="{bottom}" x2="{width - 20}" y2="{bottom}" stroke="currentColor" stroke-opacity="0.4"/>',
        '<g fill="currentColor" font-size="12" text-anchor="middle">',
    ]
    for index, bar in enumerate(bars):
        count = totals[index]
        height_of_bar = (bottom - top) * count / peak
        x = 40 + index * step
        when = (
            f'data-day="{bar[0].isoformat()}"'
            if unit == "day"
            else f'data-from="{bar[0].isoformat()}" data-to="{bar[1].isoformat()}"'
        )
        parts.append(
            f'<rect x="{x:.1f}" y="{bottom - height_of_bar:.1f}" width="{step * 0.6:.1f}" '
            f'height="{height_of_bar:.1f}" fill="#1f6fc5" {when} data-count="{count}"/>'
            f'<text x="{x + step * 0.3:.1f}" y="{bottom - height_of_bar - 6:.1f}">{count}</text>'
        )
        if index % every == 0:
            parts.append(f'<text x="{x + step * 0.3:.1f}" y="{bottom + 16}">{_bar_label(unit, bar)}</text>')
    parts.append("</g></svg>")
    return Markup("".join(parts))
