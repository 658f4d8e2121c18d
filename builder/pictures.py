"""Pictures made at build time as inline SVG: a control map and a chart of events over time.

They need no network, no tile server and no JavaScript. Colours of text and lines follow the
theme through `currentColor`, so they read in dark mode and in print; every mark carries data
attributes, so tests can check what a reader sees.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

from . import escape
from .derive import Holding
from .model import Place

PALETTE = ("#1f6fc5", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085", "#7f8c8d")
UNKNOWN = "#9e9e9e"
WIDTH, HEIGHT, MARGIN = 720, 460, 40
MAP_KINDS = ("city", "town", "village", "border-crossing", "airport", "military-base", "district")
TENTATIVE = ("claimed", "unverified", "disputed")
# The chart shows a bar a day up to this many, then a bar a week, a month, or a run of years: its
# size stays bounded however far apart the dates are.
MAX_BARS = 60


def colours(holders: list[str], fixed: dict[str, str | None]) -> dict[str, str]:
    """A colour for each holder, in the order given: its own if the actor names one, else the first of the palette
    no earlier holder has. A holder's colour depends only on those before it, so one added later changes no other."""
    chosen: dict[str, str] = {}
    for holder in dict.fromkeys(holders):
        own = fixed.get(holder)
        taken = set(chosen.values())
        chosen[holder] = own or next((c for c in PALETTE if c not in taken), UNKNOWN)
    return chosen


@dataclass(frozen=True)
class Marker:
    place_id: str
    name: str
    lat: float
    lon: float
    holder: str | None
    status: str | None


def _text(value: str) -> str:
    # Inline SVG is parsed as HTML inside the page: the same entities keep its text inert.
    return str(escape.text(value))


def control_map(
    places: dict[str, Place], holdings: dict[str, Holding], names: dict[str, str], palette: dict[str, str], title: str
) -> Markup:
    """An SVG map of the places with coordinates, each coloured by who holds it."""
    markers = [
        Marker(
            pid,
            place.name,
            float(place.coordinates.lat),
            float(place.coordinates.lon),
            holdings[pid].holder if pid in holdings else None,
            holdings[pid].status.status if pid in holdings else None,
        )
        for pid, place in places.items()
        if place.coordinates is not None and place.kind in MAP_KINDS
    ]
    if not markers:
        return Markup("")
    lats, lons = [m.lat for m in markers], [m.lon for m in markers]
    south, north = math.floor(min(lats)) - 0.5, math.ceil(max(lats)) + 0.5
    west, east = math.floor(min(lons)) - 0.5, math.ceil(max(lons)) + 0.5
    # Equirectangular, with longitudes shrunk by the cosine of the middle latitude.
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = min((WIDTH - 2 * MARGIN) / ((east - west) * squeeze), (HEIGHT - 2 * MARGIN) / (north - south))

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return MARGIN + (lon - west) * squeeze * scale, MARGIN + (north - lat) * scale

    parts = [
        f'<svg class="picture picture--map" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="map-title" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="map-title">{_text(title)}</title>',
        '<g class="graticule" stroke="currentColor" stroke-opacity="0.15" fill="currentColor" font-size="11">',
    ]
    for lon in range(math.ceil(west), math.floor(east) + 1):
        x, _ = xy(north, lon)
        parts.append(f'<line x1="{x:.1f}" y1="{MARGIN}" x2="{x:.1f}" y2="{HEIGHT - MARGIN}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - MARGIN + 14}" text-anchor="middle" fill-opacity="0.6">{lon}°E</text>'
        )
    for lat in range(math.ceil(south), math.floor(north) + 1):
        _, y = xy(lat, west)
        parts.append(f'<line x1="{MARGIN}" y1="{y:.1f}" x2="{WIDTH - MARGIN}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{MARGIN - 4}" y="{y + 4:.1f}" text-anchor="end" fill-opacity="0.6">{lat}°N</text>')
    parts.append("</g>")
    parts.append('<g class="places" font-size="15" fill="currentColor">')
    taken: list[tuple[float, float, float, float]] = [(*xy(m.lat, m.lon), 8.0, 8.0) for m in markers]
    for marker in sorted(markers, key=lambda m: (-m.lat, m.place_id)):
        x, y = xy(marker.lat, marker.lon)
        colour = palette.get(marker.holder or "", UNKNOWN)
        tentative = marker.status in TENTATIVE
        fill = "none" if tentative else colour
        dash = ' stroke-dasharray="3 2"' if tentative else ""
        holder = escape.anchor(marker.holder) if marker.holder else "unknown"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{fill}" stroke="{colour}" stroke-width="3"{dash} '
            f'data-place="{escape.anchor(marker.place_id)}" data-holder="{holder}" '
            f'data-status="{marker.status or "unknown"}"/>'
        )
        parts.append(_label(x, y, marker.name, taken))
    parts.append("</g>")
    parts.append(_legend(palette, names))
    parts.append("</svg>")
    return Markup("".join(parts))


def _label(x: float, y: float, name: str, taken: list[tuple[float, float, float, float]]) -> str:
    """A marker's label beside it, on the first side where it overlaps no other label or marker."""
    width, height = 8.2 * len(name), 15.0
    sides = [(x + 12, y + 5, "start"), (x - 12, y + 5, "end"), (x - width / 2, y - 13, "start"),
             (x - width / 2, y + 23, "start")]  # fmt: skip

    def box(tx: float, ty: float, anchor: str) -> tuple[float, float, float, float]:
        left = tx - width if anchor == "end" else tx
        return (left + width / 2, ty - height / 2 + 1, width / 2, height / 2)

    def clear(candidate: tuple[float, float, float, float]) -> bool:
        cx, cy, hw, hh = candidate
        return all(abs(cx - ox) >= hw + ow or abs(cy - oy) >= hh + oh for ox, oy, ow, oh in taken)

    tx, ty, anchor = next((side for side in sides if clear(box(*side))), sides[0])
    taken.append(box(tx, ty, anchor))
    return f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">{_text(name)}</text>'


def _legend(palette: dict[str, str], names: dict[str, str]) -> str:
    rows = [*((names.get(h, h), c, False) for h, c in palette.items()), ("no control recorded", UNKNOWN, False)]
    rows.append(("claimed or unverified (hollow)", "currentColor", True))
    parts = ['<g class="legend" font-size="14" fill="currentColor">']
    y = MARGIN
    for label, colour, hollow in rows:
        fill = "none" if hollow else colour
        dash = ' stroke-dasharray="3 2"' if hollow else ""
        parts.append(
            f'<circle cx="{WIDTH - 215}" cy="{y}" r="6" fill="{fill}" stroke="{colour}" stroke-width="3"{dash}/>'
            f'<text x="{WIDTH - 203}" y="{y + 5}">{_text(label)}</text>'
        )
        y += 22
    parts.append("</g>")
    return "".join(parts)


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
    width = max(240, 60 * len(bars) + 60)
    step = (width - 60) / len(bars)
    peak = max(totals) or 1
    parts = [
        f'<svg class="picture picture--chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">',
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
            f'<text x="{x + step * 0.3:.1f}" y="{bottom + 16}">{_bar_label(unit, bar)}</text>'
        )
    parts.append("</g></svg>")
    return Markup("".join(parts))
