"""The control map of the built sample, measured in headless Chromium at a desktop's and a phone's width.

The SVG scales to the column, so what a reader sees depends on the column's width: these tests read
sizes and boxes as Chromium lays them out, not as the builder estimates them. Like `test_browser.py`,
they drive Debian's `chromium` (nothing is downloaded) and skip with a reason where it is absent.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browsing import CHROMIUM, NO_CHROMIUM, serve

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BRIEFING = "briefings/2021-08-13/"

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)]

# Every text of the map a reader can see: its words, its box on the screen, and its font size in CSS
# pixels (the SVG's font size scaled by the SVG's width over its viewBox's).
VISIBLE_TEXT = """
() => Array.from(document.querySelectorAll('svg.picture--map text'))
  .filter((t) => t.getClientRects().length > 0 && t.getBoundingClientRect().width > 0)
  .map((t) => {
    const box = t.getBoundingClientRect();
    return {
      text: t.textContent,
      kind: t.getAttribute('class') || 'legend',
      size: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
      box: [box.left, box.top, box.right, box.bottom],
    };
  })
"""


@pytest.fixture(scope="module")
def origin(sample_site: Path) -> Iterator[str]:
    with serve(sample_site) as found:
        yield found


@contextlib.contextmanager
def briefing(browser: Any, origin: str, viewport: dict[str, int]) -> Iterator[tuple[Any, list[str]]]:
    """The sample's 13 August briefing at `viewport`; yields the page and the requests it made to other hosts."""
    context = browser.new_context(viewport=viewport, service_workers="block")
    elsewhere: list[str] = []

    def route(route: Any) -> None:
        if route.request.url.startswith(origin + "/"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    try:
        page.goto(f"{origin}/{BRIEFING}", wait_until="load")
        page.locator("svg.picture--map").scroll_into_view_if_needed()
        yield page, elsewhere
    finally:
        context.close()


def overlapping(texts: list[dict[str, Any]]) -> list[tuple[str, str]]:
    found = []
    for index, one in enumerate(texts):
        for other in texts[index + 1 :]:
            (l1, t1, r1, b1), (l2, t2, r2, b2) = one["box"], other["box"]
            # Half a pixel of slack: neighbouring legend rows may touch.
            if l1 < r2 - 0.5 and l2 < r1 - 0.5 and t1 < b2 - 0.5 and t2 < b1 - 0.5:
                found.append((one["text"], other["text"]))
    return found


@pytest.mark.parametrize(("viewport", "smallest"), [(DESKTOP, 12.0), (PHONE, 11.0)], ids=["desktop", "phone"])
def test_the_map_text_reads_and_no_two_labels_overlap(
    browser: Any, origin: str, artifacts: Path, viewport: dict[str, int], smallest: float
) -> None:
    with briefing(browser, origin, viewport) as (page, elsewhere):
        svg = page.locator("svg.picture--map")
        box = svg.bounding_box()
        assert box is not None
        svg.screenshot(path=str(artifacts / f"sample-map-{viewport['width']}.png"))
        texts = page.evaluate(VISIBLE_TEXT)
        labels = {t["text"] for t in texts if t["kind"] == "label"}
        assert {"Kandahar", "Kandahar airport", "Kabul", "Herat"} <= labels, labels
        small = [(t["text"], round(t["size"], 1)) for t in texts if t["size"] < smallest]
        assert not small, f"map text under {smallest} px at {viewport['width']} px wide: {small}"
        assert not overlapping(texts)
        for t in texts:
            left, top, right, bottom = t["box"]
            assert box["x"] - 0.5 <= left and right <= box["x"] + box["width"] + 0.5, t
            assert box["y"] - 0.5 <= top and bottom <= box["y"] + box["height"] + 0.5, t
    assert elsewhere == []


def test_the_map_takes_the_column_on_a_desktop(browser: Any, origin: str) -> None:
    with briefing(browser, origin, DESKTOP) as (page, _):
        box = page.locator("svg.picture--map").bounding_box()
        assert box is not None and box["width"] >= 700, box
        markers = page.evaluate(
            "Array.from(document.querySelectorAll('svg.picture--map circle[data-place]')).map((c) => {"
            " const b = c.getBoundingClientRect(); return [c.dataset.place, b.left, b.top, b.right, b.bottom]; })"
        )
    spots = {place: (left, top, right, bottom) for place, left, top, right, bottom in markers}
    (l1, t1, r1, b1), (l2, t2, r2, b2) = spots["kandahar-city"], spots["kandahar-airport"]
    assert not (l1 < r2 and l2 < r1 and t1 < b2 and t2 < b1), "Kandahar city and its airport are told apart"


def test_the_phone_shows_one_layout_of_the_labels(browser: Any, origin: str) -> None:
    with briefing(browser, origin, PHONE) as (page, _):
        shown = page.evaluate(
            "Array.from(document.querySelectorAll('svg.picture--map .tier'))"
            ".filter((g) => getComputedStyle(g).display !== 'none').map((g) => g.getAttribute('class'))"
        )
        box = page.locator("svg.picture--map").bounding_box()
    assert shown == ["tier tier--narrow"]
    assert box is not None and box["width"] >= 320


# Where the situation at a glance sits: the top of each part a reader looks for first, in CSS pixels.
TOPS = """
() => Object.fromEntries(
  [['figures', '#key-figures'], ['cards', '.key-figures'], ['map', 'svg.picture--map']].map(([name, selector]) => {
    const found = document.querySelector(selector);
    return [name, found ? found.getBoundingClientRect().top + window.scrollY : null];
  })
)
"""

CHART_TEXT = """
() => Array.from(document.querySelectorAll('svg.picture--chart text'))
  .map((t) => [t.textContent, parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a])
"""


@pytest.mark.parametrize("path", [BRIEFING, ""], ids=["briefing", "home"])
@pytest.mark.parametrize(("viewport", "screens"), [(DESKTOP, 1), (PHONE, 2)], ids=["desktop", "phone"])
def test_the_key_figures_and_the_map_come_first(
    browser: Any, origin: str, path: str, viewport: dict[str, int], screens: int
) -> None:
    context = browser.new_context(viewport=viewport, service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{origin}/{path}", wait_until="load")
        tops = page.evaluate(TOPS)
        reach = viewport["height"] * screens
        assert tops["cards"] is not None and tops["map"] is not None, tops
        assert tops["cards"] < reach and tops["map"] < reach, f"{tops} at {viewport}: not within {screens} screen(s)"
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_chart_labels_read_at_any_width(browser: Any, origin: str, viewport: dict[str, int]) -> None:
    context = browser.new_context(viewport=viewport, service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{origin}/{BRIEFING}", wait_until="load")
        texts = page.evaluate(CHART_TEXT)
        assert texts, "the briefing has an events chart"
        small = [(text, round(size, 1)) for text, size in texts if size < 11]
        assert not small, f"chart text under 11 px at {viewport['width']} px wide: {small}"
    finally:
        context.close()
