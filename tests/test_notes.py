"""Public and internal notes: readers see `note`; no page, export, feed or review summary carries `internal_note`."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from builder import pipeline
from builder.exports import collection_schema
from builder.model import KINDS, Repository, Site, json_schema
from builder.model.records import is_internal
from builder.summary import summarize
from builder.validate import validate

from .conftest import BASE, Link, build_site, write_tree

# Letters only: no escaping changes them, so a marker that reaches a file is found there as written.
HIDDEN = "zqxhidden"
SHOWN = "zqxshown"


def fixture(hidden: str = HIDDEN) -> dict[str, str | bytes | Link | None]:
    """BASE with a public and an internal note in every kind and part that takes them, each its own marker."""

    def base(name: str) -> str:
        return BASE[name].rstrip(" ")

    def notes(part: str, indent: int) -> str:
        pad = " " * indent
        return f"{pad}note: {SHOWN}{part}\n{pad}internal_note: {hidden}{part}\n"

    return {
        **BASE,
        "sources/report.yaml": base("sources/report.yaml") + notes("source", 8),
        "sources/later.yaml": """
            title: Taliban say they hold the whole city
            publisher: AFP
            kind: wire-agency
            published: 2021-08-14
            time: '09:15'
        """,
        "actors/taliban.yaml": "name: Taliban\nkind: armed-group\n" + notes("actor", 0),
        "places/kandahar.yaml": "name: Kandahar\nkind: city\ncountry: AF\ncoordinates: {lat: '31.61', lon: '65.71'}\n"
        + notes("place", 0),
        "events/kandahar-falls.yaml": f"""
            title: Taliban take Kandahar
            date: 2021-08-13
            kind: capture
            places: [kandahar]
            actors: [taliban, government]
            sources: [report]
{notes("event", 12)}            status:
              - status: claimed
                by: taliban
{notes("eventstep", 16)}              - status: confirmed
                date: 2021-08-14
                sources: [later]
{notes("eventsteplater", 16)}            claims:
              - kind: characterisation
                text: the city fell without a fight
                by: government
                sources: [report]
{notes("claim", 16)}                status:
                  - status: claimed
                    by: government
{notes("claimstep", 20)}                  - status: confirmed
                    date: 2021-08-14
                    sources: [later]
{notes("claimsteplater", 20)}            updates:
              - date: 2021-08-14
                text: Fighting stopped and the airport held.
                sources: [later]
{notes("update", 16)}            revised:
              - date: 2021-08-14
                title: Taliban take Kandahar city
                sources: [later]
{notes("wording", 16)}            figures:
              - id: troops
                label: extra US troops
                value: 3,000
                by: government
{notes("figure", 16)}            control:
              - place: kandahar
                from: government
                to: taliban
{notes("control", 16)}                status:
                  - status: reported
{notes("controlstep", 20)}                  - status: confirmed
                    date: 2021-08-14
                    sources: [later]
{notes("controlsteplater", 20)}""",
        "quotes/official.yaml": base("quotes/official.yaml") + notes("quote", 8),
        "briefings/2021-08-13.yaml": base("briefings/2021-08-13.yaml") + f"        internal_note: {hidden}briefing\n",
        "briefings/2021-08-14.yaml": f"""
            title: Briefing, 14 August 2021
            as_of: 2021-08-14
            time: evening
            highlights: [Kandahar is confirmed taken.]
            internal_note: {hidden}laterbriefing
        """,
    }


# Public notes no page shows yet: each needs its words in `render/views.py`. Take one out when a page shows it.
PUBLIC = {
    *["source", "actor", "place", "event", "eventstep", "eventsteplater", "claim", "claimstep", "claimsteplater"],
    *["update", "wording", "figure", "control", "controlstep", "controlsteplater", "quote"],
}


def within(*models: type[BaseModel]) -> set[type[BaseModel]]:
    """The models given and every model their fields hold, however deep: a kind's parts, and theirs."""
    found: set[type[BaseModel]] = set()
    todo = list(models)
    while todo:
        model = todo.pop()
        if model not in found:
            found.add(model)
            todo += [inner for info in model.model_fields.values() for inner in _models(info.annotation)]
    return found


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in get_args(annotation):
        yield from _models(argument)


def internal_fields(*models: type[BaseModel]) -> set[tuple[str, str]]:
    """(model, field) for every internal field of `models` (all kinds and the site by default) and their parts."""
    return {
        (model.__name__, name)
        for model in within(*(models or (*KINDS.values(), Site)))
        for name, info in model.model_fields.items()
        if is_internal(info)
    }


def planted(value: Any, marker: str = HIDDEN) -> set[tuple[str, str]]:
    """(model, field) for each field of `value`, or of a model within it, whose text starts with `marker`."""
    found: set[tuple[str, str]] = set()
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            inner = getattr(value, name)
            if isinstance(inner, str) and inner.startswith(marker):
                found.add((type(value).__name__, name))
            found |= planted(inner, marker)
    elif isinstance(value, list | tuple):
        for item in value:
            found |= planted(item, marker)
    return found


def records(repository: Repository) -> Iterator[BaseModel]:
    yield repository.site
    for kind in KINDS:
        yield from repository.records(kind).values()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "briefings", fixture())


@pytest.fixture
def repository(data: Path) -> Repository:
    return validate(data)


def test_every_note_has_an_internal_twin() -> None:
    with_notes = {name for name, field in internal_fields() if field == "internal_note"}
    assert {"Source", "Place", "Actor", "Event", "StatusStep", "Figure", "ControlChange", "Claim"} <= with_notes
    assert {"Update", "Wording", "Quote", "Briefing"} <= with_notes
    for model in within(*KINDS.values(), Site):
        if "note" in model.model_fields:
            assert is_internal(model.model_fields["internal_note"]), model
            assert not is_internal(model.model_fields["note"]), model


def test_the_fixture_plants_a_marker_in_every_internal_field(repository: Repository) -> None:
    found = set().union(*(planted(record) for record in records(repository)))
    missing = internal_fields() - found
    assert not missing, f"plant a marker in these internal fields in `fixture()`: {sorted(missing)}"
    assert found == internal_fields()


def test_no_dump_carries_an_internal_field(repository: Repository) -> None:
    for record in records(repository):
        assert HIDDEN not in str(record.model_dump(mode="json", by_alias=True)), record


def _properties(schema: Any) -> Iterator[str]:
    """Every property name anywhere in a JSON Schema."""
    if isinstance(schema, dict):
        yield from schema.get("properties", {})
        for value in schema.values():
            yield from _properties(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _properties(value)


def test_editors_schemas_offer_internal_fields_and_export_schemas_do_not() -> None:
    for kind, model in KINDS.items():
        internal = {field for _, field in internal_fields(model)}
        assert internal <= set(_properties(json_schema(model))), kind
        assert not internal & set(_properties(collection_schema(kind))), kind


def files_under(folder: Path) -> Iterator[tuple[Path, str]]:
    """Every file under `folder` (following links, opening .gz files) as text."""
    for root, _, names in os.walk(folder, followlinks=True):
        for name in names:
            path = Path(root) / name
            raw = path.read_bytes()
            if name.endswith(".gz"):
                raw = gzip.decompress(raw)
            yield path, raw.decode("utf-8", errors="replace")


def test_no_generated_page_or_export_carries_an_internal_note(data: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    pipeline.build(data, docs)
    texts = dict(files_under(docs))
    suffixes = {path.suffix for path in texts}
    assert {".md", ".json", ".csv", ".geojson", ".xml"} <= suffixes, suffixes
    leaks = [str(path) for path, text in texts.items() if HIDDEN in text.lower()]
    assert not leaks, leaks


def git(repo: Path, *args: str) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        check=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_review_summary_names_internal_notes_and_never_shows_them(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    data = write_tree(root / "briefings", fixture(hidden=HIDDEN + "before"))
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    write_tree(data, fixture(hidden=HIDDEN + "after"))
    added = f"speaker: taliban\ntext: A new quote\nsources: [report]\ninternal_note: {HIDDEN}added\n"
    write_tree(data, {"quotes/added.yaml": added})
    summary = summarize("HEAD", data)
    assert HIDDEN not in summary.lower(), summary
    assert "internal_note changed" in summary, "reviewers learn that an internal note changed"
    assert "Added **added** — taliban: “A new quote”" in summary


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, str]:
    workdir = tmp_path_factory.mktemp("notes")
    data = write_tree(workdir / "briefings", fixture())
    return dict(files_under(build_site(data, workdir)))


@pytest.mark.slow
def test_no_built_file_carries_an_internal_note(built: dict[Path, str]) -> None:
    names = {path.name for path in built}
    for expected in ("index.html", "search_index.json", "feed.xml", "sitemap.xml", "events.json", "events.csv"):
        assert expected in names, f"the site has no {expected}: the test would check nothing there"
    assert {"timeline.json", "places.geojson", "briefings.schema.json"} <= names
    leaks = [str(path) for path, text in built.items() if HIDDEN in text.lower()]
    assert not leaks, leaks


@pytest.mark.slow
def test_every_public_note_is_on_a_page(built: dict[Path, str]) -> None:
    pages = "".join(text for path, text in built.items() if path.suffix == ".html")
    shown = {part for part in PUBLIC if SHOWN + part in pages}
    assert shown == PUBLIC, f"public notes a reader can find nowhere: {sorted(PUBLIC - shown)}"
