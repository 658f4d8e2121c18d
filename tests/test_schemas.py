"""The JSON Schemas editors use: generated from the model, committed, bound, and in step with the data."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from builder import pipeline
from builder.model import KINDS

from .conftest import ROOT, SAMPLE

SCHEMAS = ROOT / "schemas"


def test_committed_schemas_match_the_model() -> None:
    expected = pipeline.schemas()
    committed = {path.name: path.read_text(encoding="utf-8") for path in SCHEMAS.glob("*.json")}
    stale = sorted(name for name in expected.keys() | committed.keys() if expected.get(name) != committed.get(name))
    assert not stale, f"schemas/ is stale for {stale}: run `make schemas` and commit the result"


def test_every_schema_is_bound_to_its_folder_for_editors() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text())
    expected = {f"./schemas/{kind}.schema.json": f"briefings/{kind}/**/*.yaml" for kind in KINDS}
    expected["./schemas/site.schema.json"] = "briefings/site.yaml"
    shown = json.dumps(expected, indent=2)
    assert settings["yaml.schemas"] == expected, f".vscode/settings.json is stale: set yaml.schemas to {shown}"
    assert {schema.removeprefix("./schemas/") for schema in expected} == set(pipeline.schemas())


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_sample_records_satisfy_the_schema_editors_see(kind: str) -> None:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted((SAMPLE / kind).glob("*.yaml"))
    assert files
    for file in files:
        # What an editor's YAML extension sees: plain YAML 1.2 parsing, not our strict loader.
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        errors = [error.message for error in validator.iter_errors(data)]
        assert not errors, f"{file.name}: {errors}"


def test_schema_rejects_what_the_checker_rejects() -> None:
    schema = json.loads((SCHEMAS / "events.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    good = {"title": "t", "date": "2021-08-13", "sources": ["s"]}
    assert validator.is_valid(good)
    for bad in (
        {**good, "sumary": "x"},
        {**good, "date": "13/08/2021"},
        {**good, "status": "maybe"},
        {**good, "places": ["Kandahar City"]},
        {k: v for k, v in good.items() if k != "title"},
    ):
        assert not validator.is_valid(bad), bad
