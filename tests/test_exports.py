"""Feeds, data exports and page metadata, as the tools that read them see them."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import feedparser
import jsonschema
import pytest

from bench.synthetic import generate
from builder import escape
from builder import exports as exports_module
from builder.exports import FEED_SIZE, _dump, exports, timelinejs
from builder.model import KINDS
from builder.reuse import Memory, Pieces
from builder.validate import validate

from .conftest import SAMPLE, edit


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return exports(validate(SAMPLE), None)


def test_the_feed_lists_both_briefings_with_absolute_links(files: dict[str, str]) -> None:
    feed = feedparser.parse(files["feed.xml"])
    assert not feed.bozo, feed.bozo_exception
    assert [entry.link for entry in feed.entries] == [
        "https://briefings.example.org/briefings/2021-08-13/",
        "https://briefings.example.org/briefings/2021-08-12/",
    ]
    assert feed.entries[0].title == "Afghanistan: situation briefing, 13 August 2021"
    assert feed.feed.title == "Afghanistan situation briefings"


def test_the_feed_carries_only_the_most_recent_briefings(tmp_path: Path) -> None:
    repository = validate(generate(tmp_path / "briefings", 200, briefings=FEED_SIZE + 20))
    feed = feedparser.parse(exports(repository, "https://example.org/")["feed.xml"])
    newest = sorted((b.as_of for b in repository.briefings.values()), reverse=True)[:FEED_SIZE]
    assert [entry.link for entry in feed.entries] == [f"https://example.org/briefings/{day}/" for day in newest]


@pytest.mark.slow
def test_every_page_advertises_the_feed(sample_site: Path) -> None:
    for page in ("index.html", "briefings/2021-08-13/index.html", "places/herat/index.html"):
        markup = (sample_site / page).read_text(encoding="utf-8")
        assert re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="[^"]*feed\.xml"', markup)
    assert (sample_site / "feed.xml").is_file()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_json_exports_validate_against_their_schemas(files: dict[str, str], kind: str) -> None:
    records = json.loads(files[f"data/{kind}.json"])
    schema = json.loads(files[f"data/{kind}.schema.json"])
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(records)
    assert records, kind
    broken = dict(records)
    first = next(iter(broken))
    broken[first] = {**broken[first], "unknown_field": 1}
    assert not jsonschema.Draft202012Validator(schema).is_valid(broken), "the schema is not a check that cannot fail"


def test_files_put_together_from_record_pieces_read_as_one_document_would(files: dict[str, str]) -> None:
    sample = validate(SAMPLE)
    for kind in KINDS:
        records = {
            rid: r.model_dump(mode="json", by_alias=True, exclude_none=True) for rid, r in getattr(sample, kind).items()
        }
        assert files[f"data/{kind}.json"] == _dump(records), kind
    assert files["data/timeline.json"] == _dump(timelinejs(sample))
    rows = list(csv.reader(io.StringIO(files["data/events.csv"])))
    assert len(rows) == len(sample.events) + 1 and all(len(row) == len(rows[0]) for row in rows)


def test_kept_pieces_follow_an_edited_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "briefings"
    shutil.copytree(SAMPLE, data)
    memory, pieces = Memory(), Pieces()
    exports(validate(data, None, memory), None, pieces=pieces)
    pieces.done()
    herat = data / "events" / "herat-captured.yaml"
    herat.write_text(herat.read_text(encoding="utf-8").replace("title: ", "title: Revised, ", 1), encoding="utf-8")
    memory.begin()  # a new build: what the last one read may have changed since
    made: list[str] = []
    real = exports_module._record_json
    monkeypatch.setattr(exports_module, "_record_json", lambda rid, record: made.append(rid) or real(rid, record))
    again = exports(validate(data, None, memory), None, pieces=pieces)
    assert made == ["herat-captured"], "only the edited record's JSON is made again"
    assert again == exports(validate(data), None), "kept pieces give the same files as none"
    assert "Revised, " in json.loads(again["data/events.json"])["herat-captured"]["title"]
    assert "Revised, " in again["data/events.csv"] and "Revised, " in again["data/timeline.json"]


def test_the_csv_has_one_row_per_event(files: dict[str, str]) -> None:
    rows = list(csv.DictReader(io.StringIO(files["data/events.csv"])))
    sample = validate(SAMPLE)
    assert sorted(row["id"] for row in rows) == sorted(sample.events)
    herat = next(row for row in rows if row["id"] == "herat-captured")
    assert (herat["precision"], herat["approximate"], herat["status"]) == ("day", "true", "reported")
    kandahar = next(row for row in rows if row["id"] == "kandahar-city-captured")
    assert (kandahar["precision"], kandahar["start"], kandahar["end"]) == ("range", "2021-08-12", "2021-08-13")


def test_timelinejs_has_one_slide_per_event(files: dict[str, str]) -> None:
    timeline = json.loads(files["data/timeline.json"])
    sample = validate(SAMPLE)
    assert sorted(slide["unique_id"] for slide in timeline["events"]) == sorted(sample.events)
    for slide in timeline["events"]:
        assert set(slide["start_date"]) == {"year", "month", "day"} and slide["text"]["headline"]


def test_geojson_places_carry_control_as_of_the_latest_briefing(files: dict[str, str]) -> None:
    collection = json.loads(files["data/places.geojson"])
    assert collection["type"] == "FeatureCollection"
    by_id = {feature["id"]: feature for feature in collection["features"]}
    kandahar = by_id["kandahar-city"]
    lon, lat = kandahar["geometry"]["coordinates"]
    assert kandahar["geometry"]["type"] == "Point" and 60 < lon < 75 and 29 < lat < 39
    assert (kandahar["properties"]["held_by"], kandahar["properties"]["as_of"]) == ("taliban", "2021-08-13")


@pytest.mark.slow
def test_every_briefing_page_carries_json_ld_that_parses(sample_site: Path) -> None:
    for day in ("2021-08-12", "2021-08-13"):
        markup = (sample_site / "briefings" / day / "index.html").read_text(encoding="utf-8")
        (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', markup, re.S)
        document = json.loads(block)
        assert document["@type"] == "NewsArticle" and day in document["datePublished"]
        assert all(part["@type"] == "Quotation" for part in document["hasPart"])
        assert re.search(r'<meta property="og:title" content="[^"]+">', markup)
    claims = json.loads(re.findall(r'ld\+json">(.*?)</script>',
                                   (sample_site / "briefings/2021-08-12/index.html").read_text(), re.S)[0])  # fmt: skip
    assert {"@type": "Claim", "text": "Taliban claim Herat", "author": {"@type": "Organization", "name": "Taliban"},
            "datePublished": "2021-08-12~"} in claims["mentions"]  # fmt: skip


@pytest.mark.parametrize("attack", ["</script><script>alert(1)</script>", "<!--", "\u2028", "]]>&amp;"])
def test_json_in_a_script_element_cannot_close_it(attack: str) -> None:
    text = str(escape.json_script({"headline": attack}))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"headline": attack}


@pytest.mark.parametrize("value", ['=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)", "\tx"])
def test_csv_cells_are_never_formulas(value: str) -> None:
    assert escape.csv_cell(value).startswith("'")
    assert escape.csv_cell("Kandahar") == "Kandahar"


def test_the_data_page_says_which_files_carry_html_and_which_plain_text(repo: Path) -> None:
    from builder.render import render

    title = "Taliban <b>take</b> Kandahar & more"
    data = repo()
    edit(data / "events" / "kandahar-falls.yaml", "Taliban take Kandahar", f"'{title}'")
    pages = render(validate(data), workers=1)
    assert json.loads(str(pages["data/events.json"]))["kandahar-falls"]["title"] == title
    assert title in str(pages["data/events.csv"])
    slide = json.loads(str(pages["data/timeline.json"]))["events"][0]
    assert slide["text"]["headline"] == "Taliban &lt;b&gt;take&lt;/b&gt; Kandahar &amp; more"
    table = str(pages["data/index.md"]).split("## Text or HTML", 1)[1]
    rows = dict(re.findall(r"^\| (.+?) \| (.+?) \|$", table, re.MULTILINE))
    assert "HTML-escaped" in rows["`timeline.json`"]
    assert rows["the `.json` files and `places.geojson`"].startswith("plain text")
    assert rows["`events.csv`"].startswith("plain text")
    files = {path.rpartition("/")[2] for path in pages if path.startswith("data/") and not path.endswith(".md")}
    named = {"timeline.json", "events.csv", "places.geojson"}
    assert named <= files and all(f.endswith((".json", ".geojson")) for f in files - named)


@pytest.mark.parametrize(
    ("time", "start", "display"),
    [
        ("'22:30'", {"year": "2021", "month": "8", "day": "13", "hour": "22", "minute": "30"}, None),
        ("night", {"year": "2021", "month": "8", "day": "13"}, "2021-08-13, night"),
    ],
)
def test_timelinejs_slides_carry_the_time_of_day(
    repo: Callable[..., Path], time: str, start: dict[str, str], display: str | None
) -> None:
    data = repo()
    edit(data / "events" / "kandahar-falls.yaml", "date: 2021-08-13\n", f"date: 2021-08-13\ntime: {time}\n")
    [slide] = timelinejs(validate(data))["events"]
    assert slide["start_date"] == start
    assert slide.get("display_date") == display
