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
from builder import derive, escape, metadata
from builder import exports as exports_module
from builder.exports import FEED_SIZE, _dump, exports, timelinejs
from builder.model import KINDS
from builder.reuse import Memory, Pieces
from builder.validate import validate

from .conftest import SAMPLE, edit

# BASE's event with all that the knowledge-time model adds: when it became known, claims, later news,
# a new wording, corrections; and a later source published at a time in a zone of its own.
LATER: dict[str, str | None] = {
    "sources/later.yaml": """
        title: Taliban say they hold the whole city
        publisher: AFP
        kind: wire-agency
        published: 2021-08-14
        time: '09:15'
        time_zone: Asia/Kabul
    """,
    "places/kandahar.yaml": "name: Kandahar\nkind: city\ncountry: AF\ncoordinates: {lat: '31.61', lon: '65.71'}\n",
    "events/kandahar-falls.yaml": """
        title: Taliban take Kandahar
        date: 2021-08-13
        reported: 2021-08-13 22:30
        kind: armed-clash
        summary: Heavy clashes <overnight>.
        places: [kandahar]
        actors: [taliban]
        sources: [report]
        status:
          - status: reported
          - status: confirmed
            date: 2021-08-14
            sources: [later]
            correction: The first report named the wrong district.
        claims:
          - kind: responsibility
            claimant: taliban
            sources: [report]
          - kind: characterisation
            text: the city fell without a fight
            by: government
            sources: [report]
        updates:
          - date: 2021-08-14
            time: '09:15'
            text: Fighting <b>stopped</b> & the airport held.
            sources: [later]
        revised:
          - date: 2021-08-14
            title: Taliban take <i>Kandahar city</i>
            sources: [later]
            correction: The city, not the province.
        figures:
          - id: troops
            label: extra US troops
            value: 3,000
            by: government
          - id: troops-revised
            label: extra US troops
            value: 3,500
            by: government
            revises: troops
            sources: [later]
            correction: The Pentagon misstated the number.
        control:
          - place: kandahar
            from: government
            to: taliban
            status:
              - status: reported
                date: 2021-08-13
                time: '22:30'
    """,
}


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
    assert [entry.author for entry in feed.entries] == ["Afghanistan situation briefings"] * 2, "Atom requires one"


def test_a_feed_entry_is_dated_at_its_briefings_as_of_in_its_own_time_zone(repo: Callable[..., Path]) -> None:
    data = repo()
    edit(data / "briefings" / "2021-08-13.yaml", "as_of: 2021-08-13\n",
         "as_of: 2021-08-13\ntime: '22:30'\ntime_zone: Asia/Kabul\n")  # fmt: skip
    feed = feedparser.parse(exports(validate(data), "https://example.org/")["feed.xml"])
    assert not feed.bozo, feed.bozo_exception
    [entry] = feed.entries
    assert entry.published == "2021-08-13T18:00:00+00:00", "22:30 in Kabul is 18:00 UTC"
    assert entry.author == "Situation briefings"


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


def test_json_exports_carry_what_became_known_and_when(repo: Callable[..., Path]) -> None:
    files = exports(validate(repo(LATER)), None)
    event = json.loads(files["data/events.json"])["kandahar-falls"]
    assert event["reported"] == "2021-08-13 22:30"
    assert event["claims"] == [
        {"kind": "responsibility", "claimant": "taliban", "sources": ["report"],
         "status": [{"status": "claimed", "sources": []}]},
        {"kind": "characterisation", "text": "the city fell without a fight", "by": "government",
         "sources": ["report"], "status": [{"status": "claimed", "sources": []}]},
    ]  # fmt: skip
    assert event["updates"] == [{"date": "2021-08-14", "time": "09:15", "sources": ["later"],
                                 "text": "Fighting <b>stopped</b> & the airport held."}]  # fmt: skip
    assert event["revised"] == [{"date": "2021-08-14", "title": "Taliban take <i>Kandahar city</i>",
                                 "sources": ["later"], "correction": "The city, not the province."}]  # fmt: skip
    assert event["status"][1]["correction"] == "The first report named the wrong district."
    assert (event["figures"][1]["revises"], event["figures"][1]["correction"]) == (
        "troops", "The Pentagon misstated the number.")  # fmt: skip
    assert event["control"][0]["status"][0]["time"] == "22:30"
    source = json.loads(files["data/sources.json"])["later"]
    assert (source["published"], source["time"], source["time_zone"]) == ("2021-08-14", "09:15", "Asia/Kabul")
    for kind in ("events", "sources"):
        schema = json.loads(files[f"data/{kind}.schema.json"])
        jsonschema.Draft202012Validator(schema).validate(json.loads(files[f"data/{kind}.json"]))


def test_export_schemas_describe_what_became_known_and_when(files: dict[str, str]) -> None:
    events = json.loads(files["data/events.schema.json"])["$defs"]
    assert {"reported", "claims", "updates", "revised"} <= events["Event"]["properties"].keys()
    for part in ("StatusStep", "Figure", "Update", "Wording"):
        assert "reported" in events[part]["properties"], part
    for part in ("StatusStep", "Figure", "Wording"):
        assert "correction" in events[part]["properties"], part
    assert events["Claim"]["properties"]["kind"]["enum"] == ["characterisation", "responsibility"]
    assert {"claimant", "by", "text", "sources", "status"} <= events["Claim"]["properties"].keys()
    assert {"text", "date"} <= set(events["Update"]["required"])
    sources = json.loads(files["data/sources.schema.json"])["$defs"]["Source"]["properties"]
    assert {"time", "time_zone"} <= sources.keys()
    validator = jsonschema.Draft202012Validator(json.loads(files["data/events.schema.json"]))
    good = {"title": "t", "date": "2021-08-13", "reported": "2021-08-13 night",
            "claims": [{"kind": "responsibility", "claimant": "taliban"}]}  # fmt: skip
    assert validator.is_valid({"e": good})
    for bad in ({"reported": "13 August"}, {"claims": [{"kind": "blame"}]}, {"updates": [{"text": "no date"}]}):
        assert not validator.is_valid({"e": {**good, **bad}}), bad


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


def test_kept_pieces_read_nothing_but_their_own_record(tmp_path: Path) -> None:
    data = tmp_path / "briefings"
    shutil.copytree(SAMPLE, data)
    memory, pieces = Memory(), Pieces()
    exports(validate(data, None, memory), None, pieces=pieces)
    pieces.done()
    # A source's publication moves when its events became known, but none of their rows or slides may show it.
    edit(data / "sources" / "reuters-kandahar-2021-08-13.yaml", "published: 2021-08-13\n",
         "published: 2021-08-12\ntime: '23:00'\n")  # fmt: skip
    memory.begin()
    again = exports(validate(data, None, memory), None, pieces=pieces)
    assert again == exports(validate(data), None)


def test_the_csv_has_one_row_per_event(files: dict[str, str]) -> None:
    rows = list(csv.DictReader(io.StringIO(files["data/events.csv"])))
    sample = validate(SAMPLE)
    assert sorted(row["id"] for row in rows) == sorted(sample.events)
    assert list(rows[0]) == ["id", "date", "precision", "approximate", "start", "end", "time", "reported", "title",
                             "kind", "places", "actors", "status", "status_by", "claimant", "sources"]  # fmt: skip
    herat = next(row for row in rows if row["id"] == "herat-captured")
    assert (herat["precision"], herat["approximate"], herat["status"]) == ("day", "true", "reported")
    assert (herat["status_by"], herat["claimant"], herat["reported"]) == ("", "", ""), "no claims, no `reported`"
    kandahar = next(row for row in rows if row["id"] == "kandahar-city-captured")
    assert (kandahar["precision"], kandahar["start"], kandahar["end"]) == ("range", "2021-08-12", "2021-08-13")


def test_the_csv_names_who_claims_responsibility_and_when_the_event_became_known(repo: Callable[..., Path]) -> None:
    files = exports(validate(repo(LATER)), None)
    [row] = csv.DictReader(io.StringIO(files["data/events.csv"]))
    assert (row["status"], row["status_by"]) == ("confirmed", "")
    assert row["claimant"] == "taliban", "the characterisation's `by` is not a claimant"
    assert row["reported"] == "2021-08-13 22:30"
    assert row["title"] == "Taliban take Kandahar", "the title as written, like data/events.json"
    data = repo(LATER)
    edit(data / "events" / "kandahar-falls.yaml", "  - kind: characterisation",
         "  - kind: responsibility\n    claimant: government\n    sources: [report]\n"
         "  - kind: characterisation")  # fmt: skip
    [row] = csv.DictReader(io.StringIO(exports(validate(data), None)["data/events.csv"]))
    assert row["claimant"] == "taliban;government"
    data = repo()
    edit(data / "events" / "kandahar-falls.yaml", "sources: [report]\n",
         "sources: [report]\nstatus:\n  - status: claimed\n    by: taliban\n")  # fmt: skip
    [row] = csv.DictReader(io.StringIO(exports(validate(data), None)["data/events.csv"]))
    assert (row["status"], row["status_by"], row["claimant"], row["reported"]) == ("claimed", "taliban", "", "")


def test_timelinejs_has_one_slide_per_event(files: dict[str, str]) -> None:
    timeline = json.loads(files["data/timeline.json"])
    sample = validate(SAMPLE)
    assert sorted(slide["unique_id"] for slide in timeline["events"]) == sorted(sample.events)
    for slide in timeline["events"]:
        assert set(slide["start_date"]) == {"year", "month", "day"} and slide["text"]["headline"]
    groups = {slide["unique_id"]: slide["group"] for slide in timeline["events"]}
    assert (groups["herat-captured"], groups["chaman-crossing-closed"]) == ("Capture", "Border closure")


def test_a_slide_shows_the_current_wording_and_the_later_news(repo: Callable[..., Path]) -> None:
    [slide] = timelinejs(validate(repo(LATER)))["events"]
    assert slide["text"]["headline"] == "Taliban take &lt;i&gt;Kandahar city&lt;/i&gt;", "the latest `revised` title"
    assert slide["text"]["text"] == (
        "<p>Heavy clashes &lt;overnight&gt;.</p>"
        "<p>14 August 2021, 09:15: Fighting &lt;b&gt;stopped&lt;/b&gt; &amp; the airport held.</p>"
    )
    assert slide["group"] == "Armed clash"
    [plain] = timelinejs(validate(repo()))["events"]
    assert (plain["text"]["headline"], plain["text"]["text"]) == ("Taliban take Kandahar", ""), "nothing to add"


def test_geojson_places_carry_control_as_of_the_latest_briefing(files: dict[str, str]) -> None:
    collection = json.loads(files["data/places.geojson"])
    assert collection["type"] == "FeatureCollection"
    by_id = {feature["id"]: feature for feature in collection["features"]}
    kandahar = by_id["kandahar-city"]
    lon, lat = kandahar["geometry"]["coordinates"]
    assert kandahar["geometry"]["type"] == "Point" and 60 < lon < 75 and 29 < lat < 39
    assert (kandahar["properties"]["held_by"], kandahar["properties"]["as_of"]) == ("taliban", "2021-08-13")
    assert kandahar["properties"]["known_as_of"] == "2021-08-13", "as of the evening: no clock time is made up"


@pytest.mark.parametrize(
    ("as_of", "held_by", "known_as_of"),
    [
        ("", "taliban", "2021-08-13"),
        ("time: '22:30'\n", "taliban", "2021-08-13T22:30+00:00"),
        ("time: '22:29'\n", None, "2021-08-13T22:29+00:00"),
        ("time: evening\n", None, "2021-08-13"),
        ("time: '23:00'\ntime_zone: Asia/Kabul\n", None, "2021-08-13T23:00+04:30"),
    ],
)
def test_geojson_holdings_are_those_known_at_the_latest_as_of_moment(
    repo: Callable[..., Path], as_of: str, held_by: str | None, known_as_of: str
) -> None:
    # Control of Kandahar was reported at 22:30 UTC (BASE has no site time zone): 23:00 in Kabul is before it.
    data = repo(LATER)
    edit(data / "events" / "kandahar-falls.yaml", "reported: 2021-08-13 22:30\n", "")
    edit(data / "briefings" / "2021-08-13.yaml", "as_of: 2021-08-13\n", f"as_of: 2021-08-13\n{as_of}")
    [feature] = json.loads(exports(validate(data), None)["data/places.geojson"])["features"]
    properties = feature["properties"]
    assert (properties["held_by"], properties["known_as_of"]) == (held_by, known_as_of)
    assert properties["as_of"] == "2021-08-13"


@pytest.mark.slow
def test_every_briefing_page_carries_json_ld_that_parses(sample_site: Path) -> None:
    for day in ("2021-08-12", "2021-08-13"):
        markup = (sample_site / "briefings" / day / "index.html").read_text(encoding="utf-8")
        (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', markup, re.S)
        document = json.loads(block)
        assert document["@type"] == "NewsArticle" and day in document["datePublished"]
        assert all(part["@type"] == "Quotation" for part in document["hasPart"])
        assert re.search(r'<meta property="og:title" content="[^"]+">', markup)


@pytest.mark.parametrize(("source", "mentioned"), [("report", True), ("later", False)])
def test_a_briefing_mentions_the_claims_known_at_its_as_of(
    repo: Callable[..., Path], source: str, mentioned: bool
) -> None:
    # The sample's one claim, Herat's, is known only from sources of the 13th, when it was no longer the latest step.
    data = repo({"sources/later.yaml": LATER["sources/later.yaml"]})
    steps = (
        f"  - status: confirmed\n  - status: claimed\n    date: 2021-08-13\n    by: taliban\n    sources: [{source}]\n"
    )
    edit(data / "events" / "kandahar-falls.yaml", "sources: [report]\n", f"sources: [report]\nstatus:\n{steps}")
    repository = validate(data)
    [edition] = derive.editions(repository)
    document = json.loads(metadata.briefing(repository, edition)["jsonld"])
    claim = {"@type": "Claim", "text": "Taliban take Kandahar", "author": {"@type": "Organization", "name": "Taliban"},
             "datePublished": "2021-08-13"}  # fmt: skip
    assert (claim in document.get("mentions", [])) is mentioned


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
        ("night", {"year": "2021", "month": "8", "day": "13"}, "13 August 2021, night"),
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
