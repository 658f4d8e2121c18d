"""End to end: the sample data through the strict MkDocs build, checked in the built HTML."""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from builder import cache, pipeline
from builder.problems import DataError

from .conftest import SAMPLE, build_site


def sample_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the sample data to change, and an empty docs folder to build into."""
    data = tmp_path / "briefings"
    shutil.copytree(SAMPLE, data)
    docs = tmp_path / "docs"
    docs.mkdir()
    return data, docs


def generated(docs: Path, pattern: str = "*") -> dict[str, bytes]:
    """Every generated file, by path inside the generated folder."""
    folder = docs / "generated"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob(pattern) if p.is_file()}


def page_text(site: Path, path: str) -> str:
    markup = (site / path).read_text(encoding="utf-8")
    article = markup.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article)))
    return re.sub(r" ([,.;:])", r"\1", text)


@pytest.mark.slow
def test_both_dated_briefings_are_built(sample_site: Path) -> None:
    for day in ("2021-08-12", "2021-08-13"):
        assert (sample_site / "briefings" / day / "index.html").is_file()
    for page in ("index.html", "timeline/index.html", "sources/index.html", "briefings/index.html"):
        assert (sample_site / page).is_file()


@pytest.mark.slow
def test_the_13_august_briefing_shows_the_news_with_attribution(sample_site: Path) -> None:
    text = page_text(sample_site, "briefings/2021-08-13/index.html")
    assert "“hurtling toward an even worse sequel to the humiliating fall of Saigon in 1975” — Mitch McConnell" in text
    assert "burning down our Embassy in Kabul.” — Mitch McConnell, US Senate Republican leader" in text
    assert "“catastrophic impact on civilians” — UN" in text
    assert "claimed by Taliban. Reuters was unable to confirm the claim." in text
    assert "Kandahar: captured by Taliban from Afghan government" in text
    assert "Kandahar airport: still held by Afghan government" in text
    assert "about 3,000 troops" in text and "about 600 troops" in text
    assert "The fall of major cities was a sign that Afghans welcomed the Taliban. — Taliban" in text
    assert "“The fall of major cities" not in text, "a paraphrase is never shown in quotation marks"


@pytest.mark.slow
def test_source_notes_are_numbered_and_linked(sample_site: Path) -> None:
    markup = (sample_site / "briefings/2021-08-13/index.html").read_text(encoding="utf-8")
    references = re.findall(r'<a class="footnote-ref" href="#fn:(\d+)"', markup)
    notes = re.findall(r'<li id="fn:(\d+)">', markup)
    assert notes == [str(n) for n in range(1, len(notes) + 1)] and len(notes) >= 5
    assert set(references) == set(notes)
    assert 'href="../../sources/2021-08/#source-reuters-kandahar-2021-08-13"' in markup


@pytest.mark.slow
def test_page_titles_are_text_in_the_header_navigation_and_title_tag(sample_site: Path) -> None:
    markup = (sample_site / "briefings/2021-08-13/index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", markup, re.S)
    assert title is not None
    assert html.unescape(title.group(1)).startswith("Afghanistan: situation briefing, 13 August 2021")


@pytest.mark.slow
def test_nothing_is_fetched_from_a_third_party(sample_site: Path) -> None:
    for page in sample_site.rglob("*.html"):
        markup = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in markup and "fonts.gstatic" not in markup
        # The canonical link names the page's own published address; a browser fetches nothing from it.
        fetched = re.sub(r'<link rel="canonical"[^>]*>', "", markup)
        external = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?://[^"]+)"', fetched)
        assert external == [], (page, external)


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    pipeline.build(SAMPLE, docs)
    first = generated(docs, "*.md")
    (docs / "generated").unlink()
    pipeline.build(SAMPLE, docs)
    second = generated(docs, "*.md")
    assert first == second and len(first) >= 6


def test_a_data_error_writes_nothing(tmp_path: Path) -> None:
    data, docs = sample_copy(tmp_path)
    pipeline.build(data, docs)
    before = generated(docs)
    (data / "quotes" / "zz-last.yaml").write_text("speaker: nobody\ntext: x\n")
    with pytest.raises(DataError):
        pipeline.build(data, docs)
    assert generated(docs) == before


@pytest.mark.slow
def test_briefings_link_to_the_yaml_behind_them_when_the_repository_is_named(tmp_path: Path) -> None:
    data, _ = sample_copy(tmp_path)
    site_file = data / "site.yaml"
    site_file.write_text(site_file.read_text() + "repository: https://github.com/example/desk\n")
    site = build_site(data, tmp_path / "out")
    markup = (site / "briefings/2021-08-13/index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/example/desk/edit/main/briefings/briefings/2021-08-13.yaml"' in markup
    assert 'rel="edit"' not in (site / "timeline/index.html").read_text(encoding="utf-8")


def test_deleting_a_record_removes_its_pages(tmp_path: Path) -> None:
    data, docs = sample_copy(tmp_path)
    pipeline.build(data, docs)
    assert (docs / "generated" / "places" / "qatar.md").is_file()
    assert (docs / "generated" / "briefings" / "2021-08-13.md").is_file()
    (data / "briefings" / "2021-08-13.yaml").unlink()
    for event in data.glob("events/*.yaml"):
        text = event.read_text()
        if "qatar" in text:
            event.write_text(text.replace("  - qatar\n", ""))
    (data / "places" / "qatar.yaml").unlink()
    pipeline.build(data, docs)
    assert not (docs / "generated" / "places" / "qatar.md").exists()
    assert not (docs / "generated" / "briefings" / "2021-08-13.md").exists()
    assert (docs / "generated" / "briefings" / "2021-08-12.md").is_file()


@pytest.mark.slow
def test_thousands_of_files_check_in_bounded_memory(tmp_path: Path) -> None:
    import tracemalloc

    from bench.synthetic import generate
    from builder.validate import validate

    data = generate(tmp_path / "briefings", 3_000, briefings=30)
    tracemalloc.start()
    repository = validate(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(repository.events) == 3_000
    assert peak < 150 * 2**20, f"peak {peak / 2**20:.0f} MiB"


def test_a_rebuild_with_nothing_changed_does_no_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, docs = sample_copy(tmp_path)
    pages, changed = pipeline.build(data, docs)
    assert changed and pages > 6

    def refuse(*_: object) -> None:
        raise AssertionError("nothing changed, so nothing should be validated")

    monkeypatch.setattr(pipeline, "check", refuse)
    assert pipeline.build(data, docs) == (pages, False)
    monkeypatch.undo()

    stamp = cache.folder(docs) / cache.STAMP
    stamp.write_text("{not json")
    assert pipeline.build(data, docs) == (pages, False), "a corrupt stamp is ignored, the build just runs"
    highlight = data / "briefings" / "2021-08-13.yaml"
    highlight.write_text(highlight.read_text().replace("second biggest city", "second-biggest city"))
    assert pipeline.build(data, docs) == (pages, True)


class _Text(HTMLParser):
    """The text a reader sees on a page: no scripts, styles or SVG."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "svg"):
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "svg"):
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.chunks.append(data)


def visible_text(page: Path) -> str:
    parser = _Text()
    parser.feed(page.read_text(encoding="utf-8"))
    return "".join(parser.chunks)


# `[text](target)` or `[text][ref]` left unconverted, e.g. Markdown written inside an HTML block.
MARKDOWN_LINK = re.compile(r"\[[^\]\n]+\]\([^)\s]+\)|\[[^\]\n]+\]\[[^\]\n]*\]|\[\^\d+\]")


@pytest.mark.slow
def test_no_markdown_link_reaches_a_reader_as_text(sample_site: Path) -> None:
    pages = sorted(sample_site.rglob("*.html"))
    assert len(pages) > 50
    leaks = {page.relative_to(sample_site).as_posix(): MARKDOWN_LINK.findall(visible_text(page)) for page in pages}
    assert {page: found for page, found in leaks.items() if found} == {}


def test_the_markdown_link_check_sees_a_leak(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<figure><figcaption>See [Every place](../places/index.md).</figcaption></figure>", "utf-8")
    assert MARKDOWN_LINK.findall(visible_text(page)) == ["[Every place](../places/index.md)"]


REVISED = """
title: Britain raises its evacuation force
date: 2021-08-14
places: [afghanistan]
actors: [uk-government]
sources: [un-statement-civilians]
figures:
  - id: uk-troops-raised
    label: British troops to be deployed to help British citizens leave
    value: 900
    unit: troops
    by: uk-government
    revises: uk-troops-for-evacuation
    correction: Britain's statement gave 900 troops; 600 was a misreading.
    sources: [uk-statement-evacuation-troops]
"""


@pytest.mark.slow
def test_a_corrected_figure_cites_only_what_the_corrections_page_shows(tmp_path: Path) -> None:
    data, _ = sample_copy(tmp_path)
    (data / "events" / "uk-raises-evacuation-force.yaml").write_text(REVISED, encoding="utf-8")
    # The revised figure's event cites other sources than the new one: its notes must not be listed unreferenced.
    site = build_site(data, tmp_path / "out")
    text = page_text(site, "corrections/index.html")
    assert "corrected from about 600 troops to 900 troops. Britain's statement gave 900 troops" in text
    notes = (site / "corrections" / "index.html").read_text(encoding="utf-8")
    assert notes.count('class="footnote-ref"') == notes.count('class="footnote-backref"') == 1
    # The briefing that published 600 says, in a dated notice, that it was corrected; its link resolves.
    briefing = page_text(site, "briefings/2021-08-13/index.html")
    assert "Corrected on 14 August 2021" in briefing and "about 600 troops" in briefing
