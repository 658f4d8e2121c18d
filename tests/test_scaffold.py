"""`briefings new`: a stub that names what is left to fill, each at its line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

import pytest

from builder.cli import main
from builder.model import KINDS, SINGULAR
from builder.validate import validate

from .conftest import SAMPLE, problems_in


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_new_record_reports_only_the_fields_to_fill(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "briefings"
    shutil.copytree(SAMPLE, data)
    record_id = "2021-08-20" if kind == "briefings" else "new-record"
    assert main(["new", SINGULAR[kind], record_id, "--data", str(data)]) == 0
    written = data / kind / f"{record_id}.yaml"
    text = written.read_text()
    assert text.startswith(f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n")
    found = problems_in(data)
    assert found, "a stub is not a finished record"
    assert {p.path.rsplit("/", 1)[-1] for p in found} == {written.name}, "nothing else is reported"
    lines = text.splitlines()
    for problem in found:
        assert problem.code == "empty-text"
        key = problem.message.split("'")[1]
        assert lines[problem.line - 1].startswith(f"{key}:"), (problem, lines)


def test_dates_the_model_requires_are_today(tmp_path: Path) -> None:
    from builder.scaffold import stub

    assert "date: 2026-11-24\n" in stub("events", date(2026, 11, 24))
    assert "as_of: 2026-11-24\n" in stub("briefings", date(2026, 11, 24))
    assert "date:\n" in stub("quotes", date(2026, 11, 24)), "a quote's date is never guessed"


def test_new_never_overwrites_and_refuses_bad_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "briefings"
    assert main(["new", "event", "kandahar", "--data", str(data)]) == 0
    before = (data / "events" / "kandahar.yaml").read_text()
    assert main(["new", "event", "kandahar", "--data", str(data)]) == 2
    assert (data / "events" / "kandahar.yaml").read_text() == before
    assert main(["new", "event", "Kandahar City", "--data", str(data)]) == 2
    assert main(["new", "event", "../escape", "--data", str(data)]) == 2
    assert main(["new", "evnt", "x", "--data", str(data)]) == 2
    assert not (tmp_path / "escape.yaml").exists()
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("record_id", "as_of"),
    [("2021-08-20", "2021-08-20"), ("2021-08-20-evening", "2021-08-20"), ("2021-02-30", None), ("weekly", None)],
)
def test_a_briefing_named_for_a_day_is_as_of_that_day(tmp_path: Path, record_id: str, as_of: str | None) -> None:
    from builder.validate import site_today

    data = tmp_path / "briefings"
    assert main(["new", "briefing", record_id, "--data", str(data)]) == 0
    text = (data / "briefings" / f"{record_id}.yaml").read_text()
    # Named for no valid day, it is as of today, like any other stub.
    days = {as_of} if as_of else {site_today(data).day.isoformat(), date.today().isoformat()}
    assert any(f"as_of: {day}\n" in text for day in days), text


def test_today_is_the_sites_today(tmp_path: Path) -> None:
    from builder.validate import site_today

    # 20:00 in UTC is already half past midnight the next day in Kabul.
    evening = datetime(2021, 8, 13, 20, 0, tzinfo=UTC)
    data = tmp_path / "briefings"
    assert site_today(data, evening).day == date(2021, 8, 13), "no data folder yet: UTC"
    data.mkdir()
    (data / "site.yaml").write_text("title: Briefings\n")
    assert site_today(data, evening).day == date(2021, 8, 13), "no time zone: UTC"
    (data / "site.yaml").write_text("time_zone: Asia/Kabul\n")
    assert site_today(data, evening).day == date(2021, 8, 14)
    (data / "site.yaml").write_text("time_zone: Asia/Kandahar\n")
    assert site_today(data, evening).day == date(2021, 8, 13), "a zone `check` refuses: UTC"


def test_new_dates_its_stub_in_the_sites_time_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import builder.validate.rules as rules

    class Evening(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Evening:
            return cls(2021, 8, 13, 20, 0, tzinfo=UTC)

    monkeypatch.setattr(rules, "datetime", Evening)
    data = tmp_path / "briefings"
    data.mkdir()
    (data / "site.yaml").write_text("time_zone: Asia/Kabul\n")
    assert main(["new", "event", "kabul", "--data", str(data)]) == 0
    assert "date: 2021-08-14\n" in (data / "events" / "kabul.yaml").read_text()
    (data / "site.yaml").write_text("time_zone: America/New_York\n")
    assert main(["new", "briefing", "weekly", "--data", str(data)]) == 0
    assert "as_of: 2021-08-13\n" in (data / "briefings" / "weekly.yaml").read_text()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_stub_never_empties_a_list_the_model_fills_by_default(kind: str) -> None:
    from builder.model import registered
    from builder.scaffold import stub

    fields = {field.alias or name: field for name, field in registered(kind).model.model_fields.items()}
    for line in stub(kind, date(2021, 8, 13)).splitlines()[1:]:
        key, _, value = line.partition(": ")
        if value == "[]":
            assert fields[key].get_default(call_default_factory=True) == [], key


def test_an_event_stub_asks_for_its_status_and_offers_no_later_news(repo: Callable[..., Path]) -> None:
    from builder.scaffold import stub

    text = stub("events", date(2021, 8, 13))
    assert "\nstatus:\n" in text, "an empty history would be no status at all"
    assert not {"claims", "updates", "revised", "reported"} & {line.partition(":")[0] for line in text.splitlines()}
    data = repo()
    filled = text.replace("title:\n", "title: Taliban take Kandahar\n").replace("sources: []", "sources: [report]")
    (data / "events" / "new-event.yaml").write_text(filled.replace("status:\n", "status: reported\n"))
    assert problems_in(data) == []
    assert validate(data).events["new-event"].status[0].status == "reported"
