"""Rendered pages of the sample data against committed golden files (`make update-golden` refreshes)."""

from __future__ import annotations

import json
import os
import posixpath
import re
import textwrap
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import markdown
import pytest

from bench.synthetic import generate
from builder.model import Figure, FuzzyDate
from builder.render import engine as render_engine
from builder.render import format_date, format_figure, format_number, render
from builder.validate import validate

from .conftest import BASE, SAMPLE
from .test_escape import ATTACKS, Elements, visible

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def pages() -> dict[str, str | bytes]:
    return render(validate(SAMPLE))


def test_pages_match_the_golden_files(pages: dict[str, str | bytes]) -> None:
    if UPDATE:
        for old in GOLDEN.rglob("*"):
            if old.is_file():
                old.unlink()
        for path, text in pages.items():
            target = GOLDEN / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(str(text), encoding="utf-8")
    golden = {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8") for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(golden) == sorted(pages), "pages added or removed: run `make update-golden` and review the diff"
    for path, text in pages.items():
        assert text == golden[path], (
            f"{path} differs from tests/golden/{path}: run `make update-golden`, review the diff"
        )


def test_rendering_twice_gives_identical_pages(pages: dict[str, str | bytes]) -> None:
    assert render(validate(SAMPLE)) == pages


def test_a_briefing_reads_in_the_order_of_a_situation_report(pages: dict[str, str | bytes]) -> None:
    text = str(pages["briefings/2021-08-13.md"])
    # The situation at a glance first: key figures and the map, then the editor's words, what changed and
    # what was said; the evidence after.
    order = ["# Afghanistan", "**As of 13 August 2021, evening**", "## Key figures", "## Map", "## Highlights",
             "## What changed since", "## Key quotes", "## Who holds what", "## Timeline", "## To watch",
             "## Source notes"]  # fmt: skip
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "[← Previous briefing](2021-08-12.md)" in text


def test_each_briefing_shows_only_what_its_sources_had_published(pages: dict[str, str | bytes]) -> None:
    first, second = str(pages["briefings/2021-08-12.md"]), str(pages["briefings/2021-08-13.md"])
    herat = "#### Taliban claim Herat { #event-herat-captured }\n\n"
    # Herat's claim is known only from the reports of the 13th: the briefing of the 12th cannot show it.
    assert herat not in first and "source-reuters-kandahar-2021-08-13" not in first
    assert herat + '[<span class="status status--reported">reported</span>](../glossary.md#status-reported' in second
    assert "- New: [Taliban claim Herat](#event-herat-captured)" in second


def test_source_notes_are_numbered_in_order_of_first_citation(pages: dict[str, str | bytes]) -> None:
    text = str(pages["briefings/2021-08-13.md"])
    notes = [line for line in text.splitlines() if line.startswith("[^")]
    assert [line.split("]")[0] for line in notes] == [f"[^{n}" for n in range(1, len(notes) + 1)]
    body = text.split("## Source notes")[0]
    first_use = [body.index(f"[^{n}]") for n in range(1, len(notes) + 1)]
    assert first_use == sorted(first_use)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2021-08-13", "13 August 2021"),
        ("2021-08", "August 2021"),
        ("2021-08-12/2021-08-13", "12–13 August 2021"),
        ("2021-07-30/2021-08-02", "30 July – 2 August 2021"),
        ("2020-12-30/2021-01-02", "30 December 2020 – 2 January 2021"),
        ("2021-08-12~", "about 12 August 2021"),
    ],
)
def test_dates_in_words(text: str, words: str) -> None:
    assert format_date(FuzzyDate.parse(text)) == words


def test_figures_in_words() -> None:
    assert format_number(Decimal(10) ** 12) == "1 trillion"
    assert format_number(Decimal("2500000")) == "2.5 million"
    assert format_number(Decimal("1234")) == "1,234"
    figure = Figure.model_validate({"id": "f", "label": "l", "low": "30", "high": "90", "unit": "days"})
    assert format_figure(figure) == "30–90 days"
    figure = Figure.model_validate({"id": "f", "label": "l", "value": "3000", "qualifier": "about", "unit": "troops"})
    assert format_figure(figure) == "about 3,000 troops"


def test_every_anchor_is_unique_on_its_page(pages: dict[str, str | bytes]) -> None:
    import re

    for path, text in pages.items():
        anchors = re.findall(r"\{ #([a-z0-9-]+)", str(text))
        assert len(anchors) == len(set(anchors)), path


def test_every_event_quote_and_figure_has_a_permalink_somewhere(pages: dict[str, str | bytes]) -> None:
    sample = validate(SAMPLE)
    everything = "".join(str(text) for text in pages.values())
    for event_id in sample.events:
        assert f"{{ #event-{event_id} }}" in everything
    for quote_id in sample.quotes:
        assert f"{{ #quote-{quote_id} }}" in everything
    for figure_id in sample.figures:
        assert f"{{ #figure-{figure_id} .figure }}" in everything


def test_the_schema_reference_lists_every_field_of_every_kind(pages: dict[str, str | bytes]) -> None:
    from builder.model import KINDS
    from builder.render.plan import PARTS

    text = str(pages["reference.md"])
    for model in [*KINDS.values(), *PARTS]:
        for name, info in model.model_fields.items():
            key = str(info.alias or name).replace("_", "&#95;")
            assert f"| **{key}** |" in text, (model.__name__, key)
    statuses = "one of confirmed, reported, claimed, unverified, disputed, denied, retracted, or a list"
    assert f"| **status** | {statuses}" in text
    # Every mapping a table names is described in a section of its own.
    for part in PARTS:
        assert f"\n### {part.__name__}\n" in text


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str | bytes], dict[str, str | bytes]]:
    """The pages of a synthetic archive of one month, and of one four times its size over four times as long."""
    folder = tmp_path_factory.mktemp("archives")
    # 20 events a day, over 31 and 124 days.
    small = render(validate(generate(folder / "small", 620, briefings=30)))
    large = render(validate(generate(folder / "large", 2_480, briefings=123)))
    return small, large


# Registries list each place, actor or tag once: they grow with the number of entities, not of events.
REGISTRIES = {"places/index.md", "actors/index.md", "tags/index.md"}


@pytest.mark.slow
def test_no_page_grows_with_the_archive(archives: tuple[dict[str, str | bytes], dict[str, str | bytes]]) -> None:
    def largest(pages: dict[str, str | bytes]) -> tuple[int, str]:
        return max((len(text), path) for path, text in pages.items() if path.endswith(".md") and path not in REGISTRIES)

    (small_size, small_page), (large_size, large_page) = largest(archives[0]), largest(archives[1])
    assert len(archives[1]) > 2.5 * len(archives[0]), "the larger archive has more pages, not longer ones"
    assert large_size < 1.3 * small_size, f"{large_page} ({large_size} bytes) vs {small_page} ({small_size} bytes)"


@pytest.mark.slow
def test_sections_are_split_by_month_with_an_index_and_neighbours(
    archives: tuple[dict[str, str | bytes], dict[str, str | bytes]],
) -> None:
    pages = archives[1]
    months = sorted(path for path in pages if path.startswith("timeline/20"))
    assert len(months) >= 4
    index = str(pages["timeline/index.md"])
    for month in months:
        assert f"]({month.removeprefix('timeline/')})" in index
    middle = str(pages[months[1]])
    assert f"[← {_label(months[2])}]({months[2].removeprefix('timeline/')})" in middle
    assert f"[{_label(months[0])} →]({months[0].removeprefix('timeline/')})" in middle
    for section in ("sources", "archive"):
        assert any(path.startswith(f"{section}/20") for path in pages), section


def _label(path: str) -> str:
    return format_date(FuzzyDate.parse(path.split("/")[-1].removesuffix(".md")))


@pytest.mark.slow
def test_every_link_to_an_event_quote_or_source_reaches_its_anchor(
    archives: tuple[dict[str, str | bytes], dict[str, str | bytes]],
) -> None:
    pages = archives[1]
    anchors = {path: set(re.findall(r"\{ #([a-z0-9-]+)", str(text))) for path, text in pages.items()}
    checked = 0
    for path, text in pages.items():
        if not path.endswith(".md"):
            continue
        for target, anchor in re.findall(r"\]\(([^)#\s]+\.md)#((?:event|quote|source|figure)-[a-z0-9-]+)\)", str(text)):
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            assert anchor in anchors.get(resolved, set()), f"{path} links to {resolved}#{anchor}, which is not there"
            checked += 1
    assert checked > 10_000


def test_an_entity_page_lists_its_latest_year_and_links_the_earlier_ones(repo: Callable[..., Path]) -> None:
    earlier = {
        f"events/fighting-{year}.yaml": f"""
            title: Fighting near Kandahar in {year}
            date: {year}-06-01
            places: [kandahar]
            sources: [report]
        """
        for year in (2019, 2020)
    }
    pages = render(validate(repo(earlier)))
    main = str(pages["places/kandahar.md"])
    assert "## Events in 2021" in main and "Taliban take Kandahar" in main and "Fighting" not in main
    assert "By year: **2021** · [2020](kandahar/2020.md) · [2019](kandahar/2019.md)" in main
    for year in (2019, 2020):
        page = str(pages[f"places/kandahar/{year}.md"])
        assert f"## Events in {year}" in page and f"Fighting near Kandahar in {year}" in page
        assert "[Back to Kandahar](../kandahar.md)" in page and "Taliban take Kandahar" not in page
        assert f"](../../timeline/{year}-06.md#event-fighting-{year})" in page
    assert "places/kandahar/2021.md" not in pages, "the latest year is on the place's own page"


def test_a_data_file_planned_at_a_page_path_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from builder import exports
    from builder.handwritten import ClashError

    planned = exports.exports
    monkeypatch.setattr(
        exports, "exports", lambda *args: {**planned(*args), "places/index.md": "a data file in the page's place"}
    )
    with pytest.raises(ClashError, match=r"places/index\.md"):
        render(validate(SAMPLE), workers=1)


BASE_QUOTE = textwrap.dedent(BASE["quotes/official.yaml"]).strip() + "\n"
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "footnotes", "tables", "toc"]
TRANSLATED = """
    speaker: taliban
    text: {text}
    kind: partial
    context: {context}
    translated_by: {translated_by}
    original:
      text: {original}
      language: ps
    sources: [report]
"""


def _briefing_html(repo: Callable[..., Path], quote: str) -> str:
    pages = render(validate(repo({"quotes/official.yaml": quote})))
    # MkDocs reads the front matter apart from the page.
    body = str(pages["briefings/2021-08-13.md"]).split("\n---\n", 1)[1]
    return markdown.markdown(body, extensions=EXTENSIONS)


def test_a_translation_and_its_original_are_labelled_and_a_right_to_left_original_is_its_own_block(
    repo: Callable[..., Path],
) -> None:
    html = _briefing_html(
        repo,
        TRANSLATED.format(
            text="Kandahar is completely conquered",
            context="on the pace of the Taliban advance",
            translated_by="Reuters",
            original="کندهار په بشپړه توګه فتح شو",
        ),
    )
    # A featured quote: the briefing sets it apart.
    label = "<em>Translated by Reuters:</em> “Kandahar is completely conquered”</p>"
    quoted = f'<p class="key-quote" id="quote-official">{label}'
    assert quoted in html
    assert "<p><em>Original &#40;Pashto&#41;:</em></p>" in html
    assert '<p dir="rtl" lang="ps">کندهار په بشپړه توګه فتح شو</p>' in html
    assert "<em>partial quotation</em>, on the pace of the Taliban advance" in html


def test_an_original_in_a_language_without_a_name_shows_its_code(repo: Callable[..., Path]) -> None:
    quote = BASE_QUOTE + "original:\n  text: Kandahar\n  language: xx\n"
    html = _briefing_html(repo, quote)
    quoted = (
        '<p class="key-quote" id="quote-official"><em>Translation:</em> “The Taliban took control of Kandahar city”'
    )
    assert quoted in html
    assert "<p><em>Original &#40;xx&#41;:</em></p>" in html
    assert '<p dir="ltr" lang="xx">Kandahar</p>' in html


def test_a_translation_without_its_original_names_its_translator(repo: Callable[..., Path]) -> None:
    html = _briefing_html(repo, BASE_QUOTE + "translated_by: the editors\ncontext: in a statement\n")
    assert "<em>Translated by the editors:</em> “The Taliban took control of Kandahar city”" in html
    assert "Original" not in html and "lang=" not in html
    # Undated, so dated by when it was first reported; then what the partial quote was part of.
    assert "— <strong>Afghan government</strong> · first reported 13 August 2021 · in a statement" in html


def test_hostile_translation_fields_render_inert(repo: Callable[..., Path]) -> None:
    def page(value: str) -> str:
        field = json.dumps(value, ensure_ascii=False)
        return _briefing_html(repo, TRANSLATED.format(text=field, context=field, translated_by=field, original=field))

    attack = " ".join(ATTACKS)
    hostile, plain = page(attack), page("plain")
    assert Elements(hostile).found == Elements(plain).found, "inert text changes words, never structure"
    assert visible(hostile).count(" ".join(attack.split())) == 4


def test_every_template_is_compiled_before_the_render_needs_it() -> None:
    env = render_engine.environment()
    env.cache.clear()  # type: ignore[union-attr]
    render_engine.compile_templates()
    compiled = {name for _, name in env.cache}  # type: ignore[union-attr]
    assert set(env.list_templates()) <= compiled
    assert {"briefing.md", "timeline.md", "_macros.md"} <= compiled
