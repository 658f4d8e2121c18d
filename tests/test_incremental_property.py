"""Whatever edits an analyst makes, one after another, the preview's builds give exactly a fresh build's files.

Hypothesis draws short sequences of edits to a copy of the sample data. After each, the data is
built by a builder that remembers (one `Memory` across the sequence, as `briefings serve` keeps)
and by a fresh one into another folder: both must write the same files byte for byte, or both
refuse the data with the same problems.
"""

from __future__ import annotations

import datetime
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from builder import pipeline
from builder.load import load_text
from builder.problems import DataError
from builder.reuse import Memory

from .conftest import SAMPLE, generated

pytestmark = pytest.mark.slow


def _files(data: Path, kind: str) -> list[Path]:
    return sorted((data / kind).glob("*.yaml"))


def _pick(data: Path, kind: str, index: int) -> Path | None:
    files = _files(data, kind)
    return files[index % len(files)] if files else None


def _read(path: Path) -> dict[str, Any] | None:
    doc, _ = load_text(path.read_text(encoding="utf-8"), path.name)
    return doc.data if doc is not None and isinstance(doc.data, dict) else None


def _save(path: Path, record: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")


def _change(data: Path, kind: str, index: int, change: Callable[[dict[str, Any]], None]) -> None:
    """Load record `index` (modulo their number) of `kind`, apply `change` to it and save it."""
    path = _pick(data, kind, index)
    record = _read(path) if path else None
    if path and record is not None:
        change(record)
        _save(path, record)


def _set(key: str, value: str) -> Callable[[dict[str, Any]], None]:
    return lambda record: record.__setitem__(key, value)


def event_title(data: Path, index: int, title: str) -> None:
    _change(data, "events", index, _set("title", title))


def event_date(data: Path, index: int, date: str) -> None:
    _change(data, "events", index, _set("date", date))


def event_status(data: Path, index: int, status: str) -> None:
    def change(record: dict[str, Any]) -> None:
        history = record.get("status")
        if not isinstance(history, list) or not history or not isinstance(history[-1], dict):
            record["status"] = status
            return
        latest = history[-1]
        latest["status"] = status
        # A claim or a denial is someone's.
        if status in ("claimed", "denied") and not latest.get("by") and record.get("actors"):
            latest["by"] = record["actors"][0]

    _change(data, "events", index, change)


def new_event(data: Path, index: int, title: str) -> None:
    source = _pick(data, "events", index)
    record = _read(source) if source else None
    if record is None:
        return
    # Figures are named once in the whole archive: the copy has none.
    record.pop("figures", None)
    record["title"] = title
    _save(data / "events" / f"added-{len(_files(data, 'events'))}.yaml", record)


def removed_quote(data: Path, index: int, _: str) -> None:
    path = _pick(data, "quotes", index)
    if path is None:
        return
    path.unlink()
    for briefing in _files(data, "briefings"):
        record = _read(briefing)
        if record is not None and path.stem in (record.get("quotes") or []):
            record["quotes"] = [quote for quote in record["quotes"] if quote != path.stem]
            if not record["quotes"]:
                del record["quotes"]
            _save(briefing, record)


def place_name(data: Path, index: int, name: str) -> None:
    _change(data, "places", index, _set("name", name))


def source_title(data: Path, index: int, title: str) -> None:
    _change(data, "sources", index, _set("title", title))


def briefing_date(data: Path, index: int, days: str) -> None:
    """Move a briefing by `days`: its `as_of` and the file named for it."""
    path = _pick(data, "briefings", index)
    record = _read(path) if path else None
    if path is None or record is None:
        return
    as_of = datetime.date.fromisoformat(str(record["as_of"])) + datetime.timedelta(days=int(days))
    moved = path.with_name(f"{as_of.isoformat()}.yaml")
    if moved.exists():
        return
    record["as_of"] = as_of.isoformat()
    path.unlink()
    _save(moved, record)


def key_figures(data: Path, index: int, how: str) -> None:
    figures = sorted(
        str(figure["id"])
        for event in _files(data, "events")
        for figure in (_read(event) or {}).get("figures") or []
        if isinstance(figure, dict) and "id" in figure
    )

    def change(record: dict[str, Any]) -> None:
        chosen = list(record.get("key_figures") or [])
        if how == "reversed":
            chosen.reverse()
        elif how == "fewer":
            chosen = chosen[1:]
        else:
            chosen += [figure for figure in figures if figure not in chosen][:1]
        if chosen:
            record["key_figures"] = chosen
        else:
            record.pop("key_figures", None)

    _change(data, "briefings", index, change)


def site(data: Path, _: int, title: str) -> None:
    record = _read(data / "site.yaml")
    assert record is not None
    record["title"] = title
    _save(data / "site.yaml", record)


def touched(data: Path, index: int, _: str) -> None:
    """Saved again unchanged: a new time, the same bytes."""
    path = _pick(data, "events", index)
    if path is not None:
        path.write_bytes(path.read_bytes())


# Text an analyst might type, with the characters every output context must make inert.
TEXT = st.from_regex(r"[A-Z][a-z]{0,8}( [A-Za-z0-9<>&'\"*_\[\]#.:-]{1,8}){0,3}", fullmatch=True)
EDITS: dict[str, tuple[Callable[[Path, int, str], None], st.SearchStrategy[str]]] = {
    "event title": (event_title, TEXT),
    "event date": (event_date, st.sampled_from(["2021-08-10", "2021-08-12~", "2021-08-13", "2021-08-11/2021-08-12"])),
    "event status": (event_status, st.sampled_from(["confirmed", "reported", "claimed", "disputed", "denied"])),
    "new event": (new_event, TEXT),
    "removed quote": (removed_quote, st.just("")),
    "place name": (place_name, TEXT),
    "source title": (source_title, TEXT),
    "briefing date": (briefing_date, st.sampled_from(["1", "2", "-1"])),
    "key figures": (key_figures, st.sampled_from(["reversed", "fewer", "more"])),
    "site": (site, TEXT),
    "touched": (touched, st.just("")),
}
EDIT = st.sampled_from(sorted(EDITS)).flatmap(
    lambda name: st.tuples(st.just(name), st.integers(0, 40), EDITS[name][1]),
)


Outcome = tuple[int, dict[str, bytes]] | list[str]


def outcome(data: Path, docs: Path, memory: Memory | None = None) -> Outcome:
    """The pages counted and the files written by a build of `data` into `docs`, or its problems."""
    try:
        pages, _ = pipeline.build(data, docs, memory)
    except DataError as error:
        return sorted(str(problem) for problem in error.problems)
    return pages, generated(docs)


def differences(remembered: Outcome, fresh: Outcome) -> str:
    if isinstance(remembered, list) or isinstance(fresh, list):
        said = [found if isinstance(found, list) else "built" for found in (remembered, fresh)]
        return f"the remembering build: {said[0]}; a fresh build: {said[1]}"
    (count, files), (fresh_count, fresh_files) = remembered, fresh
    differ = sorted(path for path in files.keys() | fresh_files.keys() if files.get(path) != fresh_files.get(path))
    return f"{count} pages, a fresh build {fresh_count}; files that differ: {differ}"


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(EDIT, min_size=1, max_size=5))
def test_remembering_builds_after_any_edits_write_what_a_fresh_build_does(edits: list[tuple[str, int, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        data, docs = root / "briefings", root / "docs"
        shutil.copytree(SAMPLE, data)
        docs.mkdir()
        memory = Memory()
        assert not isinstance(outcome(data, docs, memory), list), "the sample data builds"
        for step, (name, index, value) in enumerate(edits):
            EDITS[name][0](data, index, value)
            fresh = root / f"fresh-{step}"
            fresh.mkdir()
            expected = outcome(data, fresh)
            event("refused" if isinstance(expected, list) else "built")
            found = outcome(data, docs, memory)
            assert found == expected, f"after {edits[: step + 1]}: {differences(found, expected)}"
