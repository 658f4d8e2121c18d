"""The registry of record kinds: a kind declared there alone is checked, scaffolded, exported and previewed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from builder import pipeline
from builder.cli import main
from builder.model import COLLECTIONS, KINDS, SINGULAR, Day, Event, Kind, Strict, Text, kinds, register, registry
from builder.render import render
from builder.reuse import Memory
from builder.validate import validate

from .conftest import ROOT, SAMPLE, edit, generated, problems_in

TEMPLATES = ROOT / "builder" / "templates"


class Watch(Strict):
    """Something to keep an eye on, from a given day."""

    since: Day
    what: Text | None = None
    until: Day | None = None


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch) -> Kind:
    """A kind no other module knows of, registered for one test: the registry is a copy until the test ends."""
    monkeypatch.setattr(registry, "REGISTRY", dict(registry.REGISTRY))
    return register(Kind("watches", "watch", Watch))


@pytest.fixture
def data(repo: Any, watch: Kind) -> Path:
    folder: Path = repo({"watches/border.yaml": "since: 2021-08-13\nwhat: Torkham crossing\n"})
    return folder


def test_the_views_follow_the_registry(watch: Kind) -> None:
    assert KINDS["watches"] is Watch
    assert SINGULAR["watches"] == "watch"
    assert list(COLLECTIONS) == [*(kind.folder for kind in kinds()), "figures"]
    assert kinds()[-1] is watch


@pytest.mark.parametrize(
    "kind",
    [
        Kind("events", "happening", Event),
        Kind("figures", "number", Watch),
        Kind("site", "setting", Watch),
        Kind("records", "record", Watch),
        Kind("Watches", "watch", Watch),
        Kind("alerts", "figure", Watch),
        Kind("alerts", "alert", Watch, suggested=("whom",)),
    ],
)
def test_a_kind_may_not_take_a_name_in_use(kind: Kind, monkeypatch: pytest.MonkeyPatch) -> None:
    before = dict(registry.REGISTRY)
    monkeypatch.setattr(registry, "REGISTRY", dict(before))
    with pytest.raises(ValueError):
        register(kind)
    assert before == registry.REGISTRY


def test_check_validates_a_new_kind_in_its_folder(data: Path) -> None:
    repository = validate(data)
    assert repository.records("watches") == {
        "border": Watch.model_validate({"since": "2021-08-13", "what": "Torkham crossing"})
    }
    (data / "watches" / "border.yaml").write_text("since: 2021-08-13\nwaht: Torkham crossing\n", encoding="utf-8")
    [problem] = problems_in(data)
    assert (problem.code, problem.line, problem.col) == ("unknown-key", 2, 1)
    assert str(problem).startswith(f"{problem.path}:2:1: ") and problem.path.endswith("watches/border.yaml")
    assert "did you mean 'what'?" in problem.message


def test_new_writes_a_stub_of_a_new_kind_that_validates(data: Path) -> None:
    assert main(["new", "watch", "spin-boldak", "--data", str(data)]) == 0
    text = (data / "watches" / "spin-boldak.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/watches.schema.json\nsince: ")
    assert problems_in(data) == []


def test_a_new_kind_has_its_json_schema(data: Path) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(pipeline.schemas()["watches.schema.json"]))
    record = yaml.load((data / "watches" / "border.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert validator.is_valid(record)
    assert not validator.is_valid({**record, "waht": "x"})
    assert not validator.is_valid({"what": "x"})


def test_a_new_kind_is_exported(data: Path) -> None:
    pages = render(validate(data))
    assert json.loads(pages["data/watches.json"]) == {"border": {"since": "2021-08-13", "what": "Torkham crossing"}}
    assert json.loads(pages["data/watches.schema.json"])["title"] == "watches by id"


def test_the_preview_rebuilds_a_new_kind_as_a_fresh_build_would(data: Path, tmp_path: Path) -> None:
    docs, fresh = tmp_path / "docs", tmp_path / "fresh"
    docs.mkdir()
    fresh.mkdir()
    memory = Memory()
    pipeline.build(data, docs, memory)
    edit(data / "watches" / "border.yaml", "Torkham crossing", "Torkham and Chaman crossings")
    pipeline.build(data, docs, memory)
    pipeline.build(data, fresh)
    assert json.loads(generated(docs)["data/watches.json"])["border"]["what"] == "Torkham and Chaman crossings"
    assert generated(docs) == generated(fresh)


def test_a_new_kind_with_a_page_gets_one_per_record(repo: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "watch.md").write_text("# To watch: {{ record.what }}\n\nSince {{ record.since|day }}.\n", "utf-8")
    monkeypatch.setattr(registry, "REGISTRY", dict(registry.REGISTRY))
    register(Kind("watches", "watch", Watch, page="watch.md", templates=templates))
    folder = repo({"watches/border.yaml": "since: 2021-08-13\nwhat: Torkham <b>crossing</b>\n"})
    page = render(validate(folder), workers=1)["watches/border.md"]
    assert page == "# To watch: Torkham &#60;b&#62;crossing&#60;/b&#62;\n\nSince 13 August 2021.\n"


def test_each_kind_with_a_page_has_one_per_published_record() -> None:
    repository = validate(SAMPLE)
    pages = render(repository)
    for kind in kinds():
        records = repository.records(kind.folder)
        shown = {
            f"{kind.folder}/{record_id}.md"
            for record_id, record in records.items()
            if not getattr(record, "draft", False)
        }
        if kind.page:
            assert (TEMPLATES / kind.page).is_file(), kind
            assert shown <= pages.keys(), kind
        else:
            assert not shown & pages.keys(), kind


def test_a_kinds_own_template_folder_counts_as_the_builders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from builder import stamp

    folder = tmp_path / "watch-templates"
    folder.mkdir()
    (folder / "watch.md").write_text("# {{ record.what }}\n", encoding="utf-8")
    monkeypatch.setattr(registry, "REGISTRY", dict(registry.REGISTRY))
    register(Kind("watches", "watch", Watch, page="watch.md", templates=folder))
    before = stamp.builder(stamp.Hashed())
    (folder / "watch.md").write_text("# Watch: {{ record.what }}\n", encoding="utf-8")
    # An edited template is another builder: its pages, kept by the last build, are made again.
    assert stamp.builder(stamp.Hashed()) != before
