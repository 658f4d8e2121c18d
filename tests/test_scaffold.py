"""`briefings new`: a stub that names what is left to fill, each at its line."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from builder.cli import main
from builder.model import KINDS, SINGULAR

from .conftest import SAMPLE, problems_in


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_new_record_reports_only_the_fields_to_fill(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "briefings"
    shutil.copytree(SAMPLE, data)
    record_id = "2030-01-01" if kind == "briefings" else "new-record"
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
