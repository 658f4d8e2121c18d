"""Printed briefings: the print stylesheet in Chromium's print emulation, and the PDFs `briefings pdf` writes.

The site is the sample with two additions, so that there is something to print for each rule: a Dari
original beside a featured quote of 13 August (right-to-left text), and a web address for its source
(a link that leaves the site, whose address a printed page shows). Browser tests drive Debian's
chromium and skip with a reason where it is absent; no browser is ever downloaded.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from builder import cli
from builder.pdf import PdfError, briefing_pages, print_briefings
from builder.validate import validate

from .browsing import CHROMIUM, NO_CHROMIUM
from .conftest import SAMPLE, edit, write_tree
from .test_address import published, served

BRIEFING = "briefings/2021-08-13/"
ORIGINAL = "طالبان پس از درگیری‌های شدید دیشب کنترول شهر قندهار را به دست گرفتند"
SOURCE_URL = "https://www.example.org/world/kandahar-captured"
# A4 less the margins of print.css's @page, in CSS pixels: the width and height a printed page lays out in.
MM = 96 / 25.4
PAPER = {"width": round((210 - 13 - 13) * MM), "height": round((297 - 14 - 16) * MM)}


@pytest.fixture(scope="module")
def printable(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The fixture's data and its site, built as `make site` builds it: (data, site)."""
    folder = tmp_path_factory.mktemp("print")
    data = folder / "data"
    shutil.copytree(SAMPLE, data)
    quote = data / "quotes" / "kandahar-official-taliban-took-control.yaml"
    quote.write_text(
        quote.read_text(encoding="utf-8")
        + f"original:\n  text: {ORIGINAL}\n  language: fa-AF\ntranslated_by: the editors\n",
        encoding="utf-8",
    )
    edit(data / "sources" / "reuters-kandahar-2021-08-13.yaml", "\nkind:", f"\nurl: {SOURCE_URL}\nkind:")
    return data, published(data, folder / "work")


@pytest.fixture(scope="module")
def pdfs(printable: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The PDF of each briefing, as `briefings pdf` (and so `make pdf`) writes them beside the pages."""
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    _, site = printable
    # A process of its own, as `make pdf` runs it: the browser tests' Playwright already runs in this one.
    command = [sys.executable, "-m", "builder", "pdf", "--site", str(site)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"2 PDFs written to {site.as_posix()}/briefings/"
    return {path.stem: path for path in (site / "briefings").glob("*.pdf")}


@pytest.fixture
def paper(browser: Any, printable: tuple[Path, Path]) -> Iterator[Any]:
    """The 13 August briefing, laid out for print on a sheet's width."""
    _, site = printable
    context = browser.new_context(viewport=PAPER, color_scheme="dark", service_workers="block")
    try:
        page = context.new_page()
        with served(site) as root:
            page.goto(root + BRIEFING, wait_until="load")
            page.emulate_media(media="print")
            yield page
    finally:
        context.close()


def pdf_text(path: Path) -> list[str]:
    """The text of each page of a PDF, its white space collapsed and Arabic-script letters in their plain forms."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed: run make, which installs requirements.lock")
    reader = pypdf.PdfReader(path)
    # A PDF holds the contextual forms of Arabic letters as drawn; NFKC gives back the letters typed.
    return [" ".join(unicodedata.normalize("NFKC", page.extract_text()).split()) for page in reader.pages]


def words(text: str) -> str:
    return " ".join(text.split())


# --- print emulation ----------------------------------------------------------------------------

# Run in the page: each link's printed ::after content, with whether the link stays on the site.
AFTER_LINKS = """
() => Array.from(document.querySelectorAll(".md-content a[href]"))
  .filter(a => a.getClientRects().length > 0)
  .map(a => ({
    href: a.getAttribute("href"),
    own: a.origin === location.origin,
    footnote: a.classList.contains("footnote-ref"),
    after: getComputedStyle(a, "::after").content,
  }))
"""


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_print_shows_an_address_only_after_links_that_leave_the_site(
    browser: Any, printable: tuple[Path, Path], javascript: bool
) -> None:
    _, site = printable
    context = browser.new_context(viewport=PAPER, java_script_enabled=javascript, service_workers="block")
    try:
        page = context.new_page()
        with served(site) as root:
            page.goto(root + BRIEFING, wait_until="load")
            page.emulate_media(media="print")
            links = page.evaluate(AFTER_LINKS)
    finally:
        context.close()
    printed = [link for link in links if link["after"] not in ("none", "normal", '""')]
    own = [link for link in links if link["own"]]
    assert len(own) > 20 and any(link["footnote"] for link in own)
    assert [link for link in printed if link["own"]] == []
    # The source's web address is printed after its link in the source notes: the check is not vacuous.
    assert [link["after"] for link in printed] == [f'" <{SOURCE_URL}>"']


# Run in the page: what prints of the page's furniture, and what pokes out of the sheet or is cut off.
LAYOUT = """
() => {
  const visible = (e) => e.getClientRects().length > 0;
  const shown = (selector) => Array.from(document.querySelectorAll(selector)).filter(visible).length;
  const width = document.documentElement.clientWidth;
  const wide = [], clipped = [];
  // A picture's shapes may reach past its frame, which clips them: the frame is what must fit.
  for (const e of document.querySelectorAll("body *:not(svg *)")) {
    const box = e.getBoundingClientRect();
    if (!visible(e) || box.width === 0) continue;
    const name = e.tagName.toLowerCase() + (e.classList.length ? "." + e.classList[0] : "");
    if (box.left < -1 || box.right > width + 1) wide.push(`${name}: ${Math.round(box.left)}..${Math.round(box.right)}`);
    const style = getComputedStyle(e);
    if (style.overflowX !== "visible" && e.scrollWidth > e.clientWidth + 1 && !(e instanceof SVGElement))
      clipped.push(`${name}: ${e.scrollWidth} in ${e.clientWidth}`);
  }
  const map = document.querySelector("figure.picture-frame--map");
  const rtl = document.querySelector('[dir="rtl"]');
  return {
    width, wide, clipped,
    scroll: document.documentElement.scrollWidth,
    furniture: {
      header: shown(".md-header"), tabs: shown(".md-tabs"), sidebars: shown(".md-sidebar"),
      search: shown(".md-search"), footer: shown(".md-footer"), buttons: shown(".md-content__button"),
      backrefs: shown(".footnote-backref"), headerlinks: shown(".headerlink"), top: shown(".md-top"),
    },
    tables: document.querySelectorAll(".md-content table").length,
    map: map && { bottom: map.getBoundingClientRect().bottom + scrollY },
    rtl: rtl && {
      lang: rtl.lang, text: rtl.textContent.trim(), direction: getComputedStyle(rtl).direction,
      align: getComputedStyle(rtl).textAlign, right: rtl.getBoundingClientRect().right,
      parentRight: rtl.parentElement.getBoundingClientRect().right,
    },
    background: getComputedStyle(document.body).backgroundColor,
  };
}
"""


@pytest.mark.browser
@pytest.mark.slow
def test_printed_briefing_fits_the_sheet_and_leaves_the_screens_furniture_out(paper: Any) -> None:
    layout = paper.evaluate(LAYOUT)
    assert layout["width"] == PAPER["width"] and layout["scroll"] <= layout["width"]
    assert layout["wide"] == [] and layout["clipped"] == []
    assert layout["tables"] >= 1
    assert layout["furniture"] == dict.fromkeys(layout["furniture"], 0)
    # Dark mode on screen, white paper in print.
    assert layout["background"] == "rgb(255, 255, 255)"


@pytest.mark.browser
@pytest.mark.slow
def test_the_map_prints_on_the_first_page(paper: Any) -> None:
    layout = paper.evaluate(LAYOUT)
    assert layout["map"] is not None, "the briefing has no map"
    assert layout["map"]["bottom"] <= PAPER["height"], layout["map"]


@pytest.mark.browser
@pytest.mark.slow
def test_right_to_left_text_prints_right_aligned_in_its_direction(paper: Any) -> None:
    rtl = paper.evaluate(LAYOUT)["rtl"]
    assert rtl is not None and rtl["text"] == ORIGINAL and rtl["lang"] == "fa-AF"
    assert rtl["direction"] == "rtl" and rtl["align"] == "right"
    assert abs(rtl["right"] - rtl["parentRight"]) < 2


# --- the PDFs ------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_briefings_pdf_prints_every_briefing_with_its_title_and_first_highlight(
    printable: tuple[Path, Path], pdfs: dict[str, Path]
) -> None:
    data, site = printable
    briefings = {key: b for key, b in validate(data).briefings.items() if not b.draft}
    assert sorted(pdfs) == sorted(briefings) and len(briefings) >= 2
    for briefing_id, briefing in briefings.items():
        pages = pdf_text(pdfs[briefing_id])
        assert len(pages) >= 1
        assert words(briefing.title) in pages[0], briefing_id
        text = " ".join(pages)
        assert words(briefing.highlights[0]) in text, briefing_id
    # Each briefing page links its PDF where it was written.
    linked = {key: (page.parent / href).resolve() for key, (page, href) in briefing_pages(site).items()}
    assert linked == {key: path.resolve() for key, path in pdfs.items()}


@pytest.mark.browser
@pytest.mark.slow
def test_right_to_left_quote_is_extracted_from_the_pdf_in_its_script(pdfs: dict[str, Path]) -> None:
    text = " ".join(pdf_text(pdfs["2021-08-13"]))
    # The zero-width non-joiner keeps two letters from joining; the PDF keeps it as a gap, read back as a space.
    expected = words(ORIGINAL.replace("\u200c", " "))
    assert expected in text, "the Dari original is not in the PDF's text (is a font with Arabic script installed?)"


@pytest.mark.browser
@pytest.mark.slow
def test_pdf_links_lead_to_the_published_site_and_within_the_document(pdfs: dict[str, Path]) -> None:
    pypdf = pytest.importorskip("pypdf")
    addresses, within = [], 0
    for page in pypdf.PdfReader(pdfs["2021-08-13"]).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action.get_object():
                addresses.append(str(action.get_object()["/URI"]))
            elif "/Dest" in annotation.get_object():
                within += 1
    assert within > 5  # the source-note markers
    assert SOURCE_URL in addresses
    assert "https://briefings.example.org/briefings/2021-08-12/" in addresses
    assert [a for a in addresses if not a.startswith("https://")] == []


@pytest.mark.browser
@pytest.mark.slow
def test_screenshots_of_the_13_august_briefing(browser: Any, printable: tuple[Path, Path], tmp_path: Path) -> None:
    """Kept as CI artifacts ($BROWSER_ARTIFACTS): a reader's view at 1280 and 390 wide, and in print."""
    _, site = printable
    folder = Path(os.environ["BROWSER_ARTIFACTS"]) if os.environ.get("BROWSER_ARTIFACTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    shots = {"1280": ({"width": 1280, "height": 900}, "screen"), "390": ({"width": 390, "height": 844}, "screen"),
             "print": (PAPER, "print")}  # fmt: skip
    with served(site) as root:
        for name, (viewport, media) in shots.items():
            context = browser.new_context(viewport=viewport, service_workers="block")
            try:
                page = context.new_page()
                page.goto(root + BRIEFING, wait_until="load")
                page.emulate_media(media=media)
                path = folder / f"briefing-2021-08-13-{name}.jpg"
                page.screenshot(path=str(path), full_page=True, type="jpeg", quality=80)
            finally:
                context.close()
            assert path.stat().st_size > 10_000


# --- the command ---------------------------------------------------------------------------------

PAGE = '<html><body><a href="{href}" type="application/pdf" download>PDF</a><a href="x.pdf" type="application/pdf"></a>'


def tiny_site(root: Path, href: str = "../2021-08-13.pdf") -> Path:
    return write_tree(root, {
        "index.html": "<html><body>Home</body></html>",
        "briefings/index.html": "<html><body>Briefings</body></html>",
        "briefings/2021-08-13/index.html": PAGE.format(href=href),
    })  # fmt: skip


def test_briefing_pages_are_the_ones_that_name_their_pdf(tmp_path: Path) -> None:
    site = tiny_site(tmp_path / "site")
    write_tree(site, {"briefings/2021-08/index.html": "<html><head></head><body>A month</body></html>"})
    assert briefing_pages(site) == {"2021-08-13": (site / "briefings/2021-08-13/index.html", "../2021-08-13.pdf")}


def test_a_pdf_is_never_written_outside_the_site(tmp_path: Path) -> None:
    site = tiny_site(tmp_path / "site", href="../../../elsewhere.pdf")
    with pytest.raises(PdfError, match="outside"):
        print_briefings(site)
    assert not (tmp_path / "elsewhere.pdf").exists()


def test_pdf_without_chromium_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tiny_site(tmp_path / "site")
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    assert cli.main(["pdf", "--site", str(site)]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "chromium is not installed" in error and "Traceback" not in error


def test_pdf_without_a_built_site_says_to_build_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["pdf", "--site", str(tmp_path / "site")]) == 2
    assert re.search(r"no built site at .*site; run make site first", capsys.readouterr().err)
