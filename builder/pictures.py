"""Pictures made at build time as inline SVG: a control map and a chart of events per day.

They need no network, no tile server and no JavaScript. Colours of text and lines follow the
theme through `currentColor`, so they read in dark mode and in print; every mark carries data
attributes, so tests can check what a reader sees.
"""

from __future__ import annotations

import math
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


def colours(holders: list[str], fixed: dict[str, str | None]) -> dict[str, str]:
    """A colour for each holder: its own if the actor names one, else the palette in id order."""
    chosen: dict[str, str] = {}
    spare = iter(c for c in PALETTE if c not in fixed.values())
    for holder in sorted(set(holders)):
        chosen[holder] = fixed.get(holder) or next(spare, UNKNOWN)
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


def events_chart(counts: dict[date, int], title: str) -> Markup:
    """An SVG bar chart of events per day, one bar for every day from the first to the last."""
    if not counts:
        return Markup("")
    first, last = min(counts), max(counts)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    height, bottom, top = 220, 190, 30
    width = max(240, 60 * len(days) + 60)
    step = (width - 60) / len(days)
    peak = max(counts.values()) or 1
    parts = [
        f'<svg class="picture picture--chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{_text(title)}</title>',
        f'<line x1="30" y1="{bottom}" x2="{width - 20}" y2="{bottom}" stroke="currentColor" stroke-opacity="0.4"/>',
        '<g fill="currentColor" font-size="12" text-anchor="middle">',
    ]
    for index, day in enumerate(days):
        count = counts.get(day, 0)
        bar = (bottom - top) * count / peak
        x = 40 + index * step
        parts.append(
            f'<rect x="{x:.1f}" y="{bottom - bar:.1f}" width="{step * 0.6:.1f}" height="{bar:.1f}" '
            f'fill="#1f6fc5" data-day="{day.isoformat()}" data-count="{count}"/>'
            f'<text x="{x + step * 0.3:.1f}" y="{bottom - bar - 6:.1f}">{count}</text>'
            f'<text x="{x + step * 0.3:.1f}" y="{bottom + 16}">{day.day} {day:%b}</text>'
        )
    parts.append("</g></svg>")
    return Markup("".join(parts))
