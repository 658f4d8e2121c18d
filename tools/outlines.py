"""Regenerate the country outlines the maps draw (`builder/geodata/`) from the npm package world-atlas.

    python tools/outlines.py            # fetch world-atlas with `npm pack`, write builder/geodata/
    python tools/outlines.py --package world-atlas-2.0.2.tgz   # from a tarball already at hand

world-atlas packs Natural Earth's admin-0 countries (public domain) as TopoJSON. Its arcs are shared
by the two countries they separate; each arc is simplified once (Douglas-Peucker), so neighbours keep
a common border. Two layers come out, both small enough to commit:

- `region-10m.json`: the 1:10m outlines clipped to REGION (Afghanistan, its neighbours and the Gulf);
- `world-110m.json`: the 1:110m outlines of the whole world, for a map that reaches outside REGION.

Each country is a list of rings of integer points in units of the layer's `unit` degrees, the first
point absolute and the others as differences from the one before: [lon0, lat0, dlon1, dlat1, ...].
The build reads them with `builder.pictures`; it never downloads anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from builder.pictures import Point, clip

PACKAGE = "world-atlas@2.0.2"
OUT = Path(__file__).resolve().parent.parent / "builder" / "geodata"
# West, south, east, north, in degrees: Afghanistan with room around it, its neighbours, the Gulf.
REGION = (44.0, 22.0, 82.0, 44.0)
# (file in the package, output, tolerance and unit in degrees, clip box or None, smallest ring area kept)
LAYERS = (
    ("countries-10m.json", "region-10m.json", 0.012, 0.01, REGION, 0.004),
    ("countries-110m.json", "world-110m.json", 0.08, 0.05, None, 0.05),
)


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """The topology's arcs as absolute (lon, lat) points, undoing its quantisation and delta encoding."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker: the points that keep the line within `tolerance` degrees; the ends always stay."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = (dx * dx + dy * dy) ** 0.5
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                distance = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                distance = abs(dy * px - dx * py + bx * ay - by * ax) / length
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def ring(arcs: list[list[Point]], indices: list[int]) -> list[Point]:
    """A closed ring from its arcs; a negative index (~i) is arc i reversed."""
    points: list[Point] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points += arc[1:] if points else arc
    return points


def area(points: list[Point]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True))) / 2


def encode(points: list[Point], unit: float) -> list[int]:
    """Integer points in `unit` degrees, each after the first as the difference from the one before."""
    flat: list[int] = []
    last_x = last_y = 0
    for x, y in points:
        qx, qy = round(x / unit), round(y / unit)
        if flat and (qx, qy) == (last_x, last_y):
            continue
        flat += [qx - last_x, qy - last_y] if flat else [qx, qy]
        last_x, last_y = qx, qy
    if len(flat) >= 4 and flat[:2] == [last_x, last_y]:
        del flat[-2:]  # the closing point repeats the first: SVG closes the ring itself
    return flat


def layer(topology: dict[str, Any], tolerance: float, unit: float, box: Any, smallest: float) -> dict[str, Any]:
    arcs = [simplify(arc, tolerance) for arc in decode_arcs(topology)]
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(
            geometry.get("type"), []
        )
        rings = []
        for polygon in polygons:
            for indices in polygon:
                points = ring(arcs, indices)
                if box is not None:
                    points = clip(points, box)
                if len(points) >= 4 and area(points) >= smallest:
                    encoded = encode(points, unit)
                    if len(encoded) >= 6:
                        rings.append(encoded)
        if rings:
            countries.append({"id": geometry.get("id", ""), "name": geometry["properties"]["name"], "rings": rings})
    countries.sort(key=lambda country: (country["id"], country["name"]))
    return {"unit": unit, "bbox": list(box) if box else [-180, -90, 180, 90], "countries": countries}


def fetch(folder: Path) -> Path:
    """The package tarball, packed by npm from its registry (npm checks the registry's integrity hash)."""
    done = subprocess.run(
        ["npm", "pack", PACKAGE, "--pack-destination", str(folder), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return folder / str(json.loads(done.stdout)[0]["filename"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--package", type=Path, help=f"a tarball of {PACKAGE} already at hand")
    parser.add_argument("--out", type=Path, default=OUT)
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        tarball = arguments.package or fetch(Path(temporary))
        digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
        with tarfile.open(tarball) as archive:
            files = {name: archive.extractfile(f"package/{name}") for name, *_ in LAYERS}
            topologies = {name: json.load(file) for name, file in files.items() if file}
    arguments.out.mkdir(parents=True, exist_ok=True)
    for name, output, tolerance, unit, box, smallest in LAYERS:
        data = {
            "source": f"Natural Earth admin-0 countries, from the npm package {PACKAGE} ({name}, tarball sha256 "
            f"{digest}), simplified to {tolerance} degrees by tools/outlines.py",
            **layer(topologies[name], tolerance, unit, box, smallest),
        }
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        # One country a line: a refresh reviews as a diff of the countries that changed.
        text = text.replace('{"id":', '\n{"id":') + "\n"
        (arguments.out / output).write_text(text, encoding="utf-8")
        print(f"{output}: {len(data['countries'])} countries, {len(text.encode()) // 1024} KB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
