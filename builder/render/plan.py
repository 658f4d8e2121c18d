"""The site's page plan: which pages there are, and what each template is given. One function per section.

No page may carry a list that grows with the archive: sections are split by month, and place,
actor and tag pages show their latest year, with a page per earlier year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from markupsafe import Markup

from .. import derive, escape, exports, metadata, pictures, vocabulary
from ..model import (
    KINDS,
    SINGULAR,
    Claim,
    ControlChange,
    Coordinates,
    Figure,
    Original,
    Repository,
    Role,
    StatusStep,
    Update,
    Wording,
    kinds,
)
from ..model import reference as model_reference
from .engine import Job, Later
from .text import format_day, tag_name
from .views import GLOSSARY_PAGE, QUOTES_DIR, SOURCES_DIR, TIMELINE_DIR, UNDATED, month_key, quote_day, quote_month

BRIEFINGS_DIR = "briefings"
ARCHIVE_DIR = "archive"
ARCHIVE_PAGE = f"{BRIEFINGS_DIR}/index.md"
CORRECTIONS_PAGE = "corrections.md"
TAGS_PAGE = "tags/index.md"
PLACES_PAGE = "places/index.md"
ACTORS_PAGE = "actors/index.md"
DATA_PAGE = "data/index.md"
REFERENCE_PAGE = "reference.md"
HOME_RECENT = 10
# The mappings records are made of, each documented once on the reference page.
PARTS = (StatusStep, Figure, ControlChange, Claim, Update, Wording, Original, Coordinates, Role)


class Plan:
    """The pages planned so far, and what every section reads: the records and what they imply."""

    def __init__(self, repository: Repository, derived: derive.Derived, data_folder: str) -> None:
        self.repository, self.derived, self.data_folder = repository, derived, data_folder
        self.jobs: list[Job] = []
        self.editions = derived.editions
        self.latest_day = self.editions[-1].briefing.as_of if self.editions else None
        self.newest = derive.in_order(repository)[::-1]
        self.quotes_newest = sorted(
            repository.quotes, key=lambda q: (quote_day(repository, q) or date.min, q), reverse=True
        )
        self.palette = _palette(repository, derived.index.knowledge)
        self.names = {actor_id: actor.short_name or actor.name for actor_id, actor in repository.actors.items()}
        self.latest_at = self.editions[-1].at if self.editions else None
        self.holdings = derived.index.control.on(self.latest_at) if self.latest_at else {}
        self.corrections_by_year: dict[int, list[derive.Correction]] = defaultdict(list)
        for correction in derived.corrections:
            self.corrections_by_year[correction.day.year].append(correction)
        self.corrections_pages = _year_pages(CORRECTIONS_PAGE, sorted(self.corrections_by_year, reverse=True))
        year_page = dict(self.corrections_pages)
        self.correction_page = {c.anchor: year_page[c.day.year] for c in derived.corrections}

    def page(self, path: str, template: str, **context: Any) -> None:
        self.jobs.append(Job(path, template, context))


def plan(repository: Repository, derived: derive.Derived, data_folder: str = "briefings") -> list[Job]:
    """Every page to render, given the validated records and what `derive` makes of them."""
    site = Plan(repository, derived, data_folder)
    for section in (briefings, entities, records, registries, corrections, home, archives):
        section(site)
    return site.jobs


def briefings(site: Plan) -> None:
    """A page per dated briefing."""
    repository = site.repository
    briefs = zip(site.editions, site.derived.briefs, strict=True)
    for number, (edition, brief) in enumerate(briefs):
        site.page(
            f"{BRIEFINGS_DIR}/{edition.id}.md", "briefing.md", edition=edition, site=repository.site,
            edit=edit_link(repository, site.data_folder, f"briefings/{edition.id}"),
            brief=brief, previous=site.editions[number - 1] if number else None,
            correction_pages={c.anchor: site.correction_page[c.anchor] for c in brief.corrections},
            pictures=Later(_pictures, edition, site.palette, brief.holdings, site.names, brief.places),
            meta=Later(_front_matter, edition),
        )  # fmt: skip


def entities(site: Plan) -> None:
    """A page per place, actor and tag: its latest year, with a page for each earlier year."""
    repository = site.repository
    event_year = {event_id: repository.events[event_id].date.end.year for event_id in site.newest}
    quote_year = {q: None if (m := quote_month(repository, q)) == UNDATED else int(m[:4]) for q in repository.quotes}

    def listings(path: str, template: str, events: list[str], quotes: list[str], **context: Any) -> None:
        # Undated quotes stay on the entity's own page.
        years = sorted({event_year[e] for e in events} | {quote_year[q] or 0 for q in quotes} - {0}, reverse=True)
        links = _year_pages(path, years)
        latest = years[0] if years else None
        site.page(path, template, year=latest, years=links, events=[e for e in events if event_year[e] == latest],
                  quotes=[q for q in quotes if quote_year[q] in (latest, None)], **context)  # fmt: skip
        for year, year_path in links[1:]:
            site.page(year_path, "year.md", year=year, years=links, main=path,
                      events=[e for e in events if event_year[e] == year],
                      quotes=[q for q in quotes if quote_year[q] == year], **context)  # fmt: skip

    at_place: dict[str, list[str]] = defaultdict(list)
    by_actor: dict[str, list[str]] = defaultdict(list)
    for event_id in site.newest:
        for place_id in repository.events[event_id].places:
            at_place[place_id].append(event_id)
        for actor_id in repository.events[event_id].actors:
            by_actor[actor_id].append(event_id)
    quoted: dict[str, list[str]] = defaultdict(list)
    for quote_id in site.quotes_newest:
        quoted[repository.quotes[quote_id].speaker].append(quote_id)
    control = site.derived.index.control
    for place_id, place in repository.places.items():
        listings(
            f"places/{place_id}.md", "place.md", at_place[place_id], [], title=place.name, place_id=place_id,
            place=place, holding=site.holdings.get(place_id), as_of=site.latest_day, history=control.history(place_id),
        )  # fmt: skip
    claimed: dict[str, list[str]] = defaultdict(list)
    for event_id in site.newest:
        for claimant in dict.fromkeys(c.claimant for c in repository.events[event_id].claims if c.claimant):
            claimed[claimant].append(event_id)
    for actor_id, actor in repository.actors.items():
        listings(f"actors/{actor_id}.md", "actor.md", by_actor[actor_id], quoted[actor_id], title=actor.name,
                 actor_id=actor_id, actor=actor, claimed=claimed[actor_id])  # fmt: skip
    tagged = _tagged(repository, site.newest, site.quotes_newest)
    site.page(TAGS_PAGE, "tags.md", tagged=tagged)
    for tag, (events, quotes) in tagged.items():
        listings(f"tags/{tag}.md", "tag.md", events, quotes, title=f"Tag: {tag_name(tag)}", tag=tag)


# Kinds whose pages the sections above plan, with their editions or their years.
_SECTIONED = frozenset({"briefings", "places", "actors"})


def records(site: Plan) -> None:
    """A page per record of every other kind that has a page template."""
    for kind in kinds():
        if kind.page and kind.folder not in _SECTIONED:
            for record_id, record in site.repository.records(kind.folder).items():
                site.page(f"{kind.folder}/{record_id}.md", kind.page, record_id=record_id, record=record)


def registries(site: Plan) -> None:
    """The places map, the actors, the glossary, the schema reference and the data pages."""
    whole_map = Later(_whole_map, site.holdings, site.names, site.palette, site.latest_day) if site.latest_day else ""
    site.page(PLACES_PAGE, "places.md", as_of=site.latest_day, holdings=site.holdings, map=whole_map)
    site.page(ACTORS_PAGE, "actors.md")
    site.page(GLOSSARY_PAGE, "glossary.md", vocabularies=vocabulary.GLOSSARY)
    # Made from the model's JSON Schemas while the page renders, on whichever core renders it.
    site.page(REFERENCE_PAGE, "reference.md", kinds=Later(_kinds_reference), parts=Later(_parts_reference))
    site.page(DATA_PAGE, "data.md", kinds=exports.kinds_described(), singular=SINGULAR, feed=exports.FEED,
              feed_size=exports.FEED_SIZE)  # fmt: skip


def _kinds_reference(repository: Repository) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """Each kind of record's folder, its name and its fields as the reference page shows them."""
    return [(kind, SINGULAR[kind], model_reference(model)) for kind, model in KINDS.items()]


def _parts_reference(repository: Repository) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """Each part of a record's name, what it is and its fields as the reference page shows them."""
    return [(part.__name__, (part.__doc__ or "").strip().splitlines()[0], model_reference(part)) for part in PARTS]


def corrections(site: Plan) -> None:
    """The corrections log: its latest year, with a page for each earlier year."""
    links = site.corrections_pages
    for year, path in links:
        site.page(path, "corrections.md", corrections=site.corrections_by_year[year], year=year, years=links)
    if not links:
        site.page(CORRECTIONS_PAGE, "corrections.md", corrections=[], year=None, years=[])


def home(site: Plan) -> None:
    """The home page: the latest briefing and the most recent before it."""
    recent = list(reversed(site.editions))
    brief = site.derived.briefs[-1] if recent else None
    pictures: Later | dict[str, str] = {}
    if brief:
        pictures = Later(_pictures, recent[0], site.palette, brief.holdings, site.names, brief.places)
    site.page("index.md", "home.md", latest=recent[0] if recent else None, brief=brief,
              previous=recent[1] if len(recent) > 1 else None, pictures=pictures,
              recent=recent[1 : HOME_RECENT + 1], site=site.repository.site, archive=ARCHIVE_PAGE)  # fmt: skip


def archives(site: Plan) -> None:
    """The sections split by month: briefings, timeline, quotes and sources."""
    repository = site.repository
    monthly(site, ARCHIVE_DIR, ARCHIVE_PAGE, "All briefings", "archive.md",
            _grouped(list(reversed(site.editions)), lambda edition: month_key(edition.briefing.as_of)),
            ("briefing", "briefings"),
            "Every published briefing, by the month of its as-of date, newest first.")  # fmt: skip
    monthly(site, TIMELINE_DIR, f"{TIMELINE_DIR}/index.md", "Timeline", "timeline.md",
            _grouped(site.newest, lambda event_id: month_key(repository.events[event_id].date.end)),
            ("event", "events"),
            "Every recorded event with its current status, by month, newest first.")  # fmt: skip
    monthly(site, QUOTES_DIR, f"{QUOTES_DIR}/index.md", "Quotes", "quotes.md",
            _grouped(site.quotes_newest, lambda quote_id: quote_month(repository, quote_id)), ("quote", "quotes"),
            "Every recorded quote, by month, newest first. Direct and partial quotations are verbatim; "
            "paraphrases are never shown in quotation marks.")  # fmt: skip
    sources = sorted(repository.sources, key=lambda s: (repository.sources[s].published.end, s), reverse=True)
    cited_by = _cited_by(repository)
    monthly(site, SOURCES_DIR, f"{SOURCES_DIR}/index.md", "Sources", "sources.md",
            _grouped(sources, lambda source_id: month_key(repository.sources[source_id].published.end)),
            ("source", "sources"), "Every source the records cite, by month of publication, and what cites it.",
            lambda items: {"cited_by": {source_id: cited_by[source_id] for source_id in items}})  # fmt: skip


def monthly(site: Plan, folder: str, index_page: str, title: str, template: str, groups: dict[str, list[Any]],
            noun: tuple[str, str], intro: str,
            extra: Callable[[list[Any]], dict[str, Any]] = lambda items: {}) -> None:  # fmt: skip
    """A section split by month: an index of the months, newest first, and a page for each.

    `extra` gives a month's page more context from its items: only what that page shows, so an
    edit elsewhere leaves the page as it was.
    """
    keys = sorted(groups, key=lambda key: (key != UNDATED, key), reverse=True)
    for number, key in enumerate(keys):
        newer = keys[number - 1] if number else None
        older = keys[number + 1] if number + 1 < len(keys) else None
        label = _month_label(key)
        site.page(f"{folder}/{key}.md", template, title=f"{title}: {label}", label=label, items=groups[key],
                  newer=newer and (f"{folder}/{newer}.md", _month_label(newer)), index_page=index_page,
                  older=older and (f"{folder}/{older}.md", _month_label(older)), **extra(groups[key]))  # fmt: skip
    years: dict[str, list[tuple[str, str, int]]] = {}
    for key in keys:
        years.setdefault("Undated" if key == UNDATED else key[:4], []).append(
            (f"{folder}/{key}.md", _month_label(key), len(groups[key]))
        )
    site.page(index_page, "months.md", title=title, intro=intro, years=years, noun=noun)


def edit_link(repository: Repository, data_folder: str, record: str) -> Markup | None:
    """The repository page that edits a record's file, when the site names its repository."""
    site = repository.site
    if not site.repository:
        return None
    return escape.url(f"{site.repository.rstrip('/')}/edit/{site.branch}/{data_folder}/{record}.yaml")


def _year_pages(path: str, years: list[int]) -> list[tuple[int, str]]:
    """(year, page) for `years`, newest first: the newest on `path` itself, each earlier one beside it."""
    folder = path.removesuffix(".md")
    return [(year, f"{folder}/{year}.md" if number else path) for number, year in enumerate(years)]


def _grouped(items: list[Any], key: Callable[[Any], str]) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def _month_label(key: str) -> str:
    return "Undated" if key == UNDATED else f"{date(int(key[:4]), int(key[5:]), 1):%B %Y}"


def _used(palette: dict[str, str], holdings: dict[str, derive.Holding]) -> dict[str, str]:
    """The palette entries of the holders on a map, for its legend."""
    holders = {holding.holder for holding in holdings.values()}
    return {holder: colour for holder, colour in palette.items() if holder in holders}


def _tagged(repository: Repository, events: list[str], quotes: list[str]) -> dict[str, tuple[list[str], list[str]]]:
    """Tag -> (event ids, quote ids) carrying it, newest first, tags in order."""
    tagged: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for event_id in events:
        for tag in repository.events[event_id].tags:
            tagged[tag][0].append(event_id)
    for quote_id in quotes:
        for tag in repository.quotes[quote_id].tags:
            tagged[tag][1].append(quote_id)
    return dict(sorted(tagged.items()))


def _palette(repository: Repository, knowledge: derive.Knowledge) -> dict[str, str]:
    """One colour per actor that ever holds a place, the same on every page.

    Handed out in the order the holders became known, so later news never recolours an earlier briefing's map.
    """
    first: dict[str, derive.Key] = {}
    for event_id, event in repository.events.items():
        for change, moments in zip(event.control, knowledge.events[event_id].control, strict=True):
            first[change.to] = min(first.get(change.to, moments[0]), *moments)
    holders = sorted(first, key=lambda holder: (first[holder], holder))
    return pictures.colours(holders, {actor_id: actor.colour for actor_id, actor in repository.actors.items()})


def _whole_map(
    repository: Repository, holdings: dict[str, derive.Holding], names: dict[str, str], palette: dict[str, str],
    day: date,
) -> Markup:  # fmt: skip
    caption = f"Control of places as of {format_day(day)}"
    return pictures.control_map(repository.places, holdings, names, _used(palette, holdings), caption).svg


def _front_matter(repository: Repository, edition: derive.Edition) -> str:
    return metadata.front_matter(metadata.briefing(repository, edition))


def _pictures(
    repository: Repository,
    edition: derive.Edition,
    palette: dict[str, str],
    holdings: dict[str, derive.Holding],
    names: dict[str, str],
    places: set[str],
) -> dict[str, Any]:
    """The briefing's map, the places it cannot draw (`unplaced`, see `pictures.Unplaced`) and its events chart."""
    day = format_day(edition.briefing.as_of)
    used = _used(palette, holdings)
    counts: dict[date, int] = defaultdict(int)
    for event_id in edition.events:
        ended = repository.events[event_id].date.end
        # Events learned of in the period but over before it are listed, not charted: the chart is of the period.
        if edition.since is None or ended >= edition.since:
            counts[ended] += 1
    if edition.since:
        counts.setdefault(max(edition.since, min(counts, default=edition.since)), 0)
    on_map = {place: repository.places[place] for place in sorted(places)}
    # A holding reported before the period may no longer hold: its label says when it was last reported.
    since = edition.since
    last = {place: (h.status.date or repository.events[h.event_id].date).end for place, h in holdings.items()}
    old = {place: when for place, when in last.items() if since is not None and when < since}
    drawn = pictures.control_map(
        on_map, holdings, names, used, f"Control of the places in this briefing as of {day}", last_reported=old
    )
    return {
        "map": drawn.svg,
        "unplaced": drawn.unplaced,
        "chart": pictures.events_chart(dict(counts), f"Events in the period covered, up to {day}"),
    }


def _cited_by(repository: Repository) -> dict[str, tuple[list[str], list[str]]]:
    """Source id -> (ids of the events, ids of the quotes that cite it), each in id order.

    Ids only: the page reads titles from the records, so it depends on them like on any record.
    """
    cited: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for event_id, event in repository.events.items():
        ids = set(event.sources) | {s for step in event.status for s in step.sources}
        ids |= {s for f in event.figures for s in f.sources} | {s for c in event.control for s in c.sources}
        for source_id in ids:
            cited[source_id][0].append(event_id)
    for quote_id, quote in repository.quotes.items():
        for source_id in quote.sources:
            cited[source_id][1].append(quote_id)
    for events, quotes in cited.values():
        events.sort()
        quotes.sort()
    return cited
