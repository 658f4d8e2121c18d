"""Rendered pages of the sample data against committed golden files (`make update-golden` refreshes)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from builder.model import Figure, FuzzyDate
from builder.render import format_date, format_figure, format_number, render
from builder.validate import validate

from .conftest import SAMPLE

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
    order = ["# Afghanistan", "**As of 13 August 2021, evening**", "## Highlights", "## Key figures", "## Timeline",
             "## Key quotes", "## To watch", "## Source notes"]  # fmt: skip
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "[previous briefing](2021-08-12.md)" in text


def test_each_briefing_shows_status_as_of_its_own_date(pages: dict[str, str | bytes]) -> None:
    first, second = str(pages["briefings/2021-08-12.md"]), str(pages["briefings/2021-08-13.md"])
    herat = "#### Taliban claim Herat { #event-herat-captured }\n\n"
    assert herat + '<span class="status status--claimed">claimed by Taliban</span>' in first
    assert herat + '<span class="status status--reported">reported</span>' in second


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

    text = str(pages["reference.md"])
    for model in KINDS.values():
        for name, info in model.model_fields.items():
            key = str(info.alias or name).replace("_", "&#95;")
            assert f"| **{key}** |" in text, (model.__name__, key)
    assert "| **status** | one of confirmed, reported, claimed, unverified, disputed, denied, retracted or" in text
