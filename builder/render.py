"""Rendering: the validated repository in, `{page path: Markdown}` out. Pure: nothing touches the disk.

Templates never decide how text is made safe: every value they print passes through `escape.text`
unless it is already escaped Markup (from the `escape` filters or from this module's formatters).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from . import derive, escape, exports, metadata, pictures
from .load import paused_gc
from .model import (
    KINDS,
    NEEDS_CLAIMANT,
    SINGULAR,
    ControlChange,
    Event,
    Figure,
    FuzzyDate,
    Quote,
    Repository,
    Source,
    StatusStep,
    TimeOfDay,
    is_right_to_left,
)
from .model import reference as model_reference

Pages = dict[str, str | bytes]

BRIEFINGS_DIR = "briefings"
TIMELINE_PAGE = "timeline.md"
SOURCES_PAGE = "sources.md"
QUOTES_PAGE = "quotes.md"
CORRECTIONS_PAGE = "corrections.md"
TAGS_PAGE = "tags/index.md"
DATA_PAGE = "data/index.md"
REFERENCE_PAGE = "reference.md"
ARCHIVE_PAGE = f"{BRIEFINGS_DIR}/index.md"
HOME_RECENT = 10


def _finalize(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return escape.text(value)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("builder", "templates"),
        # Autoescape only makes macro output Markup; `_finalize` does the escaping, for Markdown.
        autoescape=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        paragraphs=escape.paragraphs,
        url=escape.url,
        fmtitle=lambda value: Markup(escape.title(value)),
        zone=zone_name,
        anchor=escape.anchor,
        groupby_month=groupby_month,
        when=format_date,
        day=format_day,
    )
    env.globals.update(by_day=_by_day, period=period)
    return env


# --- formatting (plain text; the template escapes it) ----------------------------------------


def format_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def format_date(when: FuzzyDate) -> str:
    start, end = when.start, when.end
    if when.precision == "day":
        text = format_day(start)
    elif when.precision == "month":
        text = f"{start:%B %Y}"
    elif when.precision == "year":
        text = str(start.year)
    elif (start.year, start.month) == (end.year, end.month):
        text = f"{start.day}–{end.day} {end:%B %Y}"
    elif start.year == end.year:
        text = f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    else:
        text = f"{format_day(start)} – {format_day(end)}"
    return f"about {text}" if when.approximate else text


def format_time(moment: TimeOfDay | None) -> str:
    return str(moment) if moment else ""


_SCALE_WORDS = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


def format_number(number: Decimal) -> str:
    for scale, word in _SCALE_WORDS:
        if abs(number) >= scale and (number / scale) == (number / scale).quantize(Decimal("0.1")):
            return f"{(number / scale).normalize():f} {word}"
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():f}"


_QUALIFIERS = {"exactly": "", "about": "about ", "more-than": "more than ", "at-least": "at least ",
               "fewer-than": "fewer than ", "up-to": "up to "}  # fmt: skip


def format_figure(figure: Figure) -> str:
    if figure.value is not None:
        amount = format_number(figure.value)
    else:
        amount = f"{format_number(figure.low or Decimal(0))}–{format_number(figure.high or Decimal(0))}"
        if figure.best is not None:
            amount += f" (best estimate {format_number(figure.best)})"
    unit = f" {figure.unit}" if figure.unit else ""
    return f"{_QUALIFIERS[figure.qualifier]}{amount}{unit}"


# --- source notes ------------------------------------------------------------------------------


class Notes:
    """Numbered source notes for one page, numbered in order of first citation."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.order: list[str] = []

    def cite(self, *groups: list[str]) -> Markup:
        """Footnote references for the given source ids, each source numbered once per page."""
        numbers = []
        for source_id in dict.fromkeys(s for group in groups for s in group):
            if source_id not in self.order:
                self.order.append(source_id)
            numbers.append(self.order.index(source_id) + 1)
        refs = [f"[^{number}]" for number in sorted(numbers)]
        # Adjacent superscripts would read as one number: notes 1 and 2 are not note 12.
        return Markup("<sup>,</sup>".join(refs))

    def definitions(self) -> list[tuple[int, str, Source]]:
        return [(n, sid, self.repository.sources[sid]) for n, sid in enumerate(self.order, 1)]


# --- view helpers -----------------------------------------------------------------------------


class View:
    """What the templates read: names, words for statuses, links, all as plain values."""

    def __init__(self, repository: Repository, page: str) -> None:
        self.repository = repository
        self.page = page
        self.notes = Notes(repository)

    def link(self, target: str, anchor: str = "") -> Markup:
        """A relative link from this page to `target` (a page path), with an optional anchor."""
        here = self.page.split("/")[:-1]
        there = target.split("/")
        common = 0
        while common < min(len(here), len(there) - 1) and here[common] == there[common]:
            common += 1
        relative = "/".join([".."] * (len(here) - common) + there[common:])
        return Markup(relative + (f"#{escape.anchor(anchor)}" if anchor else ""))

    def actor(self, actor_id: str | None) -> str:
        if not actor_id:
            return ""
        actor = self.repository.actors[actor_id]
        return actor.short_name or actor.name

    def place(self, place_id: str) -> str:
        return self.repository.places[place_id].name

    def place_link(self, place_id: str) -> Markup:
        return self.link(f"places/{place_id}.md")

    def actor_link(self, actor_id: str) -> Markup:
        return self.link(f"actors/{actor_id}.md")

    def status_words(self, step: StatusStep) -> str:
        if step.by and (step.status in NEEDS_CLAIMANT or step.status in ("claimed", "reported", "confirmed")):
            return f"{step.status} by {self.actor(step.by)}"
        return step.status

    def history(self, steps: list[StatusStep], fallback: date, until: date | None = None) -> list[dict[str, Any]]:
        shown = [s for s in steps if until is None or (s.date.start if s.date else fallback) <= until]
        return [
            {"words": self.status_words(s), "date": format_date(s.date) if s.date else "", "note": s.note, "step": s}
            for s in shown
        ]

    def event(self, event_id: str, on: date | None = None) -> dict[str, Any]:
        event: Event = self.repository.events[event_id]
        current = derive.status_on(event.status, on, event.date.start) if on else event.status[-1]
        steps = self.history(event.status, event.date.start, on)
        cited = self.notes.cite(event.sources, *[s.sources for s in event.status if s in [x["step"] for x in steps]])
        return {
            "id": event_id,
            "event": event,
            "date": format_date(event.date),
            "time": format_time(event.time),
            "status": current.status,
            "status_words": self.status_words(current),
            "history": steps if len(steps) > 1 else [],
            "note": current.note,
            "places": [(self.place(p), self.link(f"places/{p}.md")) for p in event.places],
            "tags": [(tag, self.link(f"tags/{tag}.md")) for tag in event.tags],
            "control": [self.control(c, event, on) for c in event.control],
            "figures": [self.figure(f.id) for f in event.figures],
            "cite": cited,
        }

    def control(self, change: ControlChange, event: Event, on: date | None) -> dict[str, Any]:
        current = derive.status_on(change.status, on, event.date.start) if on else change.status[-1]
        if change.how == "held":
            words = f"{self.place(change.place)}: still held by {self.actor(change.to)}"
        elif change.from_:
            words = (
                f"{self.place(change.place)}: {change.how} — from {self.actor(change.from_)} to {self.actor(change.to)}"
            )
        else:
            words = f"{self.place(change.place)}: {change.how} by {self.actor(change.to)}"
        return {
            "words": words,
            "status": current.status,
            "status_words": self.status_words(current),
            "cite": self.notes.cite(change.sources, current.sources),
        }

    def figure(self, figure_id: str) -> dict[str, Any]:
        event_id, figure = self.repository.figures[figure_id]
        event = self.repository.events[event_id]
        return {
            "id": figure_id,
            "figure": figure,
            "amount": format_figure(figure),
            "by": self.actor(figure.by),
            "as_of": format_date(figure.as_of or event.date),
            "event_id": event_id,
            "cite": self.notes.cite(figure.sources or event.sources),
        }

    def quote(self, quote_id: str) -> dict[str, Any]:
        quote: Quote = self.repository.quotes[quote_id]
        original = quote.original
        return {
            "id": quote_id,
            "quote": quote,
            "speaker": self.actor(quote.speaker),
            "date": format_date(quote.date) if quote.date else "",
            "original_dir": "rtl" if original and is_right_to_left(original.language) else "ltr",
            "tags": [(tag, self.link(f"tags/{tag}.md")) for tag in quote.tags],
            "cite": self.notes.cite(quote.sources),
        }


def _render(template: str, page: str, view: View, **context: Any) -> str:
    text = _environment().get_template(template).render(view=view, page=page, **context)
    # Trailing spaces would be Markdown line breaks; runs of blank lines are noise in diffs.
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


def edit_link(repository: Repository, data_folder: str, record: str) -> Markup | None:
    """The repository page that edits a record's file, when the site names its repository."""
    site = repository.site
    if not site.repository:
        return None
    return escape.url(f"{site.repository.rstrip('/')}/edit/{site.branch}/{data_folder}/{record}.yaml")


def render(
    repository: Repository, handwritten: dict[str, bytes] | None = None, data_folder: str = "briefings"
) -> Pages:
    """Every page of the site as {path under the generated folder: Markdown text or file bytes}."""
    with paused_gc():
        return _pages(repository, handwritten, data_folder)


def _pages(repository: Repository, handwritten: dict[str, bytes] | None, data_folder: str) -> Pages:
    pages: Pages = dict(handwritten or {})
    editions = derive.editions(repository)
    index = derive.Index(repository)
    palette = _palette(repository, index.control)
    names = {actor_id: actor.short_name or actor.name for actor_id, actor in repository.actors.items()}
    for number, edition in enumerate(editions):
        path = f"{BRIEFINGS_DIR}/{edition.id}.md"
        view = View(repository, path)
        edit = edit_link(repository, data_folder, f"briefings/{edition.id}")
        previous = editions[number - 1] if number else None
        changes = derive.changes(repository, edition, previous, index)
        places = _places_in(repository, edition, changes)
        holdings = index.control.on(edition.briefing.as_of, places)
        pages[path] = _render(
            "briefing.md", path, view, edition=edition, site=repository.site, edit=edit,
            changes=changes, previous=previous, holdings=holdings,
            pictures=_pictures(repository, edition, palette, holdings, names, places),
            meta=metadata.front_matter(metadata.briefing(repository, edition)),
        )  # fmt: skip
    latest_day = editions[-1].briefing.as_of if editions else None
    newest = _newest_first(repository)
    at_place: dict[str, list[str]] = defaultdict(list)
    by_actor: dict[str, list[str]] = defaultdict(list)
    for event_id in newest:
        for place_id in repository.events[event_id].places:
            at_place[place_id].append(event_id)
        for actor_id in repository.events[event_id].actors:
            by_actor[actor_id].append(event_id)
    quoted: dict[str, list[str]] = defaultdict(list)
    for quote_id in _quotes_newest_first(repository):
        quoted[repository.quotes[quote_id].speaker].append(quote_id)
    for place_id in repository.places:
        path = f"places/{place_id}.md"
        pages[path] = _render(
            "place.md", path, View(repository, path), place_id=place_id, place=repository.places[place_id],
            holding=index.control.holding(place_id, latest_day) if latest_day else None, as_of=latest_day,
            history=index.control.history(place_id), events=at_place[place_id],
        )  # fmt: skip
    for actor_id in repository.actors:
        path = f"actors/{actor_id}.md"
        pages[path] = _render(
            "actor.md", path, View(repository, path), actor_id=actor_id, actor=repository.actors[actor_id],
            events=by_actor[actor_id], quotes=quoted[actor_id],
        )  # fmt: skip
    tagged = _tagged(repository)
    view = View(repository, TAGS_PAGE)
    pages[TAGS_PAGE] = _render("tags.md", TAGS_PAGE, view, tagged=tagged)
    for tag, (events, quotes) in tagged.items():
        path = f"tags/{tag}.md"
        pages[path] = _render("tag.md", path, View(repository, path), tag=tag, events=events, quotes=quotes)
    view = View(repository, REFERENCE_PAGE)
    kinds = [(kind, SINGULAR[kind], model_reference(model)) for kind, model in KINDS.items()]
    pages[REFERENCE_PAGE] = _render("reference.md", REFERENCE_PAGE, view, kinds=kinds)
    view = View(repository, DATA_PAGE)
    pages[DATA_PAGE] = _render("data.md", DATA_PAGE, view, kinds=exports.kinds_described(), singular=SINGULAR,
                               feed=exports.FEED)  # fmt: skip
    pages.update(exports.exports(repository, repository.site.url, editions))
    view = View(repository, CORRECTIONS_PAGE)
    pages[CORRECTIONS_PAGE] = _render(
        "corrections.md", CORRECTIONS_PAGE, view, corrections=derive.corrections(repository)
    )
    latest = editions[-1] if editions else None
    view = View(repository, "index.md")
    pages["index.md"] = _render(
        "home.md", "index.md", view, latest=latest, recent=list(reversed(editions))[1 : HOME_RECENT + 1],
        site=repository.site, archive=ARCHIVE_PAGE,
    )  # fmt: skip
    view = View(repository, ARCHIVE_PAGE)
    pages[ARCHIVE_PAGE] = _render("archive.md", ARCHIVE_PAGE, view, editions=list(reversed(editions)))
    view = View(repository, TIMELINE_PAGE)
    pages[TIMELINE_PAGE] = _render(
        "timeline.md", TIMELINE_PAGE, view, days=_by_day(repository, _newest_first(repository))
    )
    view = View(repository, QUOTES_PAGE)
    pages[QUOTES_PAGE] = _render("quotes.md", QUOTES_PAGE, view, quote_ids=_quotes_newest_first(repository))
    view = View(repository, SOURCES_PAGE)
    pages[SOURCES_PAGE] = _render("sources.md", SOURCES_PAGE, view, cited_by=_cited_by(repository))
    return pages


def _tagged(repository: Repository) -> dict[str, tuple[list[str], list[str]]]:
    """Tag -> (event ids, quote ids) carrying it, newest first, tags in order."""
    tagged: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for event_id in _newest_first(repository):
        for tag in repository.events[event_id].tags:
            tagged[tag][0].append(event_id)
    for quote_id in _quotes_newest_first(repository):
        for tag in repository.quotes[quote_id].tags:
            tagged[tag][1].append(quote_id)
    return dict(sorted(tagged.items()))


def _newest_first(repository: Repository) -> list[str]:
    return sorted(repository.events, key=lambda e: derive.event_order(repository.events[e], e), reverse=True)


def _palette(repository: Repository, control: derive.Control) -> dict[str, str]:
    """One colour per actor that ever holds a place, the same on every page."""
    holders = [change.to for changes in control.by_place.values() for _, change in changes]
    return pictures.colours(holders, {actor_id: actor.colour for actor_id, actor in repository.actors.items()})


def _places_in(repository: Repository, edition: derive.Edition, changes: derive.Changes) -> set[str]:
    """The places a briefing reports on: those of its events, of their control changes, of its scope."""
    places = set(edition.briefing.places) | {place for place, _, _ in changes.control_changes}
    for event_id in edition.events:
        event = repository.events[event_id]
        places.update(event.places)
        places.update(change.place for change in event.control)
    return places


def _pictures(
    repository: Repository,
    edition: derive.Edition,
    palette: dict[str, str],
    holdings: dict[str, derive.Holding],
    names: dict[str, str],
    places: set[str],
) -> dict[str, Markup]:
    day = format_day(edition.briefing.as_of)
    holders = {holding.holder for holding in holdings.values()}
    used = {holder: colour for holder, colour in palette.items() if holder in holders}
    counts: dict[date, int] = defaultdict(int)
    for event_id in edition.events:
        counts[repository.events[event_id].date.end] += 1
    if edition.since:
        counts.setdefault(max(edition.since, min(counts, default=edition.since)), 0)
    shown = {place: repository.places[place] for place in sorted(places)}
    return {
        "map": pictures.control_map(
            shown, holdings, names, used, f"Control of the places in this briefing as of {day}"
        ),
        "chart": pictures.events_chart(dict(counts), f"Events per day in the period covered, up to {day}"),
    }


def _by_day(repository: Repository, event_ids: list[str] | tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """Events grouped under the last day they may have happened, newest day first."""
    groups: dict[date, list[str]] = defaultdict(list)
    for event_id in event_ids:
        groups[repository.events[event_id].date.end].append(event_id)
    return [(format_day(day), groups[day]) for day in sorted(groups, reverse=True)]


def _quotes_newest_first(repository: Repository) -> list[str]:
    """Quote ids, dated ones newest first, then undated ones by the date of the first event they concern."""

    def when(quote_id: str) -> date:
        quote = repository.quotes[quote_id]
        if quote.date:
            return quote.date.end
        events = [repository.events[e].date.end for e in quote.events if e in repository.events]
        return max(events, default=date.min)

    return sorted(repository.quotes, key=lambda q: (when(q), q), reverse=True)


def _cited_by(repository: Repository) -> dict[str, list[tuple[str, str, str]]]:
    """Source id -> [(kind, id, title)] of every event and quote that cites it."""
    cited: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for event_id, event in repository.events.items():
        ids = set(event.sources) | {s for step in event.status for s in step.sources}
        ids |= {s for f in event.figures for s in f.sources} | {s for c in event.control for s in c.sources}
        for source_id in ids:
            cited[source_id].append(("event", event_id, event.title))
    for quote_id, quote in repository.quotes.items():
        for source_id in quote.sources:
            cited[source_id].append(("quote", quote_id, quote.text))
    for entries in cited.values():
        entries.sort()
    return cited


def zone_name(zone: str) -> str:
    """'Asia/Kabul' as readers say it: 'Kabul time'."""
    return "UTC" if zone in ("UTC", "Etc/UTC") else zone.rsplit("/", 1)[-1].replace("_", " ") + " time"


def period(edition: derive.Edition) -> str:
    """The period a briefing covers, in words."""
    if edition.since is None:
        return f"everything up to {format_day(edition.briefing.as_of)}"
    if edition.since == edition.briefing.as_of:
        return format_day(edition.since)
    return format_date(FuzzyDate(edition.since, edition.briefing.as_of, "range"))


def groupby_month(editions: list[derive.Edition]) -> list[tuple[str, list[derive.Edition]]]:
    groups: dict[str, list[derive.Edition]] = {}
    for edition in editions:
        groups.setdefault(f"{edition.briefing.as_of:%B %Y}", []).append(edition)
    return list(groups.items())
