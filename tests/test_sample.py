"""The sample data: valid, faithful to the article, and rich enough for every feature to show."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from builder.model import Repository, StatusStep
from builder.validate import validate

from .conftest import ROOT, SAMPLE

ARTICLE = ROOT.parent / "shared" / "reference" / "000_b91136bcdf9285c5.txt"


@pytest.fixture(scope="module")
def sample() -> Repository:
    return validate(SAMPLE)


def status_as_of(steps: list[StatusStep], day: date) -> StatusStep:
    return [step for step in steps if step.date is None or step.date.start <= day][-1]


def test_sample_validates_clean(sample: Repository) -> None:
    assert len(sample.briefings) == 2
    assert sample.site.time_zone == "Asia/Kabul"


@pytest.mark.skipif(not ARTICLE.is_file(), reason="the reference article is not beside the repository")
def test_direct_and_partial_quotes_are_verbatim_from_the_article(sample: Repository) -> None:
    article = ARTICLE.read_text(encoding="utf-8")
    for quote_id, quote in sample.quotes.items():
        if quote.kind != "paraphrase":
            assert quote.text in article, f"{quote_id} is not verbatim"


def test_every_quote_the_article_carries_is_there(sample: Repository) -> None:
    texts: dict[str, list[str]] = defaultdict(list)
    for quote in sample.quotes.values():
        texts[quote.speaker].append(quote.text)
    assert len(texts["mitch-mcconnell"]) >= 2
    assert any("catastrophic impact on civilians" in text for text in texts["united-nations"])
    assert any("remains invested in the security" in text for text in texts["us-state-department"])
    assert any("Following heavy clashes" in text for text in texts["afghan-government"])
    assert any("matter of great urgency" in text for text in texts["international-envoys-qatar"])
    spokesperson = [q for q in sample.quotes.values() if q.speaker == "taliban" and "welcomed" in q.text]
    assert [(q.kind, q.medium) for q in spokesperson] == [("paraphrase", "according to Al Jazeera TV")]


def test_herat_moves_from_a_claim_to_a_report(sample: Repository) -> None:
    (herat,) = [event for event in sample.events.values() if "herat" in event.places and event.kind == "capture"]
    on_12th = status_as_of(herat.status, date(2021, 8, 12))
    on_13th = status_as_of(herat.status, date(2021, 8, 13))
    assert (on_12th.status, on_12th.by) == ("claimed", "taliban")
    assert on_12th.note is not None and "unable to confirm" in on_12th.note
    assert on_13th.status == "reported"


def test_kandahar_city_falls_while_its_airport_is_held(sample: Repository) -> None:
    changes = {c.place: c for event in sample.events.values() for c in event.control}
    city, airport = changes["kandahar-city"], changes["kandahar-airport"]
    assert (city.from_, city.to, city.how, city.status[-1].status) == (
        "afghan-government",
        "taliban",
        "captured",
        "confirmed",
    )
    assert (airport.to, airport.how) == ("afghan-government", "held")
    assert changes["firuz-koh"].how == "handed-over"


def test_key_figures_carry_who_gives_them(sample: Repository) -> None:
    figures = {figure_id: figure for figure_id, (_, figure) in sample.figures.items()}
    by_value = {(figure.value, figure.by, figure.qualifier) for figure in figures.values()}
    assert (Decimal(3000), "pentagon", "about") in by_value
    assert (Decimal(600), "uk-government", "about") in by_value
    assert (Decimal(10) ** 12, "joe-biden", "more-than") in by_value
    assert (Decimal(200), "afghan-government", "about") in by_value


def test_each_briefing_features_only_what_was_known_by_its_date(sample: Repository) -> None:
    first, second = sample.briefings["2021-08-12"], sample.briefings["2021-08-13"]
    assert (first.as_of, second.as_of) == (date(2021, 8, 12), date(2021, 8, 13))
    assert second.since is None  # defaults to the previous briefing
    for briefing in (first, second):
        assert 3 <= len(briefing.highlights) <= 6
        assert briefing.watch
        for figure_id in briefing.key_figures:
            event_id, figure = sample.figures[figure_id]
            assert (figure.as_of or sample.events[event_id].date).start <= briefing.as_of


def test_every_outlet_the_article_credits_is_a_source(sample: Repository) -> None:
    publishers = {source.publisher for source in sample.sources.values()}
    assert {"Reuters", "AFP", "AP", "Al Jazeera"} <= publishers
    assert any(source.via == "Gulf News" for source in sample.sources.values())


def test_sample_files_are_small_and_one_record_each() -> None:
    for file in Path(SAMPLE).rglob("*.yaml"):
        text = file.read_text(encoding="utf-8")
        assert "---" not in text.splitlines()
        assert len(text) < 4000, file
