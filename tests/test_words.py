"""Plain words: every code of the model has a label and a definition, and no code reaches a reader.

Codes stay in the data exports meant for programs (JSON, CSV, GeoJSON) and on the editors' schema
reference; pages, the TimelineJS timeline and the feed show the vocabulary's words, and every status
badge links to its entry in the glossary.
"""

from __future__ import annotations

import re
import typing
import xml.etree.ElementTree as ElementTree
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import pytest
from pydantic import BaseModel

from builder import derive, exports, vocabulary
from builder.model import STATUSES, TimeOfDay, records, values
from builder.model import registry as model_registry
from builder.render import format_time
from builder.render.views import _CONTROL_PHRASES, control_phrase
from builder.validate import validate

from .conftest import SAMPLE

# --- the table ---------------------------------------------------------------------------------


def _literals_in(annotation: Any) -> list[Any]:
    """The `Literal` types anywhere in a type annotation."""
    if typing.get_origin(annotation) is Literal:
        return [annotation]
    found = []
    for argument in typing.get_args(annotation):
        found += _literals_in(argument)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found += [literal for field in annotation.model_fields.values() for literal in _literals_in(field.annotation)]
    return found


def _model_literals() -> dict[tuple[str, ...], str]:
    """Every set of codes the model declares, by its codes, with where it was found.

    The `Literal` aliases of the model's modules, those of `derive` that readers meet (what kind of
    revision a change is), and any `Literal` written inline in a field of any record or part of one.
    """
    found: dict[tuple[str, ...], str] = {}
    for module in (records, values):
        for name, value in vars(module).items():
            if typing.get_origin(value) is Literal:
                found[typing.get_args(value)] = f"{module.__name__}.{name}"
    found[typing.get_args(derive.Revision)] = "builder.derive.Revision"
    found[typing.get_args(derive.CorrectionKind)] = "builder.derive.CorrectionKind"
    models = [value for value in vars(records).values() if isinstance(value, type) and issubclass(value, BaseModel)]
    for model in [*models, *model_registry.KINDS.values()]:
        for name, field in model.model_fields.items():
            for literal in _literals_in(field.annotation):
                found.setdefault(typing.get_args(literal), f"{model.__name__}.{name}")
    return found


def test_every_code_of_the_model_has_a_label_and_a_definition() -> None:
    missing = []
    for codes, where in _model_literals().items():
        homes = [v for v in vocabulary.VOCABULARIES if set(codes) <= set(v.codes)]
        if not homes:
            missing.append(f"{where}: no vocabulary words {', '.join(codes)}")
    assert missing == [], "add a Vocabulary to builder/vocabulary.py for each"
    for v in vocabulary.VOCABULARIES:
        assert set(v.terms) == set(v.codes), f"{v.name}: words for exactly the model's codes, {v.codes}"
        for code, term in v.terms.items():
            assert term.label.strip() and term.definition.strip(), (v.name, code)
            # A label is words: no code with its hyphens, no trailing full stop; a definition is a sentence.
            assert not re.search(r"\w-\w", term.label), (v.name, code, term.label)
            assert term.definition.endswith("."), (v.name, code)
        labels = [term.label for term in v.terms.values()]
        assert len(labels) == len(set(labels)), f"{v.name}: two codes read alike"


def test_a_code_added_to_the_model_without_words_is_caught() -> None:
    widened = Literal["confirmed", "rumoured"]
    status = vocabulary.BY_NAME["status"]
    assert not set(typing.get_args(widened)) <= set(status.codes)
    assert vocabulary.label("status", "rumoured") == "rumoured"
    assert vocabulary.label("control", "handed-over") == "handed over"
    assert vocabulary.term("control", "pushed-back").label == "pushed back"


def test_the_glossary_explains_statuses_control_and_revisions() -> None:
    names = [v.name for v in vocabulary.GLOSSARY]
    assert names[:3] == ["status", "control", "revision"]
    assert vocabulary.anchor("control", "handed-over") == "control-handed-over"


def test_countries_are_named() -> None:
    assert vocabulary.country("AF") == "Afghanistan"
    assert vocabulary.country("GB") == "United Kingdom"
    assert vocabulary.country("XK") == "Kosovo"
    table = vocabulary._countries()
    assert len(table) == 250 and all(re.fullmatch(r"[A-Z]{2}", code) and name for code, name in table.items())
    used = {record.country for folder in ("places", "actors") for record in validate(SAMPLE).records(folder).values()}
    assert used - {None} <= set(table)


def test_the_country_table_holds_every_iso_code_babel_knows() -> None:
    babel = pytest.importorskip("babel")
    territories = babel.Locale("en").territories
    # Codes CLDR keeps for regions, groupings and reserved uses, which no place or actor is in.
    reserved = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
    iso = {code for code in territories if re.fullmatch(r"[A-Z]{2}", code)} - reserved
    assert set(vocabulary._countries()) == iso


def test_every_change_of_control_has_its_phrase() -> None:
    assert set(_CONTROL_PHRASES) == set(typing.get_args(records.ControlHow))


@pytest.mark.parametrize("how", typing.get_args(records.ControlHow))
def test_each_change_of_control_reads_as_words(how: str) -> None:
    phrase = control_phrase(how, "Taliban", "Afghan government")
    assert phrase.startswith(vocabulary.label("control", how).split()[0]) or how == "withdrawn"
    assert "Taliban" in phrase and ("Afghan government" in phrase) == (how != "held")
    assert not re.search(r"\w-\w", phrase)


def test_parts_of_the_day_read_as_words() -> None:
    assert format_time(TimeOfDay(part="early-morning")) == "early morning"
    assert format_time(TimeOfDay(part="night")) == "night"


# --- exports for people ------------------------------------------------------------------------

# Codes a reader would not read as words: those with a hyphen, and the lowercase `ngo`.
NOT_WORDS = sorted(
    {code for v in vocabulary.VOCABULARIES for code in v.codes if "-" in code} | {"ngo"}, key=len, reverse=True
)
CODE = re.compile("|".join(rf"(?<![\w-]){re.escape(code)}(?![\w-])" for code in NOT_WORDS))
ISO_DATE = re.compile(r"\b\d{4}-\d{2}\b")


def _codes_in(text: str) -> list[str]:
    return sorted({match.group() for match in CODE.finditer(text)})


def test_the_code_pattern_finds_codes_and_leaves_words() -> None:
    assert _codes_in("Firuz Koh: handed-over by Taliban; an ngo said") == ["handed-over", "ngo"]
    assert _codes_in("handed over to the Taliban by an NGO; power-sharing; up-to-date") == []


@pytest.fixture(scope="module")
def sample() -> Any:
    return validate(SAMPLE)


def test_timelinejs_groups_and_dates_are_words(sample: Any) -> None:
    timeline = exports.timelinejs(sample)
    for slide in timeline["events"]:
        event = sample.events[slide["unique_id"]]
        assert slide["group"] == vocabulary.capital(vocabulary.label("event", event.kind))
        shown = " ".join([slide["group"], slide.get("display_date", ""), *slide["text"].values()])
        assert _codes_in(shown) == [], slide["unique_id"]
        assert not ISO_DATE.search(slide.get("display_date", "")), slide["display_date"]
    dated = {slide["unique_id"]: slide.get("display_date") for slide in timeline["events"]}
    assert dated["kandahar-city-captured"] == "12–13 August 2021, night"


def test_the_feed_carries_no_code(sample: Any) -> None:
    feed = ElementTree.fromstring(exports.atom(sample, "https://example.org/", derive.editions(sample)))
    text = " ".join(element.text or "" for element in feed.iter())
    assert _codes_in(text) == []


# --- the built site ----------------------------------------------------------------------------

# The editors' schema reference lists the codes they type, as `model.reference` words them.
FOR_EDITORS = {"reference/index.html"}
# Country codes that are also everyday abbreviations in the sample's own prose ("US troops").
ABBREVIATIONS = {"US"}
GLOSSARY = "glossary/index.html"


class Page(HTMLParser):
    """A built page as a reader meets it: its visible text (less scripts, styles and code), its status
    badges with the link around each, and its ids."""

    HIDDEN = frozenset({"head", "script", "style", "code", "pre"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.chunks: list[str] = []
        self.links: list[str | None] = []
        self.badge: list[str] | None = None
        self.badges: list[tuple[str, str, str | None]] = []
        self.ids: set[str] = set()
        self.feed(html)
        self.text = " ".join(" ".join(self.chunks).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "a":
            self.links.append(found.get("href"))
        elif tag == "span" and "status" in (found.get("class") or "").split():
            self.badge = [str(found["class"]), ""]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "a" and self.links:
            self.links.pop()
        elif tag == "span" and self.badge is not None:
            self.badges.append((self.badge[0], self.badge[1], self.links[-1] if self.links else None))
            self.badge = None

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.chunks.append(data)
            if self.badge is not None:
                self.badge[1] += data


@cache
def _read(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def _pages(site: Path) -> dict[str, Page]:
    return {path.relative_to(site).as_posix(): _read(path) for path in sorted(site.rglob("*.html"))}


@pytest.mark.slow
def test_no_code_reaches_a_page(sample_site: Path) -> None:
    pages = _pages(sample_site)
    assert len(pages) > 50 and GLOSSARY in pages
    leaks = {path: _codes_in(page.text) for path, page in pages.items() if path not in FOR_EDITORS}
    assert {path: codes for path, codes in leaks.items() if codes} == {}
    repository = validate(SAMPLE)
    countries = {r.country for f in ("places", "actors") for r in repository.records(f).values() if r.country}
    iso = re.compile(rf"\b(?:{'|'.join(sorted(countries - ABBREVIATIONS))})\b")
    shown = {path: sorted(set(iso.findall(page.text))) for path, page in pages.items() if path not in FOR_EDITORS}
    assert {path: codes for path, codes in shown.items() if codes} == {}


@pytest.mark.slow
def test_word_like_codes_show_their_labels(sample_site: Path) -> None:
    repository = validate(SAMPLE)
    words = vocabulary.label
    for place_id, place in repository.places.items():
        text = _read(sample_site / "places" / place_id / "index.html").text
        assert vocabulary.capital(words("place", place.kind)) in text, place_id
        if place.country:
            assert vocabulary.country(place.country) in text, place_id
        if place.coordinates and place.coordinates.precision != "exact":
            assert words("coordinates", place.coordinates.precision) in text, place_id
    for actor_id, actor in repository.actors.items():
        text = _read(sample_site / "actors" / actor_id / "index.html").text
        assert vocabulary.capital(words("actor", actor.kind)) in text, actor_id
        if actor.country:
            assert vocabulary.country(actor.country) in text, actor_id
    sources = " ".join(_read(page).text for page in (sample_site / "sources").rglob("*.html"))
    for source in repository.sources.values():
        assert vocabulary.capital(words("source", source.kind)) in sources
    firuz_koh = _read(sample_site / "places" / "firuz-koh" / "index.html").text
    assert "Handed over to Taliban by Afghan government" in firuz_koh
    assert "provincial capitals" in _read(sample_site / "tags" / "index.html").text


@pytest.mark.slow
def test_every_badge_links_to_its_entry_in_the_glossary(sample_site: Path) -> None:
    pages = _pages(sample_site)
    glossary = pages[GLOSSARY]
    entries = {vocabulary.anchor(v.name, code) for v in vocabulary.GLOSSARY for code in v.codes}
    assert entries <= glossary.ids
    seen = set()
    for path, page in pages.items():
        if path == GLOSSARY:
            continue
        for classes, text, href in page.badges:
            [code] = [c.removeprefix("status--") for c in classes.split() if c.startswith("status--")]
            assert code in STATUSES, (path, classes)
            assert text.startswith(vocabulary.label("status", code)), (path, text)
            assert href is not None, f"{path}: the badge “{text}” links nowhere"
            target = urlsplit(urljoin(f"https://site.test/{path}", href))
            assert target.path == "/glossary/" and target.fragment == f"status-{code}", (path, href)
            assert target.fragment in glossary.ids
            seen.add(code)
    assert {"confirmed", "reported"} <= seen
    home = pages["index.html"]
    assert home.ids and "Glossary" in home.text


def test_the_page_reader_sees_text_badges_and_ids() -> None:
    page = Page(
        '<head><title>handed-over</title></head><p id="x">Kandahar <code>handed-over</code>'
        '<a href="../glossary/#status-claimed"><span class="status status--claimed">claimed by Taliban</span></a>'
        "</p><script>wire-agency</script>"
    )
    assert page.text == "Kandahar claimed by Taliban"
    assert page.badges == [("status status--claimed", "claimed by Taliban", "../glossary/#status-claimed")]
    assert page.ids == {"x"}
