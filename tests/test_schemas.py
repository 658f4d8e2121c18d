"""The JSON Schemas editors use: generated from the model, committed, bound, and in step with the data."""

from __future__ import annotations

import json
import re

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


def test_editor_schemas_carry_what_became_known_and_when() -> None:
    events = json.loads((SCHEMAS / "events.schema.json").read_text())
    parts = events["$defs"]
    assert {"reported", "claims", "updates", "revised"} <= events["properties"].keys()
    assert [events["properties"][key]["items"]["$ref"] for key in ("claims", "updates", "revised")] == [
        "#/$defs/Claim", "#/$defs/Update", "#/$defs/Wording"
    ]  # fmt: skip
    for part in ("StatusStep", "Figure", "Update", "Wording"):
        assert {"reported", "time"} <= parts[part]["properties"].keys(), part
    for part in ("StatusStep", "Figure", "Wording"):
        assert "correction" in parts[part]["properties"], part
    sources = json.loads((SCHEMAS / "sources.schema.json").read_text())
    assert {"time", "time_zone"} <= sources["properties"].keys()
    briefings = json.loads((SCHEMAS / "briefings.schema.json").read_text())
    assert {"time", "time_zone"} <= briefings["properties"].keys()
    quotes = json.loads((SCHEMAS / "quotes.schema.json").read_text())
    assert "reported" in quotes["properties"]


LATER_NEWS = """
title: Taliban claim Herat
date: 2021-08-12~
reported: 2021-08-13 night
sources: [reuters-kandahar-2021-08-13]
status:
  - status: claimed
    by: taliban
  - status: reported
    date: 2021-08-13
    time: '22:30'
    reported: 2021-08-14
    correction: The caption dates the pull-out, not the capture.
    sources: [afp-photo-herat-2021-08-13]
claims:
  - kind: characterisation
    text: government forces pulled out without a fight
    by: taliban
  - kind: responsibility
    claimant: taliban
    status: [{status: claimed, by: taliban}, {status: retracted, date: 2021-08-15, sources: [later]}]
updates:
  - date: 2021-08-16
    time: evening
    text: Herat officials said the city was in Taliban hands.
    sources: [later]
revised:
  - date: 2021-08-16
    title: Taliban take Herat
    correction: The first title called a capture a claim.
    sources: [later]
figures:
  - id: troops
    label: extra US troops
    value: '3,500'
    by: pentagon
    revises: earlier-troops
    reported: 2021-08-14 09:00
    correction: The statement said about 3,500.
"""


def test_an_editor_accepts_later_news_and_refuses_its_mistakes() -> None:
    validator = jsonschema.Draft202012Validator(json.loads((SCHEMAS / "events.schema.json").read_text()))
    good = yaml.load(LATER_NEWS, Loader=yaml.BaseLoader)
    assert not [error.message for error in validator.iter_errors(good)]
    for key, bad in (
        ("reported", "14 August"),
        ("reported", "2021-08-14 25:00"),
        ("claims", [{"kind": "blame"}]),
        ("claims", [{"kind": "responsibility", "claimant": "Taliban"}]),
        ("updates", [{"text": "no date"}]),
        ("updates", [{"date": "2021-08-16", "text": "x", "correction": "updates are news, not corrections"}]),
        ("revised", [{"date": "2021-08-16", "headline": "x"}]),
    ):
        assert not validator.is_valid({**good, key: bad}), (key, bad)


def test_the_schema_reference_reads_as_plain_english() -> None:
    from builder.model import Claim, Event, Figure, StatusStep, Update, Wording, reference

    takes = {
        model.__name__: {row["key"]: row["takes"] for row in reference(model)}
        for model in (Event, StatusStep, Figure, Claim, Update, Wording)
    }
    event = takes["Event"]
    assert event["reported"].startswith("a date, optionally with a time or a part of the day: 2021-08-13, ")
    assert event["date"].startswith("a date: 2021-08-13, 2021-08, 2021 or a range")
    assert event["time"].startswith("a time (22:30, on a 24-hour clock) or a part of the day: early-morning, ")
    assert event["time_zone"] == "a time zone such as Asia/Kabul or UTC"
    assert (event["claims"], event["updates"], event["revised"]) == (
        "a list of Claim mappings", "a list of Update mappings", "a list of Wording mappings"
    )  # fmt: skip
    assert (event["figures"], event["sources"]) == ("a list of Figure mappings", "a list of ids")
    assert event["status"] == (
        "one of confirmed, reported, claimed, unverified, disputed, denied, retracted, or a list of StatusStep mappings"
    )
    assert takes["Claim"]["kind"] == "one of characterisation, responsibility"
    assert takes["Claim"]["status"] == event["status"] and takes["Claim"]["claimant"] == "an id"
    assert takes["Figure"]["value"] == "a number such as 3000, 3,000 or 1.5 million"
    for model in ("StatusStep", "Figure", "Update", "Wording"):
        assert takes[model]["reported"] == event["reported"], model
    for model in ("StatusStep", "Figure", "Wording"):
        assert takes[model]["correction"] == "text", model
    assert takes["Update"]["date"] == event["date"] and takes["Update"]["text"] == "text"
    for model, rows in takes.items():
        for key, words in rows.items():
            # Never "a list of an id" or "a Update mapping".
            assert not re.search(r"\ba [AEIOU]|list of an? ", words), (model, key, words)
